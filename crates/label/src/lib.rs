//! Label rendering: the QR symbol of a label code (contract §2) and the printed label around it,
//! as a PNG, an SVG, or a streamed A4 PDF of sticker sheets.
//!
//! Pure: no file or network I/O, no clock. The fonts (Noto Sans, Noto Sans Arabic and Noto Sans
//! Tifinagh, SIL Open Font License, see `fonts/OFL.txt`) are compiled in, and the same input
//! always gives the same bytes.
//!
//! How it is built:
//! - `qr`: the two-segment QR (byte-mode URL prefix, numeric-mode code) with the `qrcode` crate
//!   building the symbol and our own scoring of the eight masks. Scoring applies the same
//!   penalty rules as `qrcode`'s `apply_best_mask`, so the symbol is module for module what
//!   `QrCode::with_bits` gives, in ~40 µs instead of ~1.25 ms: the mask search was 96% of the
//!   cost. We kept best-mask selection rather than a fixed mask: the penalty keeps large blank
//!   areas and finder look-alikes out of the symbol, and it no longer costs anything that
//!   matters (see `qr.rs`).
//! - `text`: shaping with rustybuzz (Arabic runs right to left with Noto Sans Arabic, so the
//!   letters join), a small bidi pass for mixed lines, cutting with "…", and glyph outlines
//!   through `ttf_parser::OutlineBuilder`.
//! - `layout`: where the QR and each text line go on a label of any size, in millimetres.
//! - `png`, `svg`, `pdf`: the three outputs. PNG rasterises the outlines with
//!   `ab_glyph_rasterizer`; SVG and PDF keep everything as vector paths, so nothing depends on
//!   the fonts installed where they are opened.
//!
//! Latin brand names are set "bold" by filling each outline twice, shifted by 4% of an em: the
//! embedded fonts stay under 800 KB instead of adding a 500 KB bold face.
//!
//! Nothing is cached between calls besides the parsed fonts and the mask tables: a 300 dpi PNG
//! label takes ~0.55 ms on one core with its QR, well past the 800 labels/s we need, and the PDF
//! writer already draws the text every label of a sheet shares from one Form XObject.

mod inner;
mod layout;
mod pdf;
mod png;
mod qr;
mod svg;
mod text;

pub use inner::{InnerText, inner_sheet};
pub use pdf::{PdfSheet, SheetLayout, StaticText};
pub use png::render_png;
pub use qr::{QrMatrix, qr};
pub use svg::render_svg;
pub use text::Fonts;

use std::fmt;

/// QR error-correction level. M recovers ~15% damage and keeps the usual label at version 7;
/// Q recovers ~25% at the cost of a larger symbol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Ecc {
    #[default]
    M,
    Q,
}

impl fmt::Display for Ecc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ecc::M => "M",
            Ecc::Q => "Q",
        })
    }
}

/// What a label prints besides its QR symbol.
///
/// The product and the lot are what a shopper compares with the verification page, so they are
/// never cut: a long one wraps onto more, smaller lines within its room.
#[derive(Clone, Copy, Debug)]
pub struct LabelText<'a> {
    /// Brand name in Latin script, e.g. "Argane"; printed larger and bold.
    pub brand_latin: &'a str,
    /// Brand name in Arabic, e.g. "أركان"; shaped and set right to left, right-aligned.
    pub brand_arabic: &'a str,
    /// Product description; two lines, or more and smaller when it is long.
    pub product: &'a str,
    /// Lot code, printed whole after "Lot: ".
    pub lot: &'a str,
    /// The expiry line as printed, e.g. "Valable jusqu'au 2028-11-30".
    pub expires: &'a str,
    /// The "scan to verify" line, e.g. "Scannez pour vérifier · امسح للتحقق".
    pub scan: &'a str,
    /// Where to type the short code, e.g. "ou tapez le code sur tasdiq.ma/v".
    pub address: &'a str,
    /// This label's item number.
    pub item: u32,
    /// Number of items in the lot.
    pub quantity: u32,
    /// The word before "n / N", e.g. "item" or "article".
    pub item_word: &'a str,
    /// The short human code, e.g. "0123-4567-89AB-CDEF-G2".
    pub human_code: &'a str,
}

impl<'a> LabelText<'a> {
    /// The part every label of the certificate shares.
    pub fn shared(&self) -> StaticText<'a> {
        StaticText {
            brand_latin: self.brand_latin,
            brand_arabic: self.brand_arabic,
            product: self.product,
            lot: self.lot,
            expires: self.expires,
            scan: self.scan,
            address: self.address,
            quantity: self.quantity,
            item_word: self.item_word,
            margin: "",
            pages: 0,
        }
    }
}

/// Why a label could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    #[error(
        "the QR content ({prefix_bytes} bytes of URL and {digits} digits) is larger than a QR \
         code holds at error-correction level {ecc}"
    )]
    DataTooLong {
        prefix_bytes: usize,
        digits: usize,
        ecc: Ecc,
    },
    #[error("the label code is empty")]
    EmptyCode,
    #[error(
        "the label code must contain only the digits 0-9; found {found:?} at position {position}"
    )]
    NotDigits { position: usize, found: char },
    #[error("the resolution must be between {min} and {max} dpi; got {0}", min = png::MIN_DPI, max = png::MAX_DPI)]
    BadDpi(u32),
    #[error(
        "a version {version} QR code does not fit a 25 mm label at {dpi} dpi with whole-pixel \
         modules; use a higher resolution"
    )]
    QrTooDense { version: i16, dpi: u32 },
    #[error("QR encoding failed: {0}")]
    Qr(qrcode::types::QrError),
    #[error("PNG encoding failed: {0}")]
    Png(#[from] image::ImageError),
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::LabelText;

    /// A deterministic 207-digit code.
    pub fn digits(seed: u64) -> String {
        let mut x = seed ^ 0x9e37_79b9_7f4a_7c15;
        (0..207)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'0' + ((x >> 33) % 10) as u8)
            })
            .collect()
    }

    pub const PREFIX: &str = "http://127.0.0.1:8080/v/";

    pub fn text(item: u32) -> LabelText<'static> {
        LabelText {
            brand_latin: "Argane",
            brand_arabic: "أركان",
            product: "Huile d'argan alimentaire 250 ml, première pression à froid",
            lot: "L2026-11-A",
            expires: "Valable jusqu'au 2028-11-30",
            scan: "Scannez pour vérifier · امسح للتحقق",
            address: "ou tapez le code sur tasdiq.example/v",
            item,
            quantity: 500,
            item_word: "item",
            human_code: "0123-4567-89AB-CDEF-G2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testutil::{PREFIX, digits, text};
    use super::*;

    /// Pseudo-random text from characters that have broken text renderers before: joining
    /// Arabic, marks, bidi controls, controls, astral characters, huge ligatures, XML specials.
    fn nasty(seed: &mut u64, max: usize) -> String {
        const POOL: &[&str] = &[
            "a", "É", " ", "  ", "أ", "ر", "ك", "ا", "ن", "ـ", "\u{064B}", "\u{0301}", "\u{202E}",
            "\u{200D}", "\u{200C}", "\u{0}", "\n", "\t", "😀", "🇲🇦", "ﷺ", "\u{FDFD}", "ⵣ", "漢",
            "<", "&", "\"", "'", "]]>", "…", "1", "٣", "(", ")", "-", "/", "\u{FFFF}", "\u{E000}",
        ];
        let mut next = || {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (*seed >> 33) as usize
        };
        let len = next() % max;
        (0..len).map(|_| POOL[next() % POOL.len()]).collect()
    }

    #[test]
    fn any_text_renders_in_every_format() {
        let m = qr(PREFIX, &digits(11), Ecc::M).unwrap();
        let mut seed = 7;
        let fonts = Fonts::embedded();
        for round in 0..60 {
            let fields: Vec<String> = (0..9).map(|_| nasty(&mut seed, 90)).collect();
            let t = LabelText {
                brand_latin: &fields[0],
                brand_arabic: &fields[1],
                product: &fields[2],
                lot: &fields[3],
                expires: &fields[6],
                scan: &fields[7],
                address: &fields[8],
                item: round,
                quantity: u32::MAX - round,
                item_word: &fields[4],
                human_code: &fields[5],
            };
            let svg = render_svg(&m, &t);
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
            assert!(!svg.contains('\u{0}') && !svg.contains("\u{202E}"));
            if round % 10 == 0 {
                render_png(&m, &t, 72 + round * 15).unwrap();
            }
            let statics = StaticText {
                margin: &fields[6],
                pages: round,
                ..t.shared()
            };
            let mut sheet = PdfSheet::new(SheetLayout::A4_2x5, statics, fonts);
            let mut pdf = sheet.page(&[(round, m.clone(), fields[5].clone())]);
            pdf.extend(sheet.finish());
            assert!(pdf.ends_with(b"%%EOF\n"));
        }
    }

    #[test]
    fn errors_say_what_to_do() {
        let m = qr(PREFIX, &digits(1), Ecc::M).unwrap();
        let e = render_png(&m, &text(1), 2400).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the resolution must be between 72 and 1200 dpi; got 2400"
        );
        let e = qr(PREFIX, &"1".repeat(9000), Ecc::Q).unwrap_err();
        assert!(e.to_string().contains("9000 digits"), "{e}");
    }
}

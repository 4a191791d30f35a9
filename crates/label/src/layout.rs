//! Where things go on a label of any size, in millimetres from its top-left corner: a square QR
//! area on the left (quiet zone included), text lines on the right.
//!
//! The text block is split in two: the lines every label of a certificate shares (brands,
//! product, lot, expiry, the "scan to verify" line, the address for typing the short code) hang
//! from the top, and the per-label lines (item n / N, human code) stand on the
//! bottom, so the shared part can be laid out once (the PDF draws it from one Form XObject) and
//! never depends on the per-label part.

use super::text::{FontId, Fonts, Shaped, clean};
use super::{LabelText, StaticText};

/// Shift of the second fill that makes "bold", in ems.
pub(crate) const BOLD_SHIFT: f32 = 0.04;

/// One glyph on the label.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Placed {
    pub font: FontId,
    pub id: u16,
    /// Pen position of the glyph origin, mm from the left edge.
    pub x: f32,
    /// Baseline, mm from the top edge.
    pub y: f32,
    /// Millimetres per em.
    pub size: f32,
    /// Filled a second time `BOLD_SHIFT` ems to the right.
    pub bold: bool,
}

/// Line boxes in text units: (font size, line height, baseline from the top of the box).
const BRAND_LATIN: (f32, f32, f32) = (3.3, 4.0, 3.15);
const BRAND_ARABIC: (f32, f32, f32) = (3.2, 4.6, 3.05);
const SMALL: (f32, f32, f32) = (2.1, 2.6, 2.0);
const CODE: (f32, f32, f32) = (2.3, 2.8, 2.2);
/// Lines of `SMALL` text: product (2), lot, expiry, scan, address, item.
const SMALL_LINES: f32 = 7.0;
/// Height of the whole text block, in text units.
const BLOCK: f32 = BRAND_LATIN.1 + BRAND_ARABIC.1 + SMALL_LINES * SMALL.1 + CODE.1;
/// The smallest a never-cut field gets, as a share of its normal size. At the longest the
/// registry accepts (200 characters of product, 64 of lot) the text fits well above this.
const MIN_SCALE: f32 = 0.3;
/// Width the text sizes were chosen for, in text units.
const BLOCK_WIDTH: f32 = 24.0;

/// The geometry of one label size.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Geometry {
    pub width: f32,
    pub height: f32,
    /// Side of the square QR area at the left edge, quiet zone included.
    pub qr_side: f32,
    text_left: f32,
    text_right: f32,
    text_top: f32,
    text_bottom: f32,
    /// Millimetres per text unit.
    unit: f32,
}

impl Geometry {
    pub fn new(width: f32, height: f32) -> Geometry {
        let qr_side = height.min(width * 0.55);
        let margin = height * 0.04;
        let (text_left, text_right) = (qr_side, width - margin);
        let text_height = height - 2.0 * margin;
        let unit = (text_height / BLOCK).min((text_right - text_left) / BLOCK_WIDTH);
        let text_top = margin + (text_height - BLOCK * unit) / 2.0;
        Geometry {
            width,
            height,
            qr_side,
            text_left,
            text_right,
            text_top,
            text_bottom: text_top + BLOCK * unit,
            unit,
        }
    }

    fn text_width(&self) -> f32 {
        self.text_right - self.text_left
    }

    /// Module size and top-left corner of the symbol (inside its 4-module quiet zone) for a QR
    /// `modules` wide.
    pub fn qr_modules(&self, modules: usize) -> (f32, f32, f32) {
        let module = self.qr_side / modules.saturating_add(8) as f32;
        let top = (self.height - self.qr_side) / 2.0;
        (module, 4.0 * module, top + 4.0 * module)
    }

    /// The lines shared by every label of a certificate.
    pub fn static_glyphs(&self, fonts: &Fonts, text: &StaticText) -> Vec<Placed> {
        let mut out = Vec::new();
        let max = self.text_width();
        let mut top = self.text_top;

        let (size, height, baseline) = self.scaled(BRAND_LATIN);
        let latin = fonts.fit(
            &clean(text.brand_latin),
            max / size - BOLD_SHIFT,
            Some(false),
        );
        self.place(&mut out, &latin, size, top + baseline, false, true);
        top += height;

        let (size, height, baseline) = self.scaled(BRAND_ARABIC);
        let arabic = fonts.fit(&clean(text.brand_arabic), max / size, Some(true));
        self.place(&mut out, &arabic, size, top + baseline, true, false);
        top += height;

        let lot = clean(text.lot);
        let lot = if lot.is_empty() {
            lot
        } else {
            format!("Lot: {lot}")
        };
        for (line, rooms) in [
            (clean(text.product), 2),
            (lot, 1),
            (clean(text.expires), 1),
            (clean(text.scan), 1),
            (clean(text.address), 1),
        ] {
            top += self.whole(&mut out, fonts, &line, rooms, top);
        }
        out
    }

    /// Sets `text` whole in `rooms` lines of small text from `top`: at full size if it fits,
    /// else wrapped onto more, smaller lines in the same height. Never cut. Returns the height
    /// of the rooms.
    fn whole(
        &self,
        out: &mut Vec<Placed>,
        fonts: &Fonts,
        text: &str,
        rooms: usize,
        top: f32,
    ) -> f32 {
        let (size, height, baseline) = self.scaled(SMALL);
        let room = rooms as f32 * height;
        if text.is_empty() {
            return room;
        }
        let max = self.text_width();
        let mut scale = 1.0_f32;
        loop {
            let lines = fonts.wrap(text, max / (size * scale), None);
            let need = lines.len() as f32 * height * scale;
            if need <= room * 1.001 || scale <= MIN_SCALE {
                let mut y = top;
                for line in &lines {
                    self.place(out, line, size * scale, y + baseline * scale, false, false);
                    y += height * scale;
                }
                return room;
            }
            scale *= 0.94;
        }
    }

    /// Every line of one label: the shared ones, then its own.
    pub fn glyphs(&self, fonts: &Fonts, text: &LabelText) -> Vec<Placed> {
        let mut glyphs = self.static_glyphs(fonts, &text.shared());
        glyphs.extend(self.item_glyphs(
            fonts,
            text.item_word,
            text.item,
            text.quantity,
            text.human_code,
        ));
        glyphs
    }

    /// The lines that change from label to label: "item n / N" and the human code.
    pub fn item_glyphs(
        &self,
        fonts: &Fonts,
        item_word: &str,
        item: u32,
        quantity: u32,
        human_code: &str,
    ) -> Vec<Placed> {
        let mut out = Vec::new();
        let word = clean(item_word);
        let line = if word.is_empty() {
            format!("{item} / {quantity}")
        } else {
            format!("{word} {item} / {quantity}")
        };
        let (code_size, code_height, code_baseline) = self.scaled(CODE);
        let (size, height, baseline) = self.scaled(SMALL);
        let top = self.text_bottom - code_height - height;
        self.shrink_to_fit(&mut out, fonts, &line, size, top + baseline);
        let top = self.text_bottom - code_height;
        self.shrink_to_fit(
            &mut out,
            fonts,
            &clean(human_code),
            code_size,
            top + code_baseline,
        );
        out
    }

    fn scaled(&self, (size, height, baseline): (f32, f32, f32)) -> (f32, f32, f32) {
        (size * self.unit, height * self.unit, baseline * self.unit)
    }

    /// Sets a line at `size`, or smaller (down to 60%) if that is what it takes to show it
    /// whole; cuts it only below that.
    fn shrink_to_fit(
        &self,
        out: &mut Vec<Placed>,
        fonts: &Fonts,
        text: &str,
        size: f32,
        baseline: f32,
    ) {
        let max = self.text_width();
        let shaped = fonts.shape(text, None);
        if shaped.width * size <= max {
            self.place(out, &shaped, size, baseline, false, false);
            return;
        }
        let smallest = size * 0.6;
        let fitted = if shaped.width > 0.0 {
            max / shaped.width
        } else {
            size
        };
        if fitted >= smallest {
            self.place(out, &shaped, fitted, baseline, false, false);
        } else {
            let cut = fonts.fit(text, max / smallest, None);
            self.place(out, &cut, smallest, baseline, false, false);
        }
    }

    fn place(
        &self,
        out: &mut Vec<Placed>,
        line: &Shaped,
        size: f32,
        baseline: f32,
        right: bool,
        bold: bool,
    ) {
        let width = (line.width + if bold { BOLD_SHIFT } else { 0.0 }) * size;
        let left = if right {
            self.text_right - width
        } else {
            self.text_left
        };
        out.extend(line.glyphs.iter().map(|g| Placed {
            font: g.font,
            id: g.id,
            x: left + g.x * size,
            y: baseline - g.y * size,
            size,
            bold,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::text;

    #[test]
    fn text_stays_inside_the_text_area() {
        let fonts = Fonts::embedded();
        for (w, h) in [(50.0, 25.0), (70.0, 37.0), (105.0, 57.0)] {
            let g = Geometry::new(w, h);
            let t = text(123);
            let mut glyphs = g.static_glyphs(fonts, &t.shared());
            glyphs.extend(g.item_glyphs(fonts, "article", 499, 500, t.human_code));
            assert!(glyphs.len() > 40);
            for p in &glyphs {
                let advance = fonts
                    .face(p.font)
                    .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(p.id))
                    .unwrap_or(0);
                let em = f32::from(fonts.face(p.font).units_per_em());
                assert!(p.x >= g.qr_side - 0.01, "{p:?}");
                assert!(p.x + f32::from(advance) / em * p.size <= w + 0.01, "{p:?}");
                assert!(p.y > 0.0 && p.y < h, "{p:?}");
            }
            let (module, x, y) = g.qr_modules(45);
            assert!(module >= 0.4);
            assert!(x + 49.0 * module <= g.qr_side + 0.001 && y + 49.0 * module <= h + 0.001);
        }
    }

    #[test]
    fn long_products_and_lots_are_wrapped_and_shrunk_never_cut() {
        let fonts = Fonts::embedded();
        let ellipsis = fonts.shape("…", None).glyphs[0].id;
        // The longest the registry accepts: 200 characters of product, 64 of lot (one word).
        let product: String = "Huile d'argan alimentaire première pression à froid, "
            .repeat(4)
            .chars()
            .take(200)
            .collect();
        let lot = "L2026-11-A-COOPERATIVE-TAMUNT-N-IFERD-AGADIR-IDA-OUTANANE-000042";
        assert_eq!(lot.len(), 64);
        for (w, h) in [(50.0, 25.0), (70.0 - 3.0, 37.0 - 3.0), (105.0, 57.0)] {
            let g = Geometry::new(w, h);
            let (_, line, _) = g.scaled(SMALL);
            for (text, rooms) in [(product.trim(), 2), (lot, 1)] {
                let mut out = Vec::new();
                let top = g.text_top + 10.0;
                let used = g.whole(&mut out, fonts, text, rooms, top);
                assert!((used - rooms as f32 * line).abs() < 1e-4);
                let inked = fonts
                    .shape(text, None)
                    .glyphs
                    .iter()
                    .filter(|p| p.advance > 0.0 && fonts.outline(p.font, p.id).is_some())
                    .count();
                let placed = out
                    .iter()
                    .filter(|p| fonts.outline(p.font, p.id).is_some())
                    .count();
                assert_eq!(
                    placed, inked,
                    "{w}×{h}: every letter of {text:?} is printed"
                );
                assert!(out.iter().all(|p| p.id != ellipsis), "no ellipsis");
                for p in &out {
                    let advance = fonts
                        .face(p.font)
                        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(p.id))
                        .unwrap_or(0);
                    let em = f32::from(fonts.face(p.font).units_per_em());
                    assert!(p.x + f32::from(advance) / em * p.size <= g.text_right + 0.01);
                    assert!(p.y > top && p.y <= top + used, "{p:?} outside its room");
                    assert!(p.size >= line * MIN_SCALE * 0.5, "{p:?}");
                }
            }
        }
    }
}

//! A4 sheets of sticker labels as a PDF written in a stream: the caller sends `begin()`, then
//! each `page()` as soon as it is made, then `finish()`. Only object offsets, page ids and the
//! glyph objects' ids are kept between calls, so a 100,000-label sheet needs no more memory than
//! a 10-label one (printpdf, by contrast, holds the whole document until it is saved).
//!
//! Everything is vector: QR modules are rectangles (one filled path per QR, one rectangle per
//! horizontal run), text is glyph outlines. The text every label shares (brands, product, lot)
//! is one Form XObject per document, drawn on each label with `Do`; each glyph of the per-label
//! lines (item n / N, human code) is a small Form XObject of its own, written the first time it
//! is used, so a label costs a few dozen `Do` operators rather than its outlines again. Content
//! streams are Flate-compressed. The catalog asks viewers not to scale when printing, so labels
//! land on the stickers.

use std::collections::BTreeMap;
use std::fmt::Write;

use miniz_oxide::deflate::compress_to_vec_zlib;

use super::QrMatrix;
use super::layout::{BOLD_SHIFT, Geometry, Placed};
use super::svg::push_num;
use super::text::{FontId, Fonts, Outline, Segment};

/// Sticker sheet formats.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SheetLayout {
    /// 24 labels of 70 × 37 mm, 3 across and 8 down.
    A4_3x8,
    /// 10 labels of 105 × 57 mm, 2 across and 5 down.
    A4_2x5,
}

impl SheetLayout {
    /// Parses the query-string names `3x8` and `2x5`.
    pub fn parse(name: &str) -> Option<SheetLayout> {
        match name {
            "3x8" => Some(SheetLayout::A4_3x8),
            "2x5" => Some(SheetLayout::A4_2x5),
            _ => None,
        }
    }

    /// The name `parse` accepts.
    pub fn name(&self) -> &'static str {
        match self {
            SheetLayout::A4_3x8 => "3x8",
            SheetLayout::A4_2x5 => "2x5",
        }
    }

    /// Labels on one sheet.
    pub fn per_page(&self) -> usize {
        let (cols, rows, _, _) = self.grid();
        cols * rows
    }

    /// Columns, rows, label width and height in mm. Both sheets are full-bleed across; the
    /// leftover height is split between top and bottom.
    pub(crate) fn grid(&self) -> (usize, usize, f32, f32) {
        match self {
            SheetLayout::A4_3x8 => (3, 8, 70.0, 37.0),
            SheetLayout::A4_2x5 => (2, 5, 105.0, 57.0),
        }
    }
}

/// What every label of the sheet shares (the fields are those of [`crate::LabelText`]), and
/// the line in each page's margin that tells a print shop which page it holds.
#[derive(Clone, Copy, Debug)]
pub struct StaticText<'a> {
    pub brand_latin: &'a str,
    pub brand_arabic: &'a str,
    pub product: &'a str,
    pub lot: &'a str,
    pub expires: &'a str,
    pub scan: &'a str,
    pub address: &'a str,
    pub quantity: u32,
    /// The word before "n / N", e.g. "item" or "article".
    pub item_word: &'a str,
    /// The margin line of each page, with `{first}`, `{last}` (the page's item range),
    /// `{page}` and `{pages}` filled in, e.g. "Certificat 12 · Lot L-1 · articles
    /// {first}–{last} · page {page}/{pages}". Set as real PDF text (Helvetica, so search and
    /// `pdftotext` find it); characters Windows-1252 lacks become "?". Empty: no margin line.
    pub margin: &'a str,
    /// Total pages of the document, for `{pages}`.
    pub pages: u32,
}

const A4_MM: (f32, f32) = (210.0, 297.0);
/// Blank border inside each sticker, in mm: die-cutting drifts by about a millimetre, and the
/// outer columns of a full-bleed sheet sit in most printers' unprintable margin.
const PADDING: f32 = 1.5;
const PT_PER_MM: f32 = 72.0 / 25.4;
const CATALOG: u32 = 1;
const PAGES: u32 = 2;
const RESOURCES: u32 = 3;
const STATIC_FORM: u32 = 4;
const FIRST_FREE: u32 = 5;
/// zlib level for content streams. Measured on a 1,000-label sheet: level 1 takes 100 ms for
/// 2.2 MB, 3 takes 155 ms for 1.4 MB, 6 takes 430 ms for 1.2 MB.
const DEFLATE_LEVEL: u8 = 3;

/// A streaming writer of one PDF of label sheets.
pub struct PdfSheet<'a> {
    layout: SheetLayout,
    text: StaticText<'a>,
    fonts: &'a Fonts,
    geometry: Geometry,
    /// Byte offset of each object, indexed by object number (0 unused).
    offsets: Vec<u64>,
    /// Bytes handed to the caller so far.
    written: u64,
    pages: Vec<u32>,
    /// The Form XObject of each per-label glyph, `None` for glyphs without ink.
    glyphs: BTreeMap<(FontId, u16), Option<u32>>,
    begun: bool,
}

impl<'a> PdfSheet<'a> {
    pub fn new(layout: SheetLayout, static_text: StaticText<'a>, fonts: &'a Fonts) -> Self {
        let (_, _, w, h) = layout.grid();
        PdfSheet {
            layout,
            text: static_text,
            fonts,
            geometry: Geometry::new(w - 2.0 * PADDING, h - 2.0 * PADDING),
            offsets: vec![0; FIRST_FREE as usize],
            written: 0,
            pages: Vec::new(),
            glyphs: BTreeMap::new(),
            begun: false,
        }
    }

    /// The header, the catalog and the shared text. Calling it is optional: `page` and
    /// `finish` start the document themselves if needed, and a second call returns nothing.
    pub fn begin(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.begin_into(&mut out);
        self.written += out.len() as u64;
        out
    }

    /// One sheet of up to `per_page()` labels: `(item, QR, human code)`. More labels make more
    /// sheets; an empty slice makes none. Send the bytes in the order they are returned.
    pub fn page(&mut self, labels: &[(u32, QrMatrix, String)]) -> Vec<u8> {
        let mut out = Vec::new();
        self.begin_into(&mut out);
        for sheet in labels.chunks(self.layout.per_page()) {
            self.write_page(&mut out, sheet);
        }
        self.written += out.len() as u64;
        out
    }

    /// The page tree, the shared resources, the cross-reference table and the trailer.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.begin_into(&mut out);
        if self.pages.is_empty() {
            // A PDF needs at least one page; an empty sheet says what was asked for.
            self.write_page(&mut out, &[]);
        }
        let mut kids = String::new();
        for id in &self.pages {
            let _ = write!(kids, "{id} 0 R ");
        }
        let pages = format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.trim_end(),
            self.pages.len()
        );
        self.object(&mut out, PAGES, &pages, None);
        let mut xobjects = format!("/S {STATIC_FORM} 0 R");
        for id in self.glyphs.values().flatten() {
            let _ = write!(xobjects, " /G{id} {id} 0 R");
        }
        let resources = format!(
            "<< /ProcSet [/PDF /Text] /XObject << {xobjects} >> /Font << /F1 << /Type /Font \
             /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >>"
        );
        self.object(&mut out, RESOURCES, &resources, None);

        let xref = self.written + out.len() as u64;
        let count = self.offsets.len();
        let _ = write!(Bytes(&mut out), "xref\n0 {count}\n0000000000 65535 f \n");
        for offset in &self.offsets[1..] {
            let _ = writeln!(Bytes(&mut out), "{offset:010} 00000 n ");
        }
        let _ = write!(
            Bytes(&mut out),
            "trailer\n<< /Size {count} /Root {CATALOG} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        out
    }

    fn begin_into(&mut self, out: &mut Vec<u8>) {
        if self.begun {
            return;
        }
        self.begun = true;
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
        self.object(
            out,
            CATALOG,
            &format!(
                "<< /Type /Catalog /Pages {PAGES} 0 R /ViewerPreferences << /PrintScaling /None >> >>"
            ),
            None,
        );
        let glyphs = self.geometry.static_glyphs(self.fonts, &self.text);
        let mut content = String::new();
        for glyph in &glyphs {
            self.static_glyph(&mut content, glyph);
        }
        let (w, h) = (
            self.geometry.width * PT_PER_MM,
            self.geometry.height * PT_PER_MM,
        );
        let mut dict = String::from("<< /Type /XObject /Subtype /Form /BBox [0 0 ");
        push_num(&mut dict, w, 2);
        dict.push(' ');
        push_num(&mut dict, h, 2);
        dict.push_str("] /Resources << >>");
        self.object(out, STATIC_FORM, &dict, Some(content.as_bytes()));
    }

    /// A glyph of the shared text, as a path in label coordinates (points, y up).
    fn static_glyph(&self, content: &mut String, glyph: &Placed) {
        let Some(outline) = self.fonts.outline(glyph.font, glyph.id) else {
            return;
        };
        let scale = glyph.size * PT_PER_MM * outline.scale;
        let (x, y) = (
            glyph.x * PT_PER_MM,
            (self.geometry.height - glyph.y) * PT_PER_MM,
        );
        let shifts: &[f32] = if glyph.bold {
            &[0.0, BOLD_SHIFT]
        } else {
            &[0.0]
        };
        for shift in shifts {
            let dx = x + shift * glyph.size * PT_PER_MM;
            push_path(content, &outline, |u, v| (dx + u * scale, y + v * scale), 2);
            content.push_str("f\n");
        }
    }

    fn write_page(&mut self, out: &mut Vec<u8>, labels: &[(u32, QrMatrix, String)]) {
        let (cols, rows, w, h) = self.layout.grid();
        let left = (A4_MM.0 - cols as f32 * w) / 2.0;
        let top = (A4_MM.1 - rows as f32 * h) / 2.0;
        let mut content = String::with_capacity(16 * 1024);
        for (i, (item, qr, human)) in labels.iter().enumerate() {
            let (col, row) = (i % cols, i / cols);
            let ox = (left + col as f32 * w + PADDING) * PT_PER_MM;
            let oy = (A4_MM.1 - top - (row + 1) as f32 * h + PADDING) * PT_PER_MM;
            content.push_str("q 1 0 0 1 ");
            push_num(&mut content, ox, 2);
            content.push(' ');
            push_num(&mut content, oy, 2);
            content.push_str(" cm /S Do\n");
            self.qr(&mut content, qr);
            let glyphs = self.geometry.item_glyphs(
                self.fonts,
                self.text.item_word,
                *item,
                self.text.quantity,
                human,
            );
            for glyph in &glyphs {
                let Some(id) = self.glyph_object(out, glyph.font, glyph.id) else {
                    continue;
                };
                let scale =
                    glyph.size * PT_PER_MM / f32::from(self.fonts.face(glyph.font).units_per_em());
                content.push_str("q ");
                push_num(&mut content, scale, 6);
                content.push_str(" 0 0 ");
                push_num(&mut content, scale, 6);
                content.push(' ');
                push_num(&mut content, glyph.x * PT_PER_MM, 2);
                content.push(' ');
                push_num(
                    &mut content,
                    (self.geometry.height - glyph.y) * PT_PER_MM,
                    2,
                );
                let _ = writeln!(content, " cm /G{id} Do Q");
            }
            content.push_str("Q\n");
        }
        self.margin_line(&mut content, labels, top);
        let contents = self.allocate();
        self.object(out, contents, "<<", Some(content.as_bytes()));
        let page = self.allocate();
        let mut dict = format!("<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 ");
        push_num(&mut dict, A4_MM.0 * PT_PER_MM, 2);
        dict.push(' ');
        push_num(&mut dict, A4_MM.1 * PT_PER_MM, 2);
        let _ = write!(
            dict,
            "] /Resources {RESOURCES} 0 R /Contents {contents} 0 R >>"
        );
        self.object(out, page, &dict, None);
        self.pages.push(page);
    }

    /// The page's margin line, centred in the top margin; where the sheet has next to none
    /// (3×8 is 0.5 mm), it reaches into the top row's blank padding, never its label.
    fn margin_line(&self, content: &mut String, labels: &[(u32, QrMatrix, String)], top: f32) {
        if self.text.margin.is_empty() {
            return;
        }
        let first = labels.first().map_or(0, |l| l.0);
        let last = labels.last().map_or(0, |l| l.0);
        let line = self
            .text
            .margin
            .replace("{first}", &first.to_string())
            .replace("{last}", &last.to_string())
            .replace("{page}", &(self.pages.len() + 1).to_string())
            .replace("{pages}", &self.text.pages.to_string());
        let room = top + PADDING;
        let size_mm = (room * 0.55).clamp(1.2, 2.6);
        let baseline = A4_MM.1 - (room + size_mm * 0.7) / 2.0;
        // Helvetica's average advance is about half an em: centre on that estimate.
        let width = line.chars().count() as f32 * size_mm * 0.5;
        let x = ((A4_MM.0 - width) / 2.0).max(PADDING);
        content.push_str("BT /F1 ");
        push_num(content, size_mm * PT_PER_MM, 2);
        content.push_str(" Tf ");
        push_num(content, x * PT_PER_MM, 2);
        content.push(' ');
        push_num(content, baseline * PT_PER_MM, 2);
        content.push_str(" Td (");
        push_pdf_string(content, &line);
        content.push_str(") Tj ET\n");
    }

    /// The QR as one filled path of rectangles, in module units through a `cm` that puts the
    /// symbol's top-left corner where the layout says, y pointing down.
    fn qr(&self, content: &mut String, qr: &QrMatrix) {
        let (module, x, y) = self.geometry.qr_modules(qr.width);
        let m = module * PT_PER_MM;
        content.push_str("q ");
        push_num(content, m, 5);
        content.push_str(" 0 0 ");
        push_num(content, -m, 5);
        content.push(' ');
        push_num(content, x * PT_PER_MM, 3);
        content.push(' ');
        push_num(content, (self.geometry.height - y) * PT_PER_MM, 3);
        content.push_str(" cm\n");
        for (row, col, len) in qr.runs() {
            let _ = writeln!(content, "{col} {row} {len} 1 re");
        }
        content.push_str("f Q\n");
    }

    /// The Form XObject of a per-label glyph, written into `out` the first time it is needed.
    fn glyph_object(&mut self, out: &mut Vec<u8>, font: FontId, id: u16) -> Option<u32> {
        if let Some(known) = self.glyphs.get(&(font, id)) {
            return *known;
        }
        let object = self.fonts.outline(font, id).map(|outline| {
            let mut content = String::new();
            push_path(&mut content, &outline, |u, v| (u, v), 1);
            content.push_str("f\n");
            let [x0, y0, x1, y1] = outline.bbox;
            let dict = format!(
                "<< /Type /XObject /Subtype /Form /BBox [{x0} {y0} {x1} {y1}] /Resources << >>"
            );
            let object = self.allocate();
            self.object(out, object, &dict, Some(content.as_bytes()));
            object
        });
        self.glyphs.insert((font, id), object);
        object
    }

    fn allocate(&mut self) -> u32 {
        self.offsets.push(0);
        u32::try_from(self.offsets.len() - 1).expect("fewer than 4 billion objects")
    }

    /// Writes object `id`. With a stream, `dict` comes unclosed (`<< ...`): the filter and
    /// length are added before it is closed.
    fn object(&mut self, out: &mut Vec<u8>, id: u32, dict: &str, stream: Option<&[u8]>) {
        self.offsets[id as usize] = self.written + out.len() as u64;
        let _ = writeln!(Bytes(out), "{id} 0 obj");
        match stream {
            None => {
                out.extend_from_slice(dict.as_bytes());
                out.push(b'\n');
            }
            Some(data) => {
                let packed = compress_to_vec_zlib(data, DEFLATE_LEVEL);
                let _ = write!(
                    Bytes(out),
                    "{dict} /Filter /FlateDecode /Length {} >>\nstream\n",
                    packed.len()
                );
                out.extend_from_slice(&packed);
                out.extend_from_slice(b"\nendstream\n");
            }
        }
        out.extend_from_slice(b"endobj\n");
    }
}

/// An outline as PDF path operators, through `at` (font units to user space). Quadratic
/// segments become the equivalent cubics, PDF having no quadratic operator.
fn push_path(
    out: &mut String,
    outline: &Outline,
    at: impl Fn(f32, f32) -> (f32, f32),
    decimals: u32,
) {
    let point = |out: &mut String, (x, y): (f32, f32)| {
        push_num(out, x, decimals);
        out.push(' ');
        push_num(out, y, decimals);
        out.push(' ');
    };
    let mut pen = (0.0, 0.0);
    for segment in &outline.segments {
        match *segment {
            Segment::Move(x, y) => {
                point(out, at(x, y));
                out.push_str("m\n");
                pen = (x, y);
            }
            Segment::Line(x, y) => {
                point(out, at(x, y));
                out.push_str("l\n");
                pen = (x, y);
            }
            Segment::Quad(x1, y1, x, y) => {
                let c1 = (
                    pen.0 + 2.0 / 3.0 * (x1 - pen.0),
                    pen.1 + 2.0 / 3.0 * (y1 - pen.1),
                );
                let c2 = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
                point(out, at(c1.0, c1.1));
                point(out, at(c2.0, c2.1));
                point(out, at(x, y));
                out.push_str("c\n");
                pen = (x, y);
            }
            Segment::Cubic(x1, y1, x2, y2, x, y) => {
                point(out, at(x1, y1));
                point(out, at(x2, y2));
                point(out, at(x, y));
                out.push_str("c\n");
                pen = (x, y);
            }
            Segment::Close => out.push_str("h\n"),
        }
    }
}

/// `fmt::Write` into a byte buffer.
struct Bytes<'b>(&'b mut Vec<u8>);

impl Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// `text` inside a PDF literal string, in WinAnsiEncoding: ASCII as is (with `(`, `)` and `\`
/// escaped), the rest of Windows-1252 as octal escapes, anything else as "?".
pub(crate) fn push_pdf_string(out: &mut String, text: &str) {
    for c in text.chars() {
        let byte = match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
                continue;
            }
            ' '..='~' => {
                out.push(c);
                continue;
            }
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'Œ' => 0x8C,
            'œ' => 0x9C,
            _ => b'?',
        };
        if byte.is_ascii() {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "\\{byte:03o}");
        }
    }
}

#[cfg(test)]
mod tests;

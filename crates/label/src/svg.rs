//! The label as an SVG document, 50 mm × 25 mm, all vector: the QR as one path of merged
//! horizontal runs, the text as glyph outlines (each distinct glyph defined once and placed with
//! `<use>`), so it looks the same wherever it is opened, with or without fonts installed.

use std::collections::HashMap;
use std::fmt::Write;

use super::layout::{BOLD_SHIFT, Geometry};
use super::png::LABEL_MM;
use super::text::{FontId, Fonts, Outline, Segment, clean};
use super::{LabelText, QrMatrix};

/// Renders one label as a standalone `image/svg+xml` document.
pub fn render_svg(qr: &QrMatrix, text: &LabelText) -> String {
    let (w, h) = LABEL_MM;
    let geometry = Geometry::new(w, h);
    let mut out = String::with_capacity(24 * 1024);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         version=\"1.1\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\">\n<title>"
    );
    // Cleaned like the printed text: no controls, no bidi overrides to reorder a viewer's title.
    let title = format!(
        "{} {} · {} · Lot: {} · {} {} / {} · {}",
        clean(text.brand_latin),
        clean(text.brand_arabic),
        clean(text.product),
        clean(text.lot),
        clean(text.item_word),
        text.item,
        text.quantity,
        clean(text.human_code)
    );
    escape_into(&mut out, &title);
    let _ = writeln!(
        out,
        "</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>"
    );

    let (module, x, y) = geometry.qr_modules(qr.width);
    out.push_str("<path fill=\"#000\" shape-rendering=\"crispEdges\" transform=\"matrix(");
    push_num(&mut out, module, 5);
    out.push_str(" 0 0 ");
    push_num(&mut out, module, 5);
    out.push(' ');
    push_num(&mut out, x, 4);
    out.push(' ');
    push_num(&mut out, y, 4);
    out.push_str(")\" d=\"");
    for (row, col, len) in qr.runs() {
        let _ = write!(out, "M{col} {row}h{len}v1h-{len}z");
    }
    out.push_str("\"/>\n");

    let fonts = Fonts::embedded();
    let glyphs = geometry.glyphs(fonts, text);
    // Each distinct glyph once, in order of first use, so the output is deterministic.
    let mut ids: HashMap<(FontId, u16), Option<usize>> = HashMap::new();
    let mut defs = String::new();
    let mut uses = String::new();
    for glyph in &glyphs {
        let next = ids.len();
        let id = *ids.entry((glyph.font, glyph.id)).or_insert_with(|| {
            let outline = fonts.outline(glyph.font, glyph.id)?;
            let _ = write!(defs, "<path id=\"g{next}\" d=\"");
            push_path(&mut defs, &outline);
            defs.push_str("\"/>\n");
            Some(next)
        });
        let Some(id) = id else { continue };
        let scale = glyph.size / f32::from(fonts.face(glyph.font).units_per_em());
        let shifts: &[f32] = if glyph.bold {
            &[0.0, BOLD_SHIFT]
        } else {
            &[0.0]
        };
        for shift in shifts {
            let _ = write!(uses, "<use xlink:href=\"#g{id}\" transform=\"matrix(");
            push_num(&mut uses, scale, 7);
            uses.push_str(" 0 0 ");
            push_num(&mut uses, -scale, 7);
            uses.push(' ');
            push_num(&mut uses, glyph.x + shift * glyph.size, 3);
            uses.push(' ');
            push_num(&mut uses, glyph.y, 3);
            uses.push_str(")\"/>\n");
        }
    }
    out.push_str("<defs>\n");
    out.push_str(&defs);
    out.push_str("</defs>\n<g fill=\"#000\">\n");
    out.push_str(&uses);
    out.push_str("</g>\n</svg>\n");
    out
}

/// An outline as SVG path data, in font units.
fn push_path(out: &mut String, outline: &Outline) {
    let pair = |out: &mut String, cmd: char, x: f32, y: f32| {
        out.push(cmd);
        push_num(out, x, 1);
        out.push(' ');
        push_num(out, y, 1);
    };
    for segment in &outline.segments {
        match *segment {
            Segment::Move(x, y) => pair(out, 'M', x, y),
            Segment::Line(x, y) => pair(out, 'L', x, y),
            Segment::Quad(x1, y1, x, y) => {
                pair(out, 'Q', x1, y1);
                pair(out, ' ', x, y);
            }
            Segment::Cubic(x1, y1, x2, y2, x, y) => {
                pair(out, 'C', x1, y1);
                pair(out, ' ', x2, y2);
                pair(out, ' ', x, y);
            }
            Segment::Close => out.push('Z'),
        }
    }
}

/// Writes `v` with at most `decimals` decimals and no trailing zeros ("12", "0.5", "-3.25").
pub(crate) fn push_num(out: &mut String, v: f32, decimals: u32) {
    let factor = 10i64.pow(decimals);
    let scaled = if v.is_finite() {
        (f64::from(v) * factor as f64).round() as i64
    } else {
        0
    };
    if scaled < 0 {
        out.push('-');
    }
    let abs = scaled.unsigned_abs();
    let factor = factor.unsigned_abs();
    let _ = write!(out, "{}", abs / factor);
    let mut frac = abs % factor;
    if frac != 0 {
        let mut width = decimals as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// Escapes text for XML character data and attributes, dropping characters XML 1.0 cannot
/// carry at all (NUL and other C0 controls).
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{PREFIX, digits, text};
    use crate::{Ecc, qr};

    #[test]
    fn the_svg_is_a_vector_document_with_escaped_text() {
        let m = qr(PREFIX, &digits(1), Ecc::M).unwrap();
        let mut t = text(5);
        t.product = "Savon <noir> & \"beldi\" 'x'\u{0}]]>";
        let svg = render_svg(&m, &t);
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("viewBox=\"0 0 50 25\""));
        assert!(svg.contains("width=\"50mm\" height=\"25mm\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Savon &lt;noir&gt; &amp; &quot;beldi&quot; &apos;x&apos; ]]&gt;"));
        assert!(!svg.contains("<noir>") && !svg.contains('\u{0}'));
        assert!(svg.contains("<title>") && svg.contains("أركان"));
        assert_eq!(svg.matches("<svg").count(), 1);
        // Text is outlines: glyphs are defined once, used many times.
        let defs = svg.matches("<path id=").count();
        let uses = svg.matches("<use ").count();
        assert!(defs > 20 && uses > defs, "{defs} defs, {uses} uses");
        assert!(!svg.contains("<text"));
        // Every tag that is opened is closed.
        for tag in ["svg", "title", "defs", "g"] {
            assert_eq!(
                svg.matches(&format!("<{tag}>")).count() + svg.matches(&format!("<{tag} ")).count(),
                svg.matches(&format!("</{tag}>")).count(),
                "{tag}"
            );
        }
    }

    #[test]
    fn the_svg_qr_has_one_rectangle_per_run() {
        let m = qr(PREFIX, &digits(2), Ecc::M).unwrap();
        let svg = render_svg(&m, &text(1));
        assert_eq!(svg.matches("v1h-").count(), m.runs().count());
        assert_eq!(render_svg(&m, &text(1)), svg);
    }

    #[test]
    fn numbers_are_short_and_exact() {
        let cases = [
            (12.0, 3, "12"),
            (0.5, 3, "0.5"),
            (-3.25, 3, "-3.25"),
            (0.0004, 3, "0"),
            (-0.0004, 3, "0"),
            (1.23456, 2, "1.23"),
            (0.00333, 7, "0.00333"),
            (f32::NAN, 2, "0"),
        ];
        for (v, d, want) in cases {
            let mut s = String::new();
            push_num(&mut s, v, d);
            assert_eq!(s, want, "{v}");
        }
    }
}

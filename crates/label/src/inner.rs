//! The inner labels of a lot issued with claim codes: one small sticker per item, for under the
//! cap, inside the box or under a scratch panel, carrying the item's number and its one-time
//! claim code. The sheet uses the outer labels' grid, so item n sits in the same cell on the
//! inner sheet as on the outer one and a packer can pair them sheet by sheet.
//!
//! The text is set in the PDF standard fonts (Helvetica, Courier-Bold): the codes are ASCII
//! and the lines are French, so nothing needs embedding and `pdftotext` reads every code.

use std::fmt::Write;

use super::pdf::{SheetLayout, push_pdf_string};
use super::svg::push_num;

const A4_MM: (f32, f32) = (210.0, 297.0);
const PT_PER_MM: f32 = 72.0 / 25.4;
const PADDING: f32 = 1.5;

/// What the inner sheet prints.
#[derive(Clone, Copy, Debug)]
pub struct InnerText<'a> {
    /// Items in the lot, for "n / N".
    pub quantity: u32,
    /// The margin line of each page, with `{first}`, `{last}`, `{page}`, `{pages}` as in
    /// [`crate::StaticText::margin`].
    pub margin: &'a str,
}

/// The whole PDF of inner labels for `cells` (item, claim code as printed), in order.
pub fn inner_sheet(layout: SheetLayout, text: InnerText<'_>, cells: &[(u32, String)]) -> Vec<u8> {
    let (cols, rows, w, h) = layout.grid();
    let per_page = cols * rows;
    let left = (A4_MM.0 - cols as f32 * w) / 2.0;
    let top = (A4_MM.1 - rows as f32 * h) / 2.0;
    let chunks: Vec<&[(u32, String)]> = if cells.is_empty() {
        vec![&[]]
    } else {
        cells.chunks(per_page).collect()
    };
    let pages = chunks.len();
    // Objects: 1 catalog, 2 pages, 3 resources, then (contents, page) per page.
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R /ViewerPreferences << /PrintScaling /None >> >>".into(),
        String::new(),
        "<< /ProcSet [/PDF /Text] /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont \
         /Helvetica /Encoding /WinAnsiEncoding >> /F2 << /Type /Font /Subtype /Type1 /BaseFont \
         /Courier-Bold /Encoding /WinAnsiEncoding >> >> >>"
            .into(),
    ];
    let mut kids = Vec::new();
    let size = |mm: f32| mm * PT_PER_MM;
    for (p, chunk) in chunks.iter().enumerate() {
        let mut c = String::new();
        for (i, (item, code)) in chunk.iter().enumerate() {
            let (col, row) = (i % cols, i / cols);
            let x = left + col as f32 * w + PADDING + 1.0;
            let cell_top = top + row as f32 * h + PADDING;
            let inner_h = h - 2.0 * PADDING;
            let lines: [(&str, f32, String, f32); 3] = [
                (
                    "F1",
                    2.6,
                    format!("Code d'achat · article {item} / {}", text.quantity),
                    0.22,
                ),
                (
                    "F2",
                    (w - 2.0 * PADDING - 2.0) / 15.0 / 0.6,
                    code.clone(),
                    0.55,
                ),
                (
                    "F1",
                    2.1,
                    "À saisir une fois, après l'achat, sur la page de vérification".into(),
                    0.85,
                ),
            ];
            for (font, mm, line, at) in lines {
                let mm = mm.min(6.0);
                let baseline = A4_MM.1 - (cell_top + inner_h * at + mm * 0.35);
                let _ = write!(c, "BT /{font} ");
                push_num(&mut c, size(mm), 2);
                c.push_str(" Tf ");
                push_num(&mut c, size(x), 2);
                c.push(' ');
                push_num(&mut c, size(baseline), 2);
                c.push_str(" Td (");
                push_pdf_string(&mut c, &line);
                c.push_str(") Tj ET\n");
            }
        }
        if !text.margin.is_empty() {
            let first = chunk.first().map_or(0, |l| l.0);
            let last = chunk.last().map_or(0, |l| l.0);
            let line = text
                .margin
                .replace("{first}", &first.to_string())
                .replace("{last}", &last.to_string())
                .replace("{page}", &(p + 1).to_string())
                .replace("{pages}", &pages.to_string());
            let room = top + PADDING;
            let mm = (room * 0.55).clamp(1.2, 2.6);
            let baseline = A4_MM.1 - (room + mm * 0.7) / 2.0;
            let width = line.chars().count() as f32 * mm * 0.5;
            let x = ((A4_MM.0 - width) / 2.0).max(PADDING);
            c.push_str("BT /F1 ");
            push_num(&mut c, size(mm), 2);
            c.push_str(" Tf ");
            push_num(&mut c, size(x), 2);
            c.push(' ');
            push_num(&mut c, size(baseline), 2);
            c.push_str(" Td (");
            push_pdf_string(&mut c, &line);
            c.push_str(") Tj ET\n");
        }
        let contents = objects.len() + 1;
        objects.push(format!("<< /Length {} >>\nstream\n{c}endstream", c.len()));
        let page = objects.len() + 1;
        let mut dict = String::from("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ");
        push_num(&mut dict, size(A4_MM.0), 2);
        dict.push(' ');
        push_num(&mut dict, size(A4_MM.1), 2);
        let _ = write!(dict, "] /Resources 3 0 R /Contents {contents} 0 R >>");
        objects.push(dict);
        kids.push(page);
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.iter()
            .map(|k| format!("{k} 0 R"))
            .collect::<Vec<_>>()
            .join(" "),
        kids.len()
    );
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = writeln!(tail, "{off:010} 00000 n ");
    }
    let _ = write!(
        tail,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(tail.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_outer_grid_and_the_xref_points_at_objects() {
        let cells: Vec<(u32, String)> =
            (1..=30).map(|i| (i, format!("ABCD-EFGH-{i:05}"))).collect();
        let pdf = inner_sheet(
            SheetLayout::A4_3x8,
            InnerText {
                quantity: 30,
                margin: "Lot L · {first}-{last} · {page}/{pages}",
            },
            &cells,
        );
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.7"));
        assert!(text.contains("/Count 2"), "30 cells are two sheets of 24");
        assert!(text.contains("(ABCD-EFGH-00030) Tj"));
        assert!(text.contains("(Lot L \\267 25-30 \\267 2/2) Tj"));
        // Every xref offset starts an object.
        let xref = text.rfind("xref\n").unwrap();
        for line in text[xref..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
        {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                text[off..]
                    .split_once(" 0 obj")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            );
        }
    }
}

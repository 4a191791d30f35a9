use super::*;
use crate::testutil::{PREFIX, digits};
use crate::{Ecc, qr};

fn static_text() -> StaticText<'static> {
    StaticText {
        brand_latin: "Argane",
        brand_arabic: "أركان",
        product: "Huile d'argan alimentaire 250 ml",
        lot: "L2026-11-A",
        expires: "Valable jusqu'au 2028-11-30",
        scan: "Scannez pour vérifier · امسح للتحقق",
        address: "ou tapez le code sur tasdiq.example/v",
        quantity: 30,
        item_word: "item",
        margin: "Certificat 42 · Lot L2026-11-A · articles {first}–{last} · page {page}/{pages}",
        pages: 2,
    }
}

fn labels(items: std::ops::RangeInclusive<u32>) -> Vec<(u32, QrMatrix, String)> {
    items
        .map(|i| {
            let m = qr(PREFIX, &digits(u64::from(i)), Ecc::M).unwrap();
            (i, m, format!("0123-4567-89AB-CDEF-{i:02}"))
        })
        .collect()
}

fn document(layout: SheetLayout, labels: &[(u32, QrMatrix, String)]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut sheet = PdfSheet::new(layout, static_text(), Fonts::embedded());
    let mut pdf = sheet.begin();
    assert!(sheet.begin().is_empty(), "a second begin adds nothing");
    let mut chunks = Vec::new();
    for page in labels.chunks(layout.per_page()) {
        let chunk = sheet.page(page);
        pdf.extend_from_slice(&chunk);
        chunks.push(chunk);
    }
    pdf.extend(sheet.finish());
    (pdf, chunks)
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn layouts_parse_by_name() {
    for layout in [SheetLayout::A4_3x8, SheetLayout::A4_2x5] {
        assert_eq!(SheetLayout::parse(layout.name()), Some(layout));
    }
    assert_eq!(SheetLayout::A4_3x8.per_page(), 24);
    assert_eq!(SheetLayout::A4_2x5.per_page(), 10);
    assert_eq!(SheetLayout::parse("4x4"), None);
}

#[test]
fn the_pdf_is_well_formed_and_deterministic() {
    let labels = labels(1..=30);
    let (pdf, _) = document(SheetLayout::A4_3x8, &labels);
    assert!(pdf.starts_with(b"%PDF-1.7\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    assert_eq!(count(&pdf, b"/Type /Page /"), 2);
    assert_eq!(count(&pdf, b"/Count 2 "), 1);
    assert_eq!(document(SheetLayout::A4_3x8, &labels).0, pdf);

    // Every xref entry points at its object, and startxref at the table. (Offsets are in
    // bytes, so the checks stay on bytes: the streams are binary.)
    let tail = String::from_utf8(pdf[pdf.len() - 40..].to_vec()).unwrap();
    let startxref: usize = tail
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let table = std::str::from_utf8(&pdf[startxref..]).unwrap();
    assert!(table.starts_with("xref\n0 "));
    let offsets: Vec<usize> = table
        .lines()
        .skip(3)
        .take_while(|l| l.ends_with(" n "))
        .map(|l| l[..10].parse().unwrap())
        .collect();
    assert!(offsets.len() > 10);
    for (i, &offset) in offsets.iter().enumerate() {
        assert!(
            pdf[offset..].starts_with(format!("{} 0 obj\n", i + 1).as_bytes()),
            "object {}",
            i + 1
        );
    }

    // The shared resources (object 3) list the shared text and every glyph object.
    let resources = &pdf[offsets[2]..];
    let resources = std::str::from_utf8(
        &resources[..resources.windows(6).position(|w| w == b"endobj").unwrap()],
    )
    .unwrap();
    assert!(resources.contains("/S 4 0 R"));
    assert_eq!(
        count(&pdf, b"/Subtype /Form"),
        1 + resources.matches("/G").count()
    );

    // Every stream inflates, and its /Length is right.
    let find = |from: usize, needle: &[u8]| {
        pdf[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let (mut at, mut streams, mut shared_text_uses) = (0, 0, 0);
    while let Some(found) = find(at, b"/Length ") {
        let start = found + 8;
        let digits = pdf[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let len: usize = std::str::from_utf8(&pdf[start..start + digits])
            .unwrap()
            .parse()
            .unwrap();
        let data = find(start, b"stream\n").unwrap() + 7;
        assert_eq!(&pdf[data + len..data + len + 10], b"\nendstream");
        let content = miniz_oxide::inflate::decompress_to_vec_zlib(&pdf[data..data + len]).unwrap();
        // A page ends with its margin line (text), a form with a fill or a restore.
        assert!(
            content.ends_with(b"f\n") || content.ends_with(b"Q\n") || content.ends_with(b"ET\n")
        );
        shared_text_uses += count(&content, b"/S Do");
        streams += 1;
        at = data + len;
    }
    assert!(streams > 10);
    assert_eq!(
        shared_text_uses, 30,
        "the shared text is drawn once per label"
    );
}

#[test]
fn glyphs_are_written_once_and_pages_stream() {
    let labels = labels(1..=48);
    let (_, chunks) = document(SheetLayout::A4_3x8, &labels);
    assert_eq!(chunks.len(), 2);
    // The first sheet writes the glyph objects; the second reuses them, so its chunk holds
    // only its content stream and page object.
    assert!(count(&chunks[0], b"/Subtype /Form") > 10);
    assert_eq!(count(&chunks[1], b"/Subtype /Form"), 0);
    assert_eq!(count(&chunks[1], b" obj\n"), 2);
}

#[test]
fn page_splits_overfull_input_and_empty_documents_have_a_page() {
    let mut sheet = PdfSheet::new(SheetLayout::A4_2x5, static_text(), Fonts::embedded());
    let mut pdf = sheet.page(&labels(1..=25));
    pdf.extend(sheet.finish());
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(count(&pdf, b"/Type /Page /"), 3);

    let sheet = PdfSheet::new(SheetLayout::A4_3x8, static_text(), Fonts::embedded());
    let pdf = sheet.finish();
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n"));
    assert_eq!(count(&pdf, b"/Type /Page /"), 1);
}

#[test]
fn modules_are_at_least_0_4_mm() {
    for layout in [SheetLayout::A4_3x8, SheetLayout::A4_2x5] {
        let sheet = PdfSheet::new(layout, static_text(), Fonts::embedded());
        // Version 7 (the usual label) and version 14 (77 modules, a long URL at Q).
        for width in [45, 73] {
            let (module, _, _) = sheet.geometry.qr_modules(width);
            assert!(module >= 0.4, "{layout:?} {width}: {module} mm");
        }
    }
}

/// Renders the first sheet with poppler and reads its QR codes back, with rqrr and, if it
/// is installed, zbarimg. Needs `pdftoppm` (poppler-utils), which `scripts/test` installs.
#[test]
fn poppler_renders_scannable_sheets() {
    use std::process::Command;
    let labels = labels(1..=24);
    let (pdf, _) = document(SheetLayout::A4_3x8, &labels);
    let dir = std::env::temp_dir().join(format!("tasdiq-label-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sheet.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed by scripts/test");
    assert!(status.success());
    let png = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let page = image::open(&png).unwrap().to_luma8();
    let expected: Vec<String> = (1..=24).map(|i| format!("{PREFIX}{}", digits(i))).collect();
    // One sticker at a time: rqrr is happiest with one symbol per image.
    let (cw, ch) = (70.0 * 300.0 / 25.4, 37.0 * 300.0 / 25.4);
    let top = 0.5 * 300.0 / 25.4;
    let mut decoded = Vec::new();
    for i in 0..24 {
        let (x, y) = ((i % 3) as f32 * cw, top + (i / 3) as f32 * ch);
        let cell =
            image::imageops::crop_imm(&page, x as u32, y as u32, cw as u32, ch as u32).to_image();
        let mut prepared = rqrr::PreparedImage::prepare(cell);
        for grid in prepared.detect_grids() {
            decoded.push(grid.decode().unwrap().1);
        }
    }
    assert_eq!(decoded, expected);
    if let Ok(out) = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&png)
        .output()
    {
        let found = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with(PREFIX))
            .count();
        assert!(found >= 10, "zbarimg found {found} codes");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

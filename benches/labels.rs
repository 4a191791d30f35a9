//! Label rendering costs: one QR, one PNG label (QR included), one SVG label, and a 1,000-label
//! A4 3x8 PDF end to end (QR encoding included), on one thread and on two (QRs of the next page
//! encoded while the current page is written).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tasdiq_label::{
    Ecc, Fonts, LabelText, PdfSheet, QrMatrix, SheetLayout, StaticText, qr, render_png, render_svg,
};

const PREFIX: &str = "https://verify.tasdiq.gov.ma:1/v/";

fn digits(seed: u32) -> String {
    let mut x = u64::from(seed) ^ 0x9e37_79b9_7f4a_7c15;
    (0..207)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(b'0' + ((x >> 33) % 10) as u8)
        })
        .collect()
}

fn text(item: u32) -> LabelText<'static> {
    LabelText {
        brand_latin: "Argane",
        brand_arabic: "أركان",
        product: "Huile d'argan alimentaire 250 ml",
        lot: "L2026-11-A",
        expires: "Valable jusqu'au 2028-11-30",
        scan: "Scannez pour vérifier · امسح للتحقق",
        address: "ou tapez le code sur tasdiq.example/v",
        item,
        quantity: 1000,
        item_word: "item",
        human_code: "0123-4567-89AB-CDEF-G2",
    }
}

fn static_text() -> StaticText<'static> {
    StaticText {
        margin: "Certificat 1 · Lot L2026-11-A · articles {first}–{last} · page {page}/{pages}",
        pages: 42,
        ..text(1).shared()
    }
}

fn label(item: u32) -> (u32, QrMatrix, String) {
    let m = qr(PREFIX, &digits(item), Ecc::M).expect("fits");
    (item, m, format!("0123-4567-89AB-CDEF-{:02}", item % 100))
}

/// A whole sheet of `count` labels, page by page as a handler streams it. With `pipelined`,
/// a second thread encodes the next page's QRs while this one writes the current page.
fn pdf(count: u32, pipelined: bool) -> usize {
    let fonts = Fonts::embedded();
    let mut sheet = PdfSheet::new(SheetLayout::A4_3x8, static_text(), fonts);
    let mut size = sheet.begin().len();
    let per_page = SheetLayout::A4_3x8.per_page() as u32;
    let pages = move || {
        (0..count.div_ceil(per_page)).map(move |p| {
            let first = p * per_page + 1;
            (first..=(first + per_page - 1).min(count))
                .map(label)
                .collect::<Vec<_>>()
        })
    };
    if pipelined {
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            s.spawn(move || {
                for page in pages() {
                    if tx.send(page).is_err() {
                        break;
                    }
                }
            });
            for page in rx {
                size += sheet.page(&page).len();
            }
        });
    } else {
        for page in pages() {
            size += sheet.page(&page).len();
        }
    }
    size + sheet.finish().len()
}

fn benches(c: &mut Criterion) {
    let fonts = Fonts::embedded();
    black_box(fonts);
    let code = digits(1);
    let matrix = qr(PREFIX, &code, Ecc::M).expect("fits");

    let mut g = c.benchmark_group("label");
    g.throughput(Throughput::Elements(1));
    g.bench_function("qr_v7_m", |b| {
        b.iter(|| qr(black_box(PREFIX), black_box(&code), Ecc::M))
    });
    g.bench_function("png_300dpi_with_qr", |b| {
        b.iter(|| {
            let m = qr(PREFIX, black_box(&code), Ecc::M).expect("fits");
            render_png(&m, &text(42), 300).expect("renders")
        })
    });
    g.bench_function("png_300dpi_render_only", |b| {
        b.iter(|| render_png(black_box(&matrix), &text(42), 300).expect("renders"))
    });
    g.bench_function("svg", |b| {
        b.iter(|| render_svg(black_box(&matrix), &text(42)))
    });
    g.finish();

    let mut g = c.benchmark_group("pdf_3x8");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(1000));
    g.bench_function("1000_labels_1_thread", |b| {
        b.iter(|| pdf(black_box(1000), false))
    });
    g.bench_function("1000_labels_2_threads", |b| {
        b.iter(|| pdf(black_box(1000), true))
    });
    g.finish();
}

criterion_group!(labels, benches);
criterion_main!(labels);

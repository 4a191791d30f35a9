//! The label as an 8-bit greyscale PNG of a 50 mm × 25 mm label at a given resolution.
//!
//! The QR is drawn with a whole number of pixels per module (centred in its area), since a
//! module split over pixel boundaries blurs into grey and costs scanners margin. Glyphs are
//! rasterised from their outlines with `ab_glyph_rasterizer` and blended black over white.

use ab_glyph_rasterizer::{Point, Rasterizer, point};
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use super::layout::{BOLD_SHIFT, Geometry, Placed};
use super::text::{Fonts, Outline, Segment};
use super::{LabelError, LabelText, QrMatrix};

pub(crate) const MIN_DPI: u32 = 72;
pub(crate) const MAX_DPI: u32 = 1200;
/// Label size in millimetres.
pub(crate) const LABEL_MM: (f32, f32) = (50.0, 25.0);
const MM_PER_INCH: f32 = 25.4;

/// Renders one label as a PNG at `dpi` (72..=1200; callers usually use 300). The PNG carries a
/// pHYs chunk, so image tools print it at its physical size.
pub fn render_png(qr: &QrMatrix, text: &LabelText, dpi: u32) -> Result<Vec<u8>, LabelError> {
    if !(MIN_DPI..=MAX_DPI).contains(&dpi) {
        return Err(LabelError::BadDpi(dpi));
    }
    let px_per_mm = dpi as f32 / MM_PER_INCH;
    let width = (LABEL_MM.0 * px_per_mm).round() as usize;
    let height = (LABEL_MM.1 * px_per_mm).round() as usize;
    let geometry = Geometry::new(LABEL_MM.0, LABEL_MM.1);
    let mut canvas = Canvas {
        pixels: vec![255; width * height],
        width,
        height,
    };

    let area = ((geometry.qr_side * px_per_mm).round() as usize).min(height);
    let modules = qr.width.saturating_add(8);
    let module = area / modules;
    if module == 0 {
        return Err(LabelError::QrTooDense {
            version: qr.version,
            dpi,
        });
    }
    let left = (area - module * modules) / 2 + 4 * module;
    let top = (height - module * modules) / 2 + 4 * module;
    for (y, x, len) in qr.runs() {
        let x0 = left + x * module;
        for row in top + y * module..top + (y + 1) * module {
            canvas.pixels[row * width + x0..][..len * module].fill(0);
        }
    }

    let fonts = Fonts::embedded();
    let glyphs = geometry.glyphs(fonts, text);
    let mut rasterizer = Rasterizer::new(0, 0);
    for glyph in &glyphs {
        if let Some(outline) = fonts.outline(glyph.font, glyph.id) {
            canvas.draw(&mut rasterizer, &outline, glyph, px_per_mm);
        }
    }

    // The Up filter: on this content (white paper, black modules, text) it encodes 1.5x faster
    // than Adaptive for a file 13% larger, and 2x faster than NoFilter at a third of the size.
    let mut png = Vec::with_capacity(width * height / 4);
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Up).write_image(
        &canvas.pixels,
        u32::try_from(width).expect("at most 2362 px"),
        u32::try_from(height).expect("at most 1181 px"),
        image::ExtendedColorType::L8,
    )?;
    Ok(with_phys(png, dpi))
}

struct Canvas {
    pixels: Vec<u8>,
    width: usize,
    height: usize,
}

/// Largest glyph bitmap we rasterise, in pixels: far above any glyph a label sets, and a bound
/// on memory if a font ever had an absurd bounding box.
const MAX_GLYPH_PIXELS: usize = 1 << 22;

impl Canvas {
    fn draw(
        &mut self,
        rasterizer: &mut Rasterizer,
        outline: &Outline,
        glyph: &Placed,
        px_per_mm: f32,
    ) {
        // Pixels per font unit, and the glyph origin in pixels.
        let scale = glyph.size * px_per_mm * outline.scale;
        let (ox, oy) = (glyph.x * px_per_mm, glyph.y * px_per_mm);
        let shift = if glyph.bold {
            BOLD_SHIFT * glyph.size * px_per_mm
        } else {
            0.0
        };
        let [x_min, y_min, x_max, y_max] = outline.bbox;
        let left = (ox + x_min * scale).floor();
        let top = (oy - y_max * scale).floor();
        let w = ((ox + x_max * scale + shift).ceil() - left) as usize + 2;
        let h = ((oy - y_min * scale).ceil() - top) as usize + 2;
        if w.saturating_mul(h) > MAX_GLYPH_PIXELS || !left.is_finite() || !top.is_finite() {
            return;
        }
        rasterizer.reset(w, h);
        for dx in [0.0, shift]
            .into_iter()
            .take(if glyph.bold { 2 } else { 1 })
        {
            let at = |x: f32, y: f32| point(ox + x * scale - left + dx, oy - y * scale - top);
            trace(rasterizer, outline, at);
        }
        let (left, top) = (left as isize, top as isize);
        let (width, height) = (self.width as isize, self.height as isize);
        let (mut x, mut y) = (0isize, 0isize);
        let row = w as isize;
        rasterizer.for_each_pixel(|_, coverage| {
            let (px, py) = (left + x, top + y);
            if coverage > 0.002 && (0..width).contains(&px) && (0..height).contains(&py) {
                let p = &mut self.pixels[(py * width + px) as usize];
                *p = (f32::from(*p) * (1.0 - coverage.min(1.0)) + 0.5) as u8;
            }
            x += 1;
            if x == row {
                x = 0;
                y += 1;
            }
        });
    }
}

/// Feeds an outline to the rasterizer through `at`, which maps font units to pixels.
fn trace(rasterizer: &mut Rasterizer, outline: &Outline, at: impl Fn(f32, f32) -> Point) {
    let (mut start, mut pen) = (point(0.0, 0.0), point(0.0, 0.0));
    for segment in &outline.segments {
        match *segment {
            Segment::Move(x, y) => {
                if pen != start {
                    rasterizer.draw_line(pen, start);
                }
                start = at(x, y);
                pen = start;
            }
            Segment::Line(x, y) => {
                let p = at(x, y);
                rasterizer.draw_line(pen, p);
                pen = p;
            }
            Segment::Quad(x1, y1, x, y) => {
                let p = at(x, y);
                rasterizer.draw_quad(pen, at(x1, y1), p);
                pen = p;
            }
            Segment::Cubic(x1, y1, x2, y2, x, y) => {
                let p = at(x, y);
                rasterizer.draw_cubic(pen, at(x1, y1), at(x2, y2), p);
                pen = p;
            }
            Segment::Close => {
                if pen != start {
                    rasterizer.draw_line(pen, start);
                }
                pen = start;
            }
        }
    }
    if pen != start {
        rasterizer.draw_line(pen, start);
    }
}

/// Inserts a pHYs chunk (pixels per metre) right after IHDR. `image` has no setting for it; the
/// chunk is 21 bytes and IHDR always ends at byte 33.
fn with_phys(png: Vec<u8>, dpi: u32) -> Vec<u8> {
    const IHDR_END: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < IHDR_END || &png[12..16] != b"IHDR" {
        return png;
    }
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    chunk.extend_from_slice(b"pHYs");
    chunk.extend_from_slice(&ppm.to_be_bytes());
    chunk.extend_from_slice(&ppm.to_be_bytes());
    chunk.push(1); // unit: metre
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..IHDR_END]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[IHDR_END..]);
    out
}

/// CRC-32 (IEEE), bit by bit: it only ever covers the 13 bytes of a pHYs chunk.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{PREFIX, digits, text};
    use crate::{Ecc, qr};

    fn decode(png: &[u8]) -> Vec<String> {
        let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .unwrap()
            .to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        prepared
            .detect_grids()
            .into_iter()
            .map(|g| g.decode().unwrap().1)
            .collect()
    }

    #[test]
    fn the_png_scans_back_to_the_url() {
        for (dpi, seed) in [(300, 1), (150, 2), (600, 3)] {
            let code = digits(seed);
            let m = qr(PREFIX, &code, Ecc::M).unwrap();
            let png = render_png(&m, &text(7), dpi).unwrap();
            assert_eq!(decode(&png), [format!("{PREFIX}{code}")], "{dpi} dpi");
            let img = image::load_from_memory(&png).unwrap();
            assert_eq!(img.color(), image::ColorType::L8);
            let expected = (
                (50.0 * dpi as f32 / 25.4).round(),
                (25.0 * dpi as f32 / 25.4).round(),
            );
            assert_eq!((img.width() as f32, img.height() as f32), expected);
        }
    }

    #[test]
    fn a_q_level_symbol_scans_too() {
        let code = digits(9);
        let m = qr("https://verify.tasdiq.gov.ma:1/v/", &code, Ecc::Q).unwrap();
        let png = render_png(&m, &text(1), 300).unwrap();
        assert_eq!(
            decode(&png),
            [format!("https://verify.tasdiq.gov.ma:1/v/{code}")]
        );
    }

    #[test]
    fn the_png_is_deterministic_and_says_its_resolution() {
        let m = qr(PREFIX, &digits(4), Ecc::M).unwrap();
        let a = render_png(&m, &text(3), 300).unwrap();
        let b = render_png(&m, &text(3), 300).unwrap();
        assert_eq!(a, b);
        let phys = a.windows(4).position(|w| w == b"pHYs").unwrap();
        assert_eq!(&a[phys + 4..phys + 8], &11811u32.to_be_bytes());
        // The chunk's CRC is right, or decoders would have refused the file above.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn text_is_inked_where_the_layout_puts_it() {
        let m = qr(PREFIX, &digits(5), Ecc::M).unwrap();
        let png = render_png(&m, &text(3), 300).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        let (w, h) = img.dimensions();
        // Right half (text area): some ink, mostly paper.
        let dark = (w / 2 + 10..w)
            .flat_map(|x| (0..h).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 128)
            .count();
        let total = ((w / 2 - 10) * h) as usize;
        assert!(dark > total / 50 && dark < total / 2, "{dark} of {total}");
    }

    #[test]
    fn bad_resolutions_and_huge_symbols_are_refused() {
        let m = qr(PREFIX, &digits(6), Ecc::M).unwrap();
        for dpi in [0, 71, 1201, u32::MAX] {
            assert!(
                matches!(render_png(&m, &text(1), dpi), Err(LabelError::BadDpi(d)) if d == dpi)
            );
        }
        assert!(render_png(&m, &text(1), 72).is_ok());
        assert!(render_png(&m, &text(1), 1200).is_ok());
        let big = qr(&"x".repeat(1000), &digits(6), Ecc::Q).unwrap();
        assert!(matches!(
            render_png(&big, &text(1), 72),
            Err(LabelError::QrTooDense { .. })
        ));
    }

    #[test]
    fn a_tampered_matrix_does_not_panic() {
        let original = qr(PREFIX, &digits(8), Ecc::M).unwrap();
        for width in [0, 1, 3, 44, 46, 1000, usize::MAX] {
            let mut m = original.clone();
            m.width = width;
            let _ = render_png(&m, &text(1), 300);
            let _ = crate::render_svg(&m, &text(1));
            let _ = m.dark(width.saturating_sub(1), 0);
        }
    }

    #[test]
    fn hostile_text_renders() {
        let m = qr(PREFIX, &digits(6), Ecc::M).unwrap();
        let long = "ﷺ".repeat(500);
        let t = LabelText {
            brand_latin: &long,
            brand_arabic: "\u{202E}<script>\u{0}",
            product: &long,
            lot: &long,
            expires: "",
            scan: &long,
            address: "",
            item: u32::MAX,
            quantity: u32::MAX,
            item_word: &long,
            human_code: "",
        };
        for dpi in [72, 1200] {
            assert!(render_png(&m, &t, dpi).is_ok());
        }
    }
}

//! The QR symbol of a label: `{url_prefix}{digits}` as exactly two segments (byte mode for the
//! URL prefix, numeric mode for the code), in the smallest version that holds them.
//!
//! The `qrcode` crate builds the bit stream, the Reed-Solomon blocks and the unmasked canvas
//! (~11 µs for version 7). Mask selection is ours. `Canvas::apply_best_mask` clones the canvas
//! eight times and scores each copy module by module through boxed closures: ~1.2 ms of the
//! ~1.25 ms that `QrCode::with_bits` takes for a version-7 symbol. We apply the same eight masks
//! and score them with the same penalty rules on rows and columns held as bit sets, where each
//! rule is a few shifts and popcounts (~30 µs for all eight). The chosen mask, and so every
//! module, is the one `qrcode` would choose: the `matches_the_qrcode_crate` test pins that.
//!
//! A fixed mask would have been a little faster still and is legal QR, but the penalty is what
//! keeps large blank areas and finder look-alikes out of the symbol, and once scoring costs
//! 30 µs there is nothing left to buy by dropping it.

use std::sync::OnceLock;

use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, Module};
use qrcode::{EcLevel, Version};

use super::{Ecc, LabelError};

/// Dark modules of a finished QR symbol, without quiet zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    /// QR version, 1..=40.
    pub version: i16,
    /// Modules per side: `4 * version + 17`.
    pub width: usize,
    /// Row-major, `true` = dark.
    modules: Vec<bool>,
}

impl QrMatrix {
    /// Whether the module at column `x`, row `y` is dark. Outside the symbol (the quiet zone)
    /// everything is light.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        x < self.width
            && y < self.width
            && self
                .modules
                .get(y * self.width + x)
                .copied()
                .unwrap_or(false)
    }

    /// Horizontal runs of dark modules as `(row, first column, length)`, top to bottom, left to
    /// right: what the vector renderers draw, one rectangle per run.
    pub(crate) fn runs(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        // `width` is a public field: bound everything by it, so a caller who changed it gets a
        // wrong picture, never an index out of range.
        let width = self.width.max(1);
        self.modules
            .chunks(width)
            .take(width)
            .enumerate()
            .flat_map(|(y, row)| {
                let mut x = 0;
                std::iter::from_fn(move || {
                    while x < row.len() && !row[x] {
                        x += 1;
                    }
                    if x >= row.len() {
                        return None;
                    }
                    let start = x;
                    while x < row.len() && row[x] {
                        x += 1;
                    }
                    Some((y, start, x - start))
                })
            })
    }
}

/// Encodes `{url_prefix}{digits}` as a byte segment followed by a numeric segment, in the smallest
/// version that fits at `ecc`.
pub fn qr(url_prefix: &str, digits: &str, ecc: Ecc) -> Result<QrMatrix, LabelError> {
    if digits.is_empty() {
        return Err(LabelError::EmptyCode);
    }
    if let Some((position, found)) = digits
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(LabelError::NotDigits { position, found });
    }
    let level = match ecc {
        Ecc::M => EcLevel::M,
        Ecc::Q => EcLevel::Q,
    };
    let prefix = url_prefix.as_bytes();
    let too_long = || LabelError::DataTooLong {
        prefix_bytes: prefix.len(),
        digits: digits.len(),
        ecc,
    };
    let version = (1..=40)
        .find(|&v| fits(v, prefix.len(), digits.len(), level))
        .ok_or_else(too_long)?;

    let mut bits = Bits::new(Version::Normal(version));
    bits.push_byte_data(prefix).map_err(LabelError::Qr)?;
    bits.push_numeric_data(digits.as_bytes())
        .map_err(LabelError::Qr)?;
    bits.push_terminator(level).map_err(LabelError::Qr)?;
    let data = bits.into_bytes();
    let (data, ec) = qrcode::ec::construct_codewords(&data, Version::Normal(version), level)
        .map_err(LabelError::Qr)?;
    let mut canvas = Canvas::new(Version::Normal(version), level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);

    let width = usize::try_from(Version::Normal(version).width()).expect("QR width is positive");
    let modules = best_mask(&canvas, width, level);
    Ok(QrMatrix {
        version,
        width,
        modules,
    })
}

/// Whether the two segments fit `version` at `level`: header bits, payload bits and the
/// character-count fields' ranges (ISO/IEC 18004 table 3).
fn fits(version: i16, prefix_bytes: usize, digits: usize, level: EcLevel) -> bool {
    let (byte_count_bits, numeric_count_bits) = match version {
        1..=9 => (8, 10),
        10..=26 => (16, 12),
        _ => (16, 14),
    };
    if prefix_bytes >> byte_count_bits != 0 || digits >> numeric_count_bits != 0 {
        return false;
    }
    let needed = 4
        + byte_count_bits
        + 8 * prefix_bytes
        + 4
        + numeric_count_bits
        + 10 * (digits / 3)
        + [0, 4, 7][digits % 3];
    Bits::new(Version::Normal(version))
        .max_len(level)
        .is_ok_and(|capacity| needed <= capacity)
}

/// The 15-bit format words, indexed by `(ec bits) << 3 | mask` (ISO/IEC 18004 table C.1).
const FORMAT_INFOS: [u16; 32] = [
    0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0, 0x77c4, 0x72f3, 0x7daa, 0x789d,
    0x662f, 0x6318, 0x6c41, 0x6976, 0x1689, 0x13be, 0x1ce7, 0x19d0, 0x0762, 0x0255, 0x0d0c, 0x083b,
    0x355f, 0x3068, 0x3f31, 0x3a06, 0x24b4, 0x2183, 0x2eda, 0x2bed,
];

/// Where the format word goes, most significant bit first; negative coordinates count from the
/// far edge. Same order as the `qrcode` crate.
const FORMAT_MAIN: [(i16, i16); 15] = [
    (0, 8),
    (1, 8),
    (2, 8),
    (3, 8),
    (4, 8),
    (5, 8),
    (7, 8),
    (8, 8),
    (8, 7),
    (8, 5),
    (8, 4),
    (8, 3),
    (8, 2),
    (8, 1),
    (8, 0),
];
const FORMAT_SIDE: [(i16, i16); 15] = [
    (8, -1),
    (8, -2),
    (8, -3),
    (8, -4),
    (8, -5),
    (8, -6),
    (8, -7),
    (-8, 8),
    (-7, 8),
    (-6, 8),
    (-5, 8),
    (-4, 8),
    (-3, 8),
    (-2, 8),
    (-1, 8),
];

fn mask_bit(pattern: u8, x: usize, y: usize) -> bool {
    match pattern {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

/// A row or column of at most 177 modules as a bit set: bit `i` is module `i`, 1 = dark.
/// Scoring on bit sets makes each penalty rule a handful of shifts and popcounts with no
/// data-dependent branches; module-by-module loops spent most of their time on mispredictions.
type Line = [u64; 3];

fn shr(a: Line, k: u32) -> Line {
    // Bit i of the result is bit i + k of `a`; 0 < k < 64.
    [
        a[0] >> k | a[1] << (64 - k),
        a[1] >> k | a[2] << (64 - k),
        a[2] >> k,
    ]
}

fn shl(a: Line, k: u32) -> Line {
    // Bit i of the result is bit i - k of `a`, zeros shifted in; 0 < k < 64.
    [
        a[0] << k,
        a[1] << k | a[0] >> (64 - k),
        a[2] << k | a[1] >> (64 - k),
    ]
}

fn and(a: Line, b: Line) -> Line {
    [a[0] & b[0], a[1] & b[1], a[2] & b[2]]
}

fn or(a: Line, b: Line) -> Line {
    [a[0] | b[0], a[1] | b[1], a[2] | b[2]]
}

/// Bits where `a` and `b` agree.
fn same(a: Line, b: Line) -> Line {
    [!(a[0] ^ b[0]), !(a[1] ^ b[1]), !(a[2] ^ b[2])]
}

fn not(a: Line) -> Line {
    [!a[0], !a[1], !a[2]]
}

fn ones(a: Line) -> u32 {
    a[0].count_ones() + a[1].count_ones() + a[2].count_ones()
}

/// Bits 0..n set.
fn first(n: usize) -> Line {
    let mut out = [0u64; 3];
    for (i, word) in out.iter_mut().enumerate() {
        let bits = n.saturating_sub(64 * i).min(64);
        *word = if bits == 64 { !0 } else { (1u64 << bits) - 1 };
    }
    out
}

fn set(line: &mut Line, i: usize, bit: bool) {
    let (word, shift) = (i / 64, i % 64);
    line[word] = line[word] & !(1 << shift) | u64::from(bit) << shift;
}

/// Largest symbol width (version 40).
const MAX_WIDTH: usize = 177;

/// The eight mask patterns as bit sets, by rows (`[pattern][0][y]`, bits over x) and by columns
/// (`[pattern][1][x]`, bits over y), for the largest symbol; smaller ones use a corner of it.
fn mask_lines() -> &'static [[[Line; MAX_WIDTH]; 2]; 8] {
    static MASKS: OnceLock<Box<[[[Line; MAX_WIDTH]; 2]; 8]>> = OnceLock::new();
    MASKS.get_or_init(|| {
        let mut masks = Box::new([[[[0u64; 3]; MAX_WIDTH]; 2]; 8]);
        for (pattern, [rows, columns]) in masks.iter_mut().enumerate() {
            for (a, (row, column)) in rows.iter_mut().zip(columns.iter_mut()).enumerate() {
                for b in 0..MAX_WIDTH {
                    // Row a, column b; and column a, row b.
                    set(row, b, mask_bit(pattern as u8, b, a));
                    set(column, b, mask_bit(pattern as u8, a, b));
                }
            }
        }
        masks
    })
}

/// Applies each of the eight masks, scores it, and returns the modules of the lowest-scoring one
/// (the first on ties, as `qrcode` does).
fn best_mask(canvas: &Canvas, width: usize, level: EcLevel) -> Vec<bool> {
    let w = i16::try_from(width).expect("QR width fits i16");
    // [0] by rows, [1] by columns.
    let mut base = [vec![[0u64; 3]; width], vec![[0u64; 3]; width]];
    let mut maskable = base.clone();
    for y in 0..width {
        for x in 0..width {
            // Both fit i16: width is at most 177.
            let m = canvas.get(x as i16, y as i16);
            // Empty modules are the remainder bits: masked like light data modules.
            let data = matches!(m, Module::Unmasked(_) | Module::Empty);
            set(&mut base[0][y], x, m.is_dark());
            set(&mut base[1][x], y, m.is_dark());
            set(&mut maskable[0][y], x, data);
            set(&mut maskable[1][x], y, data);
        }
    }
    let wrap = |v: i16| usize::try_from(if v < 0 { v + w } else { v }).expect("in range");

    let masks = mask_lines();
    let mut best: Option<(u32, Vec<Line>)> = None;
    let mut lines = [vec![[0u64; 3]; width], vec![[0u64; 3]; width]];
    for (pattern, mask) in masks.iter().enumerate() {
        for dir in 0..2 {
            for (i, out) in lines[dir].iter_mut().enumerate() {
                let flip = and(maskable[dir][i], mask[dir][i]);
                let b = base[dir][i];
                *out = [b[0] ^ flip[0], b[1] ^ flip[1], b[2] ^ flip[2]];
            }
        }
        let format = FORMAT_INFOS[(((level as usize) ^ 1) << 3) | pattern];
        for (k, (&(mx, my), &(sx, sy))) in FORMAT_MAIN.iter().zip(FORMAT_SIDE.iter()).enumerate() {
            let bit = format >> (14 - k) & 1 == 1;
            for (x, y) in [(wrap(mx), wrap(my)), (wrap(sx), wrap(sy))] {
                set(&mut lines[0][y], x, bit);
                set(&mut lines[1][x], y, bit);
            }
        }
        let score = penalty(&lines[0], &lines[1], width);
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, lines[0].clone()));
        }
    }
    let (_, rows) = best.expect("eight masks were scored");
    rows.iter()
        .flat_map(|row| (0..width).map(move |x| row[x / 64] >> (x % 64) & 1 == 1))
        .collect()
}

/// The ISO/IEC 18004 §7.8.3 penalty, computed as the `qrcode` crate computes it (same run,
/// block, finder-like and balance rules, same integer rounding) so the same mask wins.
fn penalty(rows: &[Line], columns: &[Line], width: usize) -> u32 {
    let mut score = 0u32;
    for lines in [rows, columns] {
        for &line in lines {
            score += run_penalty(line, width) + finder_penalty(line, width);
        }
        // `qrcode` subtracts the 9 hits per direction that the three real finder patterns always
        // make; constant, so it changes no comparison, but keeps the scores equal to theirs.
        score = score.saturating_sub(360);
    }
    let pairs = first(width - 1);
    for pair in rows.windows(2) {
        let (top, bottom) = (pair[0], pair[1]);
        let blocks = and(
            and(same(top, shr(top, 1)), same(bottom, shr(bottom, 1))),
            and(same(top, bottom), pairs),
        );
        score += 3 * ones(blocks);
    }
    let dark: usize = rows.iter().map(|r| ones(*r) as usize).sum();
    let ratio = dark * 200 / (width * width);
    score + u32::try_from(ratio.abs_diff(100)).expect("ratio is at most 200")
}

/// Each run of 5 + k same-coloured modules costs 3 + k: one per window of five equal modules
/// (1 + k of them) plus two per run.
fn run_penalty(line: Line, width: usize) -> u32 {
    let equal = and(same(line, shr(line, 1)), first(width - 1));
    let five = and(and(equal, shr(equal, 1)), and(shr(equal, 2), shr(equal, 3)));
    let starts = and(five, not(shl(five, 1)));
    ones(five) + 2 * ones(starts)
}

/// Each dark-light-dark-dark-dark-light-dark with four light modules (or the edge) on either
/// side costs 40.
fn finder_penalty(line: Line, width: usize) -> u32 {
    // Outside the symbol counts as light: bits past `width` are 0 in `line`, 1 in `light`.
    let light = not(line);
    let mut found = first(width - 6);
    for (k, dark) in [true, false, true, true, true, false, true]
        .into_iter()
        .enumerate()
    {
        let k = k as u32;
        let src = if dark { line } else { light };
        found = and(found, if k == 0 { src } else { shr(src, k) });
    }
    let after = and(
        and(shr(light, 7), shr(light, 8)),
        and(shr(light, 9), shr(light, 10)),
    );
    let lit = |k: u32| or(shl(light, k), first(k as usize));
    let before = and(and(lit(1), lit(2)), and(lit(3), lit(4)));
    40 * ones(and(found, or(after, before)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::digits;
    use qrcode::QrCode;

    #[test]
    fn matches_the_qrcode_crate() {
        let prefixes = [
            "http://127.0.0.1:8080/v/",
            "https://verify.tasdiq.example.ma/v/",
            "h",
            "https://a-much-longer-public-base-url.example.org/path/v/",
        ];
        for (i, prefix) in prefixes.iter().enumerate() {
            for (ecc, level) in [(Ecc::M, EcLevel::M), (Ecc::Q, EcLevel::Q)] {
                for len in [1usize, 2, 3, 10, 207] {
                    let d = &digits(i as u64 * 31 + len as u64)[..len];
                    let ours = qr(prefix, d, ecc).unwrap();
                    let mut bits = Bits::new(Version::Normal(ours.version));
                    bits.push_byte_data(prefix.as_bytes()).unwrap();
                    bits.push_numeric_data(d.as_bytes()).unwrap();
                    bits.push_terminator(level).unwrap();
                    let theirs = QrCode::with_bits(bits, level).unwrap();
                    assert_eq!(theirs.width(), ours.width);
                    let theirs: Vec<bool> = theirs
                        .to_colors()
                        .iter()
                        .map(|c| *c == qrcode::Color::Dark)
                        .collect();
                    assert_eq!(theirs, ours.modules, "{prefix} {len} {ecc:?}");
                    if ours.version > 1 {
                        assert!(
                            !fits(ours.version - 1, prefix.len(), len, level),
                            "version {} is not the smallest",
                            ours.version
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_30_char_public_url_fits_version_7_at_m() {
        let base = "https://verify.tasdiq.gov.ma:1";
        assert_eq!(base.len(), 30);
        let prefix = format!("{base}/v/");
        let m = qr(&prefix, &digits(1), Ecc::M).unwrap();
        assert!(m.version <= 7, "version {}", m.version);
        assert_eq!(m.width, 45);
        let q = qr(&prefix, &digits(1), Ecc::Q).unwrap();
        assert!(q.version > m.version, "Q needs a larger symbol");
        assert_eq!(q.width, 4 * q.version as usize + 17);
    }

    #[test]
    fn rejects_what_it_cannot_encode() {
        assert!(matches!(qr("x", "", Ecc::M), Err(LabelError::EmptyCode)));
        assert!(matches!(
            qr("x", "12a4", Ecc::M),
            Err(LabelError::NotDigits {
                position: 2,
                found: 'a'
            })
        ));
        assert!(matches!(
            qr("x", "١٢", Ecc::M),
            Err(LabelError::NotDigits { position: 0, .. })
        ));
        let huge = "x".repeat(3000);
        assert!(matches!(
            qr(&huge, "1", Ecc::M),
            Err(LabelError::DataTooLong { .. })
        ));
        let many = "7".repeat(20_000);
        assert!(matches!(
            qr("x", &many, Ecc::Q),
            Err(LabelError::DataTooLong { .. })
        ));
        // Right at the limits: every version is tried, nothing panics.
        for n in (3000..7100).step_by(97) {
            let _ = qr("", &"1".repeat(n), Ecc::M);
        }
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let m = qr("http://127.0.0.1:8080/v/", &digits(3), Ecc::M).unwrap();
        let mut seen = vec![false; m.width * m.width];
        for (y, x, len) in m.runs() {
            for i in x..x + len {
                seen[y * m.width + i] = true;
            }
        }
        assert_eq!(seen, m.modules);
        assert!(!m.dark(m.width, 0) && !m.dark(0, m.width));
    }
}

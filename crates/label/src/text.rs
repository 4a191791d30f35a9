//! Text: the embedded fonts, shaping with rustybuzz, a minimal bidi pass, fitting a line into a
//! width, and glyph outlines.
//!
//! Shaping is done per run of one font and one direction, as HarfBuzz expects: Arabic letters go
//! to Noto Sans Arabic shaped right to left (that is what joins them into their initial, medial
//! and final forms), Tifinagh to Noto Sans Tifinagh, everything else to Noto Sans left to right.
//! Characters no embedded font has (emoji, CJK) print as the font's empty box. The bidi pass is a
//! reduced
//! Unicode Bidirectional Algorithm (levels 0–2, numbers after Arabic letters are Arabic numbers,
//! neutrals take the direction of their neighbours when both agree, otherwise the paragraph's):
//! enough for an Arabic brand with a digit in it, or a French product name quoting an Arabic word,
//! without a bidi crate.

use std::sync::OnceLock;

use rustybuzz::ttf_parser::{self, GlyphId, OutlineBuilder};
use rustybuzz::{Direction, Face, Script, ShapePlan, UnicodeBuffer, script};

static LATIN_TTF: &[u8] = include_bytes!("fonts/NotoSans-Regular.ttf");
static ARABIC_TTF: &[u8] = include_bytes!("fonts/NotoSansArabic-Regular.ttf");
static TIFINAGH_TTF: &[u8] = include_bytes!("fonts/NotoSansTifinagh-Regular.ttf");

/// Longest text we shape, in characters. Longer input is cut before shaping: it could never fit
/// on a label, and this bounds the work a hostile 1 MB product name can cause.
const MAX_CHARS: usize = 256;

/// Which embedded font a glyph comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FontId {
    Latin,
    Arabic,
    /// Tifinagh, for Tamazight text: 39 KB, so a product name in Tifinagh prints as letters
    /// rather than boxes.
    Tifinagh,
}

/// The embedded fonts, parsed once, with their shaping plans.
pub struct Fonts {
    latin: Face<'static>,
    arabic: Face<'static>,
    tifinagh: Face<'static>,
    /// Plans indexed by `[font][rtl]`: building a plan costs more than shaping a short line.
    plans: [[ShapePlan; 2]; 3],
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fonts { Noto Sans, Noto Sans Arabic, Noto Sans Tifinagh }")
    }
}

impl Fonts {
    /// The fonts compiled into the binary, parsed on first use.
    pub fn embedded() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let latin = Face::from_slice(LATIN_TTF, 0).expect("embedded Noto Sans parses");
            let arabic = Face::from_slice(ARABIC_TTF, 0).expect("embedded Noto Sans Arabic parses");
            let tifinagh =
                Face::from_slice(TIFINAGH_TTF, 0).expect("embedded Noto Sans Tifinagh parses");
            let plan = |face: &Face<'_>, rtl: bool, script: Script| {
                let dir = if rtl {
                    Direction::RightToLeft
                } else {
                    Direction::LeftToRight
                };
                ShapePlan::new(face, dir, Some(script), None, &[])
            };
            let plans = [
                [
                    plan(&latin, false, script::LATIN),
                    plan(&latin, true, script::LATIN),
                ],
                [
                    plan(&arabic, false, script::ARABIC),
                    plan(&arabic, true, script::ARABIC),
                ],
                [
                    plan(&tifinagh, false, script::TIFINAGH),
                    plan(&tifinagh, true, script::TIFINAGH),
                ],
            ];
            Fonts {
                latin,
                arabic,
                tifinagh,
                plans,
            }
        })
    }

    pub(crate) fn face(&self, font: FontId) -> &ttf_parser::Face<'static> {
        match font {
            FontId::Latin => &self.latin,
            FontId::Arabic => &self.arabic,
            FontId::Tifinagh => &self.tifinagh,
        }
    }

    fn units_per_em(&self, font: FontId) -> f32 {
        f32::from(self.face(font).units_per_em())
    }

    /// The outline of a glyph in font units (y up), or `None` for glyphs with no ink (space).
    pub(crate) fn outline(&self, font: FontId, id: u16) -> Option<Outline> {
        let mut out = Outline::default();
        let rect = self.face(font).outline_glyph(GlyphId(id), &mut out)?;
        out.bbox = [
            f32::from(rect.x_min),
            f32::from(rect.y_min),
            f32::from(rect.x_max),
            f32::from(rect.y_max),
        ];
        out.scale = 1.0 / self.units_per_em(font);
        Some(out)
    }

    /// Shapes one line. `rtl` is the paragraph direction; `None` takes it from the first strong
    /// character. Glyphs come out in visual order, left to right.
    pub(crate) fn shape(&self, text: &str, rtl: Option<bool>) -> Shaped {
        let mut shaped = Shaped::default();
        for run in bidi_runs(self, text, rtl) {
            let rtl = run.level % 2 == 1;
            let mut buffer = UnicodeBuffer::new();
            for (i, c) in text[run.start..run.end].char_indices() {
                buffer.add(c, u32::try_from(run.start + i).unwrap_or(u32::MAX));
            }
            let (face, script) = match run.font {
                FontId::Latin => (&self.latin, script::LATIN),
                FontId::Arabic => (&self.arabic, script::ARABIC),
                FontId::Tifinagh => (&self.tifinagh, script::TIFINAGH),
            };
            buffer.set_direction(if rtl {
                Direction::RightToLeft
            } else {
                Direction::LeftToRight
            });
            buffer.set_script(script);
            let plan = &self.plans[run.font as usize][usize::from(rtl)];
            let out = rustybuzz::shape_with_plan(face, plan, buffer);
            let em = self.units_per_em(run.font);
            for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
                let advance = pos.x_advance as f32 / em;
                shaped.glyphs.push(Glyph {
                    font: run.font,
                    id: u16::try_from(info.glyph_id).unwrap_or(0),
                    x: shaped.width + pos.x_offset as f32 / em,
                    y: pos.y_offset as f32 / em,
                    advance,
                    cluster: info.cluster,
                });
                shaped.width += advance;
            }
        }
        shaped
    }

    /// Shapes `text` and, if it is wider than `max` ems, cuts it and appends "…".
    pub(crate) fn fit(&self, text: &str, max: f32, rtl: Option<bool>) -> Shaped {
        let full = self.shape(text, rtl);
        if full.width <= max {
            return full;
        }
        let ellipsis = self.shape("…", rtl).width;
        let cut = longest_prefix(text, &full, max - ellipsis);
        self.cut_with_ellipsis(text, cut, max, rtl)
    }

    /// Cuts `text` at byte `cut` or earlier until `head…` is at most `max` ems wide. The prefix
    /// widths used to find `cut` ignore kerning and joining across the cut, so the result is
    /// shaped again and checked.
    fn cut_with_ellipsis(&self, text: &str, mut cut: usize, max: f32, rtl: Option<bool>) -> Shaped {
        for _ in 0..16 {
            let head = text[..cut].trim_end();
            let shaped = self.shape(&format!("{head}…"), rtl);
            if shaped.width <= max || head.is_empty() {
                return shaped;
            }
            cut = head.char_indices().last().map_or(0, |(i, _)| i);
        }
        self.shape("…", rtl)
    }

    /// Breaks `text` into lines of at most `max` ems: at the last space that fits, else inside
    /// the word. Nothing is cut: the lines hold every character (at most 256 lines).
    pub(crate) fn wrap(&self, text: &str, max: f32, rtl: Option<bool>) -> Vec<Shaped> {
        let mut lines = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() && lines.len() < MAX_CHARS {
            let (line, end) = self.first_line(rest, max, rtl);
            lines.push(line);
            rest = rest[end..].trim_start();
        }
        lines
    }

    /// The first line of `text` and the byte where the rest starts.
    fn first_line(&self, text: &str, max: f32, rtl: Option<bool>) -> (Shaped, usize) {
        let full = self.shape(text, rtl);
        if full.width <= max {
            return (full, text.len());
        }
        let widths = prefix_widths(text, &full);
        let fitting = |b: usize| {
            widths
                .binary_search_by_key(&b, |w| w.0)
                .is_ok_and(|i| widths[i].1 <= max)
        };
        let breaks: Vec<usize> = text
            .char_indices()
            .filter(|(i, c)| c.is_whitespace() && *i > 0 && fitting(*i))
            .map(|(i, _)| i)
            .collect();
        for &b in breaks.iter().rev() {
            let line = self.shape(text[..b].trim_end(), rtl);
            if line.width <= max {
                return (line, b);
            }
        }
        // No space to break at (one word longer than the line): break inside the word. The
        // prefix widths ignore kerning across the cut, so shorten until the shaped part fits.
        let mut cut = longest_prefix(text, &full, max).max(first_char_len(text));
        loop {
            let line = self.shape(&text[..cut], rtl);
            let shorter = text[..cut].char_indices().last().map_or(0, |(i, _)| i);
            if line.width <= max || shorter == 0 {
                return (line, cut);
            }
            cut = shorter;
        }
    }
}

fn first_char_len(text: &str) -> usize {
    text.chars().next().map_or(0, char::len_utf8)
}

/// Width in ems of the glyphs of `text[..b]`, for each char boundary `b` (ascending), from the
/// clusters of the shaped whole.
fn prefix_widths(text: &str, shaped: &Shaped) -> Vec<(usize, f32)> {
    let mut by_cluster: Vec<(u32, f32)> = shaped
        .glyphs
        .iter()
        .map(|g| (g.cluster, g.advance))
        .collect();
    by_cluster.sort_by_key(|g| g.0);
    let mut out = Vec::with_capacity(text.len() + 1);
    let (mut i, mut acc) = (0, 0.0);
    for b in text
        .char_indices()
        .map(|(b, _)| b)
        .skip(1)
        .chain(std::iter::once(text.len()))
    {
        while i < by_cluster.len() && (by_cluster[i].0 as usize) < b {
            acc += by_cluster[i].1;
            i += 1;
        }
        out.push((b, acc));
    }
    out
}

/// The largest char boundary whose prefix is at most `max` ems wide (0 if none).
fn longest_prefix(text: &str, shaped: &Shaped, max: f32) -> usize {
    prefix_widths(text, shaped)
        .into_iter()
        .take_while(|(_, w)| *w <= max)
        .last()
        .map_or(0, |(b, _)| b)
}

/// Replaces control characters by spaces, drops explicit bidi controls (we do our own ordering,
/// and an RLO in a product name must not reorder the label), trims, and keeps at most
/// `MAX_CHARS` characters.
pub(crate) fn clean(text: &str) -> String {
    let s: String = text
        .chars()
        .filter(|c| {
            !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_CHARS)
        .collect();
    s.trim().to_owned()
}

/// One shaped line: glyphs in visual order, positions in ems from the line's left end.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shaped {
    pub glyphs: Vec<Glyph>,
    /// Total advance in ems.
    pub width: f32,
}

/// A glyph of a shaped line, in ems; `y` is up from the baseline.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Glyph {
    pub font: FontId,
    pub id: u16,
    pub x: f32,
    pub y: f32,
    pub advance: f32,
    /// Byte offset in the shaped text of the character(s) this glyph shows.
    pub cluster: u32,
}

/// A glyph outline in font units, y up.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outline {
    pub segments: Vec<Segment>,
    /// `[x_min, y_min, x_max, y_max]` in font units.
    pub bbox: [f32; 4],
    /// Ems per font unit.
    pub scale: f32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Segment {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.segments.push(Segment::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.segments.push(Segment::Line(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.segments.push(Segment::Quad(x1, y1, x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.segments.push(Segment::Cubic(x1, y1, x2, y2, x, y));
    }
    fn close(&mut self) {
        self.segments.push(Segment::Close);
    }
}

/// Bidi class, reduced to what a label needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Left-to-right letters.
    L,
    /// Right-to-left letters (Arabic, Hebrew).
    R,
    /// European digits.
    En,
    /// Arabic-Indic digits.
    An,
    /// Spaces, punctuation, symbols.
    N,
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}')
}

fn class(c: char) -> Class {
    match c {
        '0'..='9' => Class::En,
        '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => Class::An,
        '\u{0590}'..='\u{05FF}' | '\u{FB1D}'..='\u{FB4F}' => Class::R,
        c if is_arabic(c) => Class::R,
        c if c.is_alphabetic() => Class::L,
        _ => Class::N,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    start: usize,
    end: usize,
    level: u8,
    font: FontId,
}

/// Splits a line into runs of one font and one embedding level, in visual order.
fn bidi_runs(fonts: &Fonts, text: &str, rtl: Option<bool>) -> Vec<Run> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut classes: Vec<Class> = chars.iter().map(|(_, c)| class(*c)).collect();
    let para_rtl = rtl.unwrap_or_else(|| {
        classes
            .iter()
            .find_map(|c| match c {
                Class::L => Some(false),
                Class::R => Some(true),
                _ => None,
            })
            .unwrap_or(false)
    });
    // W1/W2/W7: combining marks take the class of what they follow; European digits after
    // Arabic letters read as Arabic numbers, after Latin letters (or at the start of an LTR
    // paragraph) as Latin.
    let mut last_strong = if para_rtl { Class::R } else { Class::L };
    for i in 0..classes.len() {
        if matches!(chars[i].1, '\u{0300}'..='\u{036F}') && i > 0 {
            classes[i] = classes[i - 1];
        }
        match classes[i] {
            Class::L | Class::R => last_strong = classes[i],
            Class::En if last_strong == Class::R => classes[i] = Class::An,
            Class::En if last_strong == Class::L => classes[i] = Class::L,
            _ => {}
        }
    }
    // N1/N2: a stretch of neutrals between two runs of the same direction takes it (numbers
    // count as right-to-left there); otherwise it takes the paragraph's.
    let dir = |c: Class| match c {
        Class::L => Some(false),
        Class::R | Class::An | Class::En => Some(true),
        Class::N => None,
    };
    let mut resolved_rtl: Vec<bool> = Vec::with_capacity(classes.len());
    let mut i = 0;
    while i < classes.len() {
        if let Some(r) = dir(classes[i]) {
            resolved_rtl.push(r);
            i += 1;
            continue;
        }
        let start = i;
        while i < classes.len() && classes[i] == Class::N {
            i += 1;
        }
        let before = start
            .checked_sub(1)
            .and_then(|p| dir(classes[p]))
            .unwrap_or(para_rtl);
        let after = classes.get(i).and_then(|c| dir(*c)).unwrap_or(para_rtl);
        let r = if before == after { before } else { para_rtl };
        resolved_rtl.extend(std::iter::repeat_n(r, i - start));
    }
    // I1/I2: levels.
    let levels: Vec<u8> = classes
        .iter()
        .zip(&resolved_rtl)
        .map(|(c, &r)| match (para_rtl, c, r) {
            (false, Class::En | Class::An, _) => 2,
            (false, _, true) => 1,
            (false, _, false) => 0,
            (true, Class::En | Class::An, _) => 2,
            (true, _, true) => 1,
            (true, _, false) => 2,
        })
        .collect();
    let font_of = |i: usize| {
        let c = chars[i].1;
        let arabic_face = fonts.arabic.glyph_index(c).is_some();
        let wants_arabic = match classes[i] {
            Class::An => true,
            Class::R => is_arabic(c),
            Class::N => levels[i] % 2 == 1,
            _ => false,
        };
        if wants_arabic && arabic_face {
            FontId::Arabic
        } else if matches!(c, '\u{2D30}'..='\u{2D7F}') && fonts.tifinagh.glyph_index(c).is_some() {
            FontId::Tifinagh
        } else {
            FontId::Latin
        }
    };
    let mut runs: Vec<Run> = Vec::new();
    for i in 0..chars.len() {
        let (start, c) = chars[i];
        let (level, font) = (levels[i], font_of(i));
        match runs.last_mut() {
            Some(run) if run.level == level && run.font == font => run.end = start + c.len_utf8(),
            _ => runs.push(Run {
                start,
                end: start + c.len_utf8(),
                level,
                font,
            }),
        }
    }
    // L2: from the highest level down to the lowest odd one, reverse every stretch of runs at
    // that level or higher.
    let highest = runs.iter().map(|r| r.level).max().unwrap_or(0);
    let lowest_odd = runs
        .iter()
        .map(|r| r.level)
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(highest + 1)
        .min(highest);
    for level in (lowest_odd.max(1)..=highest).rev() {
        let mut i = 0;
        while i < runs.len() {
            if runs[i].level < level {
                i += 1;
                continue;
            }
            let start = i;
            while i < runs.len() && runs[i].level >= level {
                i += 1;
            }
            runs[start..i].reverse();
        }
    }
    runs
}

#[cfg(test)]
mod tests;

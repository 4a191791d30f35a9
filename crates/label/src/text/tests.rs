use super::*;

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn fonts_are_shareable_between_threads() {
    assert_send_sync::<Fonts>();
    assert!(std::ptr::eq(Fonts::embedded(), Fonts::embedded()));
}

#[test]
fn arabic_is_shaped_with_joined_forms_right_to_left() {
    let fonts = Fonts::embedded();
    let word = "أركان";
    let shaped = fonts.shape(word, Some(true));
    assert!(
        shaped
            .glyphs
            .iter()
            .all(|g| g.font == FontId::Arabic && g.id != 0)
    );
    let isolated: Vec<u16> = word
        .chars()
        .map(|c| fonts.shape(&c.to_string(), Some(true)).glyphs[0].id)
        .collect();
    let joined: Vec<u16> = shaped.glyphs.iter().rev().map(|g| g.id).collect();
    assert_ne!(joined, isolated, "contextual forms were not applied");
    // Visual order is right to left: the first glyph from the left is the last letter.
    let clusters: Vec<u32> = shaped.glyphs.iter().map(|g| g.cluster).collect();
    assert!(
        clusters.windows(2).all(|w| w[0] > w[1]),
        "glyphs are not in RTL order: {clusters:?}"
    );
    assert_eq!(*clusters.last().unwrap(), 0);
    // Ink moves leftwards as the logical text advances.
    assert!(shaped.glyphs[0].x < shaped.glyphs[shaped.glyphs.len() - 1].x);
}

#[test]
fn mixed_lines_keep_numbers_and_latin_left_to_right() {
    let fonts = Fonts::embedded();
    // An Arabic brand with a number: the digits stay in reading order "12".
    let text = "زيت 12";
    let runs = bidi_runs(fonts, text, Some(true));
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(&text[runs[0].start..runs[0].end], "12");
    assert_eq!((runs[0].level, runs[1].level), (2, 1));
    let shaped = fonts.shape(text, Some(true));
    assert!(shaped.glyphs.iter().all(|g| g.id != 0));
    let clusters: Vec<u32> = shaped.glyphs.iter().map(|g| g.cluster).collect();
    assert_eq!(
        clusters[..2],
        [7, 8],
        "digits first, in reading order: {clusters:?}"
    );
    // A French line quoting an Arabic word: the Latin words stay in place around it.
    let text = "Huile أركان bio";
    let runs = bidi_runs(fonts, text, None);
    let pieces: Vec<&str> = runs.iter().map(|r| text[r.start..r.end].trim()).collect();
    assert_eq!(pieces, ["Huile", "أركان", "bio"]);
    assert_eq!(runs[1].level, 1);
}

#[test]
fn tifinagh_has_its_own_font() {
    let fonts = Fonts::embedded();
    let shaped = fonts.shape("ⴰⵔⴳⴰⵏ Argane", None);
    let fonts_used: Vec<FontId> = shaped.glyphs.iter().map(|g| g.font).collect();
    assert_eq!(fonts_used[..5], [FontId::Tifinagh; 5]);
    assert_eq!(*fonts_used.last().unwrap(), FontId::Latin);
    assert!(shaped.glyphs.iter().all(|g| g.id != 0));
}

#[test]
fn long_text_is_cut_with_an_ellipsis_and_wrapped() {
    let fonts = Fonts::embedded();
    let long = "Huile d'argan alimentaire 250 ml, première pression à froid";
    let fit = fonts.fit(long, 8.0, None);
    assert!(fit.width <= 8.0);
    let ellipsis = fonts.shape("…", None).glyphs[0].id;
    assert_eq!(fit.glyphs.last().unwrap().id, ellipsis);
    let lines = fonts.wrap(long, 12.0, None);
    assert!(lines.len() >= 2 && lines.iter().all(|l| l.width <= 12.0));
    // Nothing is lost: every character of the text is on some line.
    let glyphs: usize = lines.iter().map(|l| l.glyphs.len()).sum();
    let letters = long.chars().filter(|c| !c.is_whitespace()).count();
    assert!(glyphs >= letters, "{glyphs} glyphs for {letters} letters");
    assert!(
        lines
            .iter()
            .all(|l| l.glyphs.iter().all(|g| g.id != ellipsis))
    );
    // The first line ends at a word.
    let short = fonts.shape("Huile d'argan", None);
    assert!(lines[0].width >= short.width);
    let one = fonts.wrap("Huile", 12.0, None);
    assert!(one.len() == 1 && one[0].glyphs.len() == 5);
    // A word longer than the line is broken inside, and kept whole.
    let ws = fonts.wrap(&"W".repeat(60), 5.0, None);
    assert!(ws.iter().all(|l| l.width <= 5.0));
    assert_eq!(ws.iter().map(|l| l.glyphs.len()).sum::<usize>(), 60);
    // Arabic is cut at its logical end, which is on the left.
    let arabic = "تعاونية أركان للنساء في سوس ماسة";
    let cut = fonts.fit(arabic, 5.0, Some(true));
    assert!(cut.width <= 5.0);
    assert_eq!(cut.glyphs[0].id, ellipsis);
}

#[test]
fn hostile_text_is_tamed() {
    let fonts = Fonts::embedded();
    assert_eq!(clean("a\u{202E}b\nc\u{0}"), "ab c");
    assert_eq!(clean(&"x".repeat(10_000)).len(), MAX_CHARS);
    for text in [
        "",
        " ",
        "\u{0301}",
        "…",
        "😀🇲🇦",
        "ﷺ",
        "\u{FDFD}\u{FDFD}",
        "ⵜⴰⵎⴰⵣⵉⵖⵜ",
        "(أ)[ب]",
        "١٢٣ abc ٤٥",
    ] {
        for rtl in [None, Some(true), Some(false)] {
            let _ = fonts.shape(text, rtl);
            let _ = fonts.fit(text, 0.5, rtl);
            let _ = fonts.fit(text, 0.0, rtl);
            let _ = fonts.wrap(text, 0.5, rtl);
        }
    }
}

//! The fold that makes search accent- and case-insensitive: "feminine" finds "Féminine",
//! "COOPERATIVE" finds "Coopérative", and an Arabic query without short vowels finds a name
//! written with them.
//!
//! The same [`FOLDS`] table is applied to the query here and to the stored text inside the
//! SQL (`store::search`, nested `REPLACE`s then `LOWER`), so both sides agree on SQLite and
//! PostgreSQL without a stored copy of every name to keep up to date. The table is applied
//! first and only ASCII is lowered afterwards, because SQLite's `LOWER` lowers ASCII only:
//! every non-ASCII letter that has a case is in the table.

/// Each character that search treats as another text: accented Latin letters (both cases) as
/// their base letter, the ligatures spelled out, Arabic short vowels and tatweel dropped, and
/// the hamza forms of alef as a bare alef.
pub const FOLDS: &[(char, &str)] = &[
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ä', "a"),
    ('ã', "a"),
    ('å', "a"),
    ('À', "a"),
    ('Á', "a"),
    ('Â', "a"),
    ('Ä', "a"),
    ('Ã', "a"),
    ('Å', "a"),
    ('ç', "c"),
    ('Ç', "c"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('È', "e"),
    ('É', "e"),
    ('Ê', "e"),
    ('Ë', "e"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('Ì', "i"),
    ('Í', "i"),
    ('Î', "i"),
    ('Ï', "i"),
    ('ñ', "n"),
    ('Ñ', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('ö', "o"),
    ('õ', "o"),
    ('Ò', "o"),
    ('Ó', "o"),
    ('Ô', "o"),
    ('Ö', "o"),
    ('Õ', "o"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('Ù', "u"),
    ('Ú', "u"),
    ('Û', "u"),
    ('Ü', "u"),
    ('ý', "y"),
    ('ÿ', "y"),
    ('Ý', "y"),
    ('Ÿ', "y"),
    ('œ', "oe"),
    ('Œ', "oe"),
    ('æ', "ae"),
    ('Æ', "ae"),
    // Arabic: tanwin, short vowels, shadda, sukun, dagger alef; tatweel; alef with hamza or madda.
    ('\u{064B}', ""),
    ('\u{064C}', ""),
    ('\u{064D}', ""),
    ('\u{064E}', ""),
    ('\u{064F}', ""),
    ('\u{0650}', ""),
    ('\u{0651}', ""),
    ('\u{0652}', ""),
    ('\u{0670}', ""),
    ('\u{0640}', ""),
    ('أ', "ا"),
    ('إ', "ا"),
    ('آ', "ا"),
    ('ٱ', "ا"),
];

/// `s` as search compares it: [`FOLDS`] applied, then ASCII lowered.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match FOLDS.iter().find(|(from, _)| *from == c) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("Coopérative FÉMININE"), "cooperative feminine");
        assert_eq!(fold("COOPERATIVE"), fold("Coopérative"));
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("تَعَاوُنِيَّة"), "تعاونية");
        assert_eq!(fold("أركان"), "اركان");
        assert_eq!(fold("ⴰⵔⴳⴰⵏ"), "ⴰⵔⴳⴰⵏ");
    }

    #[test]
    fn every_fold_is_of_a_non_ascii_character_to_lower_case() {
        for (from, to) in FOLDS {
            assert!(!from.is_ascii(), "{from}");
            assert_eq!(*to, to.to_lowercase(), "{from}");
        }
    }
}

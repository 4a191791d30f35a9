//! Languages and messages. The service speaks Arabic (right to left), French, English and
//! Tamazight in Tifinagh. Messages live in one Fluent file per language (`ar.ftl`, `fr.ftl`,
//! `en.ftl`, `zgh.ftl`), embedded in the binary; none are written in code.

use std::sync::OnceLock;

use chrono::NaiveDate;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Ar,
    Zgh,
    Fr,
    En,
}

impl Lang {
    /// In the order the language switch shows them: the two official languages first.
    pub const ALL: [Lang; 4] = [Lang::Ar, Lang::Zgh, Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zgh => "zgh",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Text direction: Arabic is right to left.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ar" => Some(Lang::Ar),
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            // Tamazight: the ISO code of Standard Moroccan Tamazight, and the tags browsers
            // send for Berber languages.
            "zgh" | "tzm" | "ber" | "shi" | "rif" => Some(Lang::Zgh),
            _ => None,
        }
    }

    /// `?lang=` first, then `Accept-Language` by quality, then French.
    pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(l) = query.and_then(Lang::from_code) {
            return l;
        }
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.unwrap_or("").split(',').take(20) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Lang::from_code(primary)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map_or(Lang::Fr, |(_, l)| l)
    }

    fn index(self) -> usize {
        match self {
            Lang::Ar => 0,
            Lang::Zgh => 1,
            Lang::Fr => 2,
            Lang::En => 3,
        }
    }
}

const SOURCES: [(&str, &str); 4] = [
    ("ar", include_str!("ar.ftl")),
    ("zgh", include_str!("zgh.ftl")),
    ("fr", include_str!("fr.ftl")),
    ("en", include_str!("en.ftl")),
];

/// The parsed message bundles.
pub struct I18n {
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl I18n {
    /// Parses every message file; an error names the file and what is wrong.
    pub fn load() -> Result<I18n, String> {
        let mut bundles = Vec::new();
        for (code, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_owned())
                .map_err(|(_, errs)| format!("{code}.ftl: {errs:?}"))?;
            let langid: LanguageIdentifier = code.parse().map_err(|e| format!("{code}: {e}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Directional isolation is done in HTML with <bdi>, not with invisible characters.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errs| format!("{code}.ftl: {errs:?}"))?;
            bundles.push(bundle);
        }
        Ok(I18n { bundles })
    }

    /// The process-wide messages, parsed once. The files are embedded and tested, so a parse
    /// failure here is a build defect.
    pub fn global() -> &'static I18n {
        static I18N: OnceLock<I18n> = OnceLock::new();
        I18N.get_or_init(|| I18n::load().expect("embedded message files parse"))
    }

    /// The message `key` in `lang`, falling back to French, then to the key itself.
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.format(lang, key, None)
    }

    /// The message `key` with arguments.
    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Str(s) => a.set(*name, FluentValue::from(*s)),
                Arg::Num(n) => a.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(lang, key, Some(&a))
    }

    fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        for l in [lang, Lang::Fr] {
            let bundle = &self.bundles[l.index()];
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        key.to_owned()
    }

    /// Whether `key` exists in `lang`'s file.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles[lang.index()].has_message(key)
    }
}

/// A message argument.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

/// Dates as Moroccan Arabic and French write them: dd/MM/yyyy.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<&str> {
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
            .collect()
    }

    #[test]
    fn every_file_parses_and_has_the_same_keys() {
        let i18n = I18n::load().unwrap();
        let reference = keys(SOURCES[3].1);
        assert!(reference.len() > 50);
        for (code, source) in SOURCES {
            assert_eq!(
                keys(source),
                reference,
                "{code}.ftl has different keys than en.ftl"
            );
            let lang = Lang::from_code(code).unwrap();
            for k in &reference {
                assert!(i18n.has(lang, k), "{code}: {k}");
            }
        }
    }

    #[test]
    fn scripts_and_plurals() {
        let i18n = I18n::load().unwrap();
        let ar = i18n.t(Lang::Ar, "verdict-authentic-title");
        assert!(
            ar.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{ar}"
        );
        let zgh = i18n.t(Lang::Zgh, "verdict-authentic-title");
        assert!(
            zgh.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| ('\u{2D30}'..='\u{2D7F}').contains(&c)),
            "{zgh}"
        );
        assert_eq!(
            i18n.t_args(Lang::En, "scans-count", &[("count", Arg::Num(1))]),
            "checked once"
        );
        assert_eq!(
            i18n.t_args(Lang::En, "scans-count", &[("count", Arg::Num(3))]),
            "checked 3 times"
        );
        assert_eq!(
            i18n.t_args(
                Lang::Fr,
                "item-of",
                &[("item", Arg::Num(7)), ("total", Arg::Num(50))]
            ),
            "7 sur 50"
        );
        assert_eq!(i18n.t(Lang::En, "no-such-key"), "no-such-key");
    }

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(Some("ar"), Some("en")), Lang::Ar);
        assert_eq!(
            Lang::negotiate(Some("xx"), Some("en-GB,en;q=0.9")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("de-DE,ar-MA;q=0.8,fr;q=0.5")),
            Lang::Ar
        );
        assert_eq!(
            Lang::negotiate(None, Some("tzm;q=0.9, en;q=0.1")),
            Lang::Zgh
        );
        assert_eq!(Lang::negotiate(None, Some("de, es")), Lang::Fr);
        assert_eq!(Lang::negotiate(None, None), Lang::Fr);
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::Fr);
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2028, 11, 1).unwrap()),
            "01/11/2028"
        );
    }
}

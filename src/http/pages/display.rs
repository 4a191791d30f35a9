//! What the consumer pages show beyond the verdict itself: the home page at `/`, and the
//! badges of a producer.

use axum::extract::RawQuery;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use minijinja::context;

use super::{CSS, html, lang_links, page_lang};
use crate::i18n::{I18n, Lang};

/// `GET /`: what the service is, in the visitor's language, with the ways in: typing a short
/// code, the registry, the officer pages and the API reference. It names no one.
pub(super) async fn home(RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let q: super::consumer::PageQuery =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let lang = page_lang(q.lang.as_deref(), &headers);
    let ctx = context! {
        lang => lang.code(),
        dir => lang.dir(),
        langs => lang_links(lang, "/"),
        css => CSS,
    };
    html(StatusCode::OK, "home.html", ctx)
}

/// The badges of a producer: its kind, with "women-led" or "youth-led" only on a cooperative.
/// An unknown kind (a hand-edited row) shows no kind badge rather than a raw word.
pub(super) fn badges(lang: Lang, kind: &str, women_led: bool, youth_led: bool) -> Vec<String> {
    let i18n = I18n::global();
    let key = match kind {
        "cooperative" if women_led => Some("badge-women-led"),
        "cooperative" if youth_led => Some("badge-youth-led"),
        "cooperative" => Some("badge-kind-cooperative"),
        "association" => Some("badge-kind-association"),
        "company" => Some("badge-kind-company"),
        "artisan" => Some("badge-kind-artisan"),
        _ => None,
    };
    let mut out: Vec<String> = key.map(|k| i18n.t(lang, k)).into_iter().collect();
    if kind == "cooperative" && women_led && youth_led {
        out.push(i18n.t(lang, "badge-youth-led"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_by_kind() {
        let t = |k: &str| I18n::global().t(Lang::Fr, k);
        assert_eq!(
            badges(Lang::Fr, "cooperative", true, false),
            [t("badge-women-led")]
        );
        assert_eq!(
            badges(Lang::Fr, "cooperative", true, true),
            [t("badge-women-led"), t("badge-youth-led")]
        );
        assert_eq!(
            badges(Lang::Fr, "cooperative", false, false),
            [t("badge-kind-cooperative")]
        );
        // Women-led and youth-led are cooperative badges: never on other kinds.
        for kind in ["association", "company", "artisan"] {
            assert_eq!(
                badges(Lang::Fr, kind, true, true),
                [t(&format!("badge-kind-{kind}"))]
            );
        }
        assert!(badges(Lang::Fr, "collective_mark", true, true).is_empty());
        for lang in Lang::ALL {
            for kind in ["cooperative", "association", "company", "artisan"] {
                let b = badges(lang, kind, false, false);
                assert!(!b[0].starts_with("badge-"), "{lang:?} {kind}: {b:?}");
            }
        }
    }
}

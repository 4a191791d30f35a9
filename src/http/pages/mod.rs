//! Server-rendered pages: templates (minijinja, auto-escaped, embedded and parsed at start-up),
//! the one stylesheet, the Content-Security-Policy that allows exactly that stylesheet, and
//! friendly error pages in the visitor's language.

use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use minijinja::{Environment, State, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::i18n::{I18n, Lang};

mod claim;
pub mod consumer;
mod display;
pub mod officer;
pub mod report;

/// The stylesheet, inlined in every page (no extra request on a slow network).
pub const CSS: &str = include_str!("../templates/site.css");

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("icons.html", include_str!("../templates/icons.html")),
    ("verify.html", include_str!("../templates/verify.html")),
    ("message.html", include_str!("../templates/message.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("apidocs.html", include_str!("../templates/apidocs.html")),
    (
        "officer/base.html",
        include_str!("../templates/officer/base.html"),
    ),
    (
        "officer/login.html",
        include_str!("../templates/officer/login.html"),
    ),
    (
        "officer/dashboard.html",
        include_str!("../templates/officer/dashboard.html"),
    ),
    (
        "officer/inclusion.html",
        include_str!("../templates/officer/inclusion.html"),
    ),
    (
        "officer/brands.html",
        include_str!("../templates/officer/brands.html"),
    ),
    (
        "officer/brand.html",
        include_str!("../templates/officer/brand.html"),
    ),
    (
        "officer/producers.html",
        include_str!("../templates/officer/producers.html"),
    ),
    (
        "officer/producer.html",
        include_str!("../templates/officer/producer.html"),
    ),
    (
        "officer/certificates.html",
        include_str!("../templates/officer/certificates.html"),
    ),
    (
        "officer/issue.html",
        include_str!("../templates/officer/issue.html"),
    ),
    (
        "officer/certificate.html",
        include_str!("../templates/officer/certificate.html"),
    ),
    (
        "officer/audit.html",
        include_str!("../templates/officer/audit.html"),
    ),
    (
        "officer/admin.html",
        include_str!("../templates/officer/admin.html"),
    ),
    (
        "officer/message.html",
        include_str!("../templates/officer/message.html"),
    ),
    (
        "officer/account.html",
        include_str!("../templates/officer/account.html"),
    ),
    (
        "officer/right_confirm.html",
        include_str!("../templates/officer/right_confirm.html"),
    ),
    (
        "officer/confirm.html",
        include_str!("../templates/officer/confirm.html"),
    ),
];

/// The parsed templates.
pub fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| build(TEMPLATES).expect("embedded templates parse"))
}

/// Builds an environment from templates; `.html` names are auto-escaped, and every value
/// shown loses its explicit bidi controls (see [`strip_bidi`]).
pub fn build(
    templates: &[(&'static str, &'static str)],
) -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    for (name, source) in templates {
        env.add_template(name, source)?;
    }
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if !value.is_safe() && text.chars().any(is_bidi_control) => {
            minijinja::escape_formatter(out, state, &Value::from(strip_bidi(text)))
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_function("t", translate);
    Ok(env)
}

/// Explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). Stored text
/// keeps them, but a page never shows them: an override in a producer's name or a lot code
/// could make the page read differently from what is stored (`<bdi>` keeps each value's own
/// direction from leaking into the sentence around it). Labels drop them too.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` without explicit bidi controls.
pub fn strip_bidi(text: &str) -> String {
    text.chars().filter(|c| !is_bidi_control(*c)).collect()
}

/// `t("key")` in templates, in the page's `lang`. Messages with arguments are formatted in
/// Rust and passed in the context.
fn translate(state: &State, key: &str) -> String {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_code))
        .unwrap_or(Lang::Fr);
    I18n::global().t(lang, key)
}

/// The Content-Security-Policy of every response: nothing but our own inline stylesheet, no
/// script at all, no framing.
pub fn csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
    })
}

/// One entry of the language switch.
#[derive(Serialize)]
pub struct LangLink {
    pub code: &'static str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// The language switch for a page at `path` (its query string is replaced).
pub fn lang_links(current: Lang, path: &str) -> Vec<LangLink> {
    Lang::ALL
        .iter()
        .map(|l| LangLink {
            code: l.code(),
            name: I18n::global().t(*l, "lang-name"),
            href: format!("{path}?lang={}", l.code()),
            current: *l == current,
        })
        .collect()
}

/// The language of a page request: `?lang=`, then `Accept-Language`, then French.
pub fn page_lang(query_lang: Option<&str>, headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(query_lang, accept)
}

/// Renders a template into an HTML response.
pub fn html(status: StatusCode, template: &str, ctx: Value) -> Response {
    match env().get_template(template).and_then(|t| t.render(ctx)) {
        Ok(body) => {
            let mut res = (status, body).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => {
            tracing::error!(error = %e, template, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A friendly page: a heading and a sentence, in the visitor's language.
pub struct PageError {
    pub status: StatusCode,
    pub lang: Lang,
    pub heading_key: &'static str,
    pub text: String,
    pub path: String,
}

impl PageError {
    pub fn new(status: StatusCode, lang: Lang, heading_key: &'static str, text: String) -> Self {
        PageError {
            status,
            lang,
            heading_key,
            text,
            path: "/v".into(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let ctx = minijinja::context! {
            lang => self.lang.code(),
            dir => self.lang.dir(),
            langs => lang_links(self.lang, &self.path),
            css => CSS,
            heading => I18n::global().t(self.lang, self.heading_key),
            text => self.text,
            alert => true,
            back => true,
        };
        html(self.status, "message.html", ctx)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_parse_and_escape() {
        let env = super::build(super::TEMPLATES).unwrap();
        let out = env
            .get_template("message.html")
            .unwrap()
            .render(minijinja::context! {
                lang => "fr", dir => "ltr", langs => super::lang_links(crate::i18n::Lang::Fr, "/v"),
                css => super::CSS, heading => "<script>x</script>", text => "a & b", back => false,
            })
            .unwrap();
        assert!(out.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"), "{out}");
        assert!(out.contains("a &amp; b"));
        let out = env
            .get_template("message.html")
            .unwrap()
            .render(minijinja::context! {
                lang => "fr", dir => "ltr", langs => super::lang_links(crate::i18n::Lang::Fr, "/v"),
                css => super::CSS, heading => "Coop \u{202E}lio\u{2066}x\u{2069}", text => "", back => false,
            })
            .unwrap();
        assert!(
            out.contains("Coop liox") && !out.contains('\u{202E}') && !out.contains('\u{2066}')
        );
        assert!(out.contains("<style>") && out.contains(super::CSS));
        assert!(super::csp().contains("frame-ancestors 'none'"));
        // The CSP allows our stylesheet by hash and nothing inline: a style attribute in a
        // template would be silently ignored by browsers, and a script would be blocked.
        for (name, source) in super::TEMPLATES {
            assert!(
                !source.contains(" style=\""),
                "{name} has a style attribute"
            );
            assert!(
                !source.to_lowercase().contains("<script"),
                "{name} has a script"
            );
        }
    }
}

//! Everything in the visitor's language (issue 15): the French officer pages (dashboard,
//! brands, producers, certificates, a refused issuance, a confirmation, the audit log, the key
//! page) show no English error text, no raw machine word of the registry and no raw timestamps.

use axum::body::Body;
use axum::http::{Method, Request, header};

use crate::officer_ui::sign_in;
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

/// English sentences that the rules or the store write, and that a French page must not show.
const ENGLISH: &[&str] = &[
    "must be",
    "got -1",
    "is not one of",
    "already holds",
    "change it with",
    "there is no",
    "is already",
    "not found",
    "Not Found",
    "something went wrong",
    "invalid",
    "expected",
    "Bad Request",
    "Conflict",
    "a brand number",
    "a producer id",
    "a date, YYYY",
    "at most 100",
];

/// Machine words of the registry, as a whole cell or option text.
const RAW: &[&str] = &[
    "issued",
    "revoked",
    "active",
    "suspended",
    "withdrawn",
    "collective_mark",
    "certification_mark",
    "igp",
    "aop",
    "label_agricole",
    "cooperative",
    "association",
    "company",
    "artisan",
    "food",
    "cosmetics",
    "textiles",
    "retired",
    "compromised",
    "officer",
    "admin",
    "retailer",
];

/// The page's visible text and attribute values, without `<code>` (JSON of the audit log, key
/// ids), `<style>`, and the language switch (each language named in itself).
fn visible(html: &str) -> String {
    let mut out = html.to_owned();
    for (open, close) in [
        ("<code", "</code>"),
        ("<style", "</style>"),
        ("<nav class=\"langs", "</nav>"),
    ] {
        while let Some(a) = out.find(open) {
            let Some(b) = out[a..].find(close) else { break };
            out.replace_range(a..a + b + close.len(), "");
        }
    }
    out
}

#[track_caller]
fn assert_french(what: &str, html: &str) {
    let text = visible(html);
    for e in ENGLISH {
        assert!(!text.contains(e), "{what}: English {e:?} in {text}");
    }
    // A key is « active » in French too (o-key-active).
    let same_in_french = what.contains("/admin/keys");
    for w in RAW.iter().filter(|w| !(same_in_french && **w == "active")) {
        for shown in [
            format!(">{w}<"),
            format!("> {w}<"),
            format!(">{w} "),
            format!("({w})"),
        ] {
            assert!(
                !text.contains(&shown),
                "{what}: raw word {shown:?} in {text}"
            );
        }
    }
    // An RFC 3339 timestamp (`2026-12-01T15:04:05.123456789Z`) is a machine's, not a date.
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(16) {
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let iso = digits(i..i + 4)
            && b[i + 4] == b'-'
            && b[i + 10] == b'T'
            && digits(i + 11..i + 13)
            && b[i + 13] == b':';
        assert!(
            !iso,
            "{what}: a raw timestamp: {}",
            String::from_utf8_lossy(&b[i..i + 16])
        );
    }
}

async fn page(app: &TestApp, uri: &str, cookie: &str) -> Reply {
    app.send(
        Request::get(uri)
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_LANGUAGE, "fr")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_french_officer_pages_speak_french() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let cert = app.authentic_certificate().await;
    let n = cert.view.number.clone();
    let kid = cert.view.kid.clone();
    for uri in [
        "/officer?lang=fr".to_owned(),
        "/officer/brands?lang=fr".to_owned(),
        "/officer/brands/1?lang=fr".to_owned(),
        "/officer/producers?lang=fr".to_owned(),
        format!("/officer/producers/{}?lang=fr", cert.view.producer.id),
        "/officer/certificates?lang=fr".to_owned(),
        "/officer/certificates?lang=fr&status=revoked".to_owned(),
        format!("/officer/certificates/{n}?lang=fr"),
        "/officer/certificates/new?lang=fr".to_owned(),
        format!("/officer/certificates/{n}/revoke?lang=fr&reason=Contr%C3%B4le"),
        "/officer/audit?lang=fr".to_owned(),
        "/officer/admin/keys?lang=fr".to_owned(),
        "/officer/admin/keys/rotate?lang=fr".to_owned(),
        format!("/officer/admin/keys/{kid}/compromise?lang=fr&since=2026-01-01"),
        "/officer/admin/officers?lang=fr".to_owned(),
        "/officer/admin/apikeys?lang=fr".to_owned(),
    ] {
        let r = page(&app, &uri, &cookie).await;
        assert_eq!(r.status, 200, "{uri}: {r:?}");
        assert_french(&uri, &r.text());
    }
    // Refused forms: an issuance with a quantity that is not a number, an unknown brand and a
    // producer that matches nothing; a list with a bad date.
    let form = page(&app, "/officer/certificates/new?lang=fr", &cookie)
        .await
        .text();
    let csrf = hidden(&form, "csrf");
    let once = hidden(&form, "once");
    let refused = post(
        &app,
        "/officer/certificates?lang=fr",
        &cookie,
        &[
            ("csrf", &csrf),
            ("once", &once),
            ("brand", "Pas une marque"),
            ("producer", "Personne de ce nom"),
            ("product", "Miel"),
            ("lot", "L-1"),
            ("quantity", "abc"),
            ("produced_on", "hier"),
            ("expires_on", "2026-13-45"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let html = refused.text();
    for field in ["brand", "producer", "quantity", "produced_on", "expires_on"] {
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field}: {html}"
        );
    }
    assert_french("refused issuance", &html);
    let bad = page(&app, "/officer/certificates?lang=fr&from=demain", &cookie).await;
    assert_eq!(bad.status, 422);
    assert_french("bad list date", &bad.text());
    let bad = page(&app, "/officer/audit?lang=fr&to=31%2F12", &cookie).await;
    assert_eq!(bad.status, 422);
    assert_french("bad audit date", &bad.text());
}

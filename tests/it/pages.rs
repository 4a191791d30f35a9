//! The consumer page: languages and direction, verdict texts, security headers, size, content
//! negotiation, short codes, scan counts, copy warnings and reports.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;
use tasdiq::domain::humancode::HumanCode;
use tasdiq::domain::values::Role;
use tasdiq::i18n::{I18n, Lang};

use crate::support::{Reply, TestApp, tamper};

async fn page(app: &TestApp, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(uri).header(header::ACCEPT, "text/html,application/xhtml+xml");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

/// Text as it appears in an auto-escaped template.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// A message as the page shows it.
fn msg(lang: Lang, key: &str) -> String {
    esc(&I18n::global().t(lang, key))
}

fn title(lang: Lang, status: &str) -> String {
    msg(lang, &format!("verdict-{status}-title"))
}

/// The page must not load anything from elsewhere, nor run script.
fn assert_self_contained(html: &str) {
    assert!(html.len() <= 30 * 1024, "page is {} bytes", html.len());
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no script");
    for attr in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "url(",
        "@import",
    ] {
        assert!(!lower.contains(attr), "external asset: {attr}");
    }
}

fn assert_security_headers(r: &Reply) {
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
}

#[tokio::test]
async fn the_page_speaks_four_languages() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);

    let ar = page(&app, &format!("/v/{code}?lang=ar"), &[]).await;
    assert_eq!(ar.status, 200);
    assert!(ar.content_type().starts_with("text/html"));
    let html = ar.text();
    assert!(
        html.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        &html[..200]
    );
    assert!(html.contains(&title(Lang::Ar, "authentic")));
    assert!(
        html.contains("<bdi><code>"),
        "codes are isolated in Arabic text"
    );
    assert_self_contained(&html);
    assert_security_headers(&ar);

    let zgh = page(&app, &format!("/v/{code}?lang=zgh"), &[]).await.text();
    assert!(zgh.contains(r#"lang="zgh" dir="ltr""#));
    let t = title(Lang::Zgh, "authentic");
    assert!(t.chars().any(|c| ('\u{2D30}'..='\u{2D7F}').contains(&c)));
    assert!(zgh.contains(&t));

    let en = page(
        &app,
        &format!("/v/{code}"),
        &[("accept-language", "en-GB,en;q=0.9")],
    )
    .await
    .text();
    assert!(en.contains(r#"lang="en""#) && en.contains(&title(Lang::En, "authentic")));
    let fr = page(&app, &format!("/v/{code}"), &[]).await.text();
    assert!(fr.contains(r#"lang="fr""#) && fr.contains(&title(Lang::Fr, "authentic")));
    // The switch offers every language.
    for l in ["ar", "zgh", "fr", "en"] {
        assert!(fr.contains(&format!("?lang={l}\"")), "{l}");
    }
    // Details: brand, producer, region in the visitor's language, lot, badges.
    assert!(fr.contains(&esc(&cert.view.brand.names.fr)));
    assert!(fr.contains(&esc(&cert.view.lot)));
    assert!(fr.contains(&msg(
        Lang::Fr,
        &format!("region-{}", cert.view.producer.region.as_str())
    )));
    // "Women-led cooperative" is a cooperative's badge only (issue #15).
    if cert.view.producer.women_led && cert.view.producer.kind == "cooperative" {
        assert!(fr.contains(&msg(Lang::Fr, "badge-women-led")));
    }
    // /V/ is the same page.
    let upper = page(&app, &format!("/V/{code}?lang=en"), &[]).await;
    assert_eq!(upper.status, 200);
    assert!(upper.text().contains(&title(Lang::En, "authentic")));
}

#[tokio::test]
async fn every_verdict_reads_plainly() {
    let app = TestApp::new().await;
    let certs = app.demo_certificates().await;
    let revoked = certs
        .iter()
        .find(|c| c.view.status.as_str() == "revoked")
        .unwrap();
    let html = page(&app, &format!("/v/{}?lang=en", app.code(revoked, 1)), &[])
        .await
        .text();
    assert!(
        html.contains(&title(Lang::En, "revoked")) && html.contains(r#"data-status="revoked""#)
    );
    assert!(html.contains(&msg(Lang::En, "reason-certificate_revoked")));

    let cert = app.authentic_certificate().await;
    let fake = tamper(&app.code(&cert, 1), 150);
    let html = page(&app, &format!("/v/{fake}?lang=en"), &[]).await.text();
    assert!(html.contains(&title(Lang::En, "counterfeit")));
    assert!(
        !html.contains(&esc(&cert.view.lot)),
        "no certificate details for a fake"
    );

    // A code that cannot be read: a friendly 400 page in the visitor's language.
    let bad = page(&app, "/v/123abc?lang=ar", &[]).await;
    assert_eq!(bad.status, 400);
    let html = bad.text();
    assert!(html.contains(r#"dir="rtl""#) && html.contains(&title(Lang::Ar, "malformed")));
    assert_self_contained(&html);
    let unknown = page(&app, "/nowhere?lang=en", &[]).await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .text()
            .contains(&msg(Lang::En, "error-not-found-title"))
    );
}

#[tokio::test]
async fn json_on_request_and_scans_counted() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 4);
    let json = |uri: String| {
        app.send(
            Request::get(uri)
                .header(header::ACCEPT, "application/json")
                .body(Body::empty())
                .unwrap(),
        )
    };
    let first = json(format!("/v/{code}")).await;
    assert_eq!(first.content_type(), "application/json");
    assert_eq!(first.json()["label"]["scans"], 1);
    page(&app, &format!("/v/{code}"), &[]).await;
    let third = json(format!("/v/{code}")).await.json();
    assert_eq!(third["label"]["scans"], 3, "page views count too");
    json("/v/12ab".into()).await.problem(400);
}

#[tokio::test]
async fn a_label_scanned_too_often_is_flagged() {
    let mut app = TestApp::new().await;
    // Lower thresholds for the test: 3 scans a day.
    let mut config = app.db.config.clone();
    config.copy_scans_per_day = 3;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 9);
    for n in 1..=2 {
        let v = app.get(&format!("/api/v1/verify/{code}")).await.json();
        assert_eq!(v["warnings"], json!([]), "scan {n}");
    }
    let v = app.get(&format!("/api/v1/verify/{code}")).await.json();
    assert_eq!(v["warnings"], json!(["suspected_copy"]));
    let html = page(&app, &format!("/v/{code}?lang=en"), &[]).await.text();
    // A genuine label scanned too often is shown amber, as a suspected copy (issue #15).
    assert!(html.contains(&msg(Lang::En, "verdict-suspected_copy-title")));
    assert!(html.contains(r#"class="verdict warn""#), "{html}");
}

#[tokio::test]
async fn short_codes_lead_to_the_same_verdict() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let human = HumanCode::new(cert.facts.number, 5)
        .unwrap()
        .encode(&app.state.shortcodes);
    let res = page(&app, &format!("/v?code={human}&lang=en"), &[]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let html = res.text();
    assert!(html.contains(&title(Lang::En, "authentic")));
    assert!(html.contains(&msg(Lang::En, "humancode-note")));
    // Lower case and spaces are fine.
    let relaxed = human.to_lowercase().replace('-', " ");
    assert_eq!(
        page(
            &app,
            &format!("/v?code={}&lang=en", relaxed.replace(' ', "+")),
            &[]
        )
        .await
        .status,
        200
    );
    // One mistyped character fails the keyed check.
    let mut typo: Vec<char> = human.chars().collect();
    typo[2] = if typo[2] == '7' { '8' } else { '7' };
    let typo: String = typo.into_iter().collect();
    let res = page(&app, &format!("/v?code={typo}&lang=en"), &[]).await;
    assert_eq!(res.status, 404);
    assert!(res.text().contains(&msg(Lang::En, "humancode-typo")));
    let short = page(&app, "/v?code=ABC&lang=en", &[]).await;
    assert_eq!(short.status, 400);
    assert!(short.text().contains(&msg(Lang::En, "humancode-length")));
    let form = page(&app, "/v?lang=ar", &[]).await;
    assert_eq!(form.status, 200);
    assert!(form.text().contains("name=\"code\""));
}

fn csrf_of(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

async fn post_report(app: &TestApp, code: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(format!("/v/{code}/report"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::USER_AGENT, "test-phone")
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn consumers_report_suspicious_products() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let fake = tamper(&app.code(&cert, 2), 160);
    let html = page(&app, &format!("/v/{fake}?lang=fr"), &[]).await.text();
    let token = csrf_of(&html);

    let sent = post_report(
        &app,
        &fake,
        &[
            ("csrf", &token),
            ("lang", "fr"),
            ("place", "Souk El Had, Agadir"),
            ("comment", "Prix très bas"),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let back = sent.headers[header::LOCATION].to_str().unwrap();
    assert!(back.contains("reported=1"));
    let thanks = page(&app, back, &[]).await.text();
    assert!(thanks.contains(&msg(Lang::Fr, "report-thanks")));

    let list = app.get_as("/api/v1/reports", &key).await;
    assert_eq!(list.status, 200);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["place"], "Souk El Had, Agadir");
    assert_eq!(items[0]["verdict"], "counterfeit");
    assert_eq!(items[0]["code"], fake);
    app.get("/api/v1/reports").await.problem(401);

    // No token, or a forged one: refused, nothing stored.
    assert_eq!(
        post_report(&app, &fake, &[("place", "x")]).await.status,
        403
    );
    assert_eq!(
        post_report(&app, &fake, &[("csrf", "20261129.00"), ("place", "x")])
            .await
            .status,
        403
    );
    // The honeypot: a bot is thanked and ignored.
    assert_eq!(
        post_report(
            &app,
            &fake,
            &[("csrf", &token), ("place", "x"), ("website", "http://spam")]
        )
        .await
        .status,
        303
    );
    // Missing place: the form comes back with a message.
    let invalid = post_report(&app, &fake, &[("csrf", &token), ("place", "")]).await;
    assert_eq!(invalid.status, 422);
    assert_eq!(app.get_as("/api/v1/reports", &key).await.json()["total"], 1);

    // Five reports an hour per client, then 429.
    for _ in 0..4 {
        assert_eq!(
            post_report(&app, &fake, &[("csrf", &token), ("place", "Marché")])
                .await
                .status,
            303
        );
    }
    let limited = post_report(&app, &fake, &[("csrf", &token), ("place", "Marché")]).await;
    assert_eq!(limited.status, 429);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(app.get_as("/api/v1/reports", &key).await.json()["total"], 5);
}

#[tokio::test]
async fn stored_markup_is_escaped_on_the_page() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let res = app
        .json(
            Method::PATCH,
            &format!("/api/v1/producers/{}", cert.view.producer.id),
            Some(&key),
            &json!({"name": "<script>alert('x')</script> & Co"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let html = page(&app, &format!("/v/{}", app.code(&cert, 1)), &[])
        .await
        .text();
    assert!(
        html.contains(&esc("<script>alert('x')</script> & Co")),
        "{html}"
    );
    assert!(!html.contains("<script>"));
}

/// The label's scan count, read through the API (which counts that scan too).
async fn scans_now(app: &TestApp, code: &str) -> u64 {
    let v = app.get(&format!("/api/v1/verify/{code}")).await.json();
    v["label"]["scans"]
        .as_u64()
        .expect("a genuine label has figures")
}

#[tokio::test]
async fn a_report_is_not_a_scan() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 7);
    let html = page(&app, &format!("/v/{code}?lang=en"), &[]).await.text();
    let token = csrf_of(&html);
    assert_eq!(scans_now(&app, &code).await, 2, "the page and this check");

    // A report, and a refused one (the page is shown again, with the figures as they stand).
    let sent = post_report(&app, &code, &[("csrf", &token), ("place", "Souk")]).await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let refused = post_report(&app, &code, &[("csrf", &token), ("place", "")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("data-status=\"authentic\""));
    assert_eq!(scans_now(&app, &code).await, 3, "reports counted no scan");

    // The same for a short code's report.
    let short = HumanCode::new(cert.facts.number, 8)
        .unwrap()
        .encode(&app.state.shortcodes);
    let html = page(&app, &format!("/v?code={short}&lang=en"), &[])
        .await
        .text();
    let token = csrf_of(&html);
    let sent = post_report(&app, &short, &[("csrf", &token), ("place", "Souk")]).await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let label8 = app.code(&cert, 8);
    assert_eq!(
        scans_now(&app, &label8).await,
        2,
        "the short-code page and this check"
    );
}

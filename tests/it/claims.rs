//! One-time claim codes (issue 17): a lot issued with claim codes prints them (CSV column,
//! inner PDF), takes one claim per item, refuses and flags a second one, and locks a label for
//! a day after 10 wrong codes. The helpers here serve `risk` too.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq_custody::claim::{ClaimCode, ClaimSecret};

use crate::support::{Reply, TestApp};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// An app that reads the client's network from `X-Forwarded-For`, as behind our proxy.
pub(crate) async fn app() -> TestApp {
    let mut app = TestApp::new().await;
    let mut config = app.db.config.clone();
    config.trust_forwarded = true;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    app
}

/// The verdict JSON of a scan from the network of `ip`.
pub(crate) async fn scan(app: &TestApp, code: &str, ip: &str) -> Value {
    let res = app
        .send(
            Request::get(format!("/api/v1/verify/{code}"))
                .header("x-forwarded-for", ip)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

pub(crate) fn warnings(v: &Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn document(events: Vec<Value>) -> String {
    json!({
        "@context": CONTEXT, "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-11-21T10:05:00Z", "epcisBody": {"eventList": events},
    })
    .to_string()
}

pub(crate) fn event(step: &str, time: &str, url: &str) -> Value {
    json!({
        "type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+01:00",
        "epcList": [url], "action": "OBSERVE", "bizStep": step,
    })
}

pub(crate) async fn capture(app: &TestApp, key: &str, doc: String) {
    let res = app
        .send(
            Request::post("/api/v1/events")
                .header(header::CONTENT_TYPE, "application/ld+json")
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from(doc))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

/// Issues a lot of `quantity` with claim codes; returns its number.
async fn claim_lot(app: &TestApp, officer: &str, quantity: u32) -> String {
    let cert = app.authentic_certificate().await;
    let body = json!({
        "brand": cert.facts.brand, "producer": cert.view.producer.id,
        "product": "Safran de Taliouine 1 g", "lot": "L-CLAIM-1", "quantity": quantity,
        "produced_on": "2026-11-01", "expires_on": "2028-11-01", "claims": true,
    });
    let res = app
        .json(Method::POST, "/api/v1/certificates", Some(officer), &body)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["number"].as_str().unwrap().to_owned()
}

/// The label codes and claim codes of a lot, from its CSV.
async fn rows(app: &TestApp, officer: &str, number: &str) -> Vec<(String, String)> {
    let csv = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels.csv"),
            officer,
        )
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    let text = csv.text();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("item,url,human_code,claim"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let code = f[1].rsplit('/').next().unwrap().to_owned();
            (code, f[3].to_owned())
        })
        .collect()
}

async fn claim(app: &TestApp, code: &str, typed: &str, ip: &str, cookie: Option<&str>) -> Reply {
    let mut req = Request::post("/api/v1/claims")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", ip);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, format!("tasdiq_device={c}"));
    }
    app.send(
        req.body(Body::from(
            json!({"code": code, "claim": typed}).to_string(),
        ))
        .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_second_claim_is_refused_and_flags_the_label() {
    let app = app().await;
    let officer = app.key(Role::Officer).await;
    let number = claim_lot(&app, &officer, 3).await;
    let rows = rows(&app, &officer, &number).await;
    assert_eq!(rows.len(), 3);
    let (code, secret) = &rows[0];
    assert_eq!(secret.len(), 15, "XXXX-XXXX-XXXXX: {secret}");
    assert!(ClaimCode::parse(secret).is_ok());

    let v = scan(&app, code, "198.51.100.20").await;
    assert_eq!(v["claim"], json!({"claimed_at": null}), "{v}");
    assert_eq!(v["risk"], "none");

    let phone = "0123456789abcdef0123456789abcdef";
    let first = claim(
        &app,
        code,
        &secret.to_lowercase(),
        "198.51.100.20",
        Some(phone),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.json()["status"], "claimed");
    let at = first.json()["claimed_at"].clone();
    // The buyer checking it worked, from the same phone: accepted, not a second buyer.
    let again = claim(&app, code, secret, "198.51.100.20", Some(phone)).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["status"], "claimed_before");
    let v = scan(&app, code, "198.51.100.20").await;
    assert_eq!(v["claim"]["claimed_at"], at);
    assert_eq!(v["risk"], "none", "{v}");

    // The same code from another device and network: refused, and the label is flagged.
    let second = claim(&app, code, secret, "203.0.113.50", None).await;
    assert_eq!(second.problem(409)["reason"], "already_claimed");
    let v = scan(&app, code, "203.0.113.50").await;
    assert_eq!(v["status"], "authentic");
    assert_eq!(v["risk"], "high", "{v}");
    assert!(warnings(&v).contains(&"second_claim".to_owned()), "{v}");

    // A lot without claim codes has nothing to claim; a fake label neither.
    let plain = app.authentic_certificate().await;
    let res = claim(&app, &app.code(&plain, 9), secret, "198.51.100.21", None).await;
    assert_eq!(res.problem(409)["reason"], "no_claim_codes");
    let res = claim(&app, "12345", secret, "198.51.100.21", None).await;
    res.problem(400);
}

#[tokio::test]
async fn ten_wrong_codes_lock_the_label_for_a_day() {
    let app = app().await;
    let officer = app.key(Role::Officer).await;
    let number = claim_lot(&app, &officer, 2).await;
    let rows = rows(&app, &officer, &number).await;
    let (code, right) = &rows[0];
    let n: u64 = number.parse().unwrap();
    let other = ClaimSecret::new(&[9u8; 32]).unwrap();

    // A typo the check character catches is not a try.
    let mut typo: Vec<char> = right.chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    let res = claim(&app, code, &typo, "198.51.100.30", None).await;
    assert_eq!(res.problem(422)["reason"], "claim_mistyped");

    // Well-formed codes of other items (as a guesser would type them), from ten networks.
    for i in 1..=9u32 {
        let wrong = ClaimCode::derive(&other, n, i).to_string();
        let res = claim(&app, code, &wrong, &format!("192.0.{i}.1"), None).await;
        assert_eq!(res.problem(422)["reason"], "claim_wrong", "try {i}");
    }
    let tenth = ClaimCode::derive(&other, n, 10).to_string();
    let res = claim(&app, code, &tenth, "192.0.10.1", None).await;
    assert_eq!(res.problem(429)["reason"], "claims_locked");
    // Locked for that label, even for the right code; the lot's other labels are not.
    let res = claim(&app, code, right, "198.51.100.31", None).await;
    assert_eq!(res.problem(429)["reason"], "claims_locked");
    assert!(res.headers.get(header::RETRY_AFTER).is_some());
    let (code2, right2) = &rows[1];
    let res = claim(&app, code2, right2, "198.51.100.31", None).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Wrong codes from many networks are themselves a copy signal.
    let v = scan(&app, code, "198.51.100.31").await;
    assert!(warnings(&v).contains(&"failed_claims".to_owned()), "{v}");
}

#[tokio::test]
async fn one_network_is_limited_in_claim_tries() {
    let app = app().await;
    let officer = app.key(Role::Officer).await;
    let number = claim_lot(&app, &officer, 12).await;
    let rows = rows(&app, &officer, &number).await;
    let mut statuses = Vec::new();
    // Each try on another label, so only the network's limit can refuse.
    for (code, _) in rows.iter().take(11) {
        let wrong = ClaimCode::derive(&ClaimSecret::new(&[5u8; 32]).unwrap(), 1, 1).to_string();
        statuses.push(
            claim(&app, code, &wrong, "203.0.113.77", None)
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..10], &[422; 10]);
    assert_eq!(statuses[10], 429);
}

/// Whether the page has a form posting to `action` (minijinja escapes `/` in attributes).
fn has_form(html: &str, action: &str) -> bool {
    let escaped = action.replace('/', "&#x2f;");
    html.contains(&format!("action=\"{action}\""))
        || html.contains(&format!("action=\"{escaped}\""))
}

fn csrf_after(html: &str, action: &str) -> String {
    let escaped = action.replace('/', "&#x2f;");
    let form = html
        .find(&format!("action=\"{action}\""))
        .or_else(|| html.find(&format!("action=\"{escaped}\"")))
        .unwrap_or_else(|| panic!("the form {action} in {html}"));
    let rest = &html[form..];
    let start = rest.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    rest[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_page_claims_and_shows_claimed_on() {
    let app = app().await;
    let officer = app.key(Role::Officer).await;
    let number = claim_lot(&app, &officer, 2).await;
    let rows = rows(&app, &officer, &number).await;
    let (code, secret) = &rows[0];
    let action = format!("/v/{code}/claim");
    let html = app.get(&format!("/v/{code}?lang=en")).await.text();
    assert!(
        html.contains("I bought this: enter the code inside"),
        "{html}"
    );
    assert!(has_form(&html, &action));
    let token = csrf_after(&html, &action);

    let post = |fields: Vec<(&'static str, String)>| {
        Request::post(action.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", "198.51.100.40")
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap()
    };
    // Without the form's token: refused.
    let res = app
        .send(post(vec![("claim", secret.clone()), ("lang", "en".into())]))
        .await;
    assert_eq!(res.status, 403);
    let res = app
        .send(post(vec![
            ("csrf", token.clone()),
            ("claim", "ABCD".into()),
            ("lang", "en".into()),
        ]))
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("a character was probably mistyped"));
    let res = app
        .send(post(vec![
            ("csrf", token.clone()),
            ("claim", secret.clone()),
            ("lang", "en".into()),
        ]))
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let cookie = res.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("tasdiq_device=") && cookie.contains("HttpOnly"));
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let mine = app
        .send(
            Request::get(format!("/v/{code}?lang=en"))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(mine.contains("You claimed this item on"), "{mine}");
    assert!(!has_form(&mine, &action), "no form once claimed");
    let theirs = app.get(&format!("/v/{code}?lang=en")).await.text();
    assert!(
        theirs.contains("This item was claimed by its buyer on"),
        "{theirs}"
    );
    // The other languages have the words too.
    for lang in ["ar", "fr", "zgh"] {
        let page = app
            .get(&format!("/v/{}?lang={lang}", rows[1].0))
            .await
            .text();
        assert!(
            has_form(&page, &format!("/v/{}/claim", rows[1].0)),
            "{lang}"
        );
        assert!(!page.contains("claim-title"), "{lang}: an untranslated key");
    }
}

#[tokio::test]
async fn the_inner_sheet_prints_each_items_code_in_its_cell() {
    let app = app().await;
    let officer = app.key(Role::Officer).await;
    let number = claim_lot(&app, &officer, 30).await;
    let rows = rows(&app, &officer, &number).await;
    let res = app
        .get_as(
            &format!("/api/v1/certificates/{number}/labels.pdf?layout=inner&from=1&to=30"),
            &officer,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "application/pdf");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inner.pdf");
    std::fs::write(&path, &res.bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    // Item n on page (n-1)/24 + 1, as on the outer sheet.
    for (i, (_, secret)) in rows.iter().enumerate() {
        let page = i / 24;
        assert!(
            pages[page].contains(secret.as_str()),
            "item {} not on page {}",
            i + 1,
            page + 1
        );
    }
    assert!(pages[1].contains("articles 25–30"), "{}", pages[1]);
    // A lot without claim codes has no inner sheet.
    let plain = app.authentic_certificate().await;
    let res = app
        .get_as(
            &format!(
                "/api/v1/certificates/{}/labels.pdf?layout=inner",
                plain.view.number
            ),
            &officer,
        )
        .await;
    assert_eq!(res.problem(409)["reason"], "no_claim_codes");
    let csv = app
        .get_as(
            &format!("/api/v1/certificates/{}/labels.csv?to=1", plain.view.number),
            &officer,
        )
        .await
        .text();
    assert!(csv.starts_with("item,url,human_code\r\n"));
}

#[tokio::test]
async fn the_issue_form_can_ask_for_claim_codes() {
    let app = app().await;
    let cookie =
        crate::officer_ui::sign_in(&app, "admin@tasdiq.local", "correct horse battery staple")
            .await
            .unwrap();
    let form = app
        .send(
            Request::get("/officer/certificates/new")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(form.contains("name=\"claims\" type=\"checkbox\""), "{form}");
    let start = form.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = form[start..].split('"').next().unwrap().to_owned();
    let cert = app.authentic_certificate().await;
    let (brand, producer) = (
        cert.facts.brand.to_string(),
        cert.view.producer.id.to_string(),
    );
    let mut numbers = Vec::new();
    for (claims, lot) in [(Some("on"), "L-FORM-1"), (None, "L-FORM-2")] {
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("brand", &brand),
            ("producer", &producer),
            ("product", "Miel d'euphorbe 250 g"),
            ("lot", lot),
            ("quantity", "2"),
            ("produced_on", "2026-11-01"),
            ("expires_on", "2028-11-01"),
        ];
        if let Some(v) = claims {
            fields.push(("claims", v));
        }
        let res = app
            .send(
                Request::post("/officer/certificates")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, &cookie)
                    .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.text());
        let location = res.headers[header::LOCATION].to_str().unwrap();
        let number = location
            .trim_start_matches("/officer/certificates/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        numbers.push(number);
    }
    let key = app.key(Role::Officer).await;
    let with = app
        .get_as(
            &format!("/api/v1/certificates/{}/labels.csv", numbers[0]),
            &key,
        )
        .await
        .text();
    assert!(with.starts_with("item,url,human_code,claim\r\n"), "{with}");
    let without = app
        .get_as(
            &format!("/api/v1/certificates/{}/labels.csv", numbers[1]),
            &key,
        )
        .await
        .text();
    assert!(without.starts_with("item,url,human_code\r\n"), "{without}");
}

#[tokio::test]
async fn the_command_line_prints_claim_codes_too() {
    let app = app().await;
    let officer = app.key(Role::Officer).await;
    let number = claim_lot(&app, &officer, 3).await;
    let codes = rows(&app, &officer, &number).await;
    let config = app.db.config.clone();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("labels.csv");
    let out = crate::process::run(
        &config,
        &["labels", "export", &number, "--csv", csv.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("item,url,human_code,claim\r\n"), "{text}");
    assert!(text.contains(&codes[2].1), "the same codes as the API's");
    let pdf = dir.path().join("inner.pdf");
    let out = crate::process::run(
        &config,
        &[
            "labels",
            "export",
            &number,
            "--pdf",
            pdf.to_str().unwrap(),
            "--layout",
            "inner",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for (_, code) in &codes {
        assert!(text.contains(code.as_str()), "{code} in {text}");
    }
    // A lot without claim codes has no inner labels: a usage error.
    let plain = app.authentic_certificate().await.view.number;
    let out = crate::process::run(
        &config,
        &[
            "labels",
            "export",
            &plain,
            "--pdf",
            pdf.to_str().unwrap(),
            "--layout",
            "inner",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

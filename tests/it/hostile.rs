//! Bad input of every class gets a clear 4xx problem+json answer and changes nothing:
//! overflowing numbers, dates out of range, non-ASCII digits, invalid UTF-8, oversized bodies
//! and URIs, wrong content types. Markup is stored as text and always escaped on pages.

use axum::body::Body;
use axum::http::{Method, Request, header};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq::entity::{audit_log, brand, certificate, membership, producer};

use crate::support::{Reply, TestApp};

async fn counts(app: &TestApp) -> [u64; 5] {
    let db = app.conn();
    [
        certificate::Entity::find().count(db).await.unwrap(),
        producer::Entity::find().count(db).await.unwrap(),
        membership::Entity::find().count(db).await.unwrap(),
        brand::Entity::find().count(db).await.unwrap(),
        audit_log::Entity::find().count(db).await.unwrap(),
    ]
}

async fn raw(
    app: &TestApp,
    method: Method,
    uri: &str,
    key: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    app.send(req.body(Body::from(body)).unwrap()).await
}

fn issue(over: &[(&str, Value)]) -> Value {
    let mut b = json!({
        "brand": 1, "producer": 1, "product": "Huile", "lot": "L1", "quantity": 10,
        "produced_on": "2026-11-01", "expires_on": "2028-11-01"
    });
    for (k, v) in over {
        b[*k] = v.clone();
    }
    b
}

#[tokio::test]
async fn hostile_input_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let before = counts(&app).await;
    let post = |uri: &'static str, body: Value| {
        let key = key.clone();
        let app = &app;
        async move { app.json(Method::POST, uri, Some(&key), &body).await }
    };

    // Numbers that overflow their type.
    for (field, value) in [
        ("quantity", json!(1e30)),
        (
            "quantity",
            json!(18446744073709551616u128.to_string().parse::<f64>().unwrap()),
        ),
        ("quantity", json!(-9223372036854775808i64)),
        ("brand", json!(99999999999i64)),
        ("producer", json!(1.5)),
    ] {
        let p = post("/api/v1/certificates", issue(&[(field, value.clone())]))
            .await
            .problem(422);
        assert!(
            p["detail"].as_str().unwrap().contains(field) || p["errors"][0]["field"] == field,
            "{field}={value}: {p}"
        );
    }
    app.get("/api/v1/brands/99999999999999999999")
        .await
        .problem(400);
    app.get("/api/v1/brands?limit=1e99").await.problem(400);
    app.get("/api/v1/brands?offset=99999999999999999999999")
        .await
        .problem(400);
    app.get_as("/api/v1/lots/99999999999999999999999", &key)
        .await
        .problem(400);
    app.get("/api/v1/certificates/18446744073709551616")
        .await
        .problem(400);

    // Dates out of range or impossible.
    for (field, value) in [
        ("produced_on", "99999-01-01"),
        ("produced_on", "2026-13-01"),
        ("produced_on", "0000-01-01"),
        ("expires_on", "2026-02-30"),
        ("expires_on", "2180-01-01"),
        ("expires_on", "1999-12-31"),
    ] {
        let p = post("/api/v1/certificates", issue(&[(field, json!(value))]))
            .await
            .problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{value}");
    }
    let grant = json!({"producer": cert.view.producer.id, "valid_from": "2026-01-01", "valid_until": "+10000-01-01"});
    post("/api/v1/brands/1/members", grant).await.problem(422);

    // Digits that are not ASCII digits.
    let mut producer = json!({"name": "Coop", "kind": "cooperative", "ice": "٩٩٩٠٠٠٠٠٠٠٠٠٠٠١", "register_number": "R", "region": "oriental", "province": "Oujda"});
    let p = post("/api/v1/producers", producer.clone())
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["field"], "ice");
    producer["ice"] = json!("９９９０００００００００００１");
    post("/api/v1/producers", producer).await.problem(422);
    app.get("/api/v1/brands/%D9%A1").await.problem(400);
    let code = app.code(&cert, 1);
    let arabic_digits: String = code
        .chars()
        .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    let p = app
        .get(&format!("/api/v1/verify/{}", urlencode(&arabic_digits)))
        .await
        .problem(400);
    assert_eq!(p["reason"], "non_digit");
    post("/api/v1/certificates", issue(&[("quantity", json!("١٠"))]))
        .await
        .problem(422);

    // Invalid UTF-8: in a JSON body, in a path, in a query.
    raw(
        &app,
        Method::POST,
        "/api/v1/certificates",
        &key,
        Some("application/json"),
        vec![b'{', b'"', 0xff, 0xfe, b'"', b'}'],
    )
    .await
    .problem(400);
    app.get("/api/v1/brands/%FF%FE").await.problem(400);
    app.get("/api/v1/brands?q=%FF").await.problem(400);

    // Wrong or missing content type, bodies and URIs too large.
    raw(
        &app,
        Method::POST,
        "/api/v1/certificates",
        &key,
        None,
        issue(&[]).to_string().into_bytes(),
    )
    .await
    .problem(415);
    raw(
        &app,
        Method::POST,
        "/api/v1/certificates",
        &key,
        Some("text/plain"),
        issue(&[]).to_string().into_bytes(),
    )
    .await
    .problem(415);
    let huge = format!("{{\"codes\": [\"{}\"]}}", "1".repeat(2 * 1024 * 1024));
    raw(
        &app,
        Method::POST,
        "/api/v1/verify",
        &key,
        Some("application/json"),
        huge.into_bytes(),
    )
    .await
    .problem(413);
    let long = format!("/api/v1/brands?q={}", "a".repeat(5000));
    app.get(&long).await.problem(414);
    raw(
        &app,
        Method::PUT,
        "/api/v1/certificates",
        &key,
        None,
        vec![],
    )
    .await
    .problem(405);

    assert_eq!(counts(&app).await, before, "nothing was written");
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn markup_is_stored_as_text_and_escaped_on_every_page() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let markup = "<img src=x onerror=alert(1)>\"'&";
    let res = app
        .json(Method::PATCH, "/api/v1/brands/1", Some(&key), &json!({"holder": markup, "names": {"ar": "أركان <>&", "fr": markup, "en": "Argan", "zgh": "ⴰⵔⴳⴰⵏ"}}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // JSON gives the text back as it was stored...
    assert_eq!(
        app.get("/api/v1/brands/1").await.json()["names"]["fr"],
        markup
    );
    // ...and pages escape it.
    let cert = app.authentic_certificate().await;
    let page = app
        .send(
            Request::get(format!("/v/{}?lang=fr", app.code(&cert, 1)))
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

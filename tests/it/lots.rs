//! One lot, one certificate (issue 15): a second issuance of a lot is refused with 409
//! `lot_already_certified` naming the first certificate, in the API and the officer form;
//! concurrent issuances of one lot give exactly one certificate; a double-submitted form gives
//! one certificate; and a database that already held duplicate lots migrates.

use axum::body::Body;
use axum::http::{Method, Request, header};
use migration::MigratorTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq::entity::certificate;

use crate::officer_ui::sign_in;
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

/// A lot of the authentic demo certificate's brand and producer (who hold an active right).
async fn lot_body(app: &TestApp, lot: &str) -> Value {
    let cert = app.authentic_certificate().await;
    json!({
        "brand": cert.facts.brand,
        "producer": cert.view.producer.id,
        "product": "Huile d'argan alimentaire 250 ml",
        "lot": lot,
        "quantity": 20,
        "produced_on": (chrono::Utc::now().date_naive() - chrono::Days::new(3)).to_string(),
        "expires_on": "2029-01-01"
    })
}

async fn certificates_of_lot(app: &TestApp, lot: &str) -> u64 {
    certificate::Entity::find()
        .filter(certificate::Column::Lot.eq(lot))
        .count(app.conn())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_issuance_of_a_lot_is_refused_naming_the_first() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let body = lot_body(&app, "L-ONCE-1").await;
    let first = app
        .json(Method::POST, "/api/v1/certificates", Some(&key), &body)
        .await;
    assert_eq!(first.status, 201, "{first:?}");
    let number = first.json()["number"].as_str().unwrap().to_owned();

    let again = app
        .json(Method::POST, "/api/v1/certificates", Some(&key), &body)
        .await;
    let p = again.problem(409);
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("/lot_already_certified"),
        "{p}"
    );
    assert_eq!(p["reason"], "lot_already_certified");
    assert_eq!(p["certificate"], number.as_str());
    assert!(p["detail"].as_str().unwrap().contains(&number), "{p}");
    // Another product or quantity does not make it another lot.
    let mut changed = body.clone();
    changed["quantity"] = json!(999);
    changed["product"] = json!("Autre produit");
    let p = app
        .json(Method::POST, "/api/v1/certificates", Some(&key), &changed)
        .await
        .problem(409);
    assert_eq!(p["certificate"], number.as_str());
    // Revoking the certificate does not free its lot code.
    let revoked = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{number}/revoke"),
            Some(&key),
            &json!({"reason": "test"}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{revoked:?}");
    let p = app
        .json(Method::POST, "/api/v1/certificates", Some(&key), &body)
        .await
        .problem(409);
    assert_eq!(p["certificate"], number.as_str());
    // Another lot code is another lot.
    let other = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(&key),
            &lot_body(&app, "L-ONCE-2").await,
        )
        .await;
    assert_eq!(other.status, 201, "{other:?}");
    assert_eq!(certificates_of_lot(&app, "L-ONCE-1").await, 1);
    // Any other 409 keeps `about:blank`.
    let p = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{number}/revoke"),
            Some(&key),
            &json!({"reason": "again"}),
        )
        .await
        .problem(409);
    assert_eq!(p["type"], "about:blank");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issuances_of_one_lot_give_exactly_one_certificate() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let body = lot_body(&app, "L-RACE-1").await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (state, key, body) = (app.state.clone(), key.clone(), body.to_string());
        set.spawn(async move {
            let req = Request::post("/api/v1/certificates")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from(body))
                .unwrap();
            let res = tasdiq::app(state).oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap())
        });
    }
    let replies: Vec<(u16, Value)> = set.join_all().await;
    let created: Vec<&Value> = replies
        .iter()
        .filter(|r| r.0 == 201)
        .map(|r| &r.1)
        .collect();
    assert_eq!(created.len(), 1, "{replies:?}");
    let number = created[0]["number"].as_str().unwrap().to_owned();
    for (status, p) in replies.iter().filter(|r| r.0 != 201) {
        assert_eq!(*status, 409, "{p}");
        assert_eq!(p["certificate"], number.as_str(), "{p}");
    }
    assert_eq!(certificates_of_lot(&app, "L-RACE-1").await, 1);
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn page(app: &TestApp, uri: &str, cookie: &str) -> Reply {
    app.send(
        Request::get(uri)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
    app.send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

/// Text as the templates escape it.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

fn location(r: &Reply) -> String {
    assert_eq!(r.status, 303, "{r:?}");
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

/// The issue form's fields for `lot`, with the brand and producer as the pickers offer them.
async fn form_fields(app: &TestApp, html: &str, lot: &str) -> Vec<(String, String)> {
    let cert = app.authentic_certificate().await;
    let brand = format!("{} ({})", cert.view.brand.names.fr, cert.view.brand.code);
    let p = tasdiq::store::producers::get(app.conn(), cert.view.producer.id)
        .await
        .unwrap();
    let producer = format!("{} — ICE {}", p.name, p.ice);
    for option in [&brand, &producer] {
        assert!(
            html.contains(&format!("<option value=\"{}\">", esc(option))),
            "the picker offers {option}"
        );
    }
    let today = chrono::Utc::now().date_naive();
    [
        ("csrf", hidden(html, "csrf")),
        ("once", hidden(html, "once")),
        ("brand", brand),
        ("producer", producer),
        ("product", "Amlou 250 g".to_owned()),
        ("lot", lot.to_owned()),
        ("quantity", "12".to_owned()),
        ("produced_on", (today - chrono::Days::new(1)).to_string()),
        ("expires_on", "2029-01-01".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[tokio::test]
async fn a_double_submitted_form_gives_one_certificate() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let form = page(&app, "/officer/certificates/new?lang=fr", &cookie).await;
    assert_eq!(form.status, 200);
    let fields = form_fields(&app, &form.text(), "L-FORM-1").await;
    let fields = borrowed(&fields);

    // Two sendings at once (a double click), then a third later (back, send again).
    let (a, b) = tokio::join!(
        post(&app, "/officer/certificates", &cookie, &fields),
        post(&app, "/officer/certificates", &cookie, &fields)
    );
    let c = post(&app, "/officer/certificates", &cookie, &fields).await;
    let (a, b, c) = (location(&a), location(&b), location(&c));
    let number = |l: &str| l.split('?').next().unwrap().to_owned();
    assert_eq!(number(&a), number(&b));
    assert_eq!(number(&a), number(&c));
    assert!(c.ends_with("?again=1"), "{c}");
    assert_eq!(certificates_of_lot(&app, "L-FORM-1").await, 1);
    let shown = page(&app, &format!("{c}&lang=fr"), &cookie).await.text();
    let again = tasdiq::i18n::I18n::global().t(tasdiq::i18n::Lang::Fr, "o-form-again");
    assert!(shown.contains(&esc(&again)), "{shown}");

    // The same token with other values: refused with a message, nothing issued.
    let mut changed: Vec<(&str, &str)> = fields.clone();
    for f in changed.iter_mut() {
        if f.0 == "lot" {
            f.1 = "L-FORM-2";
        }
    }
    let refused = post(&app, "/officer/certificates?lang=fr", &cookie, &changed).await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert!(refused.text().contains("id=\"form-error\""));
    assert_eq!(certificates_of_lot(&app, "L-FORM-2").await, 0);
}

#[tokio::test]
async fn the_form_refuses_a_certified_lot_with_a_link_to_its_certificate() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let html = page(&app, "/officer/certificates/new?lang=fr", &cookie)
        .await
        .text();
    let fields = form_fields(&app, &html, "L-FORM-3").await;
    let first = location(&post(&app, "/officer/certificates", &cookie, &borrowed(&fields)).await);
    let number = first
        .trim_start_matches("/officer/certificates/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    // A new form (a new token) for the same lot.
    let html = page(&app, "/officer/certificates/new?lang=fr", &cookie)
        .await
        .text();
    let fields = form_fields(&app, &html, "L-FORM-3").await;
    let res = post(
        &app,
        "/officer/certificates?lang=fr",
        &cookie,
        &borrowed(&fields),
    )
    .await;
    assert_eq!(res.status, 409, "{res:?}");
    let text = res.text();
    let msg =
        tasdiq::i18n::I18n::global().t(tasdiq::i18n::Lang::Fr, "o-conflict-lot_already_certified");
    assert!(text.contains(&esc(&msg)), "{text}");
    assert!(
        text.contains(&format!("href=\"/officer/certificates/{number}\"")),
        "{text}"
    );
    assert_eq!(certificates_of_lot(&app, "L-FORM-3").await, 1);
}

/// The migration that made lots unique runs on a database that already holds two certificates
/// of one lot: both stay, the earlier keeps the lot, and a new issuance is refused naming it.
#[tokio::test]
async fn a_database_with_duplicate_lots_migrates() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let db = app.conn();
    // Back to before the migration (and any that came after it).
    let since = migration::Migrator::migrations()
        .iter()
        .rev()
        .take_while(|m| m.name() != "m20261204_000001_lot_unique")
        .count() as u32
        + 1;
    migration::Migrator::down(db, Some(since)).await.unwrap();
    let first = cert.facts.number;
    let copy = first - 1;
    db.execute_unprepared(&format!(
        "INSERT INTO certificates (number, brand, producer, product, lot, quantity, produced_on, \
         expires_on, issued_at, issued_by, kid, status, revocation_reason, revoked_at, status_index) \
         SELECT {copy}, brand, producer, product, lot, quantity, produced_on, expires_on, \
         issued_at, issued_by, kid, status, revocation_reason, revoked_at, NULL \
         FROM certificates WHERE number = {first}"
    ))
    .await
    .unwrap();
    // The copy was issued at the same moment with a lower number: it is the lot's first.
    migration::Migrator::up(db, None).await.unwrap();
    let key_of = |n: u64| async move {
        certificate::Entity::find_by_id(n as i64)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .lot_key
    };
    assert_eq!(key_of(copy).await.as_deref(), Some(cert.view.lot.as_str()));
    assert_eq!(key_of(first).await, None);
    let key = app.key(Role::Officer).await;
    let mut body = lot_body(&app, &cert.view.lot).await;
    body["brand"] = json!(cert.facts.brand);
    body["producer"] = json!(cert.view.producer.id);
    let p = app
        .json(Method::POST, "/api/v1/certificates", Some(&key), &body)
        .await
        .problem(409);
    assert_eq!(p["certificate"], copy.to_string());
}

/// The unique index, not only the service's check, holds the rule: a second row for a lot,
/// written past the check (as a racing issuance would), is refused by the database, and the
/// store asks for the transaction to be retried (the retry then stops at the check).
#[tokio::test]
async fn the_database_refuses_a_second_row_for_a_lot() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let kid = app.state.key_ring().signer().unwrap().kid;
    let req = tasdiq::domain::lifecycle::CertificateRequest {
        brand: cert.facts.brand,
        producer: cert.view.producer.id,
        product: "Amlou".into(),
        lot: "L-INDEX-1".into(),
        quantity: 3,
        produced_on: chrono::Utc::now().date_naive(),
        expires_on: chrono::Utc::now().date_naive() + chrono::Days::new(100),
    };
    let now = chrono::Utc::now();
    tasdiq::store::certificates::insert(app.conn(), &req, kid, "test", now)
        .await
        .unwrap();
    let second = tasdiq::store::certificates::insert(app.conn(), &req, kid, "test", now).await;
    assert!(
        matches!(second, Err(tasdiq::store::StoreError::Retry)),
        "{second:?}"
    );
    assert_eq!(certificates_of_lot(&app, "L-INDEX-1").await, 1);
}

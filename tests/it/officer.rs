//! The officers' API: roles, the certification workflow, issuance rules, idempotency,
//! transactions, the audit log, and verdicts that follow every change.

use axum::http::Method;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq::entity::{audit_log, certificate};

use crate::support::TestApp;

fn producer_body(ice: &str) -> Value {
    json!({
        "name": "Coopérative Tifawin",
        "kind": "cooperative",
        "ice": ice,
        "register_number": "ODCO-2026-000123",
        "region": "souss-massa",
        "province": "Taroudant",
        "women_led": true,
        "youth_led": false
    })
}

fn issue_body(brand: u64, producer: i64, quantity: i64) -> Value {
    json!({
        "brand": brand,
        "producer": producer,
        "product": "Huile d'argan alimentaire 250 ml",
        "lot": "L2026-11-A",
        "quantity": quantity,
        "produced_on": "2026-11-01",
        "expires_on": "2028-11-01"
    })
}

/// Every officer route with a body that passes authentication.
fn officer_routes(producer: i64, cert: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::POST, "/api/v1/brands".into(), Some(json!({}))),
        (Method::PATCH, "/api/v1/brands/1".into(), Some(json!({}))),
        (Method::POST, "/api/v1/producers".into(), Some(json!({}))),
        (Method::GET, "/api/v1/producers".into(), None),
        (Method::GET, format!("/api/v1/producers/{producer}"), None),
        (
            Method::PATCH,
            format!("/api/v1/producers/{producer}"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/brands/1/members".into(),
            Some(json!({})),
        ),
        (
            Method::GET,
            format!("/api/v1/brands/1/members/{producer}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/brands/1/members/{producer}"),
            Some(json!({})),
        ),
        (Method::POST, "/api/v1/certificates".into(), Some(json!({}))),
        (
            Method::POST,
            format!("/api/v1/certificates/{cert}/revoke"),
            Some(json!({})),
        ),
        (Method::GET, "/api/v1/audit".into(), None),
        (
            Method::GET,
            format!("/api/v1/certificates/{cert}/labels/1.png"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/certificates/{cert}/labels/1.svg"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/certificates/{cert}/labels.pdf?from=1&to=2"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/certificates/{cert}/labels.csv"),
            None,
        ),
    ]
}

async fn call(
    app: &TestApp,
    m: &Method,
    uri: &str,
    token: Option<&str>,
    body: &Option<Value>,
) -> crate::support::Reply {
    let mut req = axum::http::Request::builder().method(m.clone()).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            axum::body::Body::from(b.to_string())
        }
        None => axum::body::Body::empty(),
    };
    app.send(req.body(body).unwrap()).await
}

#[tokio::test]
async fn every_officer_route_checks_the_role() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let retailer = app.key(Role::Retailer).await;
    let officer = app.key(Role::Officer).await;
    let routes = officer_routes(cert.view.producer.id, &cert.view.number);
    for (m, uri, body) in &routes {
        let anon = call(&app, m, uri, None, body).await;
        let p = anon.problem(401);
        assert!(anon.headers.contains_key("www-authenticate"), "{m} {uri}");
        assert!(
            p["detail"].as_str().unwrap().contains("officer"),
            "{m} {uri}: {p}"
        );
        call(&app, m, uri, Some(&retailer), body).await.problem(403);
        call(&app, m, uri, Some("tsq_0000000000000000_nope"), body)
            .await
            .problem(401);
        let ok = call(&app, m, uri, Some(&officer), body).await;
        assert!(
            ![401, 403].contains(&ok.status.as_u16()),
            "{m} {uri} with an officer key: {} {}",
            ok.status,
            ok.text()
        );
    }
    // The public routes stay public.
    assert_eq!(app.get("/api/v1/brands").await.status, 200);
    assert_eq!(
        app.get(&format!("/api/v1/certificates/{}", cert.view.number))
            .await
            .status,
        200
    );
    // A revoked key stops working at once.
    let keys = tasdiq::store::api_keys::list(app.conn()).await.unwrap();
    let officer_key = keys.iter().find(|k| k.role == Role::Officer).unwrap();
    let by = tasdiq::service::By::actor("test");
    tasdiq::service::accounts::revoke_api_key(&app.state, &by, officer_key.id)
        .await
        .unwrap();
    app.get_as("/api/v1/audit", &officer).await.problem(401);
}

#[tokio::test]
async fn the_certification_workflow_end_to_end() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let k = key.as_str();

    let created = app
        .json(
            Method::POST,
            "/api/v1/producers",
            Some(k),
            &producer_body("999123456789012"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let producer = created.json()["id"].as_i64().unwrap();
    assert_eq!(
        created.headers["location"],
        format!("/api/v1/producers/{producer}")
    );
    let dup = app
        .json(
            Method::POST,
            "/api/v1/producers",
            Some(k),
            &producer_body("999123456789012"),
        )
        .await;
    assert_eq!(dup.problem(409)["reason"], "ice_taken");

    // Not a member yet: 409 with the reason.
    let refused = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(k),
            &issue_body(1, producer, 500),
        )
        .await;
    assert_eq!(refused.problem(409)["reason"], "not_a_member");

    let grant =
        json!({"producer": producer, "valid_from": "2026-01-01", "valid_until": "2028-12-31"});
    let granted = app
        .json(Method::POST, "/api/v1/brands/1/members", Some(k), &grant)
        .await;
    assert_eq!(granted.status, 201, "{}", granted.text());
    assert_eq!(granted.json()["status"], "active");
    app.json(Method::POST, "/api/v1/brands/1/members", Some(k), &grant)
        .await
        .problem(409);

    let issued = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(k),
            &issue_body(1, producer, 500),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let c = issued.json();
    assert_eq!(c["status"], "issued");
    assert_eq!(c["labels"], json!({"first": 1, "last": 500}));
    let number = c["number"].as_str().unwrap().to_owned();
    assert!(number.parse::<u64>().is_ok());

    // Labels are derived on demand: issuing 500 items wrote one certificate row.
    let rec = tasdiq::store::certificates::record(
        app.conn(),
        tasdiq::domain::values::CertificateNumber(number.parse().unwrap()),
    )
    .await
    .unwrap();
    let code = app.code(&rec, 250);
    let status = |v: Value| {
        (
            v["status"].as_str().unwrap().to_owned(),
            v["reason"].as_str().unwrap().to_owned(),
        )
    };
    let verdict = async |code: &str| app.get(&format!("/api/v1/verify/{code}")).await.json();
    assert_eq!(
        status(verdict(&code).await),
        ("authentic".into(), "valid".into())
    );

    let member = format!("/api/v1/brands/1/members/{producer}");
    let suspend = app
        .json(
            Method::PATCH,
            &member,
            Some(k),
            &json!({"status": "suspended", "reason": "audit de surveillance"}),
        )
        .await;
    assert_eq!(suspend.status, 200, "{}", suspend.text());
    assert_eq!(
        status(verdict(&code).await),
        ("suspended".into(), "member_suspended".into())
    );
    // A suspended member cannot be certified.
    let refused = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(k),
            &issue_body(1, producer, 5),
        )
        .await;
    assert_eq!(refused.problem(409)["reason"], "membership_not_active");

    let reinstate = app
        .json(
            Method::PATCH,
            &member,
            Some(k),
            &json!({"status": "active", "reason": "non-conformité levée"}),
        )
        .await;
    assert_eq!(reinstate.status, 200, "{}", reinstate.text());
    assert_eq!(
        status(verdict(&code).await),
        ("authentic".into(), "valid".into())
    );

    let revoke = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{number}/revoke"),
            Some(k),
            &json!({"reason": "lot rappelé"}),
        )
        .await;
    assert_eq!(revoke.status, 200, "{}", revoke.text());
    assert_eq!(revoke.json()["status"], "revoked");
    assert_eq!(
        status(verdict(&code).await),
        ("revoked".into(), "certificate_revoked".into())
    );
    app.json(
        Method::POST,
        &format!("/api/v1/certificates/{number}/revoke"),
        Some(k),
        &json!({"reason": "again"}),
    )
    .await
    .problem(409);

    // The membership keeps its history.
    let detail = app.get_as(&member, k).await.json();
    let history: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["active", "suspended", "active"]);

    // Every change is in the audit log, newest first, with before and after.
    let audit = app.get_as("/api/v1/audit?limit=20", k).await.json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..5],
        [
            "certificate.revoke",
            "membership.reinstate",
            "membership.suspend",
            "certificate.issue",
            "membership.grant"
        ],
        "{actions:?}"
    );
    assert!(actions.contains(&"producer.create"));
    let suspend_entry = &audit["items"][2];
    assert_eq!(suspend_entry["before"]["status"], "active");
    assert_eq!(suspend_entry["after"]["status"], "suspended");
    assert!(
        suspend_entry["actor"]
            .as_str()
            .unwrap()
            .starts_with("apikey:")
    );
    assert_eq!(
        suspend_entry["target"],
        format!("brand:1/producer:{producer}")
    );
}

#[tokio::test]
async fn brand_status_changes_follow_the_lifecycle() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);
    let uri = format!("/api/v1/brands/{}", cert.facts.brand);
    let p = app
        .json(
            Method::PATCH,
            &uri,
            Some(&k),
            &json!({"status": "suspended"}),
        )
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["field"], "reason");
    let res = app
        .json(
            Method::PATCH,
            &uri,
            Some(&k),
            &json!({"status": "suspended", "reason": "contrôle en cours"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "suspended");
    let v = app.get(&format!("/api/v1/verify/{code}")).await.json();
    assert_eq!(v["reason"], "brand_suspended");
    let res = app
        .json(
            Method::PATCH,
            &uri,
            Some(&k),
            &json!({"status": "withdrawn", "reason": "retrait"}),
        )
        .await;
    assert_eq!(res.status, 200);
    let v = app.get(&format!("/api/v1/verify/{code}")).await.json();
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("revoked"), Some("brand_withdrawn"))
    );
    let p = app
        .json(
            Method::PATCH,
            &uri,
            Some(&k),
            &json!({"status": "active", "reason": "oops"}),
        )
        .await
        .problem(409);
    assert_eq!(p["reason"], "bad_transition");
    // Other fields change without touching the status.
    let res = app
        .json(
            Method::PATCH,
            &uri,
            Some(&k),
            &json!({"holder": "Nouvelle union"}),
        )
        .await;
    assert_eq!(res.json()["holder"], "Nouvelle union");

    let new = json!({
        "number": 900, "code": "miel-test", "names": {"ar": "عسل", "fr": "Miel", "en": "Honey", "zgh": "ⵜⴰⵎⵎⵏⵜ"},
        "kind": "collective_mark", "category": "food", "region": "oriental", "holder": "Union",
        "rules_ref": "Règlement d'usage", "rules_version": "1.0"
    });
    let res = app
        .json(Method::POST, "/api/v1/brands", Some(&k), &new)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(
        app.get("/api/v1/brands/900").await.json()["code"],
        "miel-test"
    );
    app.json(Method::POST, "/api/v1/brands", Some(&k), &new)
        .await
        .problem(409);
    let mut bad = new.clone();
    bad["number"] = json!(901);
    bad["code"] = json!("x-901");
    bad["names"]["zgh"] = json!("Tamment");
    bad["names"]["ar"] = json!("Honey");
    let p = app
        .json(Method::POST, "/api/v1/brands", Some(&k), &bad)
        .await
        .problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["names.ar", "names.zgh"]);
}

#[tokio::test]
async fn issuance_refuses_each_bad_field_by_name() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let producer = cert.view.producer.id;
    let brand = u64::from(cert.facts.brand);
    let cases: Vec<(&str, Value)> = vec![
        ("quantity", json!(0)),
        ("quantity", json!(1_000_001)),
        ("produced_on", json!("2999-01-01")),
        ("produced_on", json!("2026-02-30")),
        ("expires_on", json!("2026-10-01")),
        ("expires_on", json!("2180-01-01")),
        ("lot", json!("")),
        ("lot", json!("x".repeat(65))),
        ("product", json!("")),
        ("product", json!("y".repeat(201))),
    ];
    let before = certificate::Entity::find().count(app.conn()).await.unwrap();
    for (field, value) in cases {
        let mut body = issue_body(brand, producer, 10);
        body[field] = value.clone();
        let p = app
            .json(Method::POST, "/api/v1/certificates", Some(&k), &body)
            .await
            .problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{field} = {value}: {p}");
    }
    // Wrong JSON types and unknown fields are 422 too; broken JSON is 400.
    let mut body = issue_body(brand, producer, 10);
    body["quantity"] = json!("ten");
    app.json(Method::POST, "/api/v1/certificates", Some(&k), &body)
        .await
        .problem(422);
    let mut body = issue_body(brand, producer, 10);
    body["colour"] = json!("red");
    app.json(Method::POST, "/api/v1/certificates", Some(&k), &body)
        .await
        .problem(422);
    let broken = app
        .send(
            axum::http::Request::post("/api/v1/certificates")
                .header("authorization", format!("Bearer {k}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{\"brand\": 1,"))
                .unwrap(),
        )
        .await;
    broken.problem(400);
    assert_eq!(
        certificate::Entity::find().count(app.conn()).await.unwrap(),
        before,
        "nothing was written"
    );

    // Unknown brand or producer: a conflict with the registry, named.
    let p = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(&k),
            &issue_body(777, producer, 10),
        )
        .await
        .problem(409);
    assert_eq!(p["reason"], "unknown_brand");
}

#[tokio::test]
async fn idempotent_issuance() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let body = issue_body(u64::from(cert.facts.brand), cert.view.producer.id, 40);
    let before = certificate::Entity::find().count(app.conn()).await.unwrap();
    let h = [("idempotency-key", "lot-L2026-11-A")];
    let first = app
        .json_with(Method::POST, "/api/v1/certificates", &k, &h, &body)
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let second = app
        .json_with(Method::POST, "/api/v1/certificates", &k, &h, &body)
        .await;
    assert_eq!(second.status, 201);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(first.json()["number"], second.json()["number"]);
    assert_eq!(
        certificate::Entity::find().count(app.conn()).await.unwrap(),
        before + 1
    );

    let mut other = body.clone();
    other["quantity"] = json!(41);
    let p = app
        .json_with(Method::POST, "/api/v1/certificates", &k, &h, &other)
        .await
        .problem(422);
    assert!(p["detail"].as_str().unwrap().contains("Idempotency-Key"));
    // Another caller's identical key is its own.
    let k2 = app.key(Role::Officer).await;
    let third = app
        .json_with(Method::POST, "/api/v1/certificates", &k2, &h, &body)
        .await;
    assert_ne!(third.json()["number"], first.json()["number"]);
    app.json_with(
        Method::POST,
        "/api/v1/certificates",
        &k,
        &[("idempotency-key", "")],
        &body,
    )
    .await
    .problem(400);
}

#[tokio::test]
async fn a_failure_mid_transaction_leaves_nothing_behind() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    // Make the audit insert of an issuance fail, after the certificate row was written.
    let db = app.conn();
    if app.db.is_postgres() {
        db.execute_unprepared(
            "CREATE FUNCTION fail_issue() RETURNS trigger AS $$ BEGIN \
             IF NEW.action = 'certificate.issue' THEN RAISE EXCEPTION 'injected failure'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER fail_issue BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_issue();",
        )
        .await
        .unwrap();
    } else {
        db.execute_unprepared(
            "CREATE TRIGGER fail_issue BEFORE INSERT ON audit_log WHEN NEW.action = 'certificate.issue' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .await
        .unwrap();
    }
    let certs = certificate::Entity::find().count(db).await.unwrap();
    let audits = audit_log::Entity::find().count(db).await.unwrap();
    let body = issue_body(u64::from(cert.facts.brand), cert.view.producer.id, 10);
    let res = app
        .json_with(
            Method::POST,
            "/api/v1/certificates",
            &k,
            &[("idempotency-key", "k1")],
            &body,
        )
        .await;
    let p = res.problem(500);
    assert!(
        !p["detail"].as_str().unwrap().contains("injected"),
        "no internals in a 500"
    );
    assert_eq!(certificate::Entity::find().count(db).await.unwrap(), certs);
    assert_eq!(audit_log::Entity::find().count(db).await.unwrap(), audits);
    assert!(
        tasdiq::store::idempotency::get(db, "x", "k1")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn producers_can_be_searched_and_edited() {
    let app = TestApp::new().await;
    let k = app.key(Role::Officer).await;
    let res = app
        .get_as("/api/v1/producers?q=coop&region=souss-massa&limit=5", &k)
        .await;
    assert_eq!(res.status, 200);
    let page = res.json();
    assert!(page["total"].as_u64().unwrap() > 0);
    for p in page["items"].as_array().unwrap() {
        assert_eq!(p["region"], "souss-massa");
    }
    let id = page["items"][0]["id"].as_i64().unwrap();
    let res = app
        .json(
            Method::PATCH,
            &format!("/api/v1/producers/{id}"),
            Some(&k),
            &json!({"youth_led": true, "province": "Tiznit"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let detail = app
        .get_as(&format!("/api/v1/producers/{id}"), &k)
        .await
        .json();
    assert_eq!(detail["youth_led"], true);
    assert_eq!(detail["province"], "Tiznit");
    assert!(!detail["memberships"].as_array().unwrap().is_empty());
    let p = app
        .json(
            Method::PATCH,
            &format!("/api/v1/producers/{id}"),
            Some(&k),
            &json!({"ice": "12345"}),
        )
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["field"], "ice");
    app.get_as("/api/v1/producers/999999", &k)
        .await
        .problem(404);
    app.get_as("/api/v1/producers/abc", &k).await.problem(400);
}

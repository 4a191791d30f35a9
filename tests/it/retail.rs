//! The retailers' API: batch verification, lots, and rate limits per API key.

use axum::http::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tasdiq::domain::values::Role;

use crate::support::{TestApp, tamper};

fn statuses(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_mixed_batch_answers_in_order() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let cert = app.authentic_certificate().await;
    let a = app.code(&cert, 1);
    let b = app.code(&cert, 2);
    let body =
        json!({"codes": [format!("https://tasdiq.example/v/{a}"), tamper(&b, 120), "12ab", b]});
    let res = app
        .json(Method::POST, "/api/v1/verify", Some(&key), &body)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let v = res.json();
    assert_eq!(
        statuses(&v),
        ["authentic", "counterfeit", "malformed", "authentic"]
    );
    let r = &v["results"];
    assert_eq!(r[1]["reason"], "bad_signature");
    assert!(r[1]["certificate"].is_null());
    assert!(r[2]["label"].is_null());
    assert_eq!(r[3]["label"]["item"], 2);
    assert_eq!(r[0]["certificate"]["number"], cert.view.number);

    // Retailer checks are counted, tied to the key.
    app.state
        .verifier
        .scans
        .flush(app.state.writer())
        .await
        .unwrap();
    let checks = tasdiq::entity::label_scan::Entity::find_by_id((cert.facts.number as i64, 1))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((checks.scans, checks.retailer_checks), (1, 1));
    let keys = tasdiq::store::api_keys::list(app.conn()).await.unwrap();
    let rows = sea_orm::ConnectionTrait::query_all_raw(
        app.conn(),
        sea_orm::Statement::from_string(
            app.conn().get_database_backend(),
            "SELECT api_key, checks FROM label_checks".to_owned(),
        ),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        let api_key: i64 = row.try_get("", "api_key").unwrap();
        assert_eq!(api_key, keys[0].id);
    }
}

#[tokio::test]
async fn bad_codes_are_found_in_a_large_batch() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let n = 300;
    assert!(cert.facts.quantity >= n);
    let mut codes: Vec<String> = (1..=n).map(|i| app.code(&cert, i)).collect();
    codes[17] = tamper(&codes[17], 100);
    codes[211] = tamper(&codes[211], 190);
    let res = app
        .json(
            Method::POST,
            "/api/v1/verify",
            Some(&key),
            &json!({"codes": codes}),
        )
        .await;
    let s = statuses(&res.json());
    assert_eq!(s.len(), n as usize);
    for (i, status) in s.iter().enumerate() {
        let want = if i == 17 || i == 211 {
            "counterfeit"
        } else {
            "authentic"
        };
        assert_eq!(status, want, "code {i}");
    }
}

#[tokio::test]
async fn batches_are_bounded_and_keyed() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let body = json!({"codes": vec!["1"; 1001]});
    let p = app
        .json(Method::POST, "/api/v1/verify", Some(&key), &body)
        .await
        .problem(413);
    assert!(p["detail"].as_str().unwrap().contains("1000"));
    app.json(
        Method::POST,
        "/api/v1/verify",
        Some(&key),
        &json!({"codes": []}),
    )
    .await
    .problem(422);
    app.json(
        Method::POST,
        "/api/v1/verify",
        Some(&key),
        &json!({"code": ["1"]}),
    )
    .await
    .problem(422);
    let ok = app
        .json(
            Method::POST,
            "/api/v1/verify",
            Some(&key),
            &json!({"codes": vec!["1"; 1000]}),
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(statuses(&ok.json()).len(), 1000);
    app.json(
        Method::POST,
        "/api/v1/verify",
        None,
        &json!({"codes": ["1"]}),
    )
    .await
    .problem(401);
    app.json(
        Method::POST,
        "/api/v1/verify",
        Some("tsq_0123456789abcdef_nope"),
        &json!({"codes": ["1"]}),
    )
    .await
    .problem(401);
}

#[tokio::test]
async fn a_lot_shows_what_a_retailer_needs() {
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let cert = app.authentic_certificate().await;
    app.get(&format!("/api/v1/verify/{}", app.code(&cert, 3)))
        .await;
    app.state
        .verifier
        .scans
        .flush(app.state.writer())
        .await
        .unwrap();
    let res = app
        .get_as(&format!("/api/v1/lots/{}", cert.view.number), &key)
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let lot = res.json();
    assert_eq!(lot["quantity"], cert.facts.quantity);
    assert_eq!(
        lot["labels"],
        json!({"first": 1, "last": cert.facts.quantity})
    );
    assert_eq!(lot["product"], cert.view.product);
    assert_eq!(lot["producer"]["name"], cert.view.producer.name);
    assert_eq!(lot["brand"]["number"], cert.facts.brand);
    assert_eq!(lot["status"], "issued");
    assert_eq!(
        lot["verdict"],
        json!({"status": "authentic", "reason": "valid"})
    );
    assert_eq!(lot["checks"]["labels_checked"], 1);
    app.get_as("/api/v1/lots/42", &key).await.problem(404);
    app.get_as("/api/v1/lots/x", &key).await.problem(400);
    app.get(&format!("/api/v1/lots/{}", cert.view.number))
        .await
        .problem(401);
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit() {
    let mut app = TestApp::new().await;
    let mut config = app.db.config.clone();
    config.api_rate = 1;
    config.api_burst = 3;
    app.state = tasdiq::AppState::build(app.conn().clone(), config)
        .await
        .unwrap();
    let a = app.key(Role::Retailer).await;
    let b = app.key(Role::Retailer).await;
    let body = json!({"codes": ["1"]});
    for _ in 0..3 {
        assert_eq!(
            app.json(Method::POST, "/api/v1/verify", Some(&a), &body)
                .await
                .status,
            200
        );
    }
    let limited = app
        .json(Method::POST, "/api/v1/verify", Some(&a), &body)
        .await;
    let p = limited.problem(429);
    assert!(p["detail"].as_str().unwrap().contains("retry"));
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    // Another key is not affected.
    assert_eq!(
        app.json(Method::POST, "/api/v1/verify", Some(&b), &body)
            .await
            .status,
        200
    );
    // The bucket lives in the database, where every node sees it.
    let rows = tasdiq::entity::api_key::Entity::find()
        .filter(tasdiq::entity::api_key::Column::Role.eq("retailer"))
        .all(app.conn())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
}

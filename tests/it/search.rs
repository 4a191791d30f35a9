//! Lists an office can use (issue 15): accent- and case-insensitive search of producers,
//! brands and certificates on both databases; the certificate list filtered by number, lot,
//! brand, producer, status and date, in a stable order, paged; the audit log filtered by actor,
//! action, target and date.

use axum::http::Method;
use serde_json::{Value, json};
use tasdiq::domain::values::Role;

use crate::support::TestApp;

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn total(app: &TestApp, key: &str, uri: &str) -> u64 {
    let r = app.get_as(uri, key).await;
    assert_eq!(r.status, 200, "{uri}: {r:?}");
    r.json()["total"].as_u64().unwrap()
}

#[tokio::test]
async fn search_ignores_accents_and_case() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let producers = |q: &str| format!("/api/v1/producers?q={}&limit=500", enc(q));
    let feminine = total(&app, &key, &producers("féminine")).await;
    assert!(feminine >= 10, "{feminine}");
    for q in ["feminine", "FEMININE", "FÉMININE", "Féminine"] {
        assert_eq!(total(&app, &key, &producers(q)).await, feminine, "{q}");
    }
    let cooperative = total(&app, &key, &producers("Coopérative")).await;
    assert!(cooperative > feminine);
    for q in ["COOPERATIVE", "cooperative", "COOPÉRATIVE"] {
        assert_eq!(total(&app, &key, &producers(q)).await, cooperative, "{q}");
    }
    // Brands: every French name with an accent is found by its words written without.
    let all = app.get("/api/v1/brands?limit=500").await.json();
    let mut checked = 0;
    for b in all["items"].as_array().unwrap() {
        let name = b["names"]["fr"].as_str().unwrap();
        let Some(word) = name.split_whitespace().find(|w| !w.is_ascii()) else {
            continue;
        };
        let plain = tasdiq::domain::search::fold(word).to_uppercase();
        let hits = app
            .get(&format!("/api/v1/brands?q={}&limit=500", enc(&plain)))
            .await
            .json();
        assert!(
            hits["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["number"] == b["number"]),
            "{name}: {plain}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} brands with accents");
    // The officers' producer page too.
    let r = app.get_as("/api/v1/producers?q=%25", &key).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["total"], 0, "LIKE wildcards are taken literally");
}

async fn issue(app: &TestApp, key: &str, lot: &str, product: &str) -> String {
    let cert = app.authentic_certificate().await;
    let r = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(key),
            &json!({
                "brand": cert.facts.brand,
                "producer": cert.view.producer.id,
                "product": product,
                "lot": lot,
                "quantity": 5,
                "produced_on": (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string(),
                "expires_on": "2029-01-01"
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.json()["number"].as_str().unwrap().to_owned()
}

fn numbers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn certificates_are_searched_filtered_and_paged() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let a = issue(&app, &key, "LOT-ÉTÉ-01", "Huile d'argan").await;
    let b = issue(&app, &key, "LOT-ÉTÉ-02", "Amlou crémeux").await;
    let c = issue(&app, &key, "LOT-HIVER-01", "Miel d'euphorbe").await;
    let list = |q: &str| {
        let key = key.clone();
        let app = &app;
        let q = q.to_owned();
        async move {
            let r = app.get_as(&format!("/api/v1/certificates?{q}"), &key).await;
            assert_eq!(r.status, 200, "{q}: {r:?}");
            r.json()
        }
    };
    // By lot, accents and case ignored; by product; by the number itself.
    let ete = list("lot=lot-ete").await;
    assert_eq!(ete["total"], 2);
    let mut found = numbers(&ete);
    found.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(found, want);
    assert_eq!(numbers(&list("q=CREMEUX").await), vec![b.clone()]);
    assert_eq!(numbers(&list(&format!("q={c}")).await), vec![c.clone()]);
    // By brand and producer, by name in `q` or by number and id.
    let cert = app.authentic_certificate().await;
    let by_brand = list(&format!("brand={}&limit=500", cert.facts.brand)).await;
    assert!(numbers(&by_brand).contains(&a));
    let by_producer = list(&format!("producer={}&limit=500", cert.view.producer.id)).await;
    assert!(numbers(&by_producer).contains(&c));
    let name = enc(&tasdiq::domain::search::fold(&cert.view.producer.name).to_uppercase());
    assert!(numbers(&list(&format!("q={name}&limit=500")).await).contains(&a));
    // By status.
    let r = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{b}/revoke"),
            Some(&key),
            &json!({"reason": "test"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let revoked = numbers(&list("status=revoked&limit=500").await);
    assert!(revoked.contains(&b) && !revoked.contains(&a));
    assert!(!numbers(&list("status=issued&limit=500").await).contains(&b));
    // By day of issue.
    let today = chrono::Utc::now().date_naive();
    let tomorrow = today + chrono::Days::new(1);
    assert_eq!(list(&format!("issued_from={tomorrow}")).await["total"], 0);
    let todays = list(&format!("issued_from={today}&issued_to={today}&limit=500")).await;
    assert!(todays["total"].as_u64().unwrap() >= 3);
    assert_eq!(
        list(&format!("issued_to={}", today - chrono::Days::new(400))).await["total"],
        0
    );
    // Newest first, stable across pages: page by page is the same as all at once.
    let all = numbers(&list("limit=500").await);
    assert_eq!(&all[..3], &[c.clone(), b.clone(), a.clone()]);
    let mut paged = Vec::new();
    for offset in 0..all.len() {
        paged.extend(numbers(&list(&format!("limit=1&offset={offset}")).await));
    }
    assert_eq!(paged, all);
    // Bad parameters are named.
    let p = app
        .get_as(
            "/api/v1/certificates?status=lost&issued_from=yesterday",
            &key,
        )
        .await
        .problem(422);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "issued_from"], "{p}");
    // A retailer may not list certificates.
    let retailer = app.key(Role::Retailer).await;
    assert_eq!(
        app.get_as("/api/v1/certificates", &retailer).await.status,
        403
    );
}

#[tokio::test]
async fn the_audit_log_is_filtered_by_actor_action_target_and_day() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let n = issue(&app, &key, "LOT-AUDIT-1", "Safran").await;
    let audit = |q: &str| {
        let key = key.clone();
        let app = &app;
        let q = q.to_owned();
        async move {
            let r = app.get_as(&format!("/api/v1/audit?{q}"), &key).await;
            assert_eq!(r.status, 200, "{q}: {r:?}");
            r.json()
        }
    };
    let everything = audit("limit=500").await["total"].as_u64().unwrap();
    let issued = audit("action=certificate.issue&limit=500").await;
    assert!(issued["total"].as_u64().unwrap() >= 1);
    assert!(issued["total"].as_u64().unwrap() < everything);
    for e in issued["items"].as_array().unwrap() {
        assert_eq!(e["action"], "certificate.issue");
    }
    let area = audit("action=certificate.&limit=500").await["total"]
        .as_u64()
        .unwrap();
    assert!(area >= issued["total"].as_u64().unwrap());
    let mine = audit(&format!("target=certificate:{n}")).await;
    assert_eq!(mine["total"], 1);
    assert!(
        mine["items"][0]["actor"]
            .as_str()
            .unwrap()
            .starts_with("apikey:")
    );
    let by_key = audit("actor=APIKEY&limit=500").await;
    assert!(by_key["total"].as_u64().unwrap() >= 1);
    for e in by_key["items"].as_array().unwrap() {
        assert!(e["actor"].as_str().unwrap().starts_with("apikey:"));
    }
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    assert_eq!(audit(&format!("from={tomorrow}")).await["total"], 0);
    assert_eq!(audit(&format!("to={tomorrow}")).await["total"], everything);
    let p = app
        .get_as("/api/v1/audit?from=31-12-2026", &key)
        .await
        .problem(422);
    assert_eq!(p["errors"][0]["field"], "from");
}

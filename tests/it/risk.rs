//! The copy detector in verdicts (issue 17): a label received by two retailers with no
//! shipment between gets a copy warning, many networks raise the risk and one network does
//! not, the page shows custody a retailer made public, and the OpenAPI document says so.

use axum::http::Method;
use serde_json::{Value, json};
use tasdiq::domain::values::Role;

use crate::claims::{app, capture, document, event, scan, warnings};
use crate::support::TestApp;

#[tokio::test]
async fn received_by_two_retailers_without_shipping_is_a_copy() {
    let app = app().await;
    let (a, b) = (app.key(Role::Retailer).await, app.key(Role::Retailer).await);
    let cert = app.authentic_certificate().await;
    let (copied, shipped) = (app.code(&cert, 1), app.code(&cert, 2));
    let url = |c: &str| format!("https://tasdiq.example.ma/v/{c}");

    let before = scan(&app, &copied, "198.51.100.7").await;
    assert_eq!(before["status"], "authentic");
    assert_eq!(before["risk"], "none", "{before}");

    // Item 1: A receives it, then B receives it with no shipment between.
    capture(
        &app,
        &a,
        document(vec![event(
            "receiving",
            "2026-11-21T10:00:00+01:00",
            &url(&copied),
        )]),
    )
    .await;
    capture(
        &app,
        &b,
        document(vec![event(
            "receiving",
            "2026-11-22T10:00:00+01:00",
            &url(&copied),
        )]),
    )
    .await;
    // Item 2: A receives it, ships it, then B receives it: a normal hand-over.
    capture(
        &app,
        &a,
        document(vec![
            event("receiving", "2026-11-21T10:00:00+01:00", &url(&shipped)),
            event("shipping", "2026-11-21T18:00:00+01:00", &url(&shipped)),
        ]),
    )
    .await;
    capture(
        &app,
        &b,
        document(vec![event(
            "receiving",
            "2026-11-22T10:00:00+01:00",
            &url(&shipped),
        )]),
    )
    .await;

    let after = scan(&app, &copied, "198.51.100.7").await;
    assert_eq!(after["status"], "authentic", "the status does not change");
    assert_eq!(after["risk"], "high", "{after}");
    assert!(
        warnings(&after).contains(&"received_twice_without_shipping".to_owned()),
        "{after}"
    );
    let normal = scan(&app, &shipped, "198.51.100.7").await;
    assert_eq!(normal["risk"], "none", "{normal}");
    assert!(warnings(&normal).is_empty(), "{normal}");

    // The batch route and the page say the same.
    let batch = app
        .json(
            Method::POST,
            "/api/v1/verify",
            Some(&a),
            &json!({"codes": [copied, shipped]}),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.text());
    let results = batch.json()["results"].clone();
    assert_eq!(results[0]["risk"], "high");
    assert_eq!(results[1]["risk"], "none");
    let page = app.get(&format!("/v/{copied}?lang=en")).await.text();
    assert!(
        page.contains("Genuine label, but probably copied"),
        "{page}"
    );
    assert!(page.contains("data-look=\"suspected_copy\""));
}

#[tokio::test]
async fn many_networks_raise_the_risk_one_network_does_not() {
    let app = app().await;
    let cert = app.authentic_certificate().await;
    let (crowd, prank) = (app.code(&cert, 3), app.code(&cert, 4));
    // One network, any number of scans: at most `watch`.
    let mut last = Value::Null;
    for _ in 0..60 {
        last = scan(&app, &prank, "203.0.113.9").await;
    }
    assert_ne!(last["risk"], "high", "{last}");
    assert_eq!(last["risk"], "watch", "{last}");
    // Ten networks in a week: high, counted before any flush.
    for i in 0..9 {
        let v = scan(&app, &crowd, &format!("192.0.{i}.10")).await;
        assert_ne!(v["risk"], "high", "{i}: {v}");
    }
    let v = scan(&app, &crowd, "192.0.9.10").await;
    assert_eq!(v["risk"], "high", "{v}");
    assert!(warnings(&v).contains(&"many_networks".to_owned()));
    // Written and read back: the next node (or this one after its TTL) sees the same.
    app.state.verifier.risk.flush(app.conn()).await.unwrap();
    let v = scan(&app, &crowd, "192.0.9.10").await;
    assert_eq!(v["risk"], "high", "{v}");
}

#[tokio::test]
async fn the_page_shows_custody_only_where_the_retailer_made_it_public() {
    let app = app().await;
    let shop = app.key(Role::Retailer).await;
    let cert = app.authentic_certificate().await;
    let (sold, private) = (app.code(&cert, 5), app.code(&cert, 6));
    let mut ids = Vec::new();
    for (name, public) in [("Coopérative Tamount", true), ("Dépôt privé", false)] {
        let res = app
            .json(
                Method::POST,
                "/api/v1/locations",
                Some(&shop),
                &json!({"name": name, "city": "Agadir", "public": public}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        assert_eq!(res.json()["public"], public);
        ids.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    let at = |url: &str, loc: &str| {
        let mut e = event("retail_selling", "2026-11-25T16:30:00+01:00", url);
        e["bizLocation"] = json!({"id": loc});
        e
    };
    let url = |c: &str| format!("https://tasdiq.example.ma/v/{c}");
    capture(
        &app,
        &shop,
        document(vec![at(&url(&sold), &ids[0]), at(&url(&private), &ids[1])]),
    )
    .await;

    let v = scan(&app, &sold, "198.51.100.60").await;
    assert_eq!(v["custody"]["step"], "retail_selling", "{v}");
    assert_eq!(v["custody"]["city"], "Agadir");
    let page = app.get(&format!("/v/{sold}?lang=en")).await.text();
    assert!(
        page.contains("Sold by Coopérative Tamount in Agadir on"),
        "{page}"
    );
    let page = app.get(&format!("/v/{sold}?lang=fr")).await.text();
    assert!(
        page.contains("Vendu par Coopérative Tamount à Agadir le"),
        "{page}"
    );

    let v = scan(&app, &private, "198.51.100.60").await;
    assert!(v.get("custody").is_none(), "{v}");
    let page = app.get(&format!("/v/{private}?lang=en")).await.text();
    assert!(
        !page.contains("Dépôt privé"),
        "a private place stays private"
    );
    let list = app.get_as("/api/v1/locations", &shop).await.json();
    assert_eq!(list["items"][0]["public"], true);
    assert_eq!(list["items"][1]["public"], false);
}

#[tokio::test]
async fn the_openapi_document_describes_risk_claims_and_custody() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json").await.json();
    let verdict = &doc["components"]["schemas"]["Verdict"];
    let props = verdict["properties"].as_object().unwrap();
    for field in ["risk", "claim", "custody", "warnings"] {
        assert!(props.contains_key(field), "{field}: {verdict}");
    }
    assert!(!props.contains_key("claim_device"), "internal: {verdict}");
    let risk = doc["components"]["schemas"]["RiskLevel"].to_string();
    for level in ["none", "watch", "high"] {
        assert!(risk.contains(level), "{risk}");
    }
    let op = &doc["paths"]["/api/v1/claims"]["post"];
    assert!(op["requestBody"].is_object(), "{op}");
    assert!(op["responses"]["409"].is_object() && op["responses"]["429"].is_object());
}

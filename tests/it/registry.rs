//! The public registry API: listing, filters, pagination and problem+json errors.

use std::collections::{HashMap, HashSet};

use crate::support::TestApp;

fn in_block(s: &str, lo: u32, hi: u32) -> bool {
    s.chars().any(|c| (lo..=hi).contains(&(c as u32)))
}

#[tokio::test]
async fn the_registry_covers_every_region_in_four_scripts() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/brands?limit=500").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    let items = body["items"].as_array().unwrap();
    assert!(body["total"].as_u64().unwrap() >= 77);
    assert_eq!(items.len() as u64, body["total"].as_u64().unwrap());

    let mut per_region: HashMap<String, usize> = HashMap::new();
    for b in items {
        *per_region
            .entry(b["region"].as_str().unwrap().to_owned())
            .or_default() += 1;
        let names = &b["names"];
        assert!(
            in_block(names["ar"].as_str().unwrap(), 0x0600, 0x06FF),
            "{b}"
        );
        let zgh = names["zgh"].as_str().unwrap();
        assert!(
            zgh.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| (0x2D30..=0x2D7F).contains(&(c as u32))),
            "{b}"
        );
        assert!(!names["fr"].as_str().unwrap().is_empty());
        assert!(!names["en"].as_str().unwrap().is_empty());
        assert!(b["number"].as_u64().unwrap() >= 1);
        assert!(b["members"].is_u64());
        assert!(b["illustrative"].is_boolean());
    }
    assert_eq!(per_region.len(), 12, "{per_region:?}");
    assert!(per_region.values().all(|n| *n >= 4), "{per_region:?}");
}

#[tokio::test]
async fn filters_and_pages() {
    let app = TestApp::new().await;
    let all = app.get("/api/v1/brands?limit=500").await.json();
    let total = all["total"].as_u64().unwrap();

    // Pages are disjoint and cover everything.
    let mut seen = HashSet::new();
    let mut offset = 0;
    while offset < total {
        let page = app
            .get(&format!("/api/v1/brands?limit=20&offset={offset}"))
            .await
            .json();
        assert_eq!(page["total"], total);
        for b in page["items"].as_array().unwrap() {
            assert!(seen.insert(b["number"].as_u64().unwrap()));
        }
        offset += 20;
    }
    assert_eq!(seen.len() as u64, total);
    let default = app.get("/api/v1/brands").await.json();
    assert_eq!(
        default["items"].as_array().unwrap().len() as u64,
        total.min(50)
    );

    let souss = app
        .get("/api/v1/brands?region=souss-massa&limit=500")
        .await
        .json();
    let items = souss["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|b| b["region"] == "souss-massa"));
    assert_eq!(souss["total"].as_u64().unwrap(), items.len() as u64);

    let textiles = app
        .get("/api/v1/brands?category=textiles&kind=collective_mark&limit=500")
        .await
        .json();
    for b in textiles["items"].as_array().unwrap() {
        assert_eq!(b["category"], "textiles");
        assert_eq!(b["kind"], "collective_mark");
    }

    // Text search reaches every language.
    let argan = app.get("/api/v1/brands?q=argan").await.json();
    assert!(argan["total"].as_u64().unwrap() >= 1);
    let first = &argan["items"][0];
    for lang in ["ar", "zgh", "fr"] {
        let name = first["names"][lang].as_str().unwrap();
        let word: String = name.split_whitespace().last().unwrap().to_owned();
        let hits = app
            .get(&format!("/api/v1/brands?q={}", urlencode(&word)))
            .await
            .json();
        let numbers: Vec<_> = hits["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["number"].clone())
            .collect();
        assert!(numbers.contains(&first["number"]), "{lang}: {word}");
    }
    let none = app
        .get("/api/v1/brands?q=%25%25no-such-brand%25")
        .await
        .json();
    assert_eq!(none["total"], 0);
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn one_brand_and_its_members() {
    let app = TestApp::new().await;
    let b = app.get("/api/v1/brands/1").await;
    assert_eq!(b.status, 200);
    let brand = b.json();
    assert_eq!(brand["number"], 1);
    let members = app.get("/api/v1/brands/1/members?limit=500").await.json();
    let items = members["items"].as_array().unwrap();
    assert!(items.len() >= 3);
    let active = items.iter().filter(|m| m["status"] == "active").count();
    assert_eq!(brand["members"].as_u64().unwrap(), active as u64);
    for m in items {
        assert!(m["producer_id"].is_i64());
        assert!(m["valid_from"].as_str().unwrap().len() == 10);
        assert!(m["valid_until"].is_string());
        assert!(m["name"].is_string() && m["region"].is_string());
    }
}

#[tokio::test]
async fn bad_input_gets_problem_json() {
    let app = TestApp::new().await;
    let p = app.get("/api/v1/brands/65000").await.problem(404);
    assert!(p["detail"].as_str().unwrap().contains("65000"));
    app.get("/api/v1/brands/65000/members").await.problem(404);
    app.get("/api/v1/brands/abc").await.problem(400);
    app.get("/api/v1/brands/0").await.problem(400);
    app.get("/api/v1/brands/70000").await.problem(400);
    for q in [
        "limit=abc",
        "limit=-1",
        "limit=0",
        "limit=501",
        "offset=-5",
        "offset=99999999999999999999999",
        "region=atlantis",
        "category=spaceships",
        "kind=x",
        "colour=blue",
    ] {
        let p = app.get(&format!("/api/v1/brands?{q}")).await.problem(400);
        assert!(p["title"].is_string(), "{q}");
    }
    let p = app.get("/api/v1/nothing-here").await.problem(404);
    assert_eq!(p["type"], "about:blank");
    app.get("/api/v1/brands/1/members?limit=1000")
        .await
        .problem(400);
    let res = app
        .send(
            axum::http::Request::delete("/api/v1/brands/1")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    res.problem(405);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/healthz").await.status, 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["status"], "ready");
    app.get("/api/v1/brands/1").await;
    let m = app.get("/metrics").await;
    assert_eq!(m.status, 200);
    assert!(m.content_type().starts_with("text/plain"));
    let text = m.text();
    assert!(
        text.lines()
            .any(|l| l.starts_with("tasdiq_http_requests_total")
                && l.contains("route=\"/api/v1/brands/{number}\"")
                && l.contains("status=\"200\"")),
        "{text}"
    );
    assert!(text.contains("tasdiq_http_request_duration_seconds_bucket"));
}

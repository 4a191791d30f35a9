//! The OpenAPI document: version 3.1, every `/api/v1` route the router serves, problem bodies,
//! security, and the self-hosted reference page.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::Value;
use tasdiq::domain::values::Role;

use crate::support::TestApp;

/// Every route of the contract, by method.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/v1/verify/{code}"),
    ("post", "/api/v1/verify"),
    ("get", "/api/v1/brands"),
    ("post", "/api/v1/brands"),
    ("get", "/api/v1/brands/{number}"),
    ("patch", "/api/v1/brands/{number}"),
    ("get", "/api/v1/brands/{number}/members"),
    ("post", "/api/v1/brands/{number}/members"),
    ("patch", "/api/v1/brands/{number}/members/{producer_id}"),
    ("post", "/api/v1/producers"),
    ("post", "/api/v1/certificates"),
    ("get", "/api/v1/certificates/{number}"),
    ("post", "/api/v1/certificates/{number}/revoke"),
    ("get", "/api/v1/certificates/{number}/labels/{file}"),
    ("get", "/api/v1/certificates/{number}/labels.pdf"),
    ("get", "/api/v1/certificates/{number}/labels.csv"),
    ("get", "/api/v1/lots/{number}"),
    ("get", "/api/v1/audit"),
];

fn fill(path: &str) -> String {
    path.replace("{code}", "1")
        .replace("{number}", "1")
        .replace("{producer_id}", "1")
        .replace("{id}", "1")
        .replace("{file}", "1.png")
}

#[tokio::test]
async fn the_document_lists_every_route_the_router_serves() {
    let app = TestApp::new().await;
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status, 200);
    let doc: Value = res.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in CONTRACT {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    assert!(doc["components"]["securitySchemes"]["api_key"]["scheme"] == "bearer");
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["schemas"]["Verdict"].is_object());

    // Every documented operation is routed: the router answers it with the handler, never with
    // the catch-all 404 or a 405.
    let key = app.key(Role::Officer).await;
    let mut count = 0;
    for (path, item) in paths {
        assert!(
            path.starts_with("/api/v1/") || path.starts_with("/.well-known/"),
            "{path}"
        );
        for (method, op) in item.as_object().unwrap() {
            count += 1;
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = Request::builder()
                .method(m.clone())
                .uri(fill(path))
                .header("authorization", format!("Bearer {key}"));
            let body = if op.get("requestBody").is_some() {
                req = req.header("content-type", "application/json");
                Body::from("{}")
            } else {
                Body::empty()
            };
            let r = app.send(req.body(body).unwrap()).await;
            assert_ne!(r.status, 405, "{method} {path}");
            if r.status == 404 {
                let detail = r.json()["detail"].as_str().unwrap_or_default().to_owned();
                assert!(
                    !detail.starts_with("there is nothing at"),
                    "{method} {path} is documented but not routed"
                );
            }
            // Each documented answer code set includes the one we got.
            let codes = op["responses"].as_object().unwrap();
            assert!(
                codes.contains_key(r.status.as_str()),
                "{method} {path} answered {} which is not documented",
                r.status
            );
            // Problems are documented as problem+json.
            for (code, resp) in codes {
                if code.starts_with('4') || code.starts_with('5') {
                    assert!(
                        resp["content"]["application/problem+json"].is_object(),
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
    assert!(count >= CONTRACT.len());
    // And an /api/v1 path that is not documented is not served.
    app.get("/api/v1/undocumented").await.problem(404);
}

#[tokio::test]
async fn the_reference_page_is_served_without_external_assets() {
    let app = TestApp::new().await;
    let res = app.get("/api/docs").await;
    assert_eq!(res.status, 200);
    assert!(res.content_type().starts_with("text/html"));
    let html = res.text();
    assert!(!html.to_lowercase().contains("<script"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    for (_, path) in CONTRACT {
        assert!(html.contains(&path.replace('/', "&#x2f;")), "{path}");
    }
}

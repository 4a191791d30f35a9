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
    ("post", "/api/v1/events"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/audit"),
    ("post", "/api/v1/claims"),
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

#[tokio::test]
async fn operations_have_unique_ids_and_say_who_may_call_them() {
    let app = TestApp::new().await;
    let doc = app.get("/openapi.json").await.json();
    assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:8080");
    assert_eq!(doc["info"]["license"]["identifier"], "AGPL-3.0-or-later");
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "{id} twice");
            assert!(
                id.len() > 5 && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "{id}"
            );
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(
                !summary.is_empty() && !summary.contains('\n'),
                "{id}: {summary:?}"
            );
            // `security: []` on public operations: anyone gets an answer without a key; the
            // others say which scheme, and answer 401 without one.
            let security = op["security"].as_array().expect("security is stated");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = Request::builder().method(m).uri(fill(path));
            let body = if op.get("requestBody").is_some() {
                req = req.header("content-type", "application/json");
                Body::from("{}")
            } else {
                Body::empty()
            };
            let r = app.send(req.body(body).unwrap()).await;
            if security.is_empty() {
                assert_ne!(r.status, 401, "{id} is documented public but wants a key");
            } else {
                assert_eq!(security[0]["api_key"], serde_json::json!([]), "{id}");
                assert_eq!(r.status, 401, "{id} is documented protected: {}", r.text());
            }
        }
    }
    // Retailer and officer operations carry examples.
    let batch = &doc["paths"]["/api/v1/verify"]["post"];
    assert!(batch["requestBody"]["content"]["application/json"]["example"]["codes"].is_array());
    assert!(
        batch["responses"]["200"]["content"]["application/json"]["example"]["results"].is_array()
    );
    let issue = &doc["paths"]["/api/v1/certificates"]["post"];
    assert!(
        issue["responses"]["201"]["content"]["application/json"]["example"]["number"].is_string()
    );
    // Nothing in components that nothing uses.
    let text = doc.to_string();
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(
            text.contains(&format!("\"#/components/schemas/{name}\"")),
            "{name} is unused"
        );
    }
}

#[tokio::test]
async fn a_retailer_can_call_the_batch_route_from_the_reference_page_alone() {
    let app = TestApp::new().await;
    let html = app.get("/api/docs").await.text();
    let start = html
        .find("<section id=\"verifyBatch\">")
        .expect("the batch section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    // The body schema, an example body, and a curl line with the key and the body.
    assert!(section.contains("<code>codes</code>"), "{section}");
    assert!(section.contains("maxItems 1000"), "{section}");
    assert!(section.contains("Example body"), "{section}");
    assert!(
        section.contains(
            "curl -X POST &#x27;http:&#x2f;&#x2f;127.0.0.1:8080&#x2f;api&#x2f;v1&#x2f;verify&#x27;"
        ),
        "{section}"
    );
    assert!(
        section.contains("Authorization: Bearer $TASDIQ_API_KEY"),
        "{section}"
    );
    assert!(
        section.contains("-d &#x27;{&quot;codes&quot;:["),
        "{section}"
    );
}

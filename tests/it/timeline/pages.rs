//! The rights of use on the officer pages: the row shows the state today with its history,
//! renews with new dates, and asks before a suspension, naming the lots it turns.

use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;
use tasdiq::domain::values::Role;

use super::{ago, ahead, grant, issue, patch_member, producer};
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn page(app: &TestApp, uri: &str, cookie: &str) -> Reply {
    let req = Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie);
    app.send(req.body(Body::empty()).unwrap()).await
}

async fn post(app: &TestApp, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Reply {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie);
    app.send(
        req.body(Body::from(serde_urlencoded::to_string(fields).unwrap()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_producer_page_renews_and_confirms_before_suspending() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let k = key.as_str();
    let p = producer(&app, k, "999000777000004").await;
    grant(&app, k, 1, p, &ago(400), &ahead(5)).await;
    issue(&app, k, 1, p, "L-TL-UI-1").await;
    issue(&app, k, 1, p, "L-TL-UI-2").await;
    patch_member(&app, k, 1, p, json!({"valid_until": ago(1)})).await;

    let cookie = crate::officer_ui::sign_in(&app, "admin@tasdiq.local", PASSWORD)
        .await
        .unwrap();
    let uri = format!("/officer/producers/{p}?lang=fr");
    let html = page(&app, &uri, &cookie).await.text();
    let csrf = hidden(&html, "csrf");
    assert!(html.contains("data-state=\"expired\""), "{html}");
    assert!(html.contains(">expiré"), "the French word for expired");
    assert!(html.contains("Renouveler"), "a renewal form on the row");
    assert!(
        html.contains("data-kind=\"expired\""),
        "the expiry in the history"
    );
    // No destructive choice preselected.
    assert!(html.contains("<option value=\"\" selected>"), "{html}");
    assert!(!html.contains("value=\"suspended\" selected"));

    // The brand's page shows it expired too, with a link to renew it on the producer's row.
    let brand = page(&app, "/officer/brands/1?lang=fr", &cookie)
        .await
        .text();
    assert!(
        brand.contains(&format!("/officer/producers/{p}#renew-1")),
        "{brand}"
    );
    assert!(
        brand.contains("<option value=\"\" selected>"),
        "no preselected brand status"
    );

    // Renew from the row.
    let res = post(
        &app,
        &format!("/officer/producers/{p}/rights/1/renew"),
        &cookie,
        &[
            ("csrf", &csrf),
            ("valid_from", &ago(0)),
            ("valid_until", &ahead(900)),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let html = page(&app, &uri, &cookie).await.text();
    assert!(html.contains("data-state=\"active\""), "{html}");
    assert!(html.contains("data-kind=\"renewed\""));

    // Suspending asks first, naming the two lots it turns; nothing changes until confirmed.
    let status = format!("/officer/producers/{p}/rights/1/status");
    let res = post(
        &app,
        &status,
        &cookie,
        &[
            ("csrf", &csrf),
            ("status", "suspended"),
            ("reason", "audit"),
        ],
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let confirm = res.text();
    assert!(
        confirm.contains("name=\"confirm\" value=\"yes\""),
        "{confirm}"
    );
    assert!(
        confirm.contains(": 2."),
        "the count of lots in force: {confirm}"
    );
    let right = app
        .get_as(&format!("/api/v1/brands/1/members/{p}"), k)
        .await
        .json();
    assert_eq!(
        right["status"], "active",
        "not suspended before the confirmation"
    );
    let res = post(
        &app,
        &status,
        &cookie,
        &[
            ("csrf", &csrf),
            ("status", "suspended"),
            ("reason", "audit"),
            ("confirm", "yes"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let right = app
        .get_as(&format!("/api/v1/brands/1/members/{p}"), k)
        .await
        .json();
    assert_eq!(right["status"], "suspended");

    // No action chosen: a translated refusal, no change.
    let res = post(&app, &status, &cookie, &[("csrf", &csrf), ("status", "")]).await;
    assert_eq!(res.status, 422);
    assert!(res.text().contains("Choisir une action"));
    // A renewal ending in the past: refused in French.
    let res = post(
        &app,
        &format!("/officer/producers/{p}/rights/1/renew"),
        &cookie,
        &[
            ("csrf", &csrf),
            ("valid_from", &ago(30)),
            ("valid_until", &ago(3)),
        ],
    )
    .await;
    assert_eq!(res.status, 409);
    assert!(
        res.text()
            .contains("au moins jusqu&#x27;à aujourd&#x27;hui"),
        "{}",
        res.text()
    );
}

//! Destructive actions take two steps (issue 15): revoking a certificate, rotating the signing
//! key, marking a key compromised and suspending or withdrawing a brand each show a page naming
//! what will happen, and act only when that page's button is pressed; destructive choices are
//! never preselected.

use axum::body::Body;
use axum::http::{Request, header};
use tasdiq::domain::values::{CertificateStatus, KeyStatus};

use crate::officer_ui::sign_in;
use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

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

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn effect(html: &str) -> String {
    html.split("id=\"effect\">")
        .nth(1)
        .expect("the effect is named")
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn revoking_a_certificate_takes_a_confirmation_naming_the_lot() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let cert = app.authentic_certificate().await;
    let n = cert.view.number.clone();
    let csrf = hidden(&page(&app, "/officer", &cookie).await.text(), "csrf");
    // The certificate page's form asks (GET) for the second step; a POST without the
    // confirmation shows the same step and changes nothing.
    let html = page(&app, &format!("/officer/certificates/{n}"), &cookie)
        .await
        .text();
    assert!(html.contains(&format!(
        "method=\"get\" action=\"/officer/certificates/{n}/revoke\""
    )));
    let uri = format!("/officer/certificates/{n}/revoke");
    let step = post(
        &app,
        &format!("{uri}?lang=fr"),
        &cookie,
        &[("csrf", &csrf), ("reason", "Rappel")],
    )
    .await;
    assert_eq!(step.status, 200, "{step:?}");
    let html = step.text();
    assert!(html.contains(&n) && html.contains(&cert.view.lot), "{html}");
    assert!(
        effect(&html).contains(&cert.view.quantity.to_string()),
        "{html}"
    );
    assert_eq!(hidden(&html, "confirm"), "yes");
    let status = || async {
        app.state
            .verifier
            .lookup(
                app.conn(),
                tasdiq::domain::values::CertificateNumber(cert.facts.number),
            )
            .await
            .unwrap()
            .unwrap()
            .view
            .status
    };
    assert_eq!(status().await, CertificateStatus::Issued);
    // Without a reason, the step asks for one.
    let step = page(&app, &format!("{uri}?lang=fr"), &cookie).await;
    assert!(step.text().contains("id=\"reason\""));
    let done = post(
        &app,
        &uri,
        &cookie,
        &[("csrf", &csrf), ("reason", "Rappel"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(done.status, 303, "{done:?}");
    app.state.statuses_changed();
    assert_eq!(status().await, CertificateStatus::Revoked);
}

#[tokio::test]
async fn key_rotation_and_compromise_take_a_confirmation() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let csrf = hidden(&page(&app, "/officer", &cookie).await.text(), "csrf");
    let signer = || app.state.key_ring().signer().unwrap().kid;
    let first = signer();

    let step = post(
        &app,
        "/officer/admin/keys/rotate",
        &cookie,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(step.status, 200, "{step:?}");
    assert!(effect(&step.text()).contains(&first.to_string()));
    assert_eq!(signer(), first, "not rotated without the confirmation");
    let done = post(
        &app,
        "/officer/admin/keys/rotate",
        &cookie,
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(done.status, 303, "{done:?}");
    assert_ne!(signer(), first);

    // Marking the first key compromised since the demo lots were issued names how many
    // certificates and labels that revokes.
    let demo = app.demo_certificates().await;
    let since = demo[0].facts.issued_at.date_naive().to_string();
    let (certs, labels) = demo
        .iter()
        .filter(|r| r.view.kid == first.to_string())
        .fold((0u64, 0u64), |(c, l), r| {
            (c + 1, l + u64::from(r.facts.quantity))
        });
    let uri = format!("/officer/admin/keys/{first}/compromise");
    let step = page(&app, &format!("{uri}?since={since}&lang=en"), &cookie).await;
    assert_eq!(step.status, 200, "{step:?}");
    let said = effect(&step.text());
    assert!(
        said.contains(&certs.to_string()) && said.contains(&labels.to_string()),
        "{said}"
    );
    let unconfirmed = post(&app, &uri, &cookie, &[("csrf", &csrf), ("since", &since)]).await;
    assert_eq!(unconfirmed.status, 200);
    let status_of = |kid| {
        app.state
            .key_ring()
            .all()
            .iter()
            .find(|k| k.kid == kid)
            .unwrap()
            .status
    };
    assert_ne!(status_of(first), KeyStatus::Compromised);
    let done = post(
        &app,
        &uri,
        &cookie,
        &[("csrf", &csrf), ("since", &since), ("confirm", "yes")],
    )
    .await;
    assert_eq!(done.status, 303, "{done:?}");
    assert_eq!(status_of(first), KeyStatus::Compromised);
}

#[tokio::test]
async fn destructive_choices_are_not_preselected() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let html = page(&app, "/officer/brands/1", &cookie).await.text();
    let select = html
        .split("<select id=\"status\" name=\"status\" required>")
        .nth(1)
        .expect("the brand status select")
        .split("</select>")
        .next()
        .unwrap();
    let first = select.split("<option").nth(1).unwrap();
    assert!(first.starts_with(" value=\"\" selected>"), "{select}");
    // Sending the empty choice changes nothing.
    let csrf = hidden(&html, "csrf");
    let r = post(
        &app,
        "/officer/brands/1/status",
        &cookie,
        &[("csrf", &csrf), ("status", ""), ("reason", "x")],
    )
    .await;
    assert_eq!(r.status, 422, "{r:?}");
    let b = tasdiq::store::registry::get_brand(
        app.conn(),
        tasdiq::domain::values::BrandNumber::new(1).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(b.status, tasdiq::domain::values::Standing::Active);
}

#[tokio::test]
async fn suspending_a_brand_takes_a_confirmation_naming_its_lots() {
    let app = TestApp::new().await;
    let cookie = sign_in(&app, "admin@tasdiq.local", PASSWORD).await.unwrap();
    let cert = app.authentic_certificate().await;
    let n = cert.facts.brand;
    let number = tasdiq::domain::values::BrandNumber::new(n).unwrap();
    let status = || async {
        tasdiq::store::registry::get_brand(app.conn(), number)
            .await
            .unwrap()
            .status
    };
    let csrf = hidden(&page(&app, "/officer", &cookie).await.text(), "csrf");
    let uri = format!("/officer/brands/{n}/status");
    // The first step only shows what will happen: the brand, and its lots in force.
    let step = post(
        &app,
        &format!("{uri}?lang=fr"),
        &cookie,
        &[
            ("csrf", &csrf),
            ("status", "suspended"),
            ("reason", "Audit"),
        ],
    )
    .await;
    assert_eq!(step.status, 200, "{step:?}");
    let html = step.text();
    let lots = tasdiq::store::memberships::lots_in_force_of_brand(
        app.conn(),
        number,
        chrono::Utc::now().date_naive(),
    )
    .await
    .unwrap();
    assert!(lots > 0);
    assert!(effect(&html).contains(&lots.to_string()), "{html}");
    assert!(html.contains("name=\"confirm\" value=\"yes\""));
    assert_eq!(status().await, tasdiq::domain::values::Standing::Active);
    let verdict = |code: String| {
        let app = &app;
        async move { app.get(&format!("/api/v1/verify/{code}")).await.json()["status"].clone() }
    };
    assert_eq!(verdict(app.code(&cert, 1)).await, "authentic");
    // The second step acts.
    let done = post(
        &app,
        &uri,
        &cookie,
        &[
            ("csrf", &csrf),
            ("status", "suspended"),
            ("reason", "Audit"),
            ("confirm", "yes"),
        ],
    )
    .await;
    assert_eq!(done.status, 303, "{done:?}");
    assert_eq!(status().await, tasdiq::domain::values::Standing::Suspended);
    assert_eq!(verdict(app.code(&cert, 1)).await, "suspended");
}

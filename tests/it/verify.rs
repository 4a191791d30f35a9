//! Verification through the API: each verdict status and reason, scans, keys.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
use serde_json::Value;
use tasdiq::domain::code::{Kid, LabelHeader};
use tasdiq::domain::keys::SecretKey;
use tasdiq::domain::values::label_days;
use tasdiq::entity::{brand, certificate, membership};

use crate::support::{TestApp, tamper};

async fn verdict(app: &TestApp, code: &str) -> Value {
    let res = app.get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "application/json");
    res.json()
}

#[tokio::test]
async fn a_genuine_label_is_authentic_with_its_certificate() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 3);
    let v = verdict(&app, &code).await;
    assert_eq!(v["status"], "authentic", "{v}");
    assert_eq!(v["reason"], "valid");
    assert_eq!(v["label"]["certificate"], cert.facts.number.to_string());
    assert_eq!(v["label"]["item"], 3);
    assert_eq!(v["label"]["scans"], 1);
    assert!(v["label"]["first_scanned_at"].is_string());
    let c = &v["certificate"];
    assert_eq!(c["number"], cert.facts.number.to_string());
    assert_eq!(c["brand"]["number"], cert.facts.brand);
    assert!(c["brand"]["names"]["ar"].is_string());
    assert!(c["producer"]["name"].is_string() && c["producer"]["region"].is_string());
    assert_eq!(c["quantity"], cert.facts.quantity);
    assert_eq!(c["expires_on"], cert.facts.expires_on.to_string());
    assert!(c["issued_at"].is_string() && c["product"].is_string() && c["lot"].is_string());
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert!(v["checked_at"].as_str().unwrap().contains('T'));

    // The full URL works in place of the bare code, and so does /V/ inside it.
    let again = verdict(&app, &format!("https%3A%2F%2Fx.ma%2FV%2F{code}")).await;
    assert_eq!(again["status"], "authentic");
}

#[tokio::test]
async fn scans_are_counted_and_written() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);
    let first = verdict(&app, &code).await;
    let second = verdict(&app, &code).await;
    assert_eq!(first["label"]["scans"], 1);
    assert_eq!(second["label"]["scans"], 2);
    assert_eq!(
        first["label"]["first_scanned_at"],
        second["label"]["first_scanned_at"]
    );
    let written = app
        .state
        .verifier
        .scans
        .flush(app.state.writer())
        .await
        .unwrap();
    assert_eq!(written, 2);
    let third = verdict(&app, &code).await;
    assert_eq!(third["label"]["scans"], 3);
    let row = tasdiq::entity::label_scan::Entity::find_by_id((cert.facts.number as i64, 1))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.scans, 2);
    // Another label of the same lot has its own count.
    let other = verdict(&app, &app.code(&cert, 2)).await;
    assert_eq!(other["label"]["scans"], 1);
}

#[tokio::test]
async fn one_changed_digit_is_counterfeit() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);
    for pos in [30, 120, 180, 203] {
        let v = verdict(&app, &tamper(&code, pos)).await;
        assert_eq!(v["status"], "counterfeit", "digit {pos}: {v}");
        assert!(v["certificate"].is_null());
        assert_eq!(v["label"]["scans"], 0);
    }
    let v = verdict(&app, &tamper(&code, 150)).await;
    assert_eq!(v["reason"], "bad_signature");
}

#[tokio::test]
async fn unknown_keys_and_items_are_counterfeit() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let stranger = SecretKey::generate();
    let h = LabelHeader {
        kid: Kid::of(&stranger.public()),
        certificate: cert.facts.number,
        item: 1,
        brand: cert.facts.brand,
        expiry_days: label_days(cert.facts.expires_on).unwrap(),
    };
    let v = verdict(&app, &h.sign(stranger.signing_key()).to_code()).await;
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("counterfeit"), Some("unknown_key"))
    );

    // Our key, but an item past the lot or a certificate we never issued.
    let ring = app.state.key_ring();
    let ours = ring.get(cert.facts.kid).unwrap().secret.as_ref().unwrap();
    let past = LabelHeader {
        kid: cert.facts.kid,
        item: cert.facts.quantity + 1,
        ..h
    };
    let v = verdict(&app, &past.sign(ours.signing_key()).to_code()).await;
    assert_eq!(v["reason"], "item_out_of_range");
    assert!(v["certificate"].is_null());
    let unknown = LabelHeader {
        kid: cert.facts.kid,
        certificate: 99,
        ..h
    };
    let v = verdict(&app, &unknown.sign(ours.signing_key()).to_code()).await;
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("counterfeit"), Some("unknown_certificate"))
    );
}

#[tokio::test]
async fn malformed_codes_are_400_problems() {
    let app = TestApp::new().await;
    for (code, reason) in [
        ("123abc", "non_digit"),
        ("12345", "bad_length"),
        ("%D9%A3", "non_digit"),
    ] {
        let p = app
            .get(&format!("/api/v1/verify/{code}"))
            .await
            .problem(400);
        assert_eq!(p["reason"], reason, "{code}");
    }
    let long = "9".repeat(207);
    let p = app
        .get(&format!("/api/v1/verify/{long}"))
        .await
        .problem(400);
    assert_eq!(p["reason"], "group_overflow");
}

#[tokio::test]
async fn revoked_suspended_and_expired() {
    let app = TestApp::new().await;
    let certs = app.demo_certificates().await;
    let revoked = certs
        .iter()
        .find(|c| c.view.status.as_str() == "revoked")
        .unwrap();
    let v = verdict(&app, &app.code(revoked, 1)).await;
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("revoked"), Some("certificate_revoked"))
    );

    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 2);
    // The member is suspended: the very next verdict says so.
    let m = membership_of(&app, &cert).await;
    let mut a = m.clone().into_active_model();
    a.status = Set("suspended".into());
    a.update(app.conn()).await.unwrap();
    app.state.statuses_changed();
    let v = verdict(&app, &code).await;
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("suspended"), Some("member_suspended"))
    );
    let mut a = m.into_active_model();
    a.status = Set("active".into());
    a.update(app.conn()).await.unwrap();

    let b = brand::Entity::find_by_id(i32::from(cert.facts.brand))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    let mut a = b.into_active_model();
    a.status = Set("suspended".into());
    a.update(app.conn()).await.unwrap();
    app.state.statuses_changed();
    let v = verdict(&app, &code).await;
    assert_eq!(v["reason"], "brand_suspended");

    // Expired: a lot whose expiry has passed. The label carries the date, so sign it after.
    let row = certificate::Entity::find_by_id(cert.facts.number as i64)
        .one(app.conn())
        .await
        .unwrap()
        .unwrap();
    let mut a = row.into_active_model();
    let yesterday = Utc::now().date_naive().pred_opt().unwrap();
    a.expires_on = Set(yesterday);
    a.update(app.conn()).await.unwrap();
    let mut a = brand::Entity::find_by_id(i32::from(cert.facts.brand))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    a.status = Set("active".into());
    a.update(app.conn()).await.unwrap();
    app.state.statuses_changed();
    let fresh = tasdiq::store::certificates::record(
        app.conn(),
        tasdiq::domain::values::CertificateNumber(cert.facts.number),
    )
    .await
    .unwrap();
    let v = verdict(&app, &app.code(&fresh, 2)).await;
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("expired"), Some("expired"))
    );
    // The old label now disagrees with the registry's date: not ours.
    let v = verdict(&app, &code).await;
    assert_eq!(v["reason"], "expiry_mismatch");
}

async fn membership_of(
    app: &TestApp,
    cert: &tasdiq::store::certificates::CertRecord,
) -> membership::Model {
    use sea_orm::{ColumnTrait, QueryFilter};
    membership::Entity::find()
        .filter(membership::Column::Brand.eq(i32::from(cert.facts.brand)))
        .filter(membership::Column::Producer.eq(cert.view.producer.id))
        .one(app.conn())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_compromised_key_revokes_what_it_signed_after_the_compromise() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);
    let dir = &app.db.config.keys_dir;
    let after = cert.facts.issued_at + chrono::Duration::seconds(1);
    tasdiq::keystore::revoke(app.state.writer(), cert.facts.kid, after, "test")
        .await
        .unwrap();
    assert!(app.state.poll_epoch().await.unwrap(), "the epoch moved");
    let v = verdict(&app, &code).await;
    assert_eq!(
        v["status"], "authentic",
        "issued before the compromise: {v}"
    );

    let before = cert.facts.issued_at - chrono::Duration::seconds(1);
    tasdiq::keystore::revoke(app.state.writer(), cert.facts.kid, before, "test")
        .await
        .unwrap();
    app.state.poll_epoch().await.unwrap();
    let v = verdict(&app, &code).await;
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("revoked"), Some("key_compromised"))
    );
    let jwks = app.get("/.well-known/tasdiq/keys.json").await.json();
    let k = &jwks["keys"][0];
    assert_eq!(k["status"], "compromised");
    assert!(k["compromised_since"].is_string());
    assert!(dir.exists());
}

#[tokio::test]
async fn the_key_set_publishes_public_keys_and_survives_rotation() {
    use base64::Engine;
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let code = app.code(&cert, 1);
    let res = app.get("/.well-known/tasdiq/keys.json").await;
    assert_eq!(res.status, 200);
    let jwks = res.json();
    // The label keys; the status-list key (`purpose: "status"`) is tested in status.rs.
    let keys: Vec<&serde_json::Value> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k.get("purpose").is_none())
        .collect();
    assert_eq!(keys.len(), 1);
    let k = &keys[0];
    assert_eq!(
        (
            k["kty"].as_str(),
            k["crv"].as_str(),
            k["alg"].as_str(),
            k["use"].as_str()
        ),
        (Some("OKP"), Some("Ed25519"), Some("EdDSA"), Some("sig"))
    );
    assert_eq!(k["status"], "active");
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(k["x"].as_str().unwrap())
        .unwrap();
    let public = ed25519_dalek::VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
    assert_eq!(k["kid"], Kid::of(&public).to_string());
    // No private material anywhere in the document.
    assert!(!res.text().contains("\"d\""));

    let new_kid = tasdiq::keystore::rotate(app.state.writer(), &app.db.config.keys_dir, "test")
        .await
        .unwrap();
    app.state.poll_epoch().await.unwrap();
    let jwks = app.get("/.well-known/tasdiq/keys.json").await.json();
    let statuses: Vec<(String, String)> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k.get("purpose").is_none())
        .map(|k| {
            (
                k["kid"].as_str().unwrap().to_owned(),
                k["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&(new_kid.to_string(), "active".into())));
    assert!(statuses.contains(&(cert.facts.kid.to_string(), "retired".into())));
    assert_eq!(app.state.key_ring().signer().unwrap().kid, new_kid);
    // Old labels stay authentic, and re-prints keep the certificate's own key.
    assert_eq!(verdict(&app, &code).await["status"], "authentic");
    assert_eq!(app.code(&cert, 1), code);
}

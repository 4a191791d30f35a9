//! The timeline of rights of use (issues #15 and #16), through the HTTP API on either database:
//! a withdrawal revokes the lots issued before it for good, a re-grant does not revive them and
//! its own lots are authentic; a lot issued under a right that later expired stays authentic;
//! suspension (of the right or of the brand) suspends and reinstatement restores; expired rights
//! show as expired and are renewed, by the renewal route or by granting again; the status lists
//! follow the same rules; the officer pages renew from the row and confirm before suspending.

mod pages;

use axum::http::Method;
use chrono::{Days, NaiveDate, Utc};
use serde_json::{Value, json};
use tasdiq::domain::values::{CertificateNumber, Role};

use crate::support::{Reply, TestApp};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn ago(days: u64) -> String {
    (today() - Days::new(days)).to_string()
}

fn ahead(days: u64) -> String {
    (today() + Days::new(days)).to_string()
}

/// A fresh producer with a unique ICE; returns its id.
async fn producer(app: &TestApp, k: &str, ice: &str) -> i64 {
    let res = app
        .json(
            Method::POST,
            "/api/v1/producers",
            Some(k),
            &json!({
                "name": "Coopérative Tafsut",
                "kind": "cooperative",
                "ice": ice,
                "register_number": "ODCO-2026-000777",
                "region": "souss-massa",
                "province": "Taroudant",
                "women_led": true,
                "youth_led": false
            }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_i64().unwrap()
}

async fn grant(
    app: &TestApp,
    k: &str,
    brand: u16,
    producer: i64,
    from: &str,
    until: &str,
) -> Reply {
    app.json(
        Method::POST,
        &format!("/api/v1/brands/{brand}/members"),
        Some(k),
        &json!({"producer": producer, "valid_from": from, "valid_until": until}),
    )
    .await
}

async fn patch_member(app: &TestApp, k: &str, brand: u16, producer: i64, body: Value) -> Reply {
    app.json(
        Method::PATCH,
        &format!("/api/v1/brands/{brand}/members/{producer}"),
        Some(k),
        &body,
    )
    .await
}

/// Issues a lot and returns (its number, the code of its 3rd label).
async fn issue(app: &TestApp, k: &str, brand: u16, producer: i64, lot: &str) -> (u64, String) {
    let res = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(k),
            &json!({
                "brand": brand, "producer": producer,
                "product": "Huile d'argan alimentaire 250 ml", "lot": lot, "quantity": 10,
                "produced_on": ago(2), "expires_on": ahead(700)
            }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let number: u64 = res.json()["number"].as_str().unwrap().parse().unwrap();
    let rec = tasdiq::store::certificates::record(app.conn(), CertificateNumber(number))
        .await
        .unwrap();
    (number, app.code(&rec, 3))
}

async fn verdict(app: &TestApp, code: &str) -> (String, String) {
    let v = app.get(&format!("/api/v1/verify/{code}")).await.json();
    (
        v["status"].as_str().unwrap().to_owned(),
        v["reason"].as_str().unwrap().to_owned(),
    )
}

fn is(status: &str, reason: &str) -> (String, String) {
    (status.to_owned(), reason.to_owned())
}

/// The signed status list's entry for a certificate, and whether the W3C credential status
/// lists of its key flag it (with the verdict's rules).
async fn lists(app: &TestApp, number: u64) -> (Option<(String, String)>, Option<&'static str>) {
    let entries = tasdiq::status::publish::entries(app.conn(), Utc::now())
        .await
        .unwrap();
    let signed = entries
        .iter()
        .find(|e| e.subject == tasdiq::status::format::Subject::Cert(number))
        .map(|e| (e.status.to_owned(), e.reason.clone()));
    let rec = tasdiq::store::certificates::record(app.conn(), CertificateNumber(number))
        .await
        .unwrap();
    let flagged = tasdiq::store::credential_status::flagged(app.conn(), rec.facts.kid, None)
        .await
        .unwrap();
    let ring = app.state.key_ring();
    let w3c = flagged
        .iter()
        .find(|(_, f)| f.number == number)
        .map(|(_, f)| tasdiq::domain::verdict::decide_lot(f, ring.get(f.kid), today()))
        .map(|d| d.status.as_str())
        .filter(|s| *s != "authentic");
    (signed, w3c)
}

#[tokio::test]
async fn a_withdrawal_revokes_for_good_and_a_regrant_issues_anew() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let k = key.as_str();
    let p = producer(&app, k, "999000777000001").await;
    let res = grant(&app, k, 1, p, &ago(30), &ahead(700)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let (old, old_code) = issue(&app, k, 1, p, "L-TL-OLD").await;
    assert_eq!(verdict(&app, &old_code).await, is("authentic", "valid"));

    let res = patch_member(
        &app,
        k,
        1,
        p,
        json!({"status": "withdrawn", "reason": "fraude"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.json()["withdrawn_at"].is_string(), "{}", res.text());
    assert_eq!(
        verdict(&app, &old_code).await,
        is("revoked", "member_withdrawn")
    );

    // Granted again: the old labels stay revoked, in the verdict and in both status lists.
    let res = grant(&app, k, 1, p, &ago(1), &ahead(700)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["effective_status"], "active");
    assert_eq!(
        verdict(&app, &old_code).await,
        is("revoked", "member_withdrawn")
    );
    assert_eq!(
        lists(&app, old).await,
        (Some(is("revoked", "member_withdrawn")), Some("revoked"))
    );

    // A lot under the new grant is authentic, and neither list names it.
    let (new, new_code) = issue(&app, k, 1, p, "L-TL-NEW").await;
    assert_eq!(verdict(&app, &new_code).await, is("authentic", "valid"));
    assert_eq!(lists(&app, new).await, (None, None));

    // The history says what happened, with the period after each event.
    let detail = app
        .get_as(&format!("/api/v1/brands/1/members/{p}"), k)
        .await
        .json();
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["granted", "withdrawn", "granted"], "{detail}");
    assert_eq!(detail["history"][2]["valid_from"], ago(1));

    // Audited, and in the issuance log's member entries.
    let audit = app.get_as("/api/v1/audit?limit=10", k).await.json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..4],
        [
            "certificate.issue",
            "membership.grant",
            "membership.withdraw",
            "certificate.issue"
        ],
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_lot_issued_under_a_right_that_later_expired_stays_authentic() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let k = key.as_str();
    let p = producer(&app, k, "999000777000002").await;
    let members = async || {
        app.get("/api/v1/brands/1").await.json()["members"]
            .as_u64()
            .unwrap()
    };
    let before = members().await;
    let dashboard = async || {
        tasdiq::store::dashboard::counts(app.conn())
            .await
            .unwrap()
            .members_active
    };
    let on_dashboard = dashboard().await;
    let res = grant(&app, k, 1, p, &ago(400), &ahead(5)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(members().await, before + 1);
    let (lot, code) = issue(&app, k, 1, p, "L-TL-EXP").await;

    // The right ends (its period now ended yesterday): expired everywhere, the lot untouched.
    let res = patch_member(&app, k, 1, p, json!({"valid_until": ago(1)})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    assert_eq!(res.json()["effective_status"], "expired");
    assert_eq!(verdict(&app, &code).await, is("authentic", "valid"));
    assert_eq!(lists(&app, lot).await, (None, None));
    assert_eq!(
        members().await,
        before,
        "an expired right is not counted as active"
    );
    assert_eq!(dashboard().await, on_dashboard, "nor on the dashboard");
    let listed = app.get("/api/v1/brands/1/members?limit=500").await.json();
    let row = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["producer_id"] == p)
        .cloned()
        .unwrap();
    assert_eq!(row["effective_status"], "expired", "{row}");
    let detail = app
        .get_as(&format!("/api/v1/brands/1/members/{p}"), k)
        .await
        .json();
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["granted", "period", "expired"], "{detail}");
    // No new lot under an expired right.
    let refused = app
        .json(
            Method::POST,
            "/api/v1/certificates",
            Some(k),
            &json!({
                "brand": 1, "producer": p, "product": "Huile", "lot": "L-TL-EXP2", "quantity": 1,
                "produced_on": ago(2), "expires_on": ahead(700)
            }),
        )
        .await;
    assert_eq!(refused.problem(409)["reason"], "membership_not_valid");

    // A renewal must reach today; then the right is active again and the old lot still good.
    let renew = format!("/api/v1/brands/1/members/{p}/renew");
    let res = app
        .json(
            Method::POST,
            &renew,
            Some(k),
            &json!({"valid_from": ago(20), "valid_until": ago(2)}),
        )
        .await;
    assert_eq!(res.problem(409)["reason"], "renewal_in_past");
    let res = app
        .json(
            Method::POST,
            &renew,
            Some(k),
            &json!({"valid_from": ago(0), "valid_until": ahead(1000)}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["effective_status"], "active");
    assert_eq!(members().await, before + 1);
    assert_eq!(verdict(&app, &code).await, is("authentic", "valid"));

    // Granting over an expired right renews it instead of refusing.
    patch_member(
        &app,
        k,
        1,
        p,
        json!({"valid_from": ago(400), "valid_until": ago(1)}),
    )
    .await;
    let res = grant(&app, k, 1, p, &ago(0), &ahead(365)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["effective_status"], "active");
    // Granting over a right in force still refuses.
    let res = grant(&app, k, 1, p, &ago(0), &ahead(365)).await;
    assert_eq!(res.problem(409)["reason"], "already_member");
    let (_, fresh) = issue(&app, k, 1, p, "L-TL-RENEWED").await;
    assert_eq!(verdict(&app, &fresh).await, is("authentic", "valid"));
    assert_eq!(verdict(&app, &code).await, is("authentic", "valid"));
    let detail = app
        .get_as(&format!("/api/v1/brands/1/members/{p}"), k)
        .await
        .json();
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "granted", "period", "expired", "renewed", "period", "expired", "renewed"
        ],
        "{detail}"
    );
    let audit = app.get_as("/api/v1/audit?limit=10", k).await.json();
    let renewals = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "membership.renew")
        .count();
    assert_eq!(renewals, 2);
    // A withdrawn right is not renewed: it is granted again.
    patch_member(
        &app,
        k,
        1,
        p,
        json!({"status": "withdrawn", "reason": "fraude"}),
    )
    .await;
    let res = app
        .json(
            Method::POST,
            &renew,
            Some(k),
            &json!({"valid_from": ago(0), "valid_until": ahead(10)}),
        )
        .await;
    assert_eq!(res.problem(409)["reason"], "right_withdrawn");
}

#[tokio::test]
async fn suspension_suspends_and_reinstatement_restores() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let k = key.as_str();
    let p = producer(&app, k, "999000777000003").await;
    let res = grant(&app, k, 1, p, &ago(30), &ahead(700)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let (lot, code) = issue(&app, k, 1, p, "L-TL-SUS").await;

    let res = patch_member(
        &app,
        k,
        1,
        p,
        json!({"status": "suspended", "reason": "audit"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["effective_status"], "suspended");
    assert_eq!(
        verdict(&app, &code).await,
        is("suspended", "member_suspended")
    );
    assert_eq!(
        lists(&app, lot).await,
        (Some(is("suspended", "member_suspended")), Some("suspended"))
    );
    let res = patch_member(&app, k, 1, p, json!({"status": "active"})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(verdict(&app, &code).await, is("authentic", "valid"));
    assert_eq!(lists(&app, lot).await, (None, None));

    // Brand level: a suspended brand suspends its lots, reinstating restores them.
    let brand = |status: &str| json!({"status": status, "reason": "contrôle de la marque"});
    let res = app
        .json(
            Method::PATCH,
            "/api/v1/brands/1",
            Some(k),
            &brand("suspended"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        verdict(&app, &code).await,
        is("suspended", "brand_suspended")
    );
    let res = app
        .json(Method::PATCH, "/api/v1/brands/1", Some(k), &brand("active"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(verdict(&app, &code).await, is("authentic", "valid"));

    let detail = app
        .get_as(&format!("/api/v1/brands/1/members/{p}"), k)
        .await
        .json();
    let kinds: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["granted", "suspended", "reinstated"], "{detail}");
}

/// Rights with a history from before the timeline migration keep their meaning after it: each
/// event gets its kind from its status and the one before, a withdrawn-then-re-granted right
/// gets the time of its withdrawal, so the lots issued before it stay revoked.
#[tokio::test]
async fn the_migration_derives_the_timeline_of_existing_rights() {
    use migration::{Migrator, MigratorTrait};
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let k = key.as_str();
    let p = producer(&app, k, "999000777000005").await;
    grant(&app, k, 1, p, &ago(30), &ahead(700)).await;
    let (old, _) = issue(&app, k, 1, p, "L-TL-MIG").await;
    for body in [
        json!({"status": "suspended", "reason": "audit"}),
        json!({"status": "active"}),
        json!({"status": "withdrawn", "reason": "fraude"}),
    ] {
        let res = patch_member(&app, k, 1, p, body).await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let res = grant(&app, k, 1, p, &ago(1), &ahead(700)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let member = format!("/api/v1/brands/1/members/{p}");
    let before = app.get_as(&member, k).await.json();

    // Undo this migration (and any after it), then apply them again.
    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261204_000002_rights_timeline")
        .expect("the migration is registered");
    let n = u32::try_from(all.len() - at).unwrap();
    Migrator::down(app.conn(), Some(n)).await.unwrap();
    Migrator::up(app.conn(), None).await.unwrap();

    let after = app.get_as(&member, k).await.json();
    let kinds: Vec<&str> = after["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["granted", "suspended", "reinstated", "withdrawn", "granted"],
        "{after}"
    );
    assert_eq!(after["withdrawn_at"], before["withdrawn_at"], "{after}");
    assert_eq!(after["history"][3]["at"], before["history"][3]["at"]);
    assert_eq!(
        after["history"][0]["valid_from"],
        ago(1),
        "the period known today"
    );
    let rec = tasdiq::store::certificates::record(app.conn(), CertificateNumber(old))
        .await
        .unwrap();
    let ring = app.state.key_ring();
    let d = tasdiq::domain::verdict::decide_lot(&rec.facts, ring.get(rec.facts.kid), today());
    assert_eq!(
        (d.status.as_str(), d.reason),
        ("revoked", "member_withdrawn")
    );
}

//! The signed status list (issue 18, `docs/status-list.md`): the vectors reproduced by our code,
//! the list made from the registry and served, deltas that rebuild the next version, and the
//! notes checked by the web app's own C2SP verifier (`src/http/scan/note.js`) in node.

use axum::http::Method;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq::status::format::{self, Delta, Entry, Latest, Snapshot, Subject};
use tasdiq::status::key::StatusKey;
use tasdiq::status::offline::{self, Held, LabelFacts};
use tasdiq::status::publish::{self, Refreshed};
use tasdiq_tlog::Note;

use crate::support::{TestApp, repo};

fn vectors() -> Value {
    let text = std::fs::read_to_string(repo().join("tests/vectors/status-v1.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn time(v: &Value) -> DateTime<Utc> {
    format::parse_time(s(v)).unwrap()
}

fn vector_key(v: &Value) -> StatusKey {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(s(&v["key"]["seed"]), &mut seed).unwrap();
    StatusKey::from_secret(
        s(&v["key"]["name"]),
        ed25519_dalek::SigningKey::from_bytes(&seed),
        time(&v["key"]["jwk"]["created"]),
    )
    .unwrap()
}

fn entry_of(e: &Value) -> Entry {
    let line = format!(
        "{} {} {} {} {}",
        s(&e["kind"]),
        s(&e["id"]),
        s(&e["status"]),
        s(&e["reason"]),
        s(&e["since"])
    );
    Entry::parse(&line).unwrap()
}

#[test]
fn the_vectors_are_reproduced_byte_for_byte() {
    let v = vectors();
    let key = vector_key(&v);
    let origin = key.name().to_owned();
    assert_eq!(key.vkey(), s(&v["key"]["vkey"]));
    assert_eq!(
        hex::encode(key.public().as_bytes()),
        s(&v["key"]["public_key"])
    );
    assert_eq!(
        tasdiq::domain::code::Kid::of(key.public()).to_string(),
        s(&v["key"]["jwk"]["kid"])
    );
    let mut snaps = Vec::new();
    for sv in v["snapshots"].as_array().unwrap() {
        // The generator is given the entries unsorted: `Snapshot::new` sorts them.
        let entries = sv["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(entry_of)
            .collect();
        let snap = Snapshot::new(
            sv["version"].as_u64().unwrap(),
            time(&sv["created"]),
            entries,
        );
        let body = snap.body(&origin);
        assert_eq!(body, s(&sv["text"]));
        assert_eq!(format::digest(&body), s(&sv["digest"]));
        assert_eq!(key.sign(&body).unwrap(), s(&sv["note"]));
        assert_eq!(Snapshot::parse(&body, &origin).unwrap(), snap);
        snaps.push(snap);
    }
    for lv in v["latest"].as_array().unwrap() {
        let latest = Latest {
            version: lv["version"].as_u64().unwrap(),
            digest: s(&lv["digest"]).to_owned(),
            as_of: time(&lv["as_of"]),
            fresh_until: time(&lv["fresh_until"]),
        };
        assert_eq!(latest.body(&origin), s(&lv["text"]));
        assert_eq!(key.sign(&latest.body(&origin)).unwrap(), s(&lv["note"]));
        assert_eq!(Latest::parse(s(&lv["text"]), &origin).unwrap(), latest);
    }
    for dv in v["deltas"].as_array().unwrap() {
        let from = &snaps[dv["since"].as_u64().unwrap() as usize - 1];
        let to = &snaps[dv["to"].as_u64().unwrap() as usize - 1];
        let delta = Delta::between(from, to, &origin);
        assert_eq!(delta.body(&origin), s(&dv["text"]));
        assert_eq!(key.sign(&delta.body(&origin)).unwrap(), s(&dv["note"]));
        let parsed = Delta::parse(s(&dv["text"]), &origin).unwrap();
        assert_eq!(parsed, delta);
        // Applied to the base, it rebuilds the target byte for byte.
        assert_eq!(
            parsed.apply(&from.body(&origin), &origin).unwrap(),
            to.body(&origin)
        );
    }
}

/// Opens a note under the vector key and reads its body as `kind`.
fn read_vector_note(key: &StatusKey, kind: &str, note: &str, base: &str) -> Result<(), String> {
    let note = Note::parse(note.as_bytes()).map_err(|e| e.to_string())?;
    note.verify(&key.verifiers()).map_err(|e| e.to_string())?;
    let (text, origin) = (note.text(), key.name());
    match kind {
        "snapshot" => Snapshot::parse(text, origin).map(drop),
        "latest" => Latest::parse(text, origin).map(drop),
        "delta" => Delta::parse(text, origin).and_then(|d| d.apply(base, origin).map(drop)),
        other => panic!("unknown kind {other}"),
    }
    .map_err(|e| e.to_string())
}

#[test]
fn the_invalid_vectors_are_refused_and_the_valid_ones_accepted() {
    let v = vectors();
    let key = vector_key(&v);
    let base = s(&v["snapshots"][0]["text"]);
    for case in v["valid"].as_array().unwrap() {
        read_vector_note(&key, s(&case["kind"]), s(&case["note"]), base)
            .unwrap_or_else(|e| panic!("{}: {e}", s(&case["why"])));
    }
    let invalid = v["invalid"].as_array().unwrap();
    assert!(invalid.len() >= 19);
    for case in invalid {
        let got = read_vector_note(&key, s(&case["kind"]), s(&case["note"]), base);
        assert!(got.is_err(), "accepted: {}", s(&case["why"]));
    }
}

#[test]
fn the_offline_decisions_are_the_vectors() {
    let v = vectors();
    let d = &v["decisions"];
    let origin = s(&v["key"]["name"]);
    let snap_text = s(&v["snapshots"][d["snapshot"].as_u64().unwrap() as usize - 1]["text"]);
    let latest_text = s(&v["latest"][d["latest"].as_u64().unwrap() as usize - 1]["text"]);
    let held = Held {
        snapshot: Snapshot::parse(snap_text, origin).unwrap(),
        latest: Latest::parse(latest_text, origin).unwrap(),
    };
    let cases = d["cases"].as_array().unwrap();
    assert!(cases.len() >= 18);
    for c in cases {
        let l = &c["label"];
        let facts = LabelFacts {
            kid: u32::from_str_radix(s(&l["kid"]), 16).unwrap(),
            certificate: s(&l["certificate"]).parse().unwrap(),
            brand: l["brand"].as_u64().unwrap() as u16,
            expires_on: s(&l["expires_on"]).parse::<NaiveDate>().unwrap(),
        };
        let max_age = c["max_age_seconds"]
            .as_i64()
            .or(d["max_age_seconds"].as_i64())
            .unwrap();
        let got = offline::decide(
            &facts,
            c["key_status"] == "compromised",
            (c["list"] != false).then_some(&held),
            time(&c["now"]),
            Duration::seconds(max_age),
        );
        let want = (s(&c["expect"][0]), s(&c["expect"][1]));
        assert_eq!(
            (got.status.as_str(), got.reason.as_str()),
            want,
            "{}",
            s(&c["why"])
        );
        let warnings: Vec<&str> = got.warning.into_iter().collect();
        let expected: Vec<&str> = c["warnings"]
            .as_array()
            .map(|w| w.iter().map(s).collect())
            .unwrap_or_default();
        assert_eq!(warnings, expected, "{}", s(&c["why"]));
    }
}

/// The note at `path`, checked with the status key of the served keys.json.
async fn open(app: &TestApp, path: &str) -> (String, String) {
    let res = app.get(path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.text());
    assert_eq!(res.content_type(), "text/plain; charset=utf-8");
    let jwks = app.get("/.well-known/tasdiq/keys.json").await.text();
    let keys = tasdiq::cli::sync::status_verifiers(&jwks).unwrap();
    tasdiq::cli::sync::open_note(res.text().as_bytes(), &keys).unwrap()
}

async fn latest(app: &TestApp) -> Latest {
    let (text, origin) = open(app, "/.well-known/tasdiq/status/latest").await;
    Latest::parse(&text, &origin).unwrap()
}

async fn snapshot(app: &TestApp, version: u64) -> (String, Snapshot) {
    let (text, origin) = open(app, &format!("/.well-known/tasdiq/status/{version}")).await;
    let snap = Snapshot::parse(&text, &origin).unwrap();
    (text, snap)
}

#[tokio::test]
async fn the_list_follows_the_registry_and_deltas_rebuild_each_version() {
    let app = TestApp::new().await;
    // Before the first version: a clear 503, not an empty list.
    let res = app.get("/.well-known/tasdiq/status/latest").await;
    assert_eq!(res.problem(503)["status"], 503);

    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Version(1)
    );
    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Unchanged(1),
        "no change, no new version"
    );
    let l1 = latest(&app).await;
    assert_eq!(l1.version, 1);
    assert!(Utc::now() - l1.as_of < Duration::minutes(5));
    assert_eq!(l1.fresh_until - l1.as_of, Duration::days(7));
    let (body1, snap1) = snapshot(&app, 1).await;
    assert_eq!(format::digest(&body1), l1.digest);
    // The demo data holds one revoked lot; its reason is a machine word, not the officer's text.
    let demo = app.demo_certificates().await;
    let revoked = demo
        .iter()
        .find(|c| c.facts.status == tasdiq::domain::values::CertificateStatus::Revoked)
        .unwrap();
    let line = snap1.find(Subject::Cert(revoked.facts.number)).unwrap();
    assert_eq!(
        (line.status, line.reason.as_str()),
        ("revoked", "certificate_revoked")
    );
    assert!(!body1.contains("monstration"), "{body1}");

    // Revoke a certificate: a new version lists it.
    let cert = app.authentic_certificate().await;
    assert!(snap1.find(Subject::Cert(cert.facts.number)).is_none());
    let officer = app.key(Role::Officer).await;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{}/revoke", cert.facts.number),
            Some(officer.as_str()),
            &json!({"reason": "Rappel : analyse non conforme"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Version(2)
    );
    let l2 = latest(&app).await;
    assert_eq!(l2.version, 2);
    let (body2, snap2) = snapshot(&app, 2).await;
    assert_eq!(format::digest(&body2), l2.digest);
    let line = snap2.find(Subject::Cert(cert.facts.number)).unwrap();
    assert_eq!(line.status, "revoked");
    assert!(snap2.created >= snap1.created);

    // The delta from 1, applied to 1, gives 2's digest; from 2 it is empty.
    let (text, origin) = open(&app, "/.well-known/tasdiq/status/delta?since=1").await;
    let delta = Delta::parse(&text, &origin).unwrap();
    assert!(text.contains(&format!("\n+ cert {} revoked ", cert.facts.number)));
    let rebuilt = delta.apply(&body1, &origin).unwrap();
    assert_eq!(format::digest(&rebuilt), l2.digest);
    assert_eq!(rebuilt, body2);
    let (text, origin) = open(&app, "/.well-known/tasdiq/status/delta?since=2").await;
    let empty = Delta::parse(&text, &origin).unwrap();
    assert!(empty.changes.is_empty());
    assert_eq!(empty.from, empty.to);

    // Suspend a producer's right of use: each of its unexpired certificates gets a line.
    let other = demo
        .iter()
        .find(|c| {
            c.facts.status == tasdiq::domain::values::CertificateStatus::Issued
                && c.facts.brand != cert.facts.brand
        })
        .unwrap();
    let (producer, brand) = (other.view.producer.id, other.facts.brand);
    let res = app
        .json(
            Method::PATCH,
            &format!("/api/v1/brands/{brand}/members/{producer}"),
            Some(officer.as_str()),
            &json!({"status": "suspended", "reason": "audit"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Version(3)
    );
    let (_, snap3) = snapshot(&app, 3).await;
    let theirs: Vec<_> = demo
        .iter()
        .filter(|c| c.view.producer.id == producer && c.facts.brand == brand)
        .filter(|c| c.facts.status == tasdiq::domain::values::CertificateStatus::Issued)
        .collect();
    assert!(!theirs.is_empty());
    for c in theirs {
        let line = snap3.find(Subject::Cert(c.facts.number)).unwrap();
        assert_eq!(
            (line.status, line.reason.as_str()),
            ("suspended", "member_suspended")
        );
    }
    // The revoked one keeps its own reason: revocation comes first.
    assert_eq!(
        snap3.find(Subject::Cert(cert.facts.number)).unwrap().reason,
        "certificate_revoked"
    );

    // A re-sign renews `latest` over the same version.
    let before = latest(&app).await;
    assert!(matches!(
        publish::refresh(&app.state, true).await.unwrap(),
        Refreshed::Resigned(3)
    ));
    let after = latest(&app).await;
    assert_eq!((after.version, &after.digest), (3, &before.digest));
    assert!(after.as_of >= before.as_of);
}

#[tokio::test]
async fn bad_versions_get_problems_and_old_deltas_are_gone() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::new().await;
    publish::refresh(&app.state, false).await.unwrap();
    for (path, status) in [
        ("/.well-known/tasdiq/status/0", 400),
        ("/.well-known/tasdiq/status/01", 400),
        ("/.well-known/tasdiq/status/abc", 400),
        ("/.well-known/tasdiq/status/99999999999999999999", 400),
        ("/.well-known/tasdiq/status/7", 404),
        ("/.well-known/tasdiq/status/delta", 400),
        ("/.well-known/tasdiq/status/delta?since=x", 400),
        ("/.well-known/tasdiq/status/delta?since=9", 404),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.problem(status)["status"], status, "{path}");
    }
    let res = app.get("/.well-known/tasdiq/status/1").await;
    assert_eq!(
        res.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let res = app.get("/.well-known/tasdiq/status/latest").await;
    assert_eq!(res.headers["cache-control"], "no-cache");
    // Compressed for a client that asks, the same note once inflated.
    let zipped = app
        .send(
            axum::http::Request::get("/.well-known/tasdiq/status/1")
                .header("accept-encoding", "gzip, br")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(zipped.headers["content-encoding"], "gzip");
    let mut plain = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&zipped.bytes[..]),
        &mut plain,
    )
    .unwrap();
    assert_eq!(plain, app.get("/.well-known/tasdiq/status/1").await.text());
    // Version 1 made 91 days ago: a delta from it is refused with 410.
    tasdiq::entity::status_version::Entity::update_many()
        .col_expr(
            tasdiq::entity::status_version::Column::CreatedAt,
            Expr::value(Utc::now() - Duration::days(91)),
        )
        .filter(tasdiq::entity::status_version::Column::Version.eq(1))
        .exec(app.conn())
        .await
        .unwrap();
    let cert = app.authentic_certificate().await;
    let officer = app.key(Role::Officer).await;
    app.json(
        Method::POST,
        &format!("/api/v1/certificates/{}/revoke", cert.facts.number),
        Some(officer.as_str()),
        &json!({"reason": "rappel"}),
    )
    .await;
    publish::refresh(&app.state, false).await.unwrap();
    let res = app.get("/.well-known/tasdiq/status/delta?since=1").await;
    let p = res.problem(410);
    assert!(s(&p["detail"]).contains("full snapshot"), "{p}");
}

#[tokio::test]
async fn keys_json_publishes_the_status_key_apart_from_label_keys() {
    let app = TestApp::new().await;
    let jwks = app.get("/.well-known/tasdiq/keys.json").await.json();
    let keys = jwks["keys"].as_array().unwrap();
    let status: Vec<&Value> = keys.iter().filter(|k| k["purpose"] == "status").collect();
    assert_eq!(status.len(), 1);
    let k = status[0];
    let name = tasdiq::status::key::key_name(&app.db.config.public_url);
    assert!(s(&k["vkey"]).starts_with(&format!("{name}+")), "{k}");
    assert_eq!(
        (k["use"].as_str(), k["org"].as_str()),
        (Some("sig"), Some("operator"))
    );
    // The status key is no label key: the offline verifier does not take it as one.
    let ring = tasdiq::cli::verify::parse_jwks(&jwks.to_string()).unwrap();
    assert!(ring.all().iter().all(|r| r.kid.to_string() != s(&k["kid"])));
    assert_eq!(
        ring.all().len(),
        keys.len() - 1,
        "every other key is a label key"
    );
    // Its file is private, apart from the label keys, and never the label key.
    let path = app
        .db
        .config
        .keys_dir
        .join(tasdiq::status::key::STATUS_FILE);
    assert_eq!(crate::process::mode_of(&path), 0o600);
    let secret = std::fs::read_to_string(&path).unwrap();
    for entry in std::fs::read_dir(&app.db.config.keys_dir).unwrap() {
        let p = entry.unwrap().path();
        if p != path {
            assert_ne!(std::fs::read_to_string(&p).unwrap(), secret);
        }
    }
}

//! The chain of custody against independent implementations: a document made by epcis2.js
//! is recorded under the event hashes of the reference implementation
//! (`epcis-event-hash-generator` 1.9.3), both installed by `scripts/test`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use tasdiq::domain::values::Role;

use crate::events::{event_ids, query_ids};
use crate::support::{TestApp, repo};

fn interop_dir() -> PathBuf {
    repo().join("crates/custody/tests/interop")
}

fn tools_available() -> bool {
    let runs = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    runs("python3", &["-c", "import epcis_event_hash_generator"])
        && interop_dir().join("node_modules/epcis2.js").exists()
        && runs("node", &["--version"])
}

#[tokio::test]
async fn an_epcis2js_document_is_recorded_under_the_reference_hashes() {
    if !tools_available() {
        eprintln!(
            "SKIPPED: needs python3 with epcis-event-hash-generator==1.9.3 and `npm ci` in {} (scripts/test does both)",
            interop_dir().display()
        );
        return;
    }
    let app = TestApp::new().await;
    let key = app.key(Role::Retailer).await;
    let shop = app
        .location(
            &key,
            json!({"name": "Dar Argan", "city": "Agadir", "id": "urn:epc:id:sgln:6111234.00001.0"}),
        )
        .await;
    let labels = app.label_urls(3).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("delivery.jsonld");
    let out = Command::new("node")
        .arg(interop_dir().join("service-document.js"))
        .arg(&file)
        .arg(&shop)
        .args(&labels)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "service-document.js: …{}",
        &stderr[stderr.len().saturating_sub(1500)..]
    );
    let reference = Command::new("python3")
        .arg(interop_dir().join("reference_hashes.py"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        reference.status.success(),
        "{}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let reference: Value = serde_json::from_slice(&reference.stdout).unwrap();
    let want: Vec<String> = reference[file.to_str().unwrap()]["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(want.len(), 3, "{reference}");

    let doc = std::fs::read_to_string(&file).unwrap();
    let res = app.capture(&key, &doc).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(event_ids(&res), want);
    // Stored under those ids: the label's events, as the query answers them.
    let code = labels[0].rsplit('/').next().unwrap();
    let q = app
        .get_as(&format!("/api/v1/events?epc={code}"), &key)
        .await;
    assert_eq!(query_ids(&q.json()), want);
    // And a replay is not stored twice.
    let again = app.capture(&key, &doc).await;
    assert_eq!(again.json()["duplicates"], 3, "{}", again.text());
    assert_eq!(app.stored_events().await, 3);
}

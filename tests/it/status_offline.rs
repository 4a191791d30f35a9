//! The status list from outside (issue 18): the web app's own sync (`src/http/scan/sync.js`,
//! its C2SP note verifier and delta code) against the running service, and `tasdiq sync` then
//! `tasdiq verify` with the server stopped: revoked → exit 1, a list past its maximum age →
//! exit 3.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::support::repo;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Runs an ES module in node with the app's modules at hand; `None` if node is absent.
pub fn node(script: &str, args: &[&str]) -> Option<std::process::Output> {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: node is not installed (scripts/test installs it)");
        return None;
    }
    let app = repo().join("src/http/scan");
    let script = script.replace("APP/", &format!("file://{}/", app.display()));
    Some(
        std::process::Command::new("node")
            .args(["--input-type=module", "-e", &script, "--"])
            .args(args)
            .output()
            .unwrap(),
    )
}

/// The web app's sync (`sync.js`: its own C2SP note verifier, parsers and delta code) against
/// the running service: a full sync, then a delta after a revocation.
#[test]
fn the_web_apps_verifier_accepts_what_the_service_serves() {
    use crate::process::{Server, run};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(crate::support::TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let script = r#"
        import { syncKeys, readKeySet, syncStatus, heldList } from 'APP/sync.js';
        const [base, heldJson] = process.argv.slice(1);
        const f = (u, o) => fetch(base + u, o);
        const { statusKeys } = await readKeySet(await syncKeys(f));
        const held = heldJson ? JSON.parse(heldJson) : null;
        const out = await syncStatus(f, statusKeys, held, Date.now());
        const list = heldList(out.state);
        console.log(JSON.stringify({ via: out.via, state: out.state, version: list.version,
          certs: [...list.entries.values()].filter((e) => e.kind === 'cert').map((e) => e.id) }));
    "#;
    // The first version is made by the background task right after start.
    let version = || {
        let (status, body) =
            crate::process::http_get(&format!("{}/.well-known/tasdiq/status/latest", server.base));
        (status == 200).then(|| {
            body.lines()
                .find_map(|l| l.strip_prefix("version "))
                .unwrap()
                .parse::<u64>()
                .unwrap()
        })
    };
    let wait_for = |want: u64| {
        let start = std::time::Instant::now();
        while version() != Some(want) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "version {want} did not come within 60 s (now {:?})",
                version()
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    };
    wait_for(1);
    let Some(out) = node(script, &[&server.base, ""]) else {
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (first["via"].as_str(), first["version"].as_u64()),
        (Some("full"), Some(1))
    );

    // Revoke a certificate through the API: within 60 s the version grows and lists it.
    let officer = {
        let out = run(
            &config,
            &["apikey", "create", "--role", "officer", "--name", "status"],
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_owned()
    };
    let number = sample_certificate(&server);
    let res = crate::process::agent()
        .post(&format!(
            "{}/api/v1/certificates/{number}/revoke",
            server.base
        ))
        .header("Authorization", &format!("Bearer {officer}"))
        .send_json(json!({"reason": "rappel"}))
        .unwrap();
    assert_eq!(res.status(), 200);
    wait_for(2);
    let held = first["state"].to_string();
    let out = node(script, &[&server.base, &held]).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (second["via"].as_str(), second["version"].as_u64()),
        (Some("delta"), Some(2))
    );
    assert!(
        second["certs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == &json!(number.to_string())),
        "{second}"
    );
    server.stop();
}

/// The certificate number of the server's authentic sample label.
pub fn sample_certificate(server: &crate::process::Server) -> u64 {
    let url = server.sample("JSON");
    let (_, body) = crate::process::http_get(&url);
    let v: Value = serde_json::from_str(&body).unwrap();
    s(&v["label"]["certificate"]).parse().unwrap()
}

/// The label code of item 1 of an issued certificate other than `not`, signed with the
/// server's key files.
fn another_label(db: &crate::support::TestDb, config: &tasdiq::config::Config, not: u64) -> String {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let conn = db.connect().await;
        let ring = tasdiq::keystore::load_ring(&conn, &config.keys_dir)
            .await
            .unwrap();
        let numbers = tasdiq::store::certificates::recent(&conn, 50)
            .await
            .unwrap();
        let records = tasdiq::store::certificates::records(&conn, &numbers)
            .await
            .unwrap();
        let cert = records
            .values()
            .find(|r| {
                r.facts.number != not
                    && r.facts.status == tasdiq::domain::values::CertificateStatus::Issued
            })
            .unwrap();
        ring.sign_label(&cert.facts, 1).unwrap().to_code()
    })
}

#[test]
fn verify_after_sync_decides_offline_with_the_server_stopped() {
    use crate::process::{Server, run};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(crate::support::TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap().to_owned();
    let latest_version = || {
        let (status, body) =
            crate::process::http_get(&format!("{}/.well-known/tasdiq/status/latest", server.base));
        (status == 200).then(|| {
            body.lines()
                .find_map(|l| l.strip_prefix("version "))
                .unwrap()
                .to_owned()
        })
    };
    let wait_for = |want: &str| {
        let start = std::time::Instant::now();
        while latest_version().as_deref() != Some(want) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "no version {want} within 60 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    };
    wait_for("1");
    let out = run(&config, &["sync", "--from", &server.base, "--dir", &d]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("status list v1"), "{stdout}");

    let code = server.sample("JSON").rsplit('/').next().unwrap().to_owned();
    let number = sample_certificate(&server);
    let other = another_label(&db, &config, number);
    let officer = {
        let out = run(
            &config,
            &["apikey", "create", "--role", "officer", "--name", "sync"],
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_owned()
    };
    let res = crate::process::agent()
        .post(&format!(
            "{}/api/v1/certificates/{number}/revoke",
            server.base
        ))
        .header("Authorization", &format!("Bearer {officer}"))
        .send_json(json!({"reason": "rappel"}))
        .unwrap();
    assert_eq!(res.status(), 200);
    wait_for("2");
    // The second sync goes by delta.
    let out = run(&config, &["sync", "--from", &server.base, "--dir", &d]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("status list v2"));
    let base = server.base.clone();
    assert_eq!(server.stop(), Some(0));

    let verify = |args: &[&str]| {
        let out = run(&config, args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    // Revoked in the last sync: exit 1, with the list's age.
    let (status, text) = verify(&["verify", &code, "--dir", &d]);
    assert_eq!(status, Some(1), "{text}");
    assert!(
        text.contains("verdict      revoked (certificate_revoked)"),
        "{text}"
    );
    assert!(text.contains("statuses     as of "), "{text}");
    assert!(text.contains("(v2)"), "{text}");
    // Not listed, fresh list: authentic.
    let (status, text) = verify(&["verify", &other, "--dir", &d]);
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains("verdict      authentic (valid)"), "{text}");
    // The same list past --max-status-age, or past fresh_until: cannot decide, exit 3.
    let later = (Utc::now() + Duration::hours(2)).to_rfc3339();
    let (status, text) = verify(&[
        "verify",
        &other,
        "--dir",
        &d,
        "--max-status-age",
        "1h",
        "--now",
        &later,
    ]);
    assert_eq!(status, Some(3), "{text}");
    assert!(text.contains("unknown (status_stale)"), "{text}");
    let week = (Utc::now() + Duration::days(8)).to_rfc3339();
    let (status, text) = verify(&[
        "verify",
        &other,
        "--dir",
        &d,
        "--max-status-age",
        "30d",
        "--now",
        &week,
    ]);
    assert_eq!(status, Some(3), "{text}");
    // A listed status still decides on a stale list.
    let (status, _) = verify(&["verify", &code, "--dir", &d, "--now", &week]);
    assert_eq!(status, Some(1));
    // No list: a warning, or exit 3 under --require-status.
    let empty = tempfile::tempdir().unwrap();
    let keys = format!("{d}/keys.json");
    let e = empty.path().to_str().unwrap();
    let (status, text) = verify(&["verify", &other, "--keys", &keys, "--dir", e]);
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains("status_unchecked"), "{text}");
    let (status, text) = verify(&[
        "verify",
        &other,
        "--keys",
        &keys,
        "--dir",
        e,
        "--require-status",
    ]);
    assert_eq!(status, Some(3), "{text}");
    // A tampered list is reported and not used.
    let snap = format!("{d}/status.snapshot");
    let body = std::fs::read_to_string(&snap).unwrap();
    std::fs::write(&snap, body.replacen("revoked", "suspended", 1)).unwrap();
    let (status, text) = verify(&["verify", &code, "--dir", &d, "--require-status"]);
    assert_eq!(status, Some(3), "{text}");
    assert!(text.contains("not used"), "{text}");
    // Sync refuses a server that is gone, and keeps what it held.
    let out = run(&config, &["sync", "--from", &base, "--dir", &d]);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(&snap).unwrap(),
        body.replacen("revoked", "suspended", 1)
    );
}

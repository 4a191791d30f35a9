//! The status list and the issuance log together (issues 18 and 20): every new status version
//! appends a `status` entry with its version, count and digest; and the served notes checked by
//! implementations that are not ours: Go's `sumdb/note` verifies them with the status key of
//! keys.json, and a delta reader written in Go from `docs/status-list.md` rebuilds V+1 from V.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::Method;
use serde_json::{Value, json};
use tasdiq::domain::values::Role;
use tasdiq::status::format;
use tasdiq::status::publish::{self, Refreshed};
use tasdiq::store::translog as st;

use crate::support::{TestApp, repo};

const GOPATH: &str = "/usr/share/gocode";

async fn revoke_one(app: &TestApp) -> u64 {
    let cert = app.authentic_certificate().await;
    let officer = app.key(Role::Officer).await;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/certificates/{}/revoke", cert.facts.number),
            Some(officer.as_str()),
            &json!({"reason": "analyse non conforme"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    cert.facts.number
}

/// The served `latest` note's version and digest lines.
async fn latest_lines(app: &TestApp) -> (u64, String) {
    let res = app.get("/.well-known/tasdiq/status/latest").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let text = res.text();
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("version "))
        .unwrap()
        .parse()
        .unwrap();
    let digest = text
        .lines()
        .find_map(|l| l.strip_prefix("digest "))
        .unwrap()
        .to_owned();
    (version, digest)
}

/// The `status` entries of the log, as stored.
async fn status_entries(app: &TestApp) -> Vec<String> {
    let next = st::next_index(app.conn()).await.unwrap();
    st::entries(app.conn(), 0, next)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, d)| String::from_utf8(d).unwrap())
        .filter(|t| t.starts_with("tasdiq-log/v1 status\n"))
        .collect()
}

#[tokio::test]
async fn each_status_version_is_logged_with_its_digest() {
    let app = TestApp::new().await;
    assert!(status_entries(&app).await.is_empty());
    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Version(1)
    );
    let (v1, d1) = latest_lines(&app).await;
    assert_eq!(v1, 1);
    let snap1 = app.get("/.well-known/tasdiq/status/1").await.text();
    let count1 = snap1
        .lines()
        .find_map(|l| l.strip_prefix("count "))
        .unwrap()
        .to_owned();
    let logged = status_entries(&app).await;
    assert_eq!(logged.len(), 1);
    assert!(
        logged[0].ends_with(&format!("\nversion 1\ncount {count1}\ndigest {d1}\n")),
        "{}",
        logged[0]
    );
    // A re-sign or an unchanged list is no new version and no entry.
    publish::refresh(&app.state, false).await.unwrap();
    publish::refresh(&app.state, true).await.unwrap();
    assert_eq!(status_entries(&app).await.len(), 1);

    // A revocation: its own entry, then the new version's.
    revoke_one(&app).await;
    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Version(2)
    );
    let (v2, d2) = latest_lines(&app).await;
    assert_eq!(v2, 2);
    let logged = status_entries(&app).await;
    assert_eq!(logged.len(), 2);
    assert!(logged[1].contains("\nversion 2\n"), "{}", logged[1]);
    assert!(logged[1].ends_with(&format!("\ndigest {d2}\n")));
    // The digest in the log is the snapshot body's, from outside.
    let (text, origin) = {
        let res = app.get("/.well-known/tasdiq/status/2").await;
        let jwks = app.get("/.well-known/tasdiq/keys.json").await.text();
        let keys = tasdiq::cli::sync::status_verifiers(&jwks).unwrap();
        tasdiq::cli::sync::open_note(res.text().as_bytes(), &keys).unwrap()
    };
    assert!(origin.ends_with("/status"));
    assert_eq!(format::digest(&text), d2);

    // It reaches the signed log like any other entry.
    let size = tasdiq::translog::integrate(&app.state)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(size, st::next_index(app.conn()).await.unwrap());
}

fn have_go() -> bool {
    let ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Path::new(GOPATH)
            .join("src/golang.org/x/mod/sumdb/note")
            .is_dir();
    if !ok {
        eprintln!(
            "SKIPPED: the Go cross-check needs `go` and {GOPATH}/src/golang.org/x/mod \
             (apt-get install golang-go golang-golang-x-mod-dev; scripts/test does it)"
        );
    }
    ok
}

/// Runs `tests/it/go/statuscheck` on `input`; its JSON answer, or its error text.
fn statuscheck(name: &str, input: &Value) -> Result<Value, String> {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = tmp.join(format!("statuscheck-{name}.json"));
    std::fs::write(&file, serde_json::to_vec(input).unwrap()).unwrap();
    let out = Command::new("go")
        .current_dir(repo().join("tests/it/go/statuscheck"))
        .args(["run", "main.go"])
        .arg(&file)
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOCACHE", tmp.join("go-cache"))
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .output()
        .expect("go run");
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[tokio::test]
async fn go_sumdb_note_verifies_the_served_status_list_and_a_delta_gives_the_next_digest() {
    if !have_go() {
        return;
    }
    let app = TestApp::new().await;
    publish::refresh(&app.state, false).await.unwrap();
    let number = revoke_one(&app).await;
    assert_eq!(
        publish::refresh(&app.state, false).await.unwrap(),
        Refreshed::Version(2)
    );
    let get = |path: &'static str| {
        let app = &app;
        async move {
            let res = app.get(path).await;
            assert_eq!(res.status, 200, "{path}: {}", res.text());
            res.text()
        }
    };
    let input = json!({
        "keys": get("/.well-known/tasdiq/keys.json").await,
        "base": get("/.well-known/tasdiq/status/1").await,
        "next": get("/.well-known/tasdiq/status/2").await,
        "latest": get("/.well-known/tasdiq/status/latest").await,
        "delta": get("/.well-known/tasdiq/status/delta?since=1").await,
    });
    let got = statuscheck("served", &input).unwrap();
    let (_, digest) = latest_lines(&app).await;
    assert!(got["key_name"].as_str().unwrap().ends_with("/status"));
    assert_eq!(got["verified"], 4);
    assert_eq!(got["latest_version"], 2);
    assert_eq!(got["latest_digest"], digest.as_str());
    assert_eq!(got["next_digest"], digest.as_str());
    assert_eq!(got["rebuilt_digest"], digest.as_str());
    assert_eq!(got["rebuilt_is_next"], true);
    assert!(got["changes"].as_u64().unwrap() >= 1);
    assert!(
        input["delta"]
            .as_str()
            .unwrap()
            .contains(&format!("+ cert {number} "))
    );

    // The reader can fail: a delta applied to the wrong base, a note altered after signing,
    // and a key set whose status key is another.
    let mut wrong = input.clone();
    wrong["base"] = input["next"].clone();
    assert!(statuscheck("wrong-base", &wrong).is_err());
    let mut altered = input.clone();
    altered["next"] = input["next"]
        .as_str()
        .unwrap()
        .replacen("\ncount ", "\ncount 1", 1)
        .into();
    let err = statuscheck("altered", &altered).unwrap_err();
    assert!(err.contains("signature"), "{err}");
    let mut other_key = input.clone();
    let vectors: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/vectors/status-v1.json")).unwrap(),
    )
    .unwrap();
    other_key["keys"] = json!({"keys": [vectors["key"]["jwk"]]}).to_string().into();
    assert!(statuscheck("other-key", &other_key).is_err());
}

/// The same reader on the published vectors (made by a JavaScript generator): both agree.
#[test]
fn go_reads_the_status_vectors() {
    if !have_go() {
        return;
    }
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/vectors/status-v1.json")).unwrap(),
    )
    .unwrap();
    let snap = |version: u64| {
        v["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["version"] == version)
            .unwrap()
            .clone()
    };
    let latest2 = v["latest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["version"] == 2)
        .unwrap();
    let delta = v["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["since"] == 1 && d["to"] == 2)
        .unwrap();
    let input = json!({
        "keys": json!({"keys": [v["key"]["jwk"]]}).to_string(),
        "base": snap(1)["note"],
        "next": snap(2)["note"],
        "latest": latest2["note"],
        "delta": delta["note"],
    });
    let got = statuscheck("vectors", &input).unwrap();
    assert_eq!(got["key_name"], v["key"]["name"]);
    assert_eq!(got["rebuilt_digest"], snap(2)["digest"]);
    assert_eq!(got["latest_digest"], snap(2)["digest"]);
    assert_eq!(got["rebuilt_is_next"], true);
}

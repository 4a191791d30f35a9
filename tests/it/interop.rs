//! Our published artefacts read by tools nobody on this project wrote, pinned under
//! `tests/interop/` and installed by `scripts/test`: the Digital Bazaar VC stack and `jsonld`
//! on credentials fetched from a running server, `openapi-spec-validator` and `redocly lint`
//! on the served OpenAPI document, and a client generated from it by `openapi-python-client`.
//! Each test starts one server and runs each tool once.

use std::path::PathBuf;
use std::process::{Command, Output};

use axum::http::Method;
use serde_json::{Value, json};
use tasdiq::domain::values::{CertificateStatus, Role};

use crate::support::{TestApp, TestDb, repo};

fn dir() -> PathBuf {
    repo().join("tests/interop")
}

/// `node` in `tests/interop`, with its packages installed.
pub fn node() -> Command {
    assert!(
        dir().join("node_modules/@digitalbazaar/vc").is_dir(),
        "the npm packages of tests/interop are missing: run scripts/test (npm ci there)"
    );
    let mut c = Command::new("node");
    c.current_dir(dir())
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    c
}

/// The Python of `tests/interop/.venv`, with the pinned packages.
pub fn python() -> Command {
    let py = dir().join(".venv/bin/python");
    assert!(
        py.is_file(),
        "tests/interop/.venv is missing: run scripts/test (it installs requirements.txt there)"
    );
    let mut c = Command::new(py);
    c.current_dir(dir());
    c
}

/// Runs a tool off the async workers, so the server under test keeps answering.
pub async fn run(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("the tool runs"))
        .await
        .unwrap()
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    })
}

/// The service on a real socket, its public URL that socket, with the in-process app beside
/// it for setting things up.
pub struct Live {
    pub app: TestApp,
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Live {
    pub async fn start() -> Live {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut db = TestDb::new().await;
        db.config.public_url = base.clone();
        let conn = db.connect().await;
        tasdiq::bootstrap::run(&conn, &db.config).await.unwrap();
        let state = tasdiq::AppState::build(conn, db.config.clone())
            .await
            .unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(tasdiq::launch(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Live {
            app: TestApp { db, state },
            base,
            stop: Some(stop),
        }
    }

    /// Issues a certificate like the demo's authentic one; returns its number.
    async fn issue(&self, key: &str, lot: &str) -> String {
        let cert = self.app.authentic_certificate().await;
        let body = json!({
            "brand": cert.facts.brand, "producer": cert.view.producer.id,
            "product": "Huile d'argan alimentaire 250 ml", "lot": lot, "quantity": 20,
            "produced_on": "2026-11-01", "expires_on": "2028-11-01"
        });
        let res = self
            .app
            .json(Method::POST, "/api/v1/certificates", Some(key), &body)
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        res.json()["number"].as_str().unwrap().to_owned()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digital_bazaar_stack_verifies_credentials_as_served() {
    let live = Live::start().await;
    let app = &live.app;
    let key = app.key(Role::Officer).await;
    let credential = |number: String| async move {
        let res = app.get(&format!("/api/v1/certificates/{number}")).await;
        assert_eq!(res.status, 200, "{}", res.text());
        res.json()
    };
    let fresh = credential(live.issue(&key, "L-DB-1").await).await;
    let mut tampered = fresh.clone();
    tampered["credentialSubject"]["quantity"] = json!(21);
    let demo = app.demo_certificates().await;
    let revoked = demo
        .iter()
        .find(|r| r.facts.status == CertificateStatus::Revoked)
        .expect("a revoked demo certificate");
    let revoked = credential(revoked.view.number.clone()).await;
    // A certificate whose producer's right of use gets suspended (not the fresh one's).
    let authentic = app.authentic_certificate().await;
    let other = demo
        .iter()
        .find(|r| {
            r.facts.status == CertificateStatus::Issued
                && (r.facts.brand, r.view.producer.id)
                    != (authentic.facts.brand, authentic.view.producer.id)
        })
        .expect("another demo certificate");
    let res = app
        .json(
            Method::PATCH,
            &format!(
                "/api/v1/brands/{}/members/{}",
                other.facts.brand, other.view.producer.id
            ),
            Some(&key),
            &json!({"status": "suspended", "reason": "audit"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let suspended = credential(other.view.number.clone()).await;
    let vector: Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/vectors/credential-v1.json")).unwrap(),
    )
    .unwrap();

    let context_file = repo().join("docs/credentials-v1.jsonld");
    let input = json!({
        "contexts": {
            format!("{}/.well-known/tasdiq/credentials/v1", live.base): context_file,
            vector["context_url"].as_str().unwrap(): context_file,
        },
        "live_prefix": format!("{}/.well-known/tasdiq/credentials/status/", live.base),
        "credentials": {
            "fresh": fresh, "tampered": tampered, "revoked": revoked, "suspended": suspended,
            "vector": vector["signed"],
        },
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), input.to_string()).unwrap();
    let mut cmd = node();
    cmd.arg("vc.mjs").arg(file.path());
    let r = stdout_json(&run(cmd).await);

    let ok = |name: &str| {
        let v = &r[name];
        assert_eq!(v["verified"], true, "{name}: {v}");
        assert_eq!(
            v["expanded"], true,
            "{name} does not expand in safe mode: {v}"
        );
        v.clone()
    };
    assert_eq!(
        ok("fresh")["statuses"],
        json!({"revocation": false, "suspension": false})
    );
    assert_eq!(
        ok("revoked")["statuses"],
        json!({"revocation": true, "suspension": false})
    );
    assert_eq!(
        ok("suspended")["statuses"],
        json!({"revocation": false, "suspension": true})
    );
    assert!(
        ok("vector")["statuses"].is_null(),
        "offline: status unchecked"
    );
    let t = &r["tampered"];
    assert_eq!(t["verified"], false, "{t}");
    assert!(
        t["error"].as_str().unwrap().contains("Invalid signature"),
        "{t}"
    );
}

/// `openapi-python-client` names an operation's module after its operationId.
fn snake(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_passes_its_validators_and_a_generated_client_calls_it() {
    let live = Live::start().await;
    let app = &live.app;
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &res.bytes).unwrap();

    let mut cmd = python();
    cmd.args(["-m", "openapi_spec_validator"]).arg(&file);
    let out = run(cmd).await;
    assert!(
        out.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let mut cmd = node();
    cmd.args([
        "node_modules/@redocly/cli/bin/cli.js",
        "lint",
        "--format",
        "json",
    ])
    .arg(&file);
    let out = run(cmd).await;
    let lint: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "redocly: {e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(
        lint["totals"]["errors"], 0,
        "redocly lint (recommended): {}",
        lint["problems"]
    );
    assert_eq!(
        lint["totals"]["warnings"], 0,
        "redocly lint warnings: {}",
        lint["problems"]
    );

    // Values for the generated functions' path parameters.
    let key = app.key(Role::Officer).await;
    let number = live.issue(&key, "L-CLIENT-1").await;
    let to_revoke = live.issue(&key, "L-CLIENT-2").await;
    let cert = app.authentic_certificate().await;
    let rec = tasdiq::store::certificates::record(
        app.conn(),
        tasdiq::domain::values::CertificateNumber(number.parse().unwrap()),
    )
    .await
    .unwrap();
    let brand = json!({"number": cert.facts.brand});
    let values = json!({
        "*": {
            "number": number, "code": app.code(&rec, 1), "producer_id": cert.view.producer.id,
            "id": cert.view.producer.id, "file": "1.png", "kid": cert.view.kid,
            "purpose": "revocation", "version": 1,
        },
        "get_brand": brand, "update_brand": brand, "list_brand_members": brand,
        "grant_right_of_use": brand, "get_right_of_use": brand, "change_right_of_use": brand,
        "revoke_certificate": {"number": to_revoke},
    });
    let values_file = dir.path().join("values.json");
    std::fs::write(&values_file, values.to_string()).unwrap();
    let mut cmd = python();
    cmd.arg("client.py")
        .arg(&file)
        .arg(dir.path().join("client"))
        .arg(&live.base)
        .arg(&key)
        .arg(&values_file);
    let r = stdout_json(&run(cmd).await);
    assert!(r["error"].is_null(), "generation failed: {}", r["error"]);

    let mut served: Vec<String> = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            served.push(snake(op["operationId"].as_str().unwrap()));
        }
    }
    served.sort();
    let mut generated: Vec<String> = r["generated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    generated.sort();
    assert_eq!(generated, served, "the client lost or invented operations");
    assert_eq!(r["errors"], json!({}), "calls that failed");
    assert_eq!(r["calls"].as_object().unwrap().len(), served.len());
    // Read as the schemas say: the calls a retailer makes succeed.
    assert_eq!(r["calls"]["verify_batch"], 200, "{}", r["calls"]);
    assert_eq!(r["calls"]["get_lot"], 200, "{}", r["calls"]);
    assert_eq!(r["calls"]["issue_certificate"], 201, "{}", r["calls"]);
}

#![allow(dead_code)] // Helpers are shared by test modules that each use a subset.
//! Test support: a fresh database per test (a temporary SQLite file, or a new schema on the
//! PostgreSQL server named by `TEST_DATABASE_URL`), the app built on it, and request helpers
//! that go through the real router in-process.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use tasdiq::AppState;
use tasdiq::config::Config;
use tower::ServiceExt;

/// The repository root, where `seeds/` lives.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The code with its digit at `pos` changed to another that still decodes, so the result is a
/// well-formed label whose bytes differ and only the signature can tell. Raising a digit can
/// push a 17-digit group past the 7 bytes it holds, so each other digit is tried in turn.
pub fn tamper(code: &str, pos: usize) -> String {
    let mut digits = code.as_bytes().to_vec();
    let original = digits[pos];
    for d in (b'0'..=b'9').filter(|&d| d != original) {
        digits[pos] = d;
        let changed = String::from_utf8(digits.clone()).expect("ASCII digits");
        if tasdiq::domain::code::Label::parse(&changed).is_ok() {
            return changed;
        }
    }
    panic!("no other digit at {pos} of {code} decodes");
}

/// A database of its own for one test, dropped with it.
pub struct TestDb {
    pub config: Config,
    _dir: tempfile::TempDir,
    schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, schema) = match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let name = format!("t_{}", hex::encode(rand::random::<[u8; 6]>()));
                let admin = Database::connect(&base)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE SCHEMA {name}"))
                    .await
                    .expect("create schema");
                admin.close().await.ok();
                let sep = if base.contains('?') { '&' } else { '?' };
                (
                    format!("{base}{sep}options=-c%20search_path%3D{name}"),
                    Some((base, name)),
                )
            }
            _ => (
                format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                None,
            ),
        };
        let mut config = Config::for_database(&url);
        config.keys_dir = dir.path().join("keys");
        config.seeds_dir = repo().join("seeds");
        config.admin_password = Some("correct horse battery staple".into());
        config.db_pool = 4;
        // Tests fire requests faster than any retailer; the rate-limit test sets its own.
        config.api_rate = 1000;
        config.api_burst = 1000;
        TestDb {
            config,
            _dir: dir,
            schema,
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        tasdiq::db::connect(&self.config).await.expect("connect")
    }

    pub fn is_postgres(&self) -> bool {
        self.schema.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.schema.take() {
            // Drop the schema on a thread of its own: Drop cannot await, and the test's
            // runtime may already be shutting down.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(db) = Database::connect(&base).await {
                        let _ = db
                            .execute_unprepared(&format!("DROP SCHEMA {name} CASCADE"))
                            .await;
                        let _ = db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A bootstrapped service: migrated, seeded, with its admin officer.
pub struct TestApp {
    pub db: TestDb,
    pub state: AppState,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let db = TestDb::new().await;
        let conn = db.connect().await;
        tasdiq::bootstrap::run(&conn, &db.config)
            .await
            .expect("bootstrap");
        let state = AppState::build(conn, db.config.clone())
            .await
            .expect("state");
        TestApp { db, state }
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Sends a request through the whole router.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = tasdiq::app(self.state.clone())
            .oneshot(req)
            .await
            .expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            bytes,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A request with a JSON body and optional bearer token.
    pub async fn json(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

/// A response, read in full.
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.status,
            self.text().chars().take(2000).collect::<String>()
        )
    }
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json answer with this status, and returns its body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert_eq!(self.content_type(), "application/problem+json");
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "problem without detail: {body}"
        );
        body
    }
}

impl TestApp {
    /// The demo certificates, oldest first: (number, status).
    pub async fn demo_certificates(&self) -> Vec<tasdiq::store::certificates::CertRecord> {
        let numbers = tasdiq::store::certificates::recent(self.conn(), 50)
            .await
            .unwrap();
        let mut recs: Vec<_> = tasdiq::store::certificates::records(self.conn(), &numbers)
            .await
            .unwrap()
            .into_values()
            .collect();
        recs.sort_by_key(|r| r.facts.issued_at);
        recs
    }

    /// The largest demo certificate that is not revoked (the argan lot of 500), so that tests
    /// always get the same one.
    pub async fn authentic_certificate(&self) -> tasdiq::store::certificates::CertRecord {
        self.demo_certificates()
            .await
            .into_iter()
            .filter(|r| r.facts.status == tasdiq::domain::values::CertificateStatus::Issued)
            .max_by_key(|r| r.facts.quantity)
            .expect("a demo certificate")
    }

    /// The label code of an item, signed as the service signs it.
    pub fn code(&self, cert: &tasdiq::store::certificates::CertRecord, item: u32) -> String {
        self.state
            .key_ring()
            .sign_label(&cert.facts, item)
            .unwrap()
            .to_code()
    }
}

impl TestApp {
    /// A fresh API key with this role.
    pub async fn key(&self, role: tasdiq::domain::values::Role) -> String {
        self.named_key("test", role).await
    }

    /// A fresh API key with this name and role, made as the service makes them.
    pub async fn named_key(&self, name: &str, role: tasdiq::domain::values::Role) -> String {
        let by = tasdiq::service::By::actor("test");
        tasdiq::service::accounts::create_api_key(&self.state, &by, name, role.as_str())
            .await
            .unwrap()
            .1
    }

    /// A request with a bearer token and no body.
    pub async fn get_as(&self, uri: &str, token: &str) -> Reply {
        self.send(
            Request::get(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// A JSON request with a bearer token and extra headers.
    pub async fn json_with(
        &self,
        method: Method,
        uri: &str,
        token: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }
}

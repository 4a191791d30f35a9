//! The witness server (c2sp.org/tlog-witness@v1):
//!
//! | route | answer |
//! |---|---|
//! | `POST /add-checkpoint` | 200 cosignature lines (`text/plain; charset=utf-8`); 409 the witness's size (`text/x.tlog.size`); 400, 403, 404, 413, 422 as problem+json |
//! | `GET /` | the witness's vkey and a newline, for operators writing verifier policies |
//! | `GET /<origin hash>/checkpoint` | the latest checkpoint cosigned for that log (log signature and our cosignature), 404 if none |
//!
//! The checks are [`tasdiq_tlog::witness::check_add_checkpoint`]'s, in the specification's
//! order; this module adds the state: it reads the log's latest size and root, checks, cosigns,
//! and stores the new state by compare-and-swap. Losing the swap (another request advanced the
//! log meanwhile) means checking again against the new state, which then answers 409.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use tasdiq_tlog::note::{Note, Signature, Signer, VerifierKey};
use tasdiq_tlog::witness::{
    AddCheckpoint, SIZE_CONTENT_TYPE, TEXT_CONTENT_TYPE, WitnessError, WitnessedLog,
    check_add_checkpoint, origin_hash,
};

use crate::config::{Config, ConfigError};
use crate::keyfile::{self, KeyFileError};
use crate::problem::{PROBLEM_JSON, problem, problem_body, text};
use crate::store::Store;

/// Why the witness cannot start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The configuration is refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The key file is refused.
    #[error(transparent)]
    Key(#[from] KeyFileError),
    /// The database cannot be opened or set up.
    #[error("witness database: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// Serving failed.
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
}

/// An open witness: configuration, key and state. Cheap to clone.
#[derive(Clone)]
pub struct Witness {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    signer: Signer,
    store: Store,
    /// Origin hash (the monitoring path's) → origin.
    by_hash: HashMap<String, String>,
}

/// The outcome of one `add-checkpoint`, before it becomes an HTTP response.
#[derive(Debug)]
enum Outcome {
    Cosigned(Signature),
    Refused(WitnessError),
    Failed(String),
}

fn now() -> u64 {
    // A cosignature's timestamp must not be zero; a clock before 1970 is a broken host.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs().max(1))
}

impl Witness {
    /// Loads (or on first start creates) the key file, opens the database and seeds a row for
    /// each configured log.
    pub async fn open(config: Config) -> Result<Witness, OpenError> {
        let url = config.database_url()?;
        let signer = keyfile::load_or_create(&config.key_file, &config.name)?;
        let origins: Vec<&str> = config.logs.iter().map(|l| l.origin.as_str()).collect();
        let store = Store::open(&url, &origins).await?;
        let by_hash = config
            .logs
            .iter()
            .map(|l| (origin_hash(&l.origin), l.origin.clone()))
            .collect();
        Ok(Witness {
            inner: Arc::new(Inner {
                config,
                signer,
                store,
                by_hash,
            }),
        })
    }

    /// The witness's cosignature verifier key (type 0x04), the form verifier policies list.
    pub fn vkey(&self) -> VerifierKey {
        self.inner.signer.verifier()
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The routes, with the panic guard and the fallbacks answering problem+json.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/add-checkpoint", post(add_checkpoint))
            .route("/", get(vkey))
            .route("/{origin_hash}/checkpoint", get(checkpoint))
            .fallback(|| async { problem(StatusCode::NOT_FOUND, "no such route") })
            .method_not_allowed_fallback(|| async {
                problem(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "add-checkpoint takes POST, the other routes GET",
                )
            })
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                |_: Box<dyn std::any::Any + Send>| {
                    problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
                },
            ))
            .layer(tower_http::trace::TraceLayer::new_for_http())
            .with_state(self.clone())
    }

    /// Serves on `listener` until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let header_timeout = self.inner.config.header_timeout;
        crate::listen::serve(listener, self.router(), header_timeout, shutdown).await
    }

    /// Handles one `add-checkpoint` body and returns the status, content type and body (the
    /// HTTP handler's core, also usable without a socket).
    pub async fn add_checkpoint(&self, body: &[u8]) -> (StatusCode, &'static str, Vec<u8>) {
        match self.add(body).await {
            Outcome::Cosigned(sig) => (StatusCode::OK, TEXT_CONTENT_TYPE, sig.line().into_bytes()),
            Outcome::Refused(WitnessError::Conflict(size)) => (
                StatusCode::CONFLICT,
                SIZE_CONTENT_TYPE,
                format!("{size}\n").into_bytes(),
            ),
            Outcome::Refused(e) => {
                let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
                (status, PROBLEM_JSON, problem_body(status, &e.to_string()))
            }
            Outcome::Failed(why) => {
                tracing::error!(error = %why, "add-checkpoint failed");
                let status = StatusCode::INTERNAL_SERVER_ERROR;
                let detail = "the witness could not record the checkpoint";
                (status, PROBLEM_JSON, problem_body(status, detail))
            }
        }
    }

    async fn add(&self, body: &[u8]) -> Outcome {
        let req = match AddCheckpoint::parse(body) {
            Ok(r) => r,
            Err(e) => return Outcome::Refused(e),
        };
        let origin = req.checkpoint.origin.as_str();
        let Some(log) = self.inner.config.log(origin) else {
            return Outcome::Refused(WitnessError::UnknownOrigin);
        };
        let store = &self.inner.store;
        // Two rounds suffice: a lost swap means the state moved, and against the moved state
        // the request is a 409 (or, for an identical request, was already answered). The third
        // covers nothing in theory and keeps the loop bounded in practice.
        for _ in 0..3 {
            let state = match store.latest(origin).await {
                Ok(s) => s,
                Err(e) => return Outcome::Failed(e.to_string()),
            };
            let witnessed = WitnessedLog {
                keys: &log.keys,
                latest: Some((state.size, state.root)),
            };
            let cp = match check_add_checkpoint(&req, Some(witnessed)) {
                Ok(cp) => cp,
                Err(e @ WitnessError::Unprocessable(_)) => {
                    // The log signed something inconsistent with what we cosigned: keep it.
                    tracing::warn!(%origin, error = %e, "inconsistent checkpoint refused");
                    let (why, text) = (e.to_string(), String::from_utf8_lossy(body));
                    if let Err(db) = store.record_evidence(origin, &why, &text, now()).await {
                        tracing::error!(error = %db, "could not keep the refused checkpoint");
                    }
                    return Outcome::Refused(e);
                }
                Err(e) => return Outcome::Refused(e),
            };
            let time = now();
            let sig = match self.inner.signer.cosign(req.note.text(), time) {
                Ok(s) => s,
                Err(e) => return Outcome::Failed(e.to_string()),
            };
            let stored = stored_note(&req.note, log, &sig);
            let from = (state.size, state.root);
            match store
                .advance(origin, from, (cp.size, cp.root), &stored, time)
                .await
            {
                Ok(true) => return Outcome::Cosigned(sig),
                Ok(false) => continue,
                Err(e) => return Outcome::Failed(e.to_string()),
            }
        }
        Outcome::Failed("the log's state kept changing under this request".into())
    }
}

/// The note kept for the monitoring path: the log's verified signatures and our cosignature;
/// other signature lines (other witnesses', unknown keys') were not checked, so they go.
fn stored_note(note: &Note, log: &crate::config::LogConfig, ours: &Signature) -> String {
    let mut kept = Note::new(note.text()).unwrap_or_else(|_| note.clone());
    for s in note.signatures() {
        if log.keys.get(&s.name, s.id).is_some() {
            kept.add_signature(s.clone());
        }
    }
    kept.add_signature(ours.clone());
    kept.to_string()
}

async fn add_checkpoint(State(w): State<Witness>, req: Request) -> Response {
    let cfg = &w.inner.config;
    let max = cfg.max_body_bytes;
    let too_large = || {
        problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("an add-checkpoint body is at most {max} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return too_large();
    }
    let work = async {
        let body = match axum::body::to_bytes(req.into_body(), max).await {
            Ok(b) => b,
            Err(_) => return too_large(),
        };
        let (status, content_type, body) = w.add_checkpoint(&body).await;
        text(status, content_type, body)
    };
    within(cfg.request_timeout, work).await
}

/// Runs a handler's work with the request timeout, answering 408 (problem+json) past it.
async fn within(limit: Duration, work: impl Future<Output = Response>) -> Response {
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        problem(
            StatusCode::REQUEST_TIMEOUT,
            "the request took longer than the witness allows; send it again",
        )
    })
}

async fn vkey(State(w): State<Witness>) -> Response {
    let body = format!("{}\n", w.vkey());
    text(StatusCode::OK, TEXT_CONTENT_TYPE, body.into_bytes())
}

async fn checkpoint(State(w): State<Witness>, Path(hash): Path<String>) -> Response {
    let Some(origin) = w.inner.by_hash.get(&hash) else {
        return problem(
            StatusCode::NOT_FOUND,
            "this witness does not witness a log with that origin hash (lowercase hex SHA-256 \
             of the origin)",
        );
    };
    let limit = w.inner.config.request_timeout;
    within(limit, async {
        match w.inner.store.latest(origin).await {
            Ok(s) => match s.checkpoint {
                Some(note) => text(StatusCode::OK, TEXT_CONTENT_TYPE, note.into_bytes()),
                None => problem(
                    StatusCode::NOT_FOUND,
                    "this witness has not cosigned a checkpoint of that log yet",
                ),
            },
            Err(e) => {
                tracing::error!(error = %e, "reading a log's state failed");
                problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    })
    .await
}

/// Opens the witness of `config` and serves it on `listener` until `shutdown` resolves.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), OpenError> {
    let witness = Witness::open(config).await?;
    tracing::info!(vkey = %witness.vkey(), addr = ?listener.local_addr().ok(), "witness serving");
    witness.serve(listener, shutdown).await?;
    Ok(())
}

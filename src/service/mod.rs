//! The officers' use cases, one plain `async fn` each: the JSON API (`http::officer_api`), the
//! officer pages (`http::pages::officer`) and the CLI all call these and keep no rule of their
//! own. Each function checks its input with the domain's rules, runs in one [`App::write`]
//! transaction with its audit entry, bumps the cache epoch when a status changes (in that
//! transaction, so other nodes see it within a poll) and drops this node's status cache after
//! the commit.
//!
//! Areas: `registry` (brands, producers, rights of use), `issuance` (certificates), `accounts`
//! (officers, passwords, sign-in, API keys), `keys` (signing keys).

use std::future::Future;
use std::sync::Arc;

use sea_orm::DatabaseTransaction;
use serde::Serialize;

use crate::domain::values::FieldError;
use crate::state::{App, TxError};
use crate::store::StoreError;
use crate::store::idempotency::{self, Stored};

pub mod accounts;
pub mod claims;
pub mod inclusion;
pub mod issuance;
pub mod keys;
pub mod passwords;
pub mod registry;

/// Why a use case refused or failed. The API maps it to problem+json, the pages to a message
/// in the visitor's language.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that does not parse, every refused field named (422).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The thing acted on does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// A rule of the registry forbids the change; `reason` is a machine word (409).
    #[error("{detail}")]
    Conflict {
        reason: &'static str,
        detail: String,
    },
    /// The lot is already certified (409 `lot_already_certified`): one lot, one certificate.
    #[error("{detail}")]
    LotAlreadyCertified {
        existing: crate::domain::values::CertificateNumber,
        detail: String,
    },
    /// The request cannot be carried out as sent, e.g. an idempotency key reused for another
    /// request (422 without fields).
    #[error("{0}")]
    Unprocessable(String),
    /// This node lacks what the action needs, e.g. the active signing key (503).
    #[error("{0}")]
    Unavailable(String),
    /// The database failed, or holds something the domain cannot read.
    #[error(transparent)]
    Store(StoreError),
    /// Anything else that is our fault (500), with its context.
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    pub fn conflict(reason: &'static str, detail: impl Into<String>) -> Self {
        ServiceError::Conflict {
            reason,
            detail: detail.into(),
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(d) => ServiceError::NotFound(d),
            StoreError::Conflict { reason, detail } => ServiceError::Conflict { reason, detail },
            StoreError::Unprocessable(d) => ServiceError::Unprocessable(d),
            other => ServiceError::Store(other),
        }
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(e: sea_orm::DbErr) -> Self {
        ServiceError::Store(e.into())
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for ServiceError {
    fn from(e: Vec<FieldError>) -> Self {
        ServiceError::Invalid(e)
    }
}

impl TxError for ServiceError {
    fn is_retryable(&self) -> bool {
        matches!(self, ServiceError::Store(e) if e.is_retryable())
    }
}

/// Collects field errors, so one answer names every refused field.
#[derive(Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// `Ok` when nothing was refused.
    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.0))
        }
    }
}

/// A value every check passed, or the internal error of a check that let a field go missing.
pub(crate) fn checked<T>(v: Option<T>) -> Result<T, ServiceError> {
    v.ok_or_else(|| ServiceError::Internal("a checked field went missing".into()))
}

/// Who acts, and how a retry of the same request is recognised.
#[derive(Clone, Debug)]
pub struct By {
    /// `officer:<e-mail>`, `apikey:<id>`, `cli:<command>`: what the audit log records.
    pub actor: String,
    pub idempotency: Option<Idempotency>,
}

impl By {
    /// An actor without an idempotency key (pages, CLI).
    pub fn actor(actor: impl Into<String>) -> Self {
        By {
            actor: actor.into(),
            idempotency: None,
        }
    }
}

/// An `Idempotency-Key` and what identifies the request it came with: a retry within 24 hours
/// gets the stored answer; the same key with another request is refused.
#[derive(Clone, Debug)]
pub struct Idempotency {
    pub key: String,
    /// The method and route, e.g. `POST /api/v1/brands`.
    pub route: String,
    /// A digest of the route and the canonical request body.
    pub request_hash: String,
    /// The status the first answer is given with, kept for the replay.
    pub status: u16,
}

/// What a use case gives back: its result, or the stored answer of an earlier identical request.
#[derive(Debug)]
pub enum Outcome<T> {
    Done(T),
    Replayed(Stored),
}

impl<T> Outcome<T> {
    /// The result of a first run (pages and CLI, which send no idempotency key, get no replay).
    pub fn done(self) -> Result<T, ServiceError> {
        match self {
            Outcome::Done(v) => Ok(v),
            Outcome::Replayed(_) => Err(ServiceError::Internal(
                "a replay where no idempotency key was sent".into(),
            )),
        }
    }
}

/// Runs `work` in one transaction, with the idempotency check and record of `by` in the same
/// transaction. After a first run that changed statuses, this node's status cache is dropped
/// (other nodes follow the cache epoch that `work` bumped).
pub(crate) async fn run<T, F, Fut>(
    app: &App,
    by: &By,
    statuses_change: bool,
    work: F,
) -> Result<Outcome<T>, ServiceError>
where
    T: Serialize,
    F: Fn(Arc<DatabaseTransaction>) -> Fut,
    Fut: Future<Output = Result<T, ServiceError>>,
{
    let (by, work) = (by, &work);
    let outcome = app
        .write(|tx| async move {
            let actor = by.actor.as_str();
            let Some(idem) = &by.idempotency else {
                return Ok(Outcome::Done(work(tx).await?));
            };
            if let Some(stored) = idempotency::get(&*tx, actor, &idem.key).await? {
                if stored.route != idem.route || stored.request_hash != idem.request_hash {
                    return Err(ServiceError::Unprocessable(
                        "this Idempotency-Key was already used with a different request; use a new key".into(),
                    ));
                }
                return Ok(Outcome::Replayed(stored));
            }
            let value = work(tx.clone()).await?;
            let stored = Stored {
                route: idem.route.clone(),
                request_hash: idem.request_hash.clone(),
                status: idem.status,
                response: serde_json::to_string(&value)
                    .map_err(|e| ServiceError::Internal(format!("answer to store: {e}")))?,
            };
            idempotency::put(&*tx, actor, &idem.key, &stored).await?;
            Ok(Outcome::Done(value))
        })
        .await?;
    if statuses_change && matches!(outcome, Outcome::Done(_)) {
        app.statuses_changed();
    }
    Ok(outcome)
}

//! Queries. Each file owns one aggregate and maps rows to domain types. Functions take
//! `&impl ConnectionTrait`, so the caller decides whether they run inside a transaction.
//! Handlers never write SQL; they call these.

use sea_orm::{DbErr, RuntimeErr};

pub mod api_keys;
pub mod audit;
pub mod brands;
pub mod certificates;
pub mod claims;
pub mod credential_status;
pub mod dashboard;
pub mod events;
pub mod idempotency;
pub mod inclusion;
pub mod locations;
pub mod memberships;
pub mod officers;
pub mod ops;
pub mod producers;
pub mod rate_limits;
pub mod registry;
pub mod reports;
pub mod scans;
pub mod search;
pub mod secrets;
pub mod seed;
pub mod sessions;
pub mod settings;
pub mod signing_keys;
pub mod status_list;
pub mod translog;
pub mod tx;

/// What can go wrong below the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    NotFound(String),
    /// A rule of the registry forbids the change; `reason` is a machine word.
    #[error("{detail}")]
    Conflict {
        reason: &'static str,
        detail: String,
    },
    /// Stored data that the domain cannot read: a bug or a hand edit.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The request cannot be carried out as sent (422).
    #[error("{0}")]
    Unprocessable(String),
    /// A concurrent writer got there first; run the transaction again.
    #[error("a concurrent request interfered; retry")]
    Retry,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    pub fn conflict(reason: &'static str, detail: impl Into<String>) -> Self {
        StoreError::Conflict {
            reason,
            detail: detail.into(),
        }
    }

    /// Whether the database itself is out of reach (as opposed to a query failing).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Db(e) if is_unavailable(e))
    }

    /// Whether running the transaction again may succeed: a lost race, or SQLite busy.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Retry => true,
            StoreError::Db(e) => is_busy(e),
            _ => false,
        }
    }
}

/// Errors that mean "the database is not there right now".
pub fn is_unavailable(e: &DbErr) -> bool {
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            match s.as_ref() {
                sea_orm::sqlx::Error::Io(_)
                | sea_orm::sqlx::Error::PoolTimedOut
                | sea_orm::sqlx::Error::PoolClosed
                | sea_orm::sqlx::Error::WorkerCrashed
                | sea_orm::sqlx::Error::Protocol(_) => true,
                // PostgreSQL going away: connection exceptions (class 08), and the server
                // shutting down or starting up (57P01, 57P02, 57P03).
                sea_orm::sqlx::Error::Database(d) => d.code().is_some_and(|c| {
                    c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

/// SQLite's "database is locked" family, and PostgreSQL serialization failures.
pub fn is_busy(e: &DbErr) -> bool {
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            match s.as_ref() {
                sea_orm::sqlx::Error::Database(d) => {
                    let code = d.code().unwrap_or_default();
                    // SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes; 40001 and
                    // 40P01 are PostgreSQL's serialization failure and deadlock.
                    code == "5"
                        || code == "6"
                        || code == "517"
                        || code == "261"
                        || code == "40001"
                        || code == "40P01"
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether the error is a violated unique constraint.
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Reads a stored machine word into its domain enum, or reports the row as corrupt.
pub(crate) fn word<T>(
    parse: fn(&'static str, &str) -> Result<T, crate::domain::values::FieldError>,
    field: &'static str,
    s: &str,
) -> Result<T, StoreError> {
    parse(field, s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

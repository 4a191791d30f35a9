//! Queries. Each file owns one aggregate and maps rows to domain types. Functions take
//! `&impl ConnectionTrait`, so the caller decides whether they run inside a transaction.
//! Handlers never write SQL; they call these.

use sea_orm::{DbErr, RuntimeErr};

pub mod audit;
pub mod certificates;
pub mod officers;
pub mod registry;
pub mod scans;
pub mod seed;
pub mod signing_keys;

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
}

/// Errors that mean "the database is not there right now".
pub fn is_unavailable(e: &DbErr) -> bool {
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            matches!(
                s.as_ref(),
                sea_orm::sqlx::Error::Io(_)
                    | sea_orm::sqlx::Error::PoolTimedOut
                    | sea_orm::sqlx::Error::PoolClosed
                    | sea_orm::sqlx::Error::WorkerCrashed
            )
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

//! The one place a write transaction is opened: [`Writer::write`] runs a closure in one
//! transaction, all of it or none, and runs it again after a lost race (SQLite busy, a
//! PostgreSQL serialization failure, a concurrent idempotent retry), a few times.
//!
//! `App::write` is this, with the service's writer; the scan writer, the key store, the seed
//! and the one-off commands use the same `Writer`, so every transaction has the same rules.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait,
};

use super::StoreError;

/// An error a transaction's work can end with: a store error converts into it, and it says
/// whether running the work again could succeed.
pub trait TxError: From<StoreError> {
    fn is_retryable(&self) -> bool;
}

impl TxError for StoreError {
    fn is_retryable(&self) -> bool {
        StoreError::is_retryable(self)
    }
}

/// Opens the transactions of one process. Clones share the turn, so clone one writer rather
/// than making several.
#[derive(Clone)]
pub struct Writer {
    db: DatabaseConnection,
    /// SQLite has one writer: taking turns here avoids lock-upgrade failures between
    /// transactions of this process.
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

/// Attempts of one write before a lost race is reported.
const ATTEMPTS: u64 = 5;

impl Writer {
    pub fn new(db: DatabaseConnection) -> Self {
        Writer {
            db,
            turn: Arc::default(),
        }
    }

    /// The pool, for reads.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Runs `work` in one transaction: all of it is written, or none. A lost race rolls back
    /// and runs it again, a few times.
    ///
    /// `work` gets the transaction as an `Arc` it must drop by the time its future completes,
    /// so it can borrow from the caller without higher-ranked lifetimes.
    pub async fn write<T, E, F, Fut>(&self, work: F) -> Result<T, E>
    where
        E: TxError,
        F: Fn(Arc<DatabaseTransaction>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let _turn = match self.db.get_database_backend() {
            DbBackend::Sqlite => Some(self.turn.lock().await),
            _ => None,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tx = self.db.begin().await.map_err(StoreError::from)?;
            if self.db.get_database_backend() == DbBackend::Sqlite {
                // Take the write lock before the first read, as BEGIN IMMEDIATE would: a
                // transaction that reads first and writes later fails with SQLITE_BUSY_SNAPSHOT
                // (517) whenever a write outside this turn (a rate-limit token) committed in
                // between, and under concurrent issuance five retries were not always enough.
                // A write statement takes the lock even when it matches no row.
                let lock = "UPDATE log_state SET next = next WHERE id = 0";
                if let Err(e) = tx.execute_unprepared(lock).await {
                    let _ = tx.rollback().await;
                    let e = E::from(StoreError::from(e));
                    if e.is_retryable() && attempt < ATTEMPTS {
                        tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
                        continue;
                    }
                    return Err(e);
                }
            }
            let tx = Arc::new(tx);
            let outcome = work(tx.clone()).await;
            let Ok(tx) = Arc::try_unwrap(tx) else {
                return Err(StoreError::Corrupt("a transaction outlived its work".into()).into());
            };
            let result = match outcome {
                Ok(v) => tx
                    .commit()
                    .await
                    .map(|()| v)
                    .map_err(|e| E::from(StoreError::from(e))),
                Err(e) => {
                    let _ = tx.rollback().await;
                    Err(e)
                }
            };
            match result {
                Err(e) if e.is_retryable() && attempt < ATTEMPTS => {
                    tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
                }
                other => return other,
            }
        }
    }
}

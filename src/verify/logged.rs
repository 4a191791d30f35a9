//! Where each certificate's issue entry sits in the public issuance log, for the verdict's
//! `log` field ("publicly logged, entry N").
//!
//! An index never changes once its certificate exists (the entry commits with the certificate),
//! and a certificate issued before the log has none for ever, so this map is never invalidated
//! by status changes, unlike the certificate cache. It is filled where that cache is filled, for
//! certificates that exist only, so numbers callers make up cannot crowd it either.

use std::collections::HashMap;
use std::sync::RwLock;

use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::store::{StoreError, translog};

/// The verdict's `log` field.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct LogRef {
    /// The issue entry's index in the log (tlog-tiles).
    pub index: u64,
    /// Where its C2SP tlog-proof is served.
    pub proof: String,
}

/// Log indexes by certificate number; `None`: the certificate is not in the log.
pub struct LogIndexes {
    map: RwLock<HashMap<u64, Option<u64>>>,
    capacity: usize,
}

impl LogIndexes {
    pub fn new(capacity: usize) -> Self {
        LogIndexes {
            map: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    /// The log reference of a certificate whose index is known here.
    pub fn get(&self, certificate: u64) -> Option<LogRef> {
        let index = self
            .map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&certificate)
            .copied()
            .flatten()?;
        Some(LogRef {
            index,
            proof: format!("/api/v1/certificates/{certificate}/proof"),
        })
    }

    /// Looks up, in one query, the existing certificates among `numbers` not known here yet.
    pub async fn ensure(
        &self,
        db: &impl ConnectionTrait,
        numbers: impl IntoIterator<Item = u64>,
    ) -> Result<(), StoreError> {
        let missing: Vec<i64> = {
            let map = self.map.read().unwrap_or_else(|e| e.into_inner());
            numbers
                .into_iter()
                .filter(|n| !map.contains_key(n))
                .filter_map(|n| i64::try_from(n).ok())
                .collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        let found: HashMap<i64, u64> = translog::issue_indexes(db, &missing)
            .await?
            .into_iter()
            .collect();
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        for n in missing {
            if map.len() >= self.capacity {
                // Bounded the way the certificate cache is: drop every other entry.
                let mut keep = false;
                map.retain(|_, _| {
                    keep = !keep;
                    keep
                });
            }
            map.insert(n as u64, found.get(&n).copied());
        }
        Ok(())
    }
}

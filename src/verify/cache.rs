//! The in-memory status cache: certificate, brand, producer and right-of-use facts per
//! certificate number, so a scan costs no database round trip.
//!
//! Invalidation is by generation. Every status change bumps `cache_epoch` in the database in
//! the same transaction; each node polls it (and the writing node also invalidates at once).
//! A load that started before an invalidation is discarded rather than cached, so a stale row
//! can never outlive the change that made it stale.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::store::certificates::CertRecord;

/// Cached lookups: `Some(None)` is a cached "no such certificate".
pub struct CertCache {
    map: RwLock<HashMap<u64, Option<Arc<CertRecord>>>>,
    generation: AtomicU64,
    capacity: usize,
}

/// A ticket taken before loading; a stale ticket's results are not cached.
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

impl CertCache {
    pub fn new(capacity: usize) -> Self {
        CertCache {
            map: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            capacity,
        }
    }

    /// The cached answer for a number, or `None` on a miss.
    pub fn get(&self, number: u64) -> Option<Option<Arc<CertRecord>>> {
        self.map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&number)
            .cloned()
    }

    /// Call before reading from the database.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Stores what was loaded under `ticket`, unless the cache was invalidated meanwhile.
    pub fn fill(
        &self,
        ticket: Ticket,
        entries: impl IntoIterator<Item = (u64, Option<Arc<CertRecord>>)>,
    ) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        if map.len() >= self.capacity {
            // Simple and bounded: start over rather than track recency on the hot path.
            map.clear();
        }
        map.extend(entries);
    }

    /// Forgets everything.
    pub fn invalidate(&self) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        map.clear();
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_that_straddles_an_invalidation_is_dropped() {
        let c = CertCache::new(10);
        let t = c.ticket();
        c.invalidate();
        c.fill(t, [(1, None)]);
        assert!(c.get(1).is_none());
        let t = c.ticket();
        c.fill(t, [(1, None)]);
        assert!(matches!(c.get(1), Some(None)));
        c.invalidate();
        assert!(c.get(1).is_none());
    }

    #[test]
    fn capacity_is_bounded() {
        let c = CertCache::new(3);
        for i in 0..10 {
            c.fill(c.ticket(), [(i, None)]);
            assert!(c.len() <= 3);
        }
    }
}

//! The in-memory status cache: certificate, brand, producer and right-of-use facts per
//! certificate number, so a scan costs no database round trip.
//!
//! Invalidation is by generation. Every status change bumps `cache_epoch` in the database in
//! the same transaction; each node polls it (and the writing node also invalidates at once).
//! A load that started before an invalidation is discarded rather than cached, so a stale row
//! can never outlive the change that made it stale.
//!
//! Only certificates that exist are kept. A lookup of a number nobody issued is not cached:
//! such numbers come from whoever asks (a typed short code, an officer's URL), and caching them
//! would let a stream of made-up numbers push the real certificates out, sending every scan back
//! to the database. Real certificates are bounded by what was issued; past the capacity, half of
//! the entries are dropped rather than all of them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::store::certificates::CertRecord;

/// Cached certificate records, by number.
pub struct CertCache {
    map: RwLock<HashMap<u64, Arc<CertRecord>>>,
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

    /// The cached record for a number, as `Some(Some(record))`, or `None` on a miss (the
    /// nested option keeps the callers' "known absent" case, which this cache never claims).
    pub fn get(&self, number: u64) -> Option<Option<Arc<CertRecord>>> {
        self.map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&number)
            .cloned()
            .map(Some)
    }

    /// Call before reading from the database.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Stores what was loaded under `ticket`, unless the cache was invalidated meanwhile.
    /// Absent certificates (`None`) are not stored.
    pub fn fill(
        &self,
        ticket: Ticket,
        entries: impl IntoIterator<Item = (u64, Option<Arc<CertRecord>>)>,
    ) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if self.generation.load(Ordering::Acquire) != ticket.0 {
            return;
        }
        for (number, record) in entries {
            let Some(record) = record else { continue };
            if map.len() >= self.capacity && !map.contains_key(&number) {
                // Bounded without tracking recency on the hot path: drop every other entry.
                let mut keep = false;
                map.retain(|_, _| {
                    keep = !keep;
                    keep
                });
            }
            map.insert(number, record);
        }
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

    fn record(number: u64) -> Arc<CertRecord> {
        use crate::store::certificates::{BrandRef, CertView, LabelRange, ProducerRef};
        let now = chrono::Utc::now();
        let facts = crate::domain::verdict::CertFacts {
            number,
            brand: 1,
            kid: crate::domain::code::Kid([1, 2, 3, 4]),
            quantity: 1,
            expires_on: now.date_naive(),
            issued_at: now,
            status: crate::domain::values::CertificateStatus::Issued,
            brand_status: crate::domain::values::Standing::Active,
            membership: Some(crate::domain::values::Standing::Active),
            member_withdrawn_at: None,
        };
        let names = crate::store::registry::Names {
            ar: String::new(),
            fr: String::new(),
            en: String::new(),
            zgh: String::new(),
        };
        let view = CertView {
            number: number.to_string(),
            status: facts.status,
            brand: BrandRef {
                number: 1,
                code: "x".into(),
                names,
            },
            producer: ProducerRef {
                id: 1,
                name: String::new(),
                kind: "cooperative".into(),
                region: crate::domain::values::Region::Oriental,
                province: String::new(),
                women_led: false,
                youth_led: false,
            },
            product: String::new(),
            lot: String::new(),
            quantity: 1,
            labels: LabelRange { first: 1, last: 1 },
            produced_on: now.date_naive(),
            expires_on: now.date_naive(),
            issued_at: now,
            kid: "01020304".into(),
            revocation_reason: None,
            revoked_at: None,
        };
        let view_json = serde_json::value::to_raw_value(&view).unwrap();
        Arc::new(CertRecord {
            facts,
            view,
            issued_by: String::new(),
            view_json,
        })
    }

    #[test]
    fn a_load_that_straddles_an_invalidation_is_dropped() {
        let c = CertCache::new(10);
        let t = c.ticket();
        c.invalidate();
        c.fill(t, [(1, Some(record(1)))]);
        assert!(c.get(1).is_none());
        let t = c.ticket();
        c.fill(t, [(1, Some(record(1)))]);
        assert!(matches!(c.get(1), Some(Some(_))));
        c.invalidate();
        assert!(c.get(1).is_none());
    }

    #[test]
    fn absent_numbers_never_push_real_certificates_out() {
        let c = CertCache::new(3);
        c.fill(c.ticket(), [(1, Some(record(1)))]);
        for i in 100..10_000 {
            c.fill(c.ticket(), [(i, None)]);
        }
        assert_eq!(c.len(), 1);
        assert!(matches!(c.get(1), Some(Some(_))));
        assert!(c.get(100).is_none(), "a miss is not cached");
    }

    #[test]
    fn capacity_is_bounded() {
        let c = CertCache::new(4);
        for i in 0..50 {
            c.fill(c.ticket(), [(i, Some(record(i)))]);
            assert!(c.len() <= 4);
        }
        assert!(c.get(49).is_some(), "the newest entry stays");
    }
}

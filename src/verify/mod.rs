//! Verification: the hot path of the service. A code goes through the codec, the key ring in
//! memory, strict Ed25519 verification (batched across concurrent requests), the status cache
//! and the one verdict function, without a database round trip once the caches are warm.
//!
//! [`Verifier`] owns everything this needs (key ring, certificate cache, scan tally, cache
//! epoch, signature batcher); the state holds one and passes it the database connection, so
//! nothing here depends on the state. Verifying a label ([`Verifier::check`]) and recording a
//! scan ([`Verifier::record`]) are separate steps: only the routes a scanner calls record one.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use tasdiq_sigbatch::{AdmittedKey, Batcher};

use crate::domain::code::{CodeError, Kid};
use crate::domain::keys::KeyRing;
use crate::domain::verdict::{self, Decision, Status};
use crate::store::certificates::CertRecord;

mod batch;
pub mod cache;
mod check;
pub mod logged;
pub mod risk;
pub mod scans;

pub use scans::Source;

use cache::CertCache;
use scans::Scans;

/// The label part of a verdict.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct LabelInfo {
    /// Decimal string: JSON numbers lose precision past 2^53.
    pub certificate: String,
    pub item: u32,
    pub scans: u64,
    pub first_scanned_at: Option<DateTime<Utc>>,
}

/// The verdict JSON (contract §3).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Verdict {
    pub status: Status,
    pub reason: &'static str,
    pub checked_at: DateTime<Utc>,
    pub label: Option<LabelInfo>,
    #[serde(serialize_with = "view_only")]
    #[schema(value_type = Option<crate::store::certificates::CertView>)]
    pub certificate: Option<Arc<CertRecord>>,
    pub warnings: Vec<&'static str>,
    /// Where the certificate's issue entry is in the public issuance log (additive to the
    /// contract's shape); null unless the signature verified and the certificate was logged.
    pub log: Option<logged::LogRef>,
    /// The copy detector's judgement (`warnings` carries its reasons).
    pub risk: risk::RiskLevel,
    /// Present for lots issued with one-time claim codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<risk::ClaimState>,
    /// The latest custody recorded at a public place, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custody: Option<risk::PublicCustody>,
    /// The accepted claim's device hash, for the page's "you claimed this": never serialised.
    #[serde(skip)]
    pub claim_device: Option<String>,
}

fn view_only<S: Serializer>(c: &Option<Arc<CertRecord>>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(rec) => rec.view_json.serialize(s),
        None => s.serialize_none(),
    }
}

impl Verdict {
    /// The verdict for text that is not a label code.
    pub fn malformed(err: &CodeError, now: DateTime<Utc>) -> Self {
        let Decision { status, reason } = verdict::malformed(err);
        Verdict {
            status,
            reason,
            checked_at: now,
            label: None,
            certificate: None,
            warnings: Vec::new(),
            log: None,
            risk: risk::RiskLevel::None,
            claim: None,
            custody: None,
            claim_device: None,
        }
    }
}

/// What checking one label (or short code) found, before any scan is recorded.
#[derive(Clone, Debug)]
pub struct Checked {
    pub certificate: u64,
    pub item: u32,
    pub decision: Decision,
    /// The certificate record, if the signature verified and the certificate exists.
    pub record: Option<Arc<CertRecord>>,
    pub checked_at: DateTime<Utc>,
}

impl Checked {
    /// Whether the label belongs to a real certificate: only such labels have scans.
    pub fn genuine(&self) -> bool {
        self.record.is_some() && self.decision.status != Status::Counterfeit
    }
}

/// Takes the code out of what a scanner or a person supplies: a bare code, or a label URL
/// (`…/v/{code}` or `…/V/{code}`, with or without a query string).
pub fn code_from_input(input: &str) -> &str {
    let s = input.trim();
    let s = s.split(['?', '#']).next().unwrap_or(s);
    match s.rfind("/v/").or_else(|| s.rfind("/V/")) {
        Some(i) => &s[i + 3..],
        None => s,
    }
}

/// The key ring with each public key admitted for batch verification (admission classifies a
/// key once, about one scalar multiplication, so requests never pay for it).
struct Keys {
    ring: Arc<KeyRing>,
    admitted: Vec<(Kid, AdmittedKey)>,
}

impl Keys {
    fn new(ring: KeyRing) -> Keys {
        let admitted = ring
            .all()
            .iter()
            .map(|k| (k.kid, AdmittedKey::new(k.public)))
            .collect();
        Keys {
            ring: Arc::new(ring),
            admitted,
        }
    }

    fn admitted(&self, kid: Kid) -> Option<&AdmittedKey> {
        self.admitted
            .iter()
            .find(|(k, _)| *k == kid)
            .map(|(_, a)| a)
    }
}

/// Everything verification holds in memory: the key ring, the certificate cache, the scan
/// tally, the cache epoch last seen, and the batcher that checks concurrent single-code
/// requests' signatures together.
pub struct Verifier {
    keys: RwLock<Arc<Keys>>,
    pub certs: CertCache,
    pub scans: Scans,
    /// Certificates' log indexes, filled with the certificate cache.
    pub logged: logged::LogIndexes,
    /// The copy detector's facts per label (see `risk`).
    pub risk: risk::RiskFacts,
    epoch: AtomicI64,
    /// `None` when batching is off: each signature is checked on its own.
    batcher: Option<Batcher>,
}

impl Verifier {
    /// A verifier over `ring`, having seen cache epoch `epoch`, checking up to `max_batch`
    /// signatures of concurrent requests together (0: each on its own).
    pub fn new(ring: KeyRing, epoch: i64, scans: Scans, max_batch: usize) -> Verifier {
        let batcher = (max_batch > 0).then(|| {
            Batcher::spawn(tasdiq_sigbatch::Config {
                max_batch,
                ..tasdiq_sigbatch::Config::default()
            })
        });
        Verifier {
            keys: RwLock::new(Arc::new(Keys::new(ring))),
            certs: CertCache::new(100_000),
            scans,
            logged: logged::LogIndexes::new(100_000),
            risk: risk::RiskFacts::default(),
            epoch: AtomicI64::new(epoch),
            batcher,
        }
    }

    fn keys(&self) -> Arc<Keys> {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The current key ring.
    pub fn key_ring(&self) -> Arc<KeyRing> {
        self.keys().ring.clone()
    }

    /// Replaces the key ring (after a rotation, or another node's).
    pub fn set_key_ring(&self, ring: KeyRing) {
        let keys = Arc::new(Keys::new(ring));
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
    }

    /// Drops every cached status.
    pub fn statuses_changed(&self) {
        self.certs.invalidate();
    }

    /// Takes note of the cache epoch read from the database: if it moved, drops cached
    /// statuses and returns `true` (the caller then reloads the key ring).
    pub fn epoch_seen(&self, epoch: i64) -> bool {
        if self.epoch.swap(epoch, Ordering::AcqRel) == epoch {
            return false;
        }
        self.certs.invalidate();
        true
    }

    /// The batcher's counters (batches, signatures batched), for measurements and tests.
    pub fn batch_stats(&self) -> tasdiq_sigbatch::Stats {
        self.batcher
            .as_ref()
            .map(Batcher::stats)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::code_from_input;

    #[test]
    fn codes_come_out_of_urls() {
        assert_eq!(code_from_input("123"), "123");
        assert_eq!(code_from_input(" https://x.ma/v/123 "), "123");
        assert_eq!(code_from_input("HTTPS://X.MA/V/123?lang=ar"), "123");
        assert_eq!(code_from_input("http://127.0.0.1:8080/v/123#top"), "123");
    }
}

//! The risk step of a verdict: the label's facts gathered for `tasdiq_custody::detector`
//! (scans by network and day, custody events, claim state), judged, and added to the verdict
//! as `risk` and machine-word `warnings`.
//!
//! The facts of a label are read together (one indexed query per table, for many labels at
//! once) and kept in memory for [`FACTS_TTL`]: a label scanned often costs no query per scan.
//! This node forgets a label's facts when it records a custody event or a claim for it; other
//! nodes see them within the TTL. Scans by network are tallied in memory and written by the
//! background writer with the scan tallies; what it writes joins the facts held here, so a
//! label scanned all day costs three indexed queries every [`FACTS_TTL`], not every flush.
//!
//! Networks are keyed pseudonyms: the client's network (IPv4 /24, IPv6 /48) under a key derived
//! from the short-code secret ([`NetId`], in memory only), then hashed with the label
//! ([`label_network`]), which is what is stored. The same household is the same network across
//! days, so the detector can count households; without the secret, stored pseudonyms link
//! neither to an address nor across labels.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{DatabaseConnection, TransactionTrait};
use sha2::{Digest, Sha256};
use tasdiq_custody::detector::{
    self, Claim, ClaimFacts, CustodyFact, FailedClaims, LabelFacts, Network as DetNet, RepeatClaim,
    Risk, ScanCount, Step,
};

use super::scans::Network;
use crate::domain::humancode::ShortCodeKey;
use crate::store::StoreError;
use crate::store::claims::{self, ClaimRow, NetworkDay, TryOutcome};
use crate::store::events;
use crate::store::scans::LabelKey;

/// How long a label's stored facts are trusted before a scan re-reads them.
/// Custody and claims this node records are seen at once (it forgets the labels' facts); other
/// nodes' within the TTL.
pub const FACTS_TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 100_000;
const MAX_PENDING: usize = 200_000;

/// A client network under the service's key: the same network gives the same id on every node
/// and every day. Held in memory only; what is stored is [`label_network`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NetId(pub [u8; 16]);

impl NetId {
    /// The id of the network of `ip`; `None` without an address (in-process requests).
    pub fn of(key: &ShortCodeKey, ip: Option<std::net::IpAddr>) -> Option<NetId> {
        let network = Network::of(ip);
        if network == Network::Unknown {
            return None;
        }
        let (bytes, len) = network.bytes();
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).ok()?;
        mac.update(b"tasdiq-risk-network-v1");
        mac.update(&bytes[..len]);
        let tag = mac.finalize().into_bytes();
        let mut id = [0u8; 16];
        id.copy_from_slice(&tag[..16]);
        Some(NetId(id))
    }
}

/// The stored pseudonym of network `net` for one label.
pub fn label_network(net: NetId, key: LabelKey) -> i64 {
    let mut h = Sha256::new();
    h.update(b"tasdiq-label-network-v1");
    h.update(net.0);
    h.update(key.certificate.to_be_bytes());
    h.update(key.item.to_be_bytes());
    let d = h.finalize();
    i64::from_be_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

/// The verdict's `risk`: how likely it is that this label was copied onto other items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Nothing unusual.
    None,
    /// Unusual, not conclusive (for officers; the page stays as it is).
    Watch,
    /// Very likely copied: the page turns amber and says what to do.
    High,
}

impl From<Risk> for RiskLevel {
    fn from(r: Risk) -> RiskLevel {
        match r {
            Risk::None => RiskLevel::None,
            Risk::Watch => RiskLevel::Watch,
            Risk::High => RiskLevel::High,
        }
    }
}

/// The verdict's `claim`, present when the lot was issued with one-time claim codes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimState {
    /// When the buyer claimed the item with the code inside; `null` while unclaimed.
    pub claimed_at: Option<DateTime<Utc>>,
}

/// The verdict's `custody`: the latest receipt or sale recorded at a place its retailer made
/// public, for the page's "sold by … in … on …".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PublicCustody {
    /// `receiving` or `retail_selling`.
    pub step: &'static str,
    /// The shop's name and city, as its retailer registered them.
    pub name: String,
    pub city: String,
    pub at: DateTime<Utc>,
}

/// What the risk step adds to a verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRisk {
    pub risk: Risk,
    pub warnings: Vec<&'static str>,
    /// `Some` when the lot was issued with claim codes: the claim, if any.
    pub claim: Option<Option<ClaimRow>>,
    pub custody: Option<PublicCustody>,
}

impl LabelRisk {
    pub fn none() -> LabelRisk {
        LabelRisk {
            risk: Risk::None,
            warnings: Vec::new(),
            claim: None,
            custody: None,
        }
    }
}

/// A label's stored facts.
#[derive(Clone, Debug, Default)]
struct Stored {
    networks: Vec<ScanCount>,
    custody: Vec<CustodyFact>,
    claim: ClaimFacts,
    claim_row: Option<ClaimRow>,
    claims_lot: bool,
    public: Option<PublicCustody>,
}

struct Entry {
    stored: Arc<Stored>,
    read_at: Instant,
}

/// Unwritten scans of one label: (network pseudonym, day, scans).
type PendingScans = (i64, NaiveDate, i32);

/// The risk step's memory: stored facts per label, and scans by network not yet written.
#[derive(Default)]
pub struct RiskFacts {
    entries: RwLock<HashMap<LabelKey, Entry>>,
    pending: Mutex<HashMap<LabelKey, Vec<PendingScans>>>,
}

impl RiskFacts {
    /// Whether the stored facts of `key` must be (re)read.
    pub fn needs_load(&self, key: LabelKey) -> bool {
        self.entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .is_none_or(|e| e.read_at.elapsed() > FACTS_TTL)
    }

    /// Reads the stored facts of `keys`: scans by network, custody events, claims, tries and
    /// whether the lot has claim codes, one query per table.
    pub async fn load(&self, db: &DatabaseConnection, keys: &[LabelKey]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut stored: HashMap<LabelKey, Stored> =
            keys.iter().map(|k| (*k, Stored::default())).collect();
        for r in claims::networks(db, keys).await? {
            if let Some(s) = stored.get_mut(&key_of(r.certificate, r.item)) {
                s.networks.push(ScanCount {
                    network: net(r.network),
                    day: r.day,
                    scans: u32::try_from(r.scans).unwrap_or(0),
                });
            }
        }
        for e in events::for_labels(db, keys).await? {
            if let Some(s) = stored.get_mut(&key_of(e.certificate, e.item)) {
                let step = step_of(&e.biz_step, e.disposition.as_deref());
                let word = match step {
                    Step::Received => Some("receiving"),
                    Step::Sold => Some("retail_selling"),
                    _ => None,
                };
                if let (Some(word), Some(name), Some(city)) =
                    (word, e.public_name.clone(), e.public_city.clone())
                    && s.public.as_ref().is_none_or(|p| p.at <= e.event_time)
                {
                    s.public = Some(PublicCustody {
                        step: word,
                        name,
                        city,
                        at: e.event_time,
                    });
                }
                s.custody.push(CustodyFact {
                    org: org_of(&e.recorder),
                    step: step_of(&e.biz_step, e.disposition.as_deref()),
                    at: e.event_time,
                    location: e.biz_location,
                });
            }
        }
        let mut certificates: Vec<i64> = keys.iter().map(|k| k.certificate).collect();
        certificates.sort_unstable();
        certificates.dedup();
        let lots = claims::lots(db, &certificates).await?;
        let with_claims: Vec<LabelKey> = keys
            .iter()
            .copied()
            .filter(|k| lots.contains(&k.certificate))
            .collect();
        if !with_claims.is_empty() {
            for (k, row) in claims::claims(db, &with_claims).await? {
                if let Some(s) = stored.get_mut(&k) {
                    s.claim.claimed = Some(Claim {
                        at: row.claimed_at,
                        network: net(row.network),
                    });
                    s.claim_row = Some(row);
                }
            }
            for t in claims::tries(db, &with_claims, DateTime::<Utc>::UNIX_EPOCH).await? {
                let Some(s) = stored.get_mut(&t.key) else {
                    continue;
                };
                match t.outcome {
                    TryOutcome::Wrong => {
                        let day = t.at.date_naive();
                        let n = net(t.network);
                        match s
                            .claim
                            .failed
                            .iter_mut()
                            .find(|f| f.network == n && f.day == day)
                        {
                            Some(f) => f.count += 1,
                            None => s.claim.failed.push(FailedClaims {
                                network: n,
                                day,
                                count: 1,
                            }),
                        }
                    }
                    TryOutcome::Repeat | TryOutcome::RepeatSameDevice => {
                        s.claim.repeats.push(RepeatClaim {
                            at: t.at,
                            network: net(t.network),
                            same_device: t.outcome == TryOutcome::RepeatSameDevice,
                        })
                    }
                }
            }
        }
        for (k, s) in &mut stored {
            s.claims_lot = lots.contains(&k.certificate);
        }
        let now = Instant::now();
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() + keys.len() > MAX_ENTRIES {
            entries.clear();
        }
        for (k, s) in stored {
            entries.insert(
                k,
                Entry {
                    stored: Arc::new(s),
                    read_at: now,
                },
            );
        }
        Ok(())
    }

    /// Forgets the facts of these labels (a custody event or a claim was just recorded).
    pub fn forget(&self, keys: &[LabelKey]) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            entries.remove(k);
        }
    }

    /// Counts a scan of `key` from network `net` (per-label pseudonym) on `day`.
    pub fn note(&self, key: LabelKey, network: i64, day: NaiveDate) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.len() >= MAX_PENDING && !pending.contains_key(&key) {
            return;
        }
        let rows = pending.entry(key).or_default();
        match rows.iter_mut().find(|r| r.0 == network && r.1 == day) {
            Some(r) => r.2 = r.2.saturating_add(1),
            None => rows.push((network, day, 1)),
        }
    }

    /// Judges the label at `now` from its stored facts and this node's unwritten scans.
    pub fn assess(&self, key: LabelKey, now: DateTime<Utc>) -> LabelRisk {
        let stored = self
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .map(|e| e.stored.clone())
            .unwrap_or_default();
        let mut scans = stored.networks.clone();
        if let Some(rows) = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            for (n, day, count) in rows {
                let count = u32::try_from(*count).unwrap_or(0);
                match scans
                    .iter_mut()
                    .find(|s| s.network == net(*n) && s.day == *day)
                {
                    Some(s) => s.scans = s.scans.saturating_add(count),
                    None => scans.push(ScanCount {
                        network: net(*n),
                        day: *day,
                        scans: count,
                    }),
                }
            }
        }
        let first_scan = None;
        let a = detector::assess(&LabelFacts {
            now,
            first_scan,
            scans: &scans,
            claim: &stored.claim,
            custody: &stored.custody,
        });
        LabelRisk {
            risk: a.risk,
            warnings: a.warnings(),
            claim: stored.claims_lot.then(|| stored.claim_row.clone()),
            custody: stored.public.clone().filter(|p| p.at <= now),
        }
    }

    /// Writes the scans by network tallied since the last flush, in one transaction; on
    /// failure they go back to the tally.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, StoreError> {
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return Ok(0);
        }
        let rows: Vec<NetworkDay> = batch
            .iter()
            .flat_map(|(k, rows)| {
                rows.iter().map(|(n, day, scans)| NetworkDay {
                    certificate: k.certificate,
                    item: k.item,
                    network: *n,
                    day: *day,
                    scans: *scans,
                })
            })
            .collect();
        let result = async {
            let tx = db.begin().await?;
            claims::add_networks(&tx, &rows).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        }
        .await;
        match result {
            Ok(()) => {
                // The written scans join the facts this node holds, so a flush costs no re-read.
                // A read racing this flush may count them twice until its TTL: harmless, since
                // every rule but `many_scans` (watch at most) counts distinct networks.
                let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
                for (k, rows) in &batch {
                    let Some(entry) = entries.get_mut(k) else {
                        continue;
                    };
                    let mut stored = Stored::clone(&entry.stored);
                    for (n, day, scans) in rows {
                        let scans = u32::try_from(*scans).unwrap_or(0);
                        match stored
                            .networks
                            .iter_mut()
                            .find(|s| s.network == net(*n) && s.day == *day)
                        {
                            Some(s) => s.scans = s.scans.saturating_add(scans),
                            None => stored.networks.push(ScanCount {
                                network: net(*n),
                                day: *day,
                                scans,
                            }),
                        }
                    }
                    entry.stored = Arc::new(stored);
                }
                Ok(rows.len())
            }
            Err(e) => {
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                for (k, rows) in batch {
                    let cur = pending.entry(k).or_default();
                    for (n, day, scans) in rows {
                        match cur.iter_mut().find(|r| r.0 == n && r.1 == day) {
                            Some(r) => r.2 = r.2.saturating_add(scans),
                            None => cur.push((n, day, scans)),
                        }
                    }
                }
                Err(e)
            }
        }
    }
}

fn key_of(certificate: i64, item: i32) -> LabelKey {
    LabelKey { certificate, item }
}

fn net(n: i64) -> DetNet {
    DetNet(u64::from_ne_bytes(n.to_ne_bytes()))
}

/// The organisation a recorder stands for. Until keys belong to organisations, each recorder
/// (`apikey:ID`, `officer:ID`) is its own.
fn org_of(recorder: &str) -> u64 {
    let d = Sha256::digest(recorder.as_bytes());
    u64::from_be_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

/// The detector's step of a stored event, as [`Step::of`] reads a parsed one.
fn step_of(biz_step: &str, disposition: Option<&str>) -> Step {
    match (biz_step, disposition) {
        ("receiving", Some("returned")) | ("returning", _) => Step::Returned,
        ("shipping", _) => Step::Shipped,
        ("receiving", _) => Step::Received,
        ("retail_selling", _) => Step::Sold,
        ("destroying", _) => Step::Destroyed,
        _ => Step::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_steps_read_as_parsed_ones() {
        assert_eq!(step_of("receiving", Some("returned")), Step::Returned);
        assert_eq!(step_of("receiving", None), Step::Received);
        assert_eq!(step_of("shipping", Some("in_transit")), Step::Shipped);
        assert_eq!(step_of("retail_selling", None), Step::Sold);
        assert_eq!(step_of("returning", None), Step::Returned);
        assert_eq!(step_of("destroying", None), Step::Destroyed);
        assert_eq!(step_of("inspecting", None), Step::Other);
    }

    #[test]
    fn networks_are_per_label_pseudonyms() {
        let key = ShortCodeKey::from_bytes([3; 32]);
        let ip = |s: &str| Some(s.parse().unwrap());
        let a = NetId::of(&key, ip("192.0.2.1")).unwrap();
        assert_eq!(Some(a), NetId::of(&key, ip("192.0.2.200")));
        assert_ne!(Some(a), NetId::of(&key, ip("192.0.3.1")));
        assert_eq!(NetId::of(&key, None), None);
        let l1 = key_of(1, 1);
        let l2 = key_of(1, 2);
        assert_eq!(label_network(a, l1), label_network(a, l1));
        assert_ne!(label_network(a, l1), label_network(a, l2));
        let other = ShortCodeKey::from_bytes([4; 32]);
        assert_ne!(Some(a), NetId::of(&other, ip("192.0.2.1")));
    }
}

//! Scan recording off the hot path. A scan updates an in-memory tally and returns at once; a
//! background task writes the tallies in batches (every second by default) and on shutdown.
//!
//! The counts a verdict shows are the stored totals this node last read (refreshed by every
//! flush and at most a second old for a label being scanned) plus what this node has not
//! flushed yet, so a scan shows up in the very next verdict.
//!
//! Distinct clients are salted hashes of the client's network (IPv4 /24, IPv6 /48), truncated to
//! 128 bits: not of the address and User-Agent, which one host can vary at will to pass for a
//! crowd. The salt is per day, shared by all nodes through the database, and deleted after two
//! days, so a hash cannot be linked back to a network. No raw address is ever stored.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use crate::store::StoreError;
use crate::store::scans::{self, LabelKey, ScanDelta, ScanTotals};
use crate::store::tx::Writer;

/// The network a client is counted by: IPv4 /24, IPv6 /48.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Network {
    V4([u8; 3]),
    V6([u8; 6]),
    /// No address (in-process requests).
    Unknown,
}

impl Network {
    pub fn of(ip: Option<std::net::IpAddr>) -> Network {
        match ip.map(unmapped) {
            Some(std::net::IpAddr::V4(v4)) => {
                let o = v4.octets();
                Network::V4([o[0], o[1], o[2]])
            }
            Some(std::net::IpAddr::V6(v6)) => {
                let o = v6.octets();
                Network::V6([o[0], o[1], o[2], o[3], o[4], o[5]])
            }
            None => Network::Unknown,
        }
    }

    /// The bytes hashed for this network, tagged so that the families cannot collide.
    pub fn bytes(&self) -> ([u8; 7], usize) {
        let mut b = [0u8; 7];
        match self {
            Network::V4(p) => {
                b[0] = 4;
                b[1..4].copy_from_slice(p);
                (b, 4)
            }
            Network::V6(p) => {
                b[0] = 6;
                b[1..7].copy_from_slice(p);
                (b, 7)
            }
            Network::Unknown => (b, 1),
        }
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack socket reports) as IPv4.
pub fn unmapped(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(std::net::IpAddr::V6(v6), std::net::IpAddr::V4),
        v4 => v4,
    }
}

/// When a label looks copied: the same label scanned by many clients, or many times a day.
#[derive(Clone, Copy, Debug)]
pub struct CopyThresholds {
    pub distinct_clients: u32,
    pub scans_per_day: u32,
}

/// Who scanned.
#[derive(Clone, Debug)]
pub enum Source {
    /// A consumer, as a salted hash of its network (`None` if no salt is loaded yet).
    Consumer(Option<String>),
    /// A retailer's batch check, tied to its API key.
    Retailer(i64),
}

/// A label's scan figures as a verdict shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelStats {
    pub scans: u64,
    pub first_scanned_at: Option<DateTime<Utc>>,
    pub distinct_clients: u32,
    pub day_scans: u32,
}

impl LabelStats {
    pub fn suspected_copy(&self, t: CopyThresholds) -> bool {
        self.distinct_clients >= t.distinct_clients || self.day_scans >= t.scans_per_day
    }
}

#[derive(Clone, Debug)]
struct Pending {
    scans: i64,
    retailer: i64,
    first_at: DateTime<Utc>,
    last_at: DateTime<Utc>,
    day: NaiveDate,
    day_scans: i32,
    clients: Vec<String>,
    checks: Vec<(i64, i64)>,
}

impl Pending {
    fn new(now: DateTime<Utc>) -> Self {
        Pending {
            scans: 0,
            retailer: 0,
            first_at: now,
            last_at: now,
            day: now.date_naive(),
            day_scans: 0,
            clients: Vec::new(),
            checks: Vec::new(),
        }
    }

    fn add(&mut self, source: &Source, now: DateTime<Utc>) {
        let today = now.date_naive();
        if today != self.day {
            self.day = today;
            self.day_scans = 0;
            self.clients.clear();
        }
        self.scans += 1;
        self.day_scans += 1;
        self.first_at = self.first_at.min(now);
        self.last_at = self.last_at.max(now);
        match source {
            Source::Consumer(Some(client)) => {
                // A handful of clients per label per flush: a linear scan beats hashing.
                if self.clients.len() < 64 && !self.clients.contains(client) {
                    self.clients.push(client.clone());
                }
            }
            Source::Consumer(None) => {}
            Source::Retailer(key) => {
                self.retailer += 1;
                match self.checks.iter_mut().find(|(k, _)| k == key) {
                    Some((_, n)) => *n += 1,
                    None => self.checks.push((*key, 1)),
                }
            }
        }
    }

    /// Folds a batch that failed to flush back in.
    fn merge(&mut self, other: Pending) {
        self.scans += other.scans;
        self.retailer += other.retailer;
        self.first_at = self.first_at.min(other.first_at);
        self.last_at = self.last_at.max(other.last_at);
        if other.day == self.day {
            self.day_scans += other.day_scans;
            for c in other.clients {
                if !self.clients.contains(&c) {
                    self.clients.push(c);
                }
            }
        }
        for (k, n) in other.checks {
            match self.checks.iter_mut().find(|(kk, _)| *kk == k) {
                Some((_, m)) => *m += n,
                None => self.checks.push((k, n)),
            }
        }
    }
}

#[derive(Clone, Debug)]
struct Known {
    totals: Option<ScanTotals>,
    read_at: Instant,
    /// Clients this node already wrote for this label today: a repeat scan by the same client
    /// need not be written again. A handful at most; it is only an optimisation.
    clients: Vec<(NaiveDate, String)>,
}

/// Clients remembered per label, to skip rewriting them.
const KNOWN_CLIENTS: usize = 8;

/// How long stored totals are trusted before a scan re-reads them (other nodes write too).
const KNOWN_TTL: Duration = Duration::from_secs(1);
/// Upper bounds on memory: labels with unflushed scans, and labels with known totals.
const MAX_PENDING: usize = 200_000;
const MAX_KNOWN: usize = 200_000;

/// The scan recorder.
pub struct Scans {
    pending: Mutex<HashMap<LabelKey, Pending>>,
    known: RwLock<HashMap<LabelKey, Known>>,
    salts: RwLock<Vec<(NaiveDate, [u8; 32])>>,
    pub thresholds: CopyThresholds,
}

impl Scans {
    pub fn new(thresholds: CopyThresholds) -> Self {
        Scans {
            pending: Mutex::new(HashMap::new()),
            known: RwLock::new(HashMap::new()),
            salts: RwLock::new(Vec::new()),
            thresholds,
        }
    }

    /// Whether the stored totals of `key` must be (re)read before recording.
    pub fn needs_load(&self, key: LabelKey) -> bool {
        self.known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .is_none_or(|k| k.read_at.elapsed() > KNOWN_TTL)
    }

    /// Reads the stored totals of `keys`.
    pub async fn load(&self, db: &DatabaseConnection, keys: &[LabelKey]) -> Result<(), StoreError> {
        let rows = scans::totals(db, keys).await?;
        let now = Instant::now();
        let mut found: HashMap<LabelKey, ScanTotals> = rows
            .into_iter()
            .map(|r| {
                (
                    LabelKey {
                        certificate: r.certificate,
                        item: r.item,
                    },
                    r,
                )
            })
            .collect();
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        if known.len() + keys.len() > MAX_KNOWN {
            known.clear();
        }
        for k in keys {
            let clients = known.get(k).map(|e| e.clients.clone()).unwrap_or_default();
            known.insert(
                *k,
                Known {
                    totals: found.remove(k),
                    read_at: now,
                    clients,
                },
            );
        }
        Ok(())
    }

    /// Counts one scan and returns the label's figures including it.
    pub fn record(&self, key: LabelKey, source: &Source, now: DateTime<Utc>) -> LabelStats {
        let today = now.date_naive();
        let (known, seen) = {
            let map = self.known.read().unwrap_or_else(|e| e.into_inner());
            let entry = map.get(&key);
            let seen = match (entry, source) {
                (Some(e), Source::Consumer(Some(c))) => {
                    e.clients.iter().any(|(d, k)| *d == today && k == c)
                }
                _ => false,
            };
            (entry.and_then(|k| k.totals), seen)
        };
        // A client already written today is a scan, but not a new distinct client.
        let anonymous = Source::Consumer(None);
        let source = if seen { &anonymous } else { source };
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let p = if pending.len() < MAX_PENDING || pending.contains_key(&key) {
            let p = pending.entry(key).or_insert_with(|| Pending::new(now));
            p.add(source, now);
            Some(p.clone_counts())
        } else {
            tracing::warn!("scan backlog full; a scan was not recorded");
            None
        };
        drop(pending);
        combine(known, p, now.date_naive())
    }

    /// The label's figures as they stand, without counting a scan: what a page shows when it
    /// is not a scan (a consumer's report about the label).
    pub fn peek(&self, key: LabelKey, now: DateTime<Utc>) -> LabelStats {
        let known = self
            .known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .and_then(|k| k.totals);
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .map(Pending::clone_counts);
        combine(known, pending, now.date_naive())
    }

    /// Fetches today's and tomorrow's salts, so the hot path never waits for one.
    pub async fn refresh_salts(
        &self,
        db: &DatabaseConnection,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let days = [today, today.succ_opt().unwrap_or(today)];
        let rows = scans::salts(db, &days).await?;
        let mut parsed = Vec::new();
        for (day, hex_salt) in rows {
            let mut salt = [0u8; 32];
            if hex::decode_to_slice(hex_salt.trim(), &mut salt).is_ok() {
                parsed.push((day, salt));
            }
        }
        *self.salts.write().unwrap_or_else(|e| e.into_inner()) = parsed;
        Ok(())
    }

    /// The salt of `day`, if loaded. It also keys the consumer form tokens.
    pub fn salt(&self, day: NaiveDate) -> Option<[u8; 32]> {
        self.salts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(d, _)| *d == day)
            .map(|(_, s)| *s)
    }

    /// The salted hash of a client network for `day` (the network's tagged prefix bytes), or
    /// `None` if that day's salt is not loaded.
    pub fn client_hash(&self, day: NaiveDate, network: &Network) -> Option<String> {
        let salts = self.salts.read().unwrap_or_else(|e| e.into_inner());
        let (_, salt) = salts.iter().find(|(d, _)| *d == day)?;
        let (bytes, len) = network.bytes();
        let mut h = Sha256::new();
        h.update(salt);
        h.update(&bytes[..len]);
        Some(hex::encode(&h.finalize()[..16]))
    }

    /// Writes everything recorded since the last flush, in one transaction. On failure the
    /// batch goes back to the tally and is retried next time. Returns the scans written.
    pub async fn flush(&self, writer: &Writer) -> Result<u64, StoreError> {
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return Ok(0);
        }
        let deltas: Vec<ScanDelta> = batch
            .iter()
            .map(|(key, p)| ScanDelta {
                key: *key,
                scans: p.scans,
                retailer_checks: p.retailer,
                first_at: p.first_at,
                last_at: p.last_at,
                day: p.day,
                day_scans: p.day_scans,
                clients: p.clients.clone(),
                checks: p.checks.clone(),
            })
            .collect();
        let written: i64 = deltas.iter().map(|d| d.scans).sum();
        let deltas = &deltas;
        let result = writer
            .write(|tx| async move { scans::apply(&*tx, deltas).await })
            .await;
        match result {
            Ok(totals) => {
                let now = Instant::now();
                let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
                if known.len() + totals.len() > MAX_KNOWN {
                    known.clear();
                }
                for t in totals {
                    let key = LabelKey {
                        certificate: t.certificate,
                        item: t.item,
                    };
                    let mut clients = known.remove(&key).map(|e| e.clients).unwrap_or_default();
                    if let Some(p) = batch.get(&key) {
                        clients.retain(|(d, _)| *d == p.day);
                        for c in &p.clients {
                            if clients.len() < KNOWN_CLIENTS {
                                clients.push((p.day, c.clone()));
                            }
                        }
                    }
                    known.insert(
                        key,
                        Known {
                            totals: Some(t),
                            read_at: now,
                            clients,
                        },
                    );
                }
                Ok(u64::try_from(written).unwrap_or(0))
            }
            Err(e) => {
                let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
                for (key, p) in batch {
                    if let Some(cur) = pending.get_mut(&key) {
                        cur.merge(p);
                    } else if pending.len() < MAX_PENDING {
                        pending.insert(key, p);
                    }
                }
                Err(e)
            }
        }
    }

    /// Labels with scans not yet written.
    pub fn backlog(&self) -> usize {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// The counts of a pending tally that a verdict needs.
#[derive(Clone, Copy, Debug)]
struct PendingCounts {
    scans: i64,
    first_at: DateTime<Utc>,
    day: NaiveDate,
    day_scans: i32,
    clients: usize,
}

impl Pending {
    fn clone_counts(&self) -> PendingCounts {
        PendingCounts {
            scans: self.scans,
            first_at: self.first_at,
            day: self.day,
            day_scans: self.day_scans,
            clients: self.clients.len(),
        }
    }
}

fn combine(
    known: Option<ScanTotals>,
    pending: Option<PendingCounts>,
    today: NaiveDate,
) -> LabelStats {
    let mut s = LabelStats::default();
    if let Some(k) = known {
        s.scans = u64::try_from(k.scans).unwrap_or(0);
        s.first_scanned_at = Some(k.first_at);
        s.distinct_clients = u32::try_from(k.distinct_clients).unwrap_or(0);
        if k.day == today {
            s.day_scans = u32::try_from(k.day_scans).unwrap_or(0);
        }
    }
    if let Some(p) = pending {
        s.scans += u64::try_from(p.scans).unwrap_or(0);
        s.first_scanned_at = Some(s.first_scanned_at.map_or(p.first_at, |f| f.min(p.first_at)));
        s.distinct_clients += u32::try_from(p.clients).unwrap_or(0);
        if p.day == today {
            s.day_scans += u32::try_from(p.day_scans).unwrap_or(0);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_tallies_dedupe_clients_and_split_retailers() {
        let now = Utc::now();
        let mut p = Pending::new(now);
        p.add(&Source::Consumer(Some("a".into())), now);
        p.add(&Source::Consumer(Some("a".into())), now);
        p.add(&Source::Consumer(Some("b".into())), now);
        p.add(&Source::Retailer(7), now);
        p.add(&Source::Retailer(7), now);
        assert_eq!(p.scans, 5);
        assert_eq!(p.clients, ["a", "b"]);
        assert_eq!(p.retailer, 2);
        assert_eq!(p.checks, [(7, 2)]);
    }

    #[test]
    fn thresholds() {
        let t = CopyThresholds {
            distinct_clients: 3,
            scans_per_day: 5,
        };
        let s = |distinct_clients, day_scans| LabelStats {
            distinct_clients,
            day_scans,
            ..Default::default()
        };
        assert!(!s(2, 4).suspected_copy(t));
        assert!(s(3, 0).suspected_copy(t));
        assert!(s(0, 5).suspected_copy(t));
    }

    #[test]
    fn stats_add_stored_and_unflushed() {
        let scans = Scans::new(CopyThresholds {
            distinct_clients: 10,
            scans_per_day: 10,
        });
        let key = LabelKey {
            certificate: 1,
            item: 1,
        };
        let now = Utc::now();
        assert!(scans.needs_load(key));
        let first = scans.record(key, &Source::Consumer(Some("x".into())), now);
        assert_eq!(first.scans, 1);
        assert_eq!(first.first_scanned_at, Some(now));
        let second = scans.record(key, &Source::Consumer(Some("y".into())), now);
        assert_eq!(
            (second.scans, second.distinct_clients, second.day_scans),
            (2, 2, 2)
        );
        assert_eq!(scans.backlog(), 1);
        assert_eq!(scans.peek(key, now), second, "peeking counts nothing");
        assert_eq!(scans.peek(key, now).scans, 2);
    }
}

//! Making the list: the entries from the registry (`docs/status-list.md` §3), a new version
//! when they change, and a `latest` note re-signed at least hourly. Run by the background task
//! of every serving node; two nodes racing for one version leave one row (the primary key).

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::ConnectionTrait;

use super::format::{self, Entry, Latest, Snapshot, Subject};
use super::key::StatusKey;
use crate::domain::code::Kid;
use crate::domain::values::{CertificateStatus, KeyStatus, Standing};
use crate::entity::status_version;
use crate::state::AppState;
use crate::store::{self, StoreError, status_list};
use crate::translog::Entry as LogEntry;

/// How long a `latest` note may be relied on: `as_of` + 7 days.
pub const FRESH_FOR: Duration = Duration::days(7);
/// A `latest` note older than this is re-signed (well within the hour).
pub const RESIGN_AFTER: Duration = Duration::minutes(50);
/// Deltas are served from versions up to this old; older: 410, fetch the full snapshot.
pub const DELTA_WINDOW: Duration = Duration::days(90);
/// The background task looks for status changes this often (the promise is 60 s).
pub const POLL: StdDuration = StdDuration::from_secs(5);
/// And recomputes the list at least this often, whatever the cache epoch says (expiries).
const RECOMPUTE: StdDuration = StdDuration::from_secs(600);

fn seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::seconds(1)).unwrap_or(t)
}

/// The entries of the list now: brands, certificates (expanded), compromised label keys.
pub async fn entries(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<Entry>, StoreError> {
    let mut out = Vec::new();
    for (number, status, since) in status_list::inactive_brands(db).await? {
        let Ok(b) = u16::try_from(number) else {
            return Err(StoreError::Corrupt(format!("brand number {number}")));
        };
        let (status, reason) = match Standing::parse("brand status", &status) {
            Ok(Standing::Withdrawn) => ("withdrawn", "brand_withdrawn"),
            Ok(Standing::Suspended) => ("suspended", "brand_suspended"),
            _ => continue,
        };
        out.push(entry(Subject::Brand(b), status, reason, since));
    }
    // Compromised keys: (kid, from when certificates are no longer trusted).
    let mut compromised: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for k in status_list::label_keys(db).await? {
        let is_compromised = k.status == KeyStatus::Compromised.as_str();
        if !is_compromised && k.compromised_since.is_none() {
            continue;
        }
        // No `compromised_since` on a compromised key: no certificate of it is trusted.
        let untrusted_from = k.compromised_since.unwrap_or(DateTime::<Utc>::MIN_UTC);
        let since = k.compromised_since.unwrap_or(k.created_at);
        let Some(kid) = Kid::parse(&k.kid) else {
            return Err(StoreError::Corrupt(format!("kid {}", k.kid)));
        };
        out.push(entry(
            Subject::Key(u32::from_be_bytes(kid.0)),
            "compromised",
            "key_compromised",
            since,
        ));
        compromised.push((k.kid, untrusted_from, since));
    }
    let kids: Vec<String> = compromised.iter().map(|c| c.0.clone()).collect();
    for c in status_list::flagged_certificates(db, now.date_naive(), &kids).await? {
        let Ok(number) = u64::try_from(c.number) else {
            return Err(StoreError::Corrupt(format!("certificate {}", c.number)));
        };
        let subject = Subject::Cert(number);
        let key = compromised.iter().find(|k| k.0 == c.kid);
        // The order of the online verdict (`decide_lot`).
        if let Some((_, _, since)) = key.filter(|k| c.issued_at >= k.1) {
            out.push(entry(subject, "revoked", "key_compromised", *since));
        } else if c.status == CertificateStatus::Revoked.as_str() {
            let since = c.revoked_at.unwrap_or(c.issued_at);
            out.push(entry(subject, "revoked", "certificate_revoked", since));
        } else if let Some(withdrawn) = c.member_withdrawn_at.filter(|w| c.issued_at < *w) {
            // Withdrawn after issuance: revoked for good, even under a later grant.
            out.push(entry(subject, "revoked", "member_withdrawn", withdrawn));
        } else {
            let since = c.member_since.unwrap_or(c.issued_at);
            match c.member_status.as_deref() {
                Some(s) if s == Standing::Active.as_str() => {}
                Some(s) if s == Standing::Suspended.as_str() => {
                    out.push(entry(subject, "suspended", "member_suspended", since));
                }
                _ => out.push(entry(subject, "revoked", "member_withdrawn", since)),
            }
        }
    }
    Ok(out)
}

fn entry(subject: Subject, status: &'static str, reason: &str, since: DateTime<Utc>) -> Entry {
    Entry {
        subject,
        status,
        reason: reason.to_owned(),
        since: seconds(since),
    }
}

/// What [`refresh`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// A new version, with its `latest` note.
    Version(u64),
    /// A new `latest` note over the same version.
    Resigned(u64),
    /// Nothing was due.
    Unchanged(u64),
}

/// The entry lines of a stored body (after its four header lines).
fn entry_lines(body: &str) -> impl Iterator<Item = &str> {
    body.lines().skip(4)
}

fn latest_note(
    key: &StatusKey,
    version: u64,
    digest: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let latest = Latest {
        version,
        digest: digest.to_owned(),
        as_of: now,
        fresh_until: now + FRESH_FOR,
    };
    key.sign(&latest.body(key.name()))
}

/// Makes a new version if the entries changed, else re-signs `latest` when it is due (or
/// when `force`). One transaction; a version another node wrote first wins.
pub async fn refresh(state: &AppState, force: bool) -> anyhow::Result<Refreshed> {
    let Some(key) = state.status_key.as_ref() else {
        anyhow::bail!("no status key");
    };
    if !key.can_sign() {
        anyhow::bail!("this node does not hold the status key");
    }
    let now = seconds(Utc::now());
    let outcome = state
        .write(|tx| async move {
            let db = tx.as_ref();
            let fresh = entries(db, now).await?;
            let newest = status_list::newest(db).await?;
            let lines: Vec<String> = Snapshot::new(0, now, fresh.clone())
                .entries
                .iter()
                .map(Entry::line)
                .collect();
            // Same entries under the same key name (a new public URL makes a new version).
            let first = format!("{}/v1 snapshot\n", key.name());
            let same = newest.as_ref().is_some_and(|n| {
                n.body.starts_with(&first)
                    && entry_lines(&n.body).eq(lines.iter().map(String::as_str))
            });
            let corrupt = |e: anyhow::Error| StoreError::Corrupt(e.to_string());
            if let (true, Some(n)) = (same, &newest) {
                let version = n.version as u64;
                let due = n.as_of.is_none_or(|a| now - a >= RESIGN_AFTER) || force;
                if !due {
                    return Ok(Refreshed::Unchanged(version));
                }
                let note = latest_note(key, version, &n.digest, now).map_err(corrupt)?;
                status_list::set_latest(db, version, now, note).await?;
                return Ok(Refreshed::Resigned(version));
            }
            let version = newest.as_ref().map_or(1, |n| n.version as u64 + 1);
            let created = newest.as_ref().map_or(now, |n| n.created_at.max(now));
            let snap = Snapshot::new(version, created, fresh);
            let body = snap.body(key.name());
            let digest = format::digest(&body);
            let note = key.sign(&body).map_err(corrupt)?;
            let latest = latest_note(key, version, &digest, now).map_err(corrupt)?;
            // The issuance log commits to every version (trust-design §1.1), in this
            // transaction: a version and its entry are written together or not at all.
            let count = snap.entries.len() as u64;
            crate::translog::append(db, LogEntry::status(created, version, count, &digest)).await?;
            status_list::insert(
                db,
                status_version::Model {
                    version: version as i64,
                    created_at: created,
                    digest,
                    entry_count: snap.entries.len() as i64,
                    body,
                    note,
                    as_of: Some(now),
                    latest: Some(latest),
                },
            )
            .await?;
            Ok::<_, StoreError>(Refreshed::Version(version))
        })
        .await?;
    if let Refreshed::Version(v) = outcome {
        tracing::info!(version = v, "new status list version");
    }
    Ok(outcome)
}

/// The background side: called every [`POLL`]; recomputes when the cache epoch moved (a
/// status changed on some node), every [`RECOMPUTE`], and at the first call.
#[derive(Default)]
pub struct Publisher {
    epoch: Option<i64>,
    last: Option<Instant>,
}

impl Publisher {
    pub async fn tick(&mut self, state: &AppState) {
        if !state.status_key.as_ref().is_some_and(|k| k.can_sign()) {
            return;
        }
        let epoch = match store::signing_keys::epoch(&state.db).await {
            Ok(e) => e,
            Err(e) => {
                tracing::debug!(error = %e, "status list: cannot read the cache epoch");
                return;
            }
        };
        let due = self.epoch != Some(epoch) || self.last.is_none_or(|t| t.elapsed() >= RECOMPUTE);
        if !due {
            return;
        }
        match refresh(state, false).await {
            Ok(_) => {
                self.epoch = Some(epoch);
                self.last = Some(Instant::now());
            }
            Err(e) => tracing::warn!(error = %e, "status list: refresh failed; will retry"),
        }
    }
}

//! How an offline verifier decides once a label's signature verified (`docs/status-list.md` §8):
//! the held list, the key set's word on the label key, and the time. Pure.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::format::{Latest, Snapshot, Subject};

/// A list a verifier holds: a snapshot and the `latest` note naming it.
#[derive(Debug, Clone)]
pub struct Held {
    pub snapshot: Snapshot,
    pub latest: Latest,
}

impl Held {
    /// The instant past which an absent line proves nothing: `as_of` + max age, never past
    /// `fresh_until`.
    pub fn deadline(&self, max_age: Duration) -> DateTime<Utc> {
        (self.latest.as_of + max_age).min(self.latest.fresh_until)
    }
}

/// What the label says, as far as the list matters.
#[derive(Debug, Clone, Copy)]
pub struct LabelFacts {
    pub kid: u32,
    pub certificate: u64,
    pub brand: u16,
    pub expires_on: NaiveDate,
}

/// The offline answer: a status word, its reason, and a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offline {
    /// `authentic`, `expired`, `revoked`, `suspended` or `unknown`.
    pub status: String,
    pub reason: String,
    /// `status_unchecked` when no list is held.
    pub warning: Option<&'static str>,
}

fn answer(status: &str, reason: &str) -> Offline {
    Offline {
        status: status.to_owned(),
        reason: reason.to_owned(),
        warning: None,
    }
}

/// Decides for a label whose signature verified under a label key; `key_compromised` is the
/// key set's status of that key.
pub fn decide(
    label: &LabelFacts,
    key_compromised: bool,
    held: Option<&Held>,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Offline {
    let snap = held.map(|h| &h.snapshot);
    let cert = snap.and_then(|s| s.find(Subject::Cert(label.certificate)));
    if let Some(e) = cert.filter(|e| e.status == "revoked" && e.reason != "member_withdrawn") {
        return answer("revoked", &e.reason);
    }
    if let Some(e) = snap.and_then(|s| s.find(Subject::Brand(label.brand))) {
        let status = if e.status == "withdrawn" {
            "revoked"
        } else {
            "suspended"
        };
        return answer(status, &e.reason);
    }
    if let Some(e) = cert {
        return answer(e.status, &e.reason);
    }
    if now.date_naive() > label.expires_on {
        return answer("expired", "expired");
    }
    if key_compromised || snap.is_some_and(|s| s.find(Subject::Key(label.kid)).is_some()) {
        return answer("unknown", "key_compromised");
    }
    let Some(held) = held else {
        return Offline {
            warning: Some("status_unchecked"),
            ..answer("authentic", "valid")
        };
    };
    if now > held.deadline(max_age) {
        return answer("unknown", "status_stale");
    }
    answer("authentic", "valid")
}

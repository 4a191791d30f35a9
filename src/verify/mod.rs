//! Verification: the hot path of the service. A code goes through the codec, the key ring in
//! memory, strict Ed25519 verification, the status cache, the one verdict function, and the
//! scan recorder, without a database round trip once the caches are warm.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

use crate::domain::code::{CodeError, Label};
use crate::domain::values::CertificateNumber;
use crate::domain::verdict::{self, Decision, Registry, Status};
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::certificates::{self, CertRecord};
use crate::store::scans::LabelKey;

pub mod cache;
pub mod scans;

pub use scans::Source;

/// The label part of a verdict.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LabelInfo {
    /// Decimal string: JSON numbers lose precision past 2^53.
    pub certificate: String,
    pub item: u32,
    pub scans: u64,
    pub first_scanned_at: Option<DateTime<Utc>>,
}

/// The verdict JSON (contract §3).
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub reason: &'static str,
    pub checked_at: DateTime<Utc>,
    pub label: Option<LabelInfo>,
    #[serde(serialize_with = "view_only")]
    pub certificate: Option<Arc<CertRecord>>,
    pub warnings: Vec<&'static str>,
}

fn view_only<S: Serializer>(c: &Option<Arc<CertRecord>>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(rec) => rec.view.serialize(s),
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
        }
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

/// Verifies one code and counts the scan.
pub async fn verify_one(
    state: &AppState,
    code: &str,
    source: &Source,
) -> Result<Verdict, StoreError> {
    let now = Utc::now();
    let label = match Label::parse(code) {
        Ok(l) => l,
        Err(e) => {
            state.metrics.observe_verdict(Status::Malformed.as_str());
            return Ok(Verdict::malformed(&e, now));
        }
    };
    let ring = state.key_ring();
    let key = ring.get(label.header.kid);
    let signature_ok = key.is_some_and(|k| label.verify(&k.public));
    let record = if signature_ok {
        lookup(state, CertificateNumber(label.header.certificate)).await?
    } else {
        None
    };
    let decision = verdict::decide(
        &label,
        key,
        signature_ok,
        Registry::Online(record.as_deref().map(|r| &r.facts)),
        now.date_naive(),
    );
    let verdict = finish(state, &label, decision, record, source, now).await?;
    state.metrics.observe_verdict(verdict.status.as_str());
    Ok(verdict)
}

/// The certificate record for a number, from the cache or, on a miss, the database.
pub async fn lookup(
    state: &AppState,
    number: CertificateNumber,
) -> Result<Option<Arc<CertRecord>>, StoreError> {
    if let Some(hit) = state.certs.get(number.0) {
        return Ok(hit);
    }
    let ticket = state.certs.ticket();
    let found = certificates::records(&state.db, &[number])
        .await?
        .remove(&number.0)
        .map(Arc::new);
    state.certs.fill(ticket, [(number.0, found.clone())]);
    Ok(found)
}

/// Adds the label figures, records the scan and assembles the verdict.
pub(crate) async fn finish(
    state: &AppState,
    label: &Label,
    decision: Decision,
    record: Option<Arc<CertRecord>>,
    source: &Source,
    now: DateTime<Utc>,
) -> Result<Verdict, StoreError> {
    let h = &label.header;
    // Scans are counted for labels of real certificates only; a forgery has nothing to count
    // against, and counting it would let anyone fill the table.
    let genuine = record.is_some() && decision.status != Status::Counterfeit;
    let mut warnings = Vec::new();
    let (scans, first_scanned_at) = if genuine {
        let key = LabelKey {
            certificate: i64::try_from(h.certificate).unwrap_or(i64::MAX),
            item: i32::try_from(h.item).unwrap_or(i32::MAX),
        };
        if state.scans.needs_load(key) {
            state.scans.load(&state.db, &[key]).await?;
        }
        let stats = state.scans.record(key, source, now);
        if stats.suspected_copy(state.scans.thresholds) {
            warnings.push("suspected_copy");
        }
        (stats.scans, stats.first_scanned_at)
    } else {
        (0, None)
    };
    Ok(Verdict {
        status: decision.status,
        reason: decision.reason,
        checked_at: now,
        label: Some(LabelInfo {
            certificate: h.certificate.to_string(),
            item: h.item,
            scans,
            first_scanned_at,
        }),
        certificate: if genuine { record } else { None },
        warnings,
    })
}

/// Today's date as the verdict sees it.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive()
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

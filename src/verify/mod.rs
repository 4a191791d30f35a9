//! Verification: the hot path of the service. A code goes through the codec, the key ring in
//! memory, strict Ed25519 verification, the status cache, the one verdict function, and the
//! scan recorder, without a database round trip once the caches are warm.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::domain::code::{CodeError, Label};
use crate::domain::humancode::HumanCode;
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
    let h = &label.header;
    let verdict = finish(state, h.certificate, h.item, decision, record, source, now).await?;
    state.metrics.observe_verdict(verdict.status.as_str());
    Ok(verdict)
}

/// The verdict for a short code whose keyed check passed (`HumanCode::parse`), from the
/// certificate record alone: no label is signed or verified, so a node without private keys
/// answers it, and the page never holds a signed code. Counts the scan against the label it
/// names. `None` if the certificate is unknown (a check made with our secret for a number we
/// never issued: a leaked secret, or a deleted certificate).
pub async fn verify_short(
    state: &AppState,
    code: HumanCode,
    source: &Source,
) -> Result<Option<Verdict>, StoreError> {
    let now = Utc::now();
    let Some(record) = lookup(state, CertificateNumber(code.certificate)).await? else {
        return Ok(None);
    };
    let ring = state.key_ring();
    let facts = &record.facts;
    let decision = if code.item == 0 || code.item > facts.quantity {
        Decision {
            status: Status::Counterfeit,
            reason: "item_out_of_range",
        }
    } else {
        verdict::decide_lot(facts, ring.get(facts.kid), now.date_naive())
    };
    let verdict = finish(
        state,
        code.certificate,
        code.item,
        decision,
        Some(record),
        source,
        now,
    )
    .await?;
    state.metrics.observe_verdict(verdict.status.as_str());
    Ok(Some(verdict))
}

/// Verifies many codes (or label URLs) at once, answering in the same order. Signatures go
/// through one Ed25519 batch verification; if it fails, halves are re-checked until the bad
/// codes are found one by one with `verify_strict`. Certificates missing from the cache are
/// fetched in one round trip, and so are scan totals.
pub async fn verify_many(
    state: &AppState,
    inputs: &[String],
    source: &Source,
) -> Result<Vec<Verdict>, StoreError> {
    let now = Utc::now();
    let ring = state.key_ring();
    let parsed: Vec<Result<Label, CodeError>> = inputs
        .iter()
        .map(|i| Label::parse(code_from_input(i)))
        .collect();

    // Signatures: only labels whose key we know take part.
    let candidates: Vec<(usize, &Label, &crate::domain::keys::KeyEntry)> = parsed
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let l = p.as_ref().ok()?;
            ring.get(l.header.kid).map(|k| (i, l, k))
        })
        .collect();
    let mut signature_ok = vec![false; inputs.len()];
    for (i, ok) in batch::verify(&candidates) {
        signature_ok[i] = ok;
    }

    // Certificates: cache first, then one query for the rest.
    let mut records: std::collections::HashMap<u64, Option<Arc<CertRecord>>> =
        std::collections::HashMap::new();
    let mut missing = Vec::new();
    for (i, l, _) in &candidates {
        if !signature_ok[*i] || records.contains_key(&l.header.certificate) {
            continue;
        }
        match state.certs.get(l.header.certificate) {
            Some(hit) => {
                records.insert(l.header.certificate, hit);
            }
            None => {
                records.insert(l.header.certificate, None);
                missing.push(CertificateNumber(l.header.certificate));
            }
        }
    }
    if !missing.is_empty() {
        let ticket = state.certs.ticket();
        let mut found = certificates::records(&state.db, &missing).await?;
        let loaded: Vec<(u64, Option<Arc<CertRecord>>)> = missing
            .iter()
            .map(|n| (n.0, found.remove(&n.0).map(Arc::new)))
            .collect();
        for (n, rec) in &loaded {
            records.insert(*n, rec.clone());
        }
        state.certs.fill(ticket, loaded);
    }

    // Decisions, then scan totals for the genuine labels in one query.
    let today = now.date_naive();
    let decisions: Vec<Option<(Decision, Option<Arc<CertRecord>>)>> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let l = p.as_ref().ok()?;
            let key = ring.get(l.header.kid);
            let rec = if signature_ok[i] {
                records.get(&l.header.certificate).cloned().flatten()
            } else {
                None
            };
            let d = verdict::decide(
                l,
                key,
                signature_ok[i],
                Registry::Online(rec.as_deref().map(|r| &r.facts)),
                today,
            );
            Some((d, rec))
        })
        .collect();
    let to_load: Vec<LabelKey> = parsed
        .iter()
        .zip(&decisions)
        .filter_map(|(p, d)| {
            let (d, rec) = d.as_ref()?;
            let l = p.as_ref().ok()?;
            (rec.is_some()
                && d.status != Status::Counterfeit
                && state.scans.needs_load(label_key(l)))
            .then(|| label_key(l))
        })
        .collect();
    if !to_load.is_empty() {
        state.scans.load(&state.db, &to_load).await?;
    }

    let mut out = Vec::with_capacity(inputs.len());
    for (p, d) in parsed.iter().zip(decisions) {
        let verdict = match (p, d) {
            (Err(e), _) => Verdict::malformed(e, now),
            (Ok(label), Some((decision, rec))) => {
                let h = &label.header;
                finish(state, h.certificate, h.item, decision, rec, source, now).await?
            }
            (Ok(_), None) => continue,
        };
        state.metrics.observe_verdict(verdict.status.as_str());
        out.push(verdict);
    }
    Ok(out)
}

fn label_key(l: &Label) -> LabelKey {
    LabelKey {
        certificate: i64::try_from(l.header.certificate).unwrap_or(i64::MAX),
        item: i32::try_from(l.header.item).unwrap_or(i32::MAX),
    }
}

mod batch {
    //! Batch signature verification with bisection on failure.

    use crate::domain::code::Label;
    use crate::domain::keys::KeyEntry;

    /// Below this size a failing group is checked label by label.
    const LEAF: usize = 16;

    /// `(index, signature valid)` for each candidate, by strict verification semantics:
    /// a batch that passes vouches for all its members (our keys are honest, so batch and
    /// strict verification agree); a batch that fails is split until the bad ones are found.
    pub fn verify(candidates: &[(usize, &Label, &KeyEntry)]) -> Vec<(usize, bool)> {
        let mut out = Vec::with_capacity(candidates.len());
        check(candidates, &mut out);
        out
    }

    fn check(group: &[(usize, &Label, &KeyEntry)], out: &mut Vec<(usize, bool)>) {
        if group.is_empty() {
            return;
        }
        if group.len() <= LEAF {
            for (i, l, k) in group {
                out.push((*i, l.verify(&k.public)));
            }
            return;
        }
        let messages: Vec<[u8; 36]> = group
            .iter()
            .map(|(_, l, _)| l.header.signing_message())
            .collect();
        let refs: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
        let sigs: Vec<ed25519_dalek::Signature> =
            group.iter().map(|(_, l, _)| l.signature()).collect();
        let keys: Vec<ed25519_dalek::VerifyingKey> =
            group.iter().map(|(_, _, k)| k.public).collect();
        if ed25519_dalek::verify_batch(&refs, &sigs, &keys).is_ok() {
            out.extend(group.iter().map(|(i, _, _)| (*i, true)));
        } else {
            let (a, b) = group.split_at(group.len() / 2);
            check(a, out);
            check(b, out);
        }
    }
}

/// The certificate record for a number, from the cache or, on a miss, the database. Only
/// certificates that exist are cached (see `cache`), so numbers a caller makes up cannot crowd
/// real ones out.
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
    certificate: u64,
    item: u32,
    decision: Decision,
    record: Option<Arc<CertRecord>>,
    source: &Source,
    now: DateTime<Utc>,
) -> Result<Verdict, StoreError> {
    // Scans are counted for labels of real certificates only; a forgery has nothing to count
    // against, and counting it would let anyone fill the table.
    let genuine = record.is_some() && decision.status != Status::Counterfeit;
    let mut warnings = Vec::new();
    let (scans, first_scanned_at) = if genuine {
        let key = LabelKey {
            certificate: i64::try_from(certificate).unwrap_or(i64::MAX),
            item: i32::try_from(item).unwrap_or(i32::MAX),
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
            certificate: certificate.to_string(),
            item,
            scans,
            first_scanned_at,
        }),
        certificate: if genuine { record } else { None },
        warnings,
    })
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

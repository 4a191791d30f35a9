//! Checking labels and short codes, and recording scans: the two steps a scan takes.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::DatabaseConnection;

use super::risk::{ClaimState, LabelRisk, NetId, label_network};
use super::scans::LabelStats;
use super::{Checked, LabelInfo, Source, Verdict, Verifier, batch, code_from_input};
use crate::domain::code::{CodeError, Label};
use crate::domain::humancode::HumanCode;
use crate::domain::values::CertificateNumber;
use crate::domain::verdict::{self, Decision, Registry, Status};
use crate::store::StoreError;
use crate::store::certificates::{self, CertRecord};
use crate::store::scans::LabelKey;

impl Verifier {
    /// Verifies one label: its key, its signature (through the batcher, so concurrent requests
    /// share one batch; answers exactly as `verify_strict`), its certificate and the verdict.
    /// Records nothing.
    pub async fn check(
        &self,
        db: &DatabaseConnection,
        label: &Label,
    ) -> Result<Checked, StoreError> {
        let now = Utc::now();
        let keys = self.keys();
        let h = &label.header;
        let key = keys.ring.get(h.kid);
        let message = h.signing_message();
        let signature = label.signature();
        let signature_ok = match (keys.admitted(h.kid), &self.batcher) {
            (Some(admitted), Some(batcher)) => batcher.verify(&message, &signature, admitted).await,
            (Some(admitted), None) => admitted.verify_strict(&message, &signature),
            (None, _) => false,
        };
        let record = if signature_ok {
            self.lookup(db, CertificateNumber(h.certificate)).await?
        } else {
            None
        };
        let decision = verdict::decide(
            label,
            key,
            signature_ok,
            Registry::Online(record.as_deref().map(|r| &r.facts)),
            now.date_naive(),
        );
        Ok(Checked {
            certificate: h.certificate,
            item: h.item,
            decision,
            record,
            checked_at: now,
        })
    }

    /// Checks a short code whose keyed check passed (`HumanCode::parse`), from the certificate
    /// record alone: no label is signed or verified, so a node without private keys answers it,
    /// and the page never holds a signed code. `None` if the certificate is unknown (a check
    /// made with our secret for a number we never issued: a leaked secret, or a deleted
    /// certificate). Records nothing.
    pub async fn check_short(
        &self,
        db: &DatabaseConnection,
        code: HumanCode,
    ) -> Result<Option<Checked>, StoreError> {
        let now = Utc::now();
        let Some(record) = self.lookup(db, CertificateNumber(code.certificate)).await? else {
            return Ok(None);
        };
        let ring = self.key_ring();
        let facts = &record.facts;
        let decision = if code.item == 0 || code.item > facts.quantity {
            Decision {
                status: Status::Counterfeit,
                reason: "item_out_of_range",
            }
        } else {
            verdict::decide_lot(facts, ring.get(facts.kid), now.date_naive())
        };
        Ok(Some(Checked {
            certificate: code.certificate,
            item: code.item,
            decision,
            record: Some(record),
            checked_at: now,
        }))
    }

    /// Records the scan of a checked label and gives its verdict, with the figures including
    /// this scan. Scans are counted for labels of real certificates only: a forgery has
    /// nothing to count against, and counting it would let anyone fill the table.
    pub async fn record(
        &self,
        db: &DatabaseConnection,
        checked: Checked,
        source: &Source,
    ) -> Result<Verdict, StoreError> {
        self.record_visit(db, checked, source, None).await
    }

    /// [`Verifier::record`], also counting the scan for the copy detector under the client's
    /// network (`None`: no address, or not a consumer).
    pub async fn record_visit(
        &self,
        db: &DatabaseConnection,
        checked: Checked,
        source: &Source,
        net: Option<NetId>,
    ) -> Result<Verdict, StoreError> {
        let stats = match self.label_key(&checked) {
            Some(key) => {
                if self.scans.needs_load(key) {
                    self.scans.load(db, &[key]).await?;
                }
                if self.risk.needs_load(key) {
                    self.risk.load(db, &[key]).await?;
                }
                if let Some(n) = net {
                    self.risk
                        .note(key, label_network(n, key), checked.checked_at.date_naive());
                }
                Some(self.scans.record(key, source, checked.checked_at))
            }
            None => None,
        };
        Ok(self.verdict(checked, stats))
    }

    /// The verdict of a checked label with its figures as they stand: no scan is recorded
    /// (a consumer's report about a label is not a scan of it).
    pub async fn without_scan(
        &self,
        db: &DatabaseConnection,
        checked: Checked,
    ) -> Result<Verdict, StoreError> {
        let stats = match self.label_key(&checked) {
            Some(key) => {
                if self.scans.needs_load(key) {
                    self.scans.load(db, &[key]).await?;
                }
                if self.risk.needs_load(key) {
                    self.risk.load(db, &[key]).await?;
                }
                Some(self.scans.peek(key, checked.checked_at))
            }
            None => None,
        };
        Ok(self.verdict(checked, stats))
    }

    fn label_key(&self, checked: &Checked) -> Option<LabelKey> {
        checked
            .genuine()
            .then(|| label_key(checked.certificate, checked.item))
    }

    fn verdict(&self, checked: Checked, stats: Option<LabelStats>) -> Verdict {
        let genuine = checked.genuine();
        let mut warnings = Vec::new();
        let assessed = match self.label_key(&checked) {
            Some(key) => self.risk.assess(key, checked.checked_at),
            None => LabelRisk::none(),
        };
        let (scans, first_scanned_at) = match stats {
            Some(s) => {
                if s.suspected_copy(self.scans.thresholds) {
                    warnings.push("suspected_copy");
                }
                (s.scans, s.first_scanned_at)
            }
            None => (0, None),
        };
        Verdict {
            status: checked.decision.status,
            reason: checked.decision.reason,
            checked_at: checked.checked_at,
            label: Some(LabelInfo {
                certificate: checked.certificate.to_string(),
                item: checked.item,
                scans,
                first_scanned_at,
            }),
            log: if genuine {
                self.logged.get(checked.certificate)
            } else {
                None
            },
            certificate: if genuine { checked.record } else { None },
            warnings: {
                warnings.extend(assessed.warnings.iter().copied());
                warnings
            },
            risk: assessed.risk.into(),
            claim: assessed.claim.as_ref().map(|c| ClaimState {
                claimed_at: c.as_ref().map(|r| r.claimed_at),
            }),
            custody: assessed.custody,
            claim_device: assessed.claim.flatten().map(|r| r.device),
        }
    }

    /// Verifies many codes (or label URLs) at once and records them as `source`'s checks,
    /// answering in the same order. Signatures go through one Ed25519 batch verification; if
    /// it fails, halves are re-checked until the bad codes are found one by one with
    /// `verify_strict`. Certificates missing from the cache are fetched in one round trip, and
    /// so are scan totals.
    pub async fn verify_many(
        &self,
        db: &DatabaseConnection,
        inputs: &[String],
        source: &Source,
    ) -> Result<Vec<Verdict>, StoreError> {
        let now = Utc::now();
        let ring = self.key_ring();
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
        let mut records: HashMap<u64, Option<Arc<CertRecord>>> = HashMap::new();
        let mut missing = Vec::new();
        for (i, l, _) in &candidates {
            if !signature_ok[*i] || records.contains_key(&l.header.certificate) {
                continue;
            }
            match self.certs.get(l.header.certificate) {
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
            let ticket = self.certs.ticket();
            let mut found = certificates::records(db, &missing).await?;
            let loaded: Vec<(u64, Option<Arc<CertRecord>>)> = missing
                .iter()
                .map(|n| (n.0, found.remove(&n.0).map(Arc::new)))
                .collect();
            for (n, rec) in &loaded {
                records.insert(*n, rec.clone());
            }
            self.certs.fill(ticket, loaded);
        }
        let found = records.iter().filter(|(_, r)| r.is_some()).map(|(n, _)| *n);
        self.logged.ensure(db, found).await?;

        // Decisions, then scan totals for the genuine labels in one query.
        let today = now.date_naive();
        let checked: Vec<Result<Checked, &CodeError>> = parsed
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let l = p.as_ref()?;
                let key = ring.get(l.header.kid);
                let record = if signature_ok[i] {
                    records.get(&l.header.certificate).cloned().flatten()
                } else {
                    None
                };
                let decision = verdict::decide(
                    l,
                    key,
                    signature_ok[i],
                    Registry::Online(record.as_deref().map(|r| &r.facts)),
                    today,
                );
                Ok(Checked {
                    certificate: l.header.certificate,
                    item: l.header.item,
                    decision,
                    record,
                    checked_at: now,
                })
            })
            .collect();
        let to_load: Vec<LabelKey> = checked
            .iter()
            .filter_map(|c| self.label_key(c.as_ref().ok()?))
            .filter(|k| self.scans.needs_load(*k))
            .collect();
        if !to_load.is_empty() {
            self.scans.load(db, &to_load).await?;
        }
        let mut risk_load: Vec<LabelKey> = checked
            .iter()
            .filter_map(|c| self.label_key(c.as_ref().ok()?))
            .filter(|k| self.risk.needs_load(*k))
            .collect();
        risk_load.sort_unstable();
        risk_load.dedup();
        self.risk.load(db, &risk_load).await?;

        let mut out = Vec::with_capacity(inputs.len());
        for c in checked {
            out.push(match c {
                Err(e) => Verdict::malformed(e, now),
                Ok(c) => {
                    let stats = self
                        .label_key(&c)
                        .map(|key| self.scans.record(key, source, now));
                    self.verdict(c, stats)
                }
            });
        }
        Ok(out)
    }

    /// The certificate record for a number, from the cache or, on a miss, the database. Only
    /// certificates that exist are cached (see `cache`), so numbers a caller makes up cannot
    /// crowd real ones out.
    pub async fn lookup(
        &self,
        db: &DatabaseConnection,
        number: CertificateNumber,
    ) -> Result<Option<Arc<CertRecord>>, StoreError> {
        let found = match self.certs.get(number.0) {
            Some(hit) => hit,
            None => {
                let ticket = self.certs.ticket();
                let found = certificates::records(db, &[number])
                    .await?
                    .remove(&number.0)
                    .map(Arc::new);
                self.certs.fill(ticket, [(number.0, found.clone())]);
                found
            }
        };
        if found.is_some() {
            self.logged.ensure(db, [number.0]).await?;
        }
        Ok(found)
    }
}

fn label_key(certificate: u64, item: u32) -> LabelKey {
    LabelKey {
        certificate: i64::try_from(certificate).unwrap_or(i64::MAX),
        item: i32::try_from(item).unwrap_or(i32::MAX),
    }
}

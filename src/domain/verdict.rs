//! The verdict: one pure decision from what a code says and what the registry knows, shared by
//! the consumer page, the single and batch APIs, and the offline CLI.
//!
//! Time is passed in (`today`), never read here.

use chrono::NaiveDate;
use serde::Serialize;

pub use super::certificate::CertFacts;
use super::code::{CodeError, Label};
use super::keys::KeyEntry;
use super::values::{CertificateStatus, KeyStatus, Standing, date_from_label_days};

/// The outcome a consumer sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Authentic,
    Expired,
    Revoked,
    Suspended,
    Counterfeit,
    Malformed,
    /// Offline only: the signature checks out, but under a key reported compromised, and only
    /// the online registry knows whether the certificate predates the compromise.
    Unconfirmed,
}

impl Status {
    /// Every machine word (the API document's enum).
    pub const WORDS: &'static [&'static str] = &[
        "authentic",
        "expired",
        "revoked",
        "suspended",
        "counterfeit",
        "malformed",
        "unconfirmed",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Authentic => "authentic",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
            Status::Suspended => "suspended",
            Status::Counterfeit => "counterfeit",
            Status::Malformed => "malformed",
            Status::Unconfirmed => "unconfirmed",
        }
    }

    /// All statuses the online service can answer.
    pub const ONLINE: [Status; 6] = [
        Status::Authentic,
        Status::Expired,
        Status::Revoked,
        Status::Suspended,
        Status::Counterfeit,
        Status::Malformed,
    ];
}

/// A status with the machine word that explains it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    pub reason: &'static str,
}

const fn d(status: Status, reason: &'static str) -> Decision {
    Decision { status, reason }
}

/// What the verifier could find out about the certificate.
#[derive(Clone, Copy, Debug)]
pub enum Registry<'a> {
    /// Online: the certificate, or `None` if the registry has no such number.
    Online(Option<&'a CertFacts>),
    /// Offline: only the published key set is available.
    Offline,
}

/// Decides the verdict for a code that failed to parse.
pub fn malformed(err: &CodeError) -> Decision {
    d(Status::Malformed, err.reason())
}

/// Decides the verdict for a parsed label.
///
/// `key` is the ring's entry for the label's kid, `signature_ok` the result of strict
/// verification under it (ignored when `key` is `None`).
pub fn decide(
    label: &Label,
    key: Option<&KeyEntry>,
    signature_ok: bool,
    registry: Registry<'_>,
    today: NaiveDate,
) -> Decision {
    let Some(key) = key else {
        return d(Status::Counterfeit, "unknown_key");
    };
    if !signature_ok {
        return d(Status::Counterfeit, "bad_signature");
    }
    let h = &label.header;
    let cert = match registry {
        Registry::Offline => {
            if key.status == KeyStatus::Compromised {
                return d(Status::Unconfirmed, "key_compromised");
            }
            return expiry(date_from_label_days(h.expiry_days), today);
        }
        Registry::Online(None) => return d(Status::Counterfeit, "unknown_certificate"),
        Registry::Online(Some(cert)) => cert,
    };
    // A genuine signature over fields that disagree with the registry means our own key signed
    // something it should not have. Treat it as a fake rather than trust either side.
    if cert.kid != h.kid {
        return d(Status::Counterfeit, "key_mismatch");
    }
    if cert.brand != h.brand {
        return d(Status::Counterfeit, "brand_mismatch");
    }
    if date_from_label_days(h.expiry_days) != cert.expires_on {
        return d(Status::Counterfeit, "expiry_mismatch");
    }
    if h.item == 0 || h.item > cert.quantity {
        return d(Status::Counterfeit, "item_out_of_range");
    }
    decide_lot(cert, Some(key), today)
}

/// The verdict every genuine label of a certificate gets: the registry's side of [`decide`].
pub fn decide_lot(cert: &CertFacts, key: Option<&KeyEntry>, today: NaiveDate) -> Decision {
    if key.is_none_or(|k| !k.trusts_issuance_at(cert.issued_at)) {
        return d(Status::Revoked, "key_compromised");
    }
    if cert.status == CertificateStatus::Revoked {
        return d(Status::Revoked, "certificate_revoked");
    }
    match cert.brand_status {
        Standing::Withdrawn => return d(Status::Revoked, "brand_withdrawn"),
        Standing::Suspended => return d(Status::Suspended, "brand_suspended"),
        Standing::Active => {}
    }
    // The timeline of the right of use: a withdrawal for cause revokes every lot issued before
    // it, for good; a suspension holds the lots while it lasts. Expiry of the right is not a
    // rule here: a lot issued while the right was in force stays good after the right ends.
    if cert
        .member_withdrawn_at
        .is_some_and(|withdrawn| cert.issued_at < withdrawn)
    {
        return d(Status::Revoked, "member_withdrawn");
    }
    match cert.membership {
        None | Some(Standing::Withdrawn) => return d(Status::Revoked, "member_withdrawn"),
        Some(Standing::Suspended) => return d(Status::Suspended, "member_suspended"),
        Some(Standing::Active) => {}
    }
    expiry(cert.expires_on, today)
}

fn expiry(expires_on: NaiveDate, today: NaiveDate) -> Decision {
    if today > expires_on {
        d(Status::Expired, "expired")
    } else {
        d(Status::Authentic, "valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::code::{Kid, LabelHeader};
    use crate::domain::keys::SecretKey;
    use crate::domain::values::label_days;
    use chrono::Utc;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    struct Case {
        name: &'static str,
        key_status: KeyStatus,
        compromised_since: Option<&'static str>,
        signature_ok: bool,
        cert: Option<fn(&mut CertFacts)>,
        today: &'static str,
        expect: (Status, &'static str),
    }

    #[test]
    fn decision_table() {
        let secret = SecretKey::generate();
        let kid = Kid::of(&secret.public());
        let label = LabelHeader {
            kid,
            certificate: 77,
            item: 5,
            brand: 12,
            expiry_days: label_days(day("2028-11-01")).unwrap(),
        }
        .sign(secret.signing_key());
        let base = CertFacts {
            number: 77,
            brand: 12,
            kid,
            quantity: 10,
            expires_on: day("2028-11-01"),
            issued_at: "2026-11-02T10:00:00Z".parse().unwrap(),
            status: CertificateStatus::Issued,
            brand_status: Standing::Active,
            membership: Some(Standing::Active),
            member_withdrawn_at: None,
        };
        let same: fn(&mut CertFacts) = |_| {};
        #[rustfmt::skip]
        let cases = [
            Case { name: "all good", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(same), today: "2027-01-01", expect: (Status::Authentic, "valid") },
            Case { name: "last day", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(same), today: "2028-11-01", expect: (Status::Authentic, "valid") },
            Case { name: "retired key still verifies", key_status: KeyStatus::Retired, compromised_since: None, signature_ok: true, cert: Some(same), today: "2027-01-01", expect: (Status::Authentic, "valid") },
            Case { name: "expired", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(same), today: "2028-11-02", expect: (Status::Expired, "expired") },
            Case { name: "bad signature", key_status: KeyStatus::Active, compromised_since: None, signature_ok: false, cert: Some(same), today: "2027-01-01", expect: (Status::Counterfeit, "bad_signature") },
            Case { name: "unknown certificate", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: None, today: "2027-01-01", expect: (Status::Counterfeit, "unknown_certificate") },
            Case { name: "item past the lot", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.quantity = 4), today: "2027-01-01", expect: (Status::Counterfeit, "item_out_of_range") },
            Case { name: "other brand", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.brand = 13), today: "2027-01-01", expect: (Status::Counterfeit, "brand_mismatch") },
            Case { name: "other key", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.kid = Kid([0; 4])), today: "2027-01-01", expect: (Status::Counterfeit, "key_mismatch") },
            Case { name: "other expiry", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.expires_on = day("2029-01-01")), today: "2027-01-01", expect: (Status::Counterfeit, "expiry_mismatch") },
            Case { name: "revoked", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.status = CertificateStatus::Revoked), today: "2027-01-01", expect: (Status::Revoked, "certificate_revoked") },
            Case { name: "revoked beats expired", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.status = CertificateStatus::Revoked), today: "2030-01-01", expect: (Status::Revoked, "certificate_revoked") },
            Case { name: "member suspended", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.membership = Some(Standing::Suspended)), today: "2027-01-01", expect: (Status::Suspended, "member_suspended") },
            Case { name: "member withdrawn", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.membership = Some(Standing::Withdrawn)), today: "2027-01-01", expect: (Status::Revoked, "member_withdrawn") },
            Case { name: "brand suspended", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.brand_status = Standing::Suspended), today: "2027-01-01", expect: (Status::Suspended, "brand_suspended") },
            Case { name: "brand withdrawn", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.brand_status = Standing::Withdrawn), today: "2027-01-01", expect: (Status::Revoked, "brand_withdrawn") },
            // The timeline of the right of use (issue #16): the lot was issued 2026-11-02T10:00Z.
            Case { name: "right expired after issuance", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(same), today: "2028-06-01", expect: (Status::Authentic, "valid") },
            Case { name: "withdrawn after issuance, re-granted since", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.member_withdrawn_at = Some("2026-12-01T00:00:00Z".parse().unwrap())), today: "2027-01-01", expect: (Status::Revoked, "member_withdrawn") },
            Case { name: "issued under a grant after a withdrawal", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.member_withdrawn_at = Some("2026-10-01T00:00:00Z".parse().unwrap())), today: "2027-01-01", expect: (Status::Authentic, "valid") },
            Case { name: "withdrawn after issuance, re-granted and suspended", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| { c.member_withdrawn_at = Some("2026-12-01T00:00:00Z".parse().unwrap()); c.membership = Some(Standing::Suspended); }), today: "2027-01-01", expect: (Status::Revoked, "member_withdrawn") },
            Case { name: "new grant suspended", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| { c.member_withdrawn_at = Some("2026-10-01T00:00:00Z".parse().unwrap()); c.membership = Some(Standing::Suspended); }), today: "2027-01-01", expect: (Status::Suspended, "member_suspended") },
            Case { name: "suspension lifted (reinstated)", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.membership = Some(Standing::Active)), today: "2027-01-01", expect: (Status::Authentic, "valid") },
            Case { name: "no right at all", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.membership = None), today: "2027-01-01", expect: (Status::Revoked, "member_withdrawn") },
            Case { name: "brand suspended beats member suspended", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| { c.brand_status = Standing::Suspended; c.membership = Some(Standing::Suspended); }), today: "2027-01-01", expect: (Status::Suspended, "brand_suspended") },
            Case { name: "brand withdrawn beats a member withdrawal", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| { c.brand_status = Standing::Withdrawn; c.member_withdrawn_at = Some("2026-12-01T00:00:00Z".parse().unwrap()); }), today: "2027-01-01", expect: (Status::Revoked, "brand_withdrawn") },
            Case { name: "brand suspended after the right expired", key_status: KeyStatus::Active, compromised_since: None, signature_ok: true, cert: Some(|c| c.brand_status = Standing::Suspended), today: "2028-06-01", expect: (Status::Suspended, "brand_suspended") },
            Case { name: "issued after compromise", key_status: KeyStatus::Compromised, compromised_since: Some("2026-11-01T00:00:00Z"), signature_ok: true, cert: Some(same), today: "2027-01-01", expect: (Status::Revoked, "key_compromised") },
            Case { name: "issued before compromise", key_status: KeyStatus::Compromised, compromised_since: Some("2026-12-01T00:00:00Z"), signature_ok: true, cert: Some(same), today: "2027-01-01", expect: (Status::Authentic, "valid") },
        ];
        for case in cases {
            let entry = KeyEntry {
                kid,
                public: secret.public(),
                status: case.key_status,
                created: base.issued_at,
                compromised_since: case.compromised_since.map(|s| s.parse().unwrap()),
                secret: None,
            };
            let cert = case.cert.map(|f| {
                let mut c = base.clone();
                f(&mut c);
                c
            });
            let got = decide(
                &label,
                Some(&entry),
                case.signature_ok,
                Registry::Online(cert.as_ref()),
                day(case.today),
            );
            assert_eq!((got.status, got.reason), case.expect, "{}", case.name);
        }
        let unknown = decide(
            &label,
            None,
            true,
            Registry::Online(Some(&base)),
            day("2027-01-01"),
        );
        assert_eq!(unknown, d(Status::Counterfeit, "unknown_key"));
    }

    #[test]
    fn offline_knows_keys_and_dates_only() {
        let secret = SecretKey::generate();
        let kid = Kid::of(&secret.public());
        let label = LabelHeader {
            kid,
            certificate: 1,
            item: 1,
            brand: 1,
            expiry_days: label_days(day("2027-01-01")).unwrap(),
        }
        .sign(secret.signing_key());
        let mut entry = KeyEntry {
            kid,
            public: secret.public(),
            status: KeyStatus::Active,
            created: Utc::now(),
            compromised_since: None,
            secret: None,
        };
        let ok = label.verify(&entry.public);
        assert!(ok);
        let today = day("2026-12-01");
        assert_eq!(
            decide(&label, Some(&entry), ok, Registry::Offline, today).status,
            Status::Authentic
        );
        assert_eq!(
            decide(
                &label,
                Some(&entry),
                ok,
                Registry::Offline,
                day("2027-01-02")
            )
            .status,
            Status::Expired
        );
        entry.status = KeyStatus::Compromised;
        assert_eq!(
            decide(&label, Some(&entry), ok, Registry::Offline, today).status,
            Status::Unconfirmed
        );
    }
}

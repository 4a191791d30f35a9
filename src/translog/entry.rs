//! What the log holds: one ASCII entry per event, `key value` lines in a fixed order, each
//! ending in LF (trust-design §1.1), and the private, salted opening an issue entry commits to.
//!
//! An issue entry is a pure function of its opening, so a verifier holding the opening (the
//! `extra` line of a tlog-proof) rebuilds the entry and its leaf hash. The certificate number is
//! only in the opening: the public log gives no way to walk certificate numbers.
//!
//! Officers' free-text reasons never enter the log: it cannot forget, and the text could name
//! people. Status entries carry the new status, the only machine word the contract has.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::domain::code::Kid;
use crate::domain::values::Standing;
use crate::store::certificates::CertRecord;

/// First line of an opening.
pub const OPENING_HEADER: &str = "tasdiq-cert/v1";
/// Prefix of every entry's first line.
pub const ENTRY_HEADER: &str = "tasdiq-log/v1";

/// The private facts an issue entry commits to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    pub certificate: u64,
    pub kid: Kid,
    pub brand: u16,
    pub producer: i64,
    pub quantity: u32,
    pub expires: NaiveDate,
    /// Issuance time, Unix seconds.
    pub issued: i64,
    pub salt: [u8; 16],
}

impl Opening {
    /// The opening of a newly issued certificate, with a fresh salt.
    pub fn of(rec: &CertRecord) -> Opening {
        Opening {
            certificate: rec.facts.number,
            kid: rec.facts.kid,
            brand: rec.facts.brand,
            producer: rec.view.producer.id,
            quantity: rec.facts.quantity,
            expires: rec.facts.expires_on,
            issued: rec.facts.issued_at.timestamp(),
            salt: rand::random(),
        }
    }

    /// Its text, the bytes the commitment hashes.
    pub fn text(&self) -> String {
        format!(
            "{OPENING_HEADER}\ncertificate {}\nkid {}\nbrand {}\nproducer {}\nquantity {}\nexpires {}\nissued {}\nsalt {}\n",
            self.certificate,
            self.kid,
            self.brand,
            self.producer,
            self.quantity,
            self.expires.format("%Y-%m-%d"),
            self.issued,
            STANDARD.encode(self.salt)
        )
    }

    /// Parses an opening strictly: it must format back to the same bytes.
    pub fn parse(bytes: &[u8]) -> Option<Opening> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.strip_suffix('\n')?.split('\n');
        if lines.next()? != OPENING_HEADER {
            return None;
        }
        let mut field = |key: &str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix(' '))
        };
        let certificate = field("certificate")?.parse().ok()?;
        let kid = Kid::parse(field("kid")?)?;
        let brand = field("brand")?.parse().ok()?;
        let producer = field("producer")?.parse().ok()?;
        let quantity = field("quantity")?.parse().ok()?;
        let expires = NaiveDate::parse_from_str(field("expires")?, "%Y-%m-%d").ok()?;
        let issued = field("issued")?.parse().ok()?;
        let salt: [u8; 16] = STANDARD.decode(field("salt")?).ok()?.try_into().ok()?;
        if lines.next().is_some() {
            return None;
        }
        let o = Opening {
            certificate,
            kid,
            brand,
            producer,
            quantity,
            expires,
            issued,
            salt,
        };
        (o.text().as_bytes() == bytes).then_some(o)
    }

    /// The issue entry this opening commits to.
    pub fn entry(&self) -> String {
        let commit = STANDARD.encode(Sha256::digest(self.text().as_bytes()));
        format!(
            "{ENTRY_HEADER} issue\ntime {}\nbrand {}\nkid {}\ncommit {commit}\n",
            self.issued, self.brand, self.kid
        )
    }
}

/// A key's life event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEvent {
    /// Made the active label signer.
    Active,
    /// Made and kept as a spare (retired).
    Spare,
    /// Marked compromised from `since` on.
    Compromised,
}

impl KeyEvent {
    fn word(self) -> &'static str {
        match self {
            KeyEvent::Active => "active",
            KeyEvent::Spare => "spare",
            KeyEvent::Compromised => "compromised",
        }
    }
}

/// One event to log.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A certificate was issued; the entry only commits to it.
    Issue(Opening),
    /// A certificate was revoked. `ref` (the issue entry's index) is filled in by `append`.
    Revoke {
        time: i64,
        brand: u16,
        certificate: u64,
    },
    /// A right of use changed status (granted, suspended, reinstated, withdrawn).
    Member {
        time: i64,
        brand: u16,
        producer: i64,
        status: Standing,
    },
    /// A brand changed status.
    Brand {
        time: i64,
        brand: u16,
        status: Standing,
    },
    /// A label-signing key was made or compromised.
    Key {
        time: i64,
        kid: Kid,
        event: KeyEvent,
        public: [u8; 32],
        /// Unix seconds from which the event holds.
        since: i64,
    },
    /// A new version of the signed status list (`docs/status-list.md`): its version, number of
    /// entries and the digest of its snapshot body, so the list can never be forked unseen.
    Status {
        time: i64,
        version: u64,
        count: u64,
        /// Standard base64 of the snapshot body's SHA-256.
        digest: String,
    },
}

impl Entry {
    /// The issue entry of a newly issued certificate (a fresh salt each call).
    pub fn issue(rec: &CertRecord) -> Entry {
        Entry::Issue(Opening::of(rec))
    }

    /// The revoke entry of a certificate just revoked.
    pub fn revoke(rec: &CertRecord) -> Entry {
        Entry::Revoke {
            time: rec
                .view
                .revoked_at
                .unwrap_or_else(chrono::Utc::now)
                .timestamp(),
            brand: rec.facts.brand,
            certificate: rec.facts.number,
        }
    }

    /// A right of use now has `status`.
    pub fn member(brand: u16, producer: i64, status: Standing) -> Entry {
        let time = chrono::Utc::now().timestamp();
        Entry::Member {
            time,
            brand,
            producer,
            status,
        }
    }

    /// A brand now has `status`.
    pub fn brand(brand: u16, status: Standing) -> Entry {
        let time = chrono::Utc::now().timestamp();
        Entry::Brand {
            time,
            brand,
            status,
        }
    }

    /// A label-signing key's event, holding from `since`.
    pub fn key(
        public: &ed25519_dalek::VerifyingKey,
        event: KeyEvent,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Entry {
        Entry::Key {
            time: chrono::Utc::now().timestamp(),
            kid: Kid::of(public),
            event,
            public: public.to_bytes(),
            since: since.timestamp(),
        }
    }

    /// A new status list version, made at `created`.
    pub fn status(
        created: chrono::DateTime<chrono::Utc>,
        version: u64,
        count: u64,
        digest: &str,
    ) -> Entry {
        Entry::Status {
            time: created.timestamp(),
            version,
            count,
            digest: digest.to_owned(),
        }
    }

    /// The entry's text; `reference` is a revoke entry's issue index, if the issue was logged.
    pub fn text(&self, reference: Option<u64>) -> String {
        let mut s = String::with_capacity(160);
        match self {
            Entry::Issue(o) => return o.entry(),
            Entry::Revoke {
                time,
                brand,
                certificate,
            } => {
                let _ = write!(
                    s,
                    "{ENTRY_HEADER} revoke\ntime {time}\nbrand {brand}\ncertificate {certificate}\n"
                );
                if let Some(r) = reference {
                    let _ = writeln!(s, "ref {r}");
                }
            }
            Entry::Member {
                time,
                brand,
                producer,
                status,
            } => {
                let _ = write!(
                    s,
                    "{ENTRY_HEADER} member\ntime {time}\nbrand {brand}\nproducer {producer}\nstatus {}\n",
                    status.as_str()
                );
            }
            Entry::Brand {
                time,
                brand,
                status,
            } => {
                let _ = write!(
                    s,
                    "{ENTRY_HEADER} brand\ntime {time}\nbrand {brand}\nstatus {}\n",
                    status.as_str()
                );
            }
            Entry::Key {
                time,
                kid,
                event,
                public,
                since,
            } => {
                let _ = write!(
                    s,
                    "{ENTRY_HEADER} key\ntime {time}\nkid {kid}\nuse label\nevent {}\npub {}\nsince {since}\n",
                    event.word(),
                    STANDARD.encode(public)
                );
            }
            Entry::Status {
                time,
                version,
                count,
                digest,
            } => {
                let _ = write!(
                    s,
                    "{ENTRY_HEADER} status\ntime {time}\nversion {version}\ncount {count}\ndigest {digest}\n"
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening() -> Opening {
        Opening {
            certificate: 1_234_567_890_123_456_789,
            kid: Kid::parse("1a2b3c4d").unwrap(),
            brand: 12,
            producer: 345,
            quantity: 500,
            expires: NaiveDate::from_ymd_opt(2028, 11, 1).unwrap(),
            issued: 1_796_000_000,
            salt: [7; 16],
        }
    }

    #[test]
    fn an_opening_round_trips_and_its_entry_hides_the_number() {
        let o = opening();
        let text = o.text();
        assert_eq!(Opening::parse(text.as_bytes()), Some(o.clone()));
        let entry = o.entry();
        assert!(
            entry.starts_with(
                "tasdiq-log/v1 issue\ntime 1796000000\nbrand 12\nkid 1a2b3c4d\ncommit "
            )
        );
        assert!(!entry.contains("1234567890123456789"));
        // Another salt, another commitment.
        let other = Opening { salt: [8; 16], ..o };
        assert_ne!(other.entry(), entry);
    }

    #[test]
    fn a_status_entry_names_version_count_and_digest() {
        let created = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let digest = "gs6GYd4ID0CpO76RqvVtVr36kABAQOECJmw3K1vGSDg=";
        assert_eq!(
            Entry::status(created, 2, 7, digest).text(None),
            format!("tasdiq-log/v1 status\ntime 1796000000\nversion 2\ncount 7\ndigest {digest}\n")
        );
    }

    #[test]
    fn an_opening_parses_only_in_canonical_form() {
        let good = opening().text();
        for bad in [
            good.replacen("brand 12", "brand 012", 1),
            good.replacen("brand 12\n", "", 1),
            good.replacen("quantity 500", "quantity  500", 1),
            format!("{good}extra 1\n"),
            good.trim_end().to_owned(),
            good.replacen("tasdiq-cert/v1", "tasdiq-cert/v2", 1),
        ] {
            assert_eq!(Opening::parse(bad.as_bytes()), None, "{bad:?}");
        }
    }
}

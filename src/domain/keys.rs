//! The key ring: which Ed25519 keys exist, what state each is in, and which one signs new
//! certificates. Private keys are held in [`SecretKey`], whose `Debug` never shows them.
//! Loading from files and the database lives elsewhere (`crate::keystore`); this is pure.

use std::fmt;

use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::certificate::CertFacts;
use super::code::{Kid, Label, LabelHeader};
use super::values::{KeyStatus, label_days};

/// An Ed25519 private key. Never printed, never serialised; zeroed on drop by dalek.
pub struct SecretKey(SigningKey);

impl SecretKey {
    pub fn new(key: SigningKey) -> Self {
        SecretKey(key)
    }

    pub fn generate() -> Self {
        SecretKey(SigningKey::generate(&mut rand::rng()))
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.0
    }

    pub fn public(&self) -> VerifyingKey {
        self.0.verifying_key()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, <redacted>)", Kid::of(&self.public()))
    }
}

/// One key as the ring knows it.
#[derive(Debug)]
pub struct KeyEntry {
    pub kid: Kid,
    pub public: VerifyingKey,
    pub status: KeyStatus,
    pub created: DateTime<Utc>,
    pub compromised_since: Option<DateTime<Utc>>,
    /// Present only on a node that holds the private key file.
    pub secret: Option<SecretKey>,
}

impl KeyEntry {
    /// Whether a certificate issued at `issued_at` under this key can still be trusted.
    /// Certificates issued before a compromise stay valid; later ones do not.
    pub fn trusts_issuance_at(&self, issued_at: DateTime<Utc>) -> bool {
        match self.compromised_since {
            Some(since) => issued_at < since,
            None => self.status != KeyStatus::Compromised,
        }
    }
}

/// All known keys. A handful at most, so lookups scan a small vector.
#[derive(Debug, Default)]
pub struct KeyRing {
    keys: Vec<KeyEntry>,
}

impl KeyRing {
    pub fn new(mut keys: Vec<KeyEntry>) -> Self {
        keys.sort_by_key(|k| k.created);
        KeyRing { keys }
    }

    pub fn get(&self, kid: Kid) -> Option<&KeyEntry> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    pub fn all(&self) -> &[KeyEntry] {
        &self.keys
    }

    /// The key that signs new certificates: the newest active key whose secret we hold.
    pub fn signer(&self) -> Option<&KeyEntry> {
        self.keys
            .iter()
            .rev()
            .find(|k| k.status == KeyStatus::Active && k.secret.is_some())
    }
}

/// Why a label could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("item {item} is outside the lot (1 to {quantity})")]
    ItemOutOfRange { item: u32, quantity: u32 },
    #[error("the private key {0} of this certificate is not on this node")]
    NoSecret(Kid),
    #[error("the expiry date does not fit the label")]
    Expiry,
}

impl KeyRing {
    /// The label of one item of a certificate, signed with the key the certificate was issued
    /// under (never the current signer: a label whose kid differs from its certificate's is a
    /// counterfeit). Deterministic, so re-prints are identical.
    pub fn sign_label(&self, cert: &CertFacts, item: u32) -> Result<Label, SignError> {
        if item == 0 || item > cert.quantity {
            return Err(SignError::ItemOutOfRange {
                item,
                quantity: cert.quantity,
            });
        }
        let secret = self
            .get(cert.kid)
            .and_then(|k| k.secret.as_ref())
            .ok_or(SignError::NoSecret(cert.kid))?;
        let header = LabelHeader {
            kid: cert.kid,
            certificate: cert.number,
            item,
            brand: cert.brand,
            expiry_days: label_days(cert.expires_on).ok_or(SignError::Expiry)?,
        };
        Ok(header.sign(secret.signing_key()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: KeyStatus, secret: bool, day: u32) -> KeyEntry {
        let s = SecretKey::generate();
        KeyEntry {
            kid: Kid::of(&s.public()),
            public: s.public(),
            status,
            created: DateTime::from_timestamp(i64::from(day) * 86_400, 0).unwrap(),
            compromised_since: None,
            secret: secret.then_some(s),
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = SecretKey::new(SigningKey::from_bytes(&[0xab; 32]));
        let shown = format!("{s:?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains("abab"), "{shown}");
        assert!(!shown.contains("171"), "{shown}");
    }

    #[test]
    fn the_signer_is_the_newest_active_key_with_a_secret() {
        let ring = KeyRing::new(vec![
            entry(KeyStatus::Active, true, 2),
            entry(KeyStatus::Retired, true, 1),
            entry(KeyStatus::Active, false, 3),
        ]);
        assert_eq!(ring.signer().unwrap().created.timestamp(), 2 * 86_400);
        assert!(KeyRing::default().signer().is_none());
    }

    #[test]
    fn compromise_cuts_at_an_instant() {
        let mut k = entry(KeyStatus::Compromised, false, 1);
        let t = DateTime::from_timestamp(1_000_000, 0).unwrap();
        k.compromised_since = Some(t);
        assert!(k.trusts_issuance_at(t - chrono::Duration::seconds(1)));
        assert!(!k.trusts_issuance_at(t));
    }
}

//! Keys of signed notes (c2sp.org/signed-note "Signatures", "Verifier keys"): key names, key
//! IDs, vkeys, and signers with their private-key string — Go `sumdb/note`'s
//! `PRIVATE+KEY+<name>+<hex id>+base64(type ‖ seed)`, which Go's `note.NewSigner` reads too.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{NoteError, Signature};

/// A signature type of c2sp.org/signed-note that this crate implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `0x01`: Ed25519 over the note text.
    Ed25519,
    /// `0x04`: timestamped Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature).
    Cosignature,
}

impl Algorithm {
    /// The signature type identifier byte.
    pub fn byte(self) -> u8 {
        match self {
            Algorithm::Ed25519 => 0x01,
            Algorithm::Cosignature => 0x04,
        }
    }

    fn from_byte(b: u8) -> Option<Algorithm> {
        match b {
            0x01 => Some(Algorithm::Ed25519),
            0x04 => Some(Algorithm::Cosignature),
            _ => None,
        }
    }

    /// Length of the signature after the 4-byte key ID: 64, or 8 + 64 with the timestamp.
    pub fn signature_len(self) -> usize {
        match self {
            Algorithm::Ed25519 => 64,
            Algorithm::Cosignature => 72,
        }
    }
}

/// A key name: non-empty, no Unicode space, no `+`, and (as in any note) no control character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyName(String);

impl KeyName {
    /// Checks the name rules.
    pub fn new(name: &str) -> Result<KeyName, NoteError> {
        if name.is_empty()
            || name
                .chars()
                .any(|c| c.is_whitespace() || c == '+' || c.is_control())
        {
            return Err(NoteError::BadKeyName);
        }
        Ok(KeyName(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 32-bit key ID carried in front of each signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

impl KeyId {
    /// `SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]`, big-endian.
    pub fn compute(name: &KeyName, alg: Algorithm, public: &[u8; 32]) -> KeyId {
        let mut h = Sha256::new();
        h.update(name.0.as_bytes());
        h.update([b'\n', alg.byte()]);
        h.update(public);
        let d = h.finalize();
        KeyId(u32::from_be_bytes([d[0], d[1], d[2], d[3]]))
    }

    /// Exactly eight lowercase hex digits, the form vkeys use.
    fn parse_hex(s: &str) -> Option<KeyId> {
        if s.len() != 8 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        u32::from_str_radix(s, 16).ok().map(KeyId)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// A public key that checks note signatures: name, key ID, type and Ed25519 key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: KeyName,
    id: KeyId,
    alg: Algorithm,
    key: VerifyingKey,
}

impl VerifierKey {
    /// The verifier of `key` under `name` for signatures of type `alg`.
    pub fn new(name: KeyName, alg: Algorithm, key: VerifyingKey) -> VerifierKey {
        let id = KeyId::compute(&name, alg, key.as_bytes());
        VerifierKey { name, id, alg, key }
    }

    /// Parses a vkey, `<name>+<hex8 key ID>+base64(type ‖ public key)`, checking that the key
    /// ID is the one the name and key give.
    pub fn parse(vkey: &str) -> Result<VerifierKey, NoteError> {
        let bad = |why: &'static str| NoteError::BadVerifierKey(why);
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("a vkey is name+id+key"));
        };
        let name = KeyName::new(name)?;
        let id = KeyId::parse_hex(id).ok_or(bad("the key ID is not 8 lowercase hex digits"))?;
        let raw = STANDARD
            .decode(key)
            .map_err(|_| bad("the key is not base64"))?;
        let (&alg, public) = raw.split_first().ok_or(bad("the key is empty"))?;
        let alg = Algorithm::from_byte(alg).ok_or(bad("unknown signature type"))?;
        let public: [u8; 32] = public
            .try_into()
            .map_err(|_| bad("an Ed25519 key is 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| bad("not an Ed25519 point"))?;
        let v = VerifierKey::new(name, alg, key);
        if v.id != id {
            return Err(bad("the key ID does not match the name and key"));
        }
        Ok(v)
    }

    /// The key name.
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The signature type.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Checks one signature (the bytes after the key ID) over `text`; for a cosignature, returns
    /// its timestamp. Uses `verify_strict`, which Go's `ed25519.Verify` accepts a superset of.
    pub fn verify(&self, text: &str, sig: &[u8]) -> Result<Option<u64>, NoteError> {
        let invalid = || NoteError::InvalidSignature {
            name: self.name.0.clone(),
            id: self.id,
        };
        if sig.len() != self.alg.signature_len() {
            return Err(invalid());
        }
        let (time, raw) = match self.alg {
            Algorithm::Ed25519 => (None, sig),
            Algorithm::Cosignature => {
                let (t, raw) = sig.split_at(8);
                let mut be = [0u8; 8];
                be.copy_from_slice(t);
                (Some(u64::from_be_bytes(be)), raw)
            }
        };
        let raw = ed25519_dalek::Signature::from_slice(raw).map_err(|_| invalid())?;
        let ok = match time {
            None => self.key.verify_strict(text.as_bytes(), &raw).is_ok(),
            Some(t) if t <= i64::MAX as u64 => {
                let msg = cosignature_message(text, t);
                self.key.verify_strict(msg.as_bytes(), &raw).is_ok()
            }
            Some(_) => false,
        };
        if ok { Ok(time) } else { Err(invalid()) }
    }
}

impl fmt::Display for VerifierKey {
    /// The vkey string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = Vec::with_capacity(33);
        raw.push(self.alg.byte());
        raw.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{}+{}", self.name, self.id, STANDARD.encode(raw))
    }
}

/// The message an Ed25519 cosignature signs: `cosignature/v1`, `time T`, then the checkpoint.
pub(crate) fn cosignature_message(text: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{text}")
}

/// A private signing key with its name and type. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct Signer {
    name: KeyName,
    id: KeyId,
    alg: Algorithm,
    key: SigningKey,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("id", &self.id)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer from an Ed25519 key.
    pub fn new(name: KeyName, alg: Algorithm, key: SigningKey) -> Signer {
        let id = KeyId::compute(&name, alg, key.verifying_key().as_bytes());
        Signer { name, id, alg, key }
    }

    /// A new random key.
    pub fn generate<R: ed25519_dalek::rand_core::CryptoRng + ?Sized>(
        name: KeyName,
        alg: Algorithm,
        rng: &mut R,
    ) -> Signer {
        Signer::new(name, alg, SigningKey::generate(rng))
    }

    /// Parses `PRIVATE+KEY+<name>+<hex8 id>+base64(type ‖ 32-byte seed)`, checking the key ID
    /// against the derived public key.
    pub fn parse(skey: &str) -> Result<Signer, NoteError> {
        Signer::parse_parts(skey).ok_or(NoteError::BadSignerKey)
    }

    fn parse_parts(skey: &str) -> Option<Signer> {
        let rest = skey.strip_prefix("PRIVATE+KEY+")?;
        let mut parts = rest.splitn(3, '+');
        let (name, id, key) = (parts.next()?, parts.next()?, parts.next()?);
        let name = KeyName::new(name).ok()?;
        let id = KeyId::parse_hex(id)?;
        let raw = STANDARD.decode(key).ok()?;
        let (&alg, seed) = raw.split_first()?;
        let alg = Algorithm::from_byte(alg)?;
        let seed: [u8; 32] = seed.try_into().ok()?;
        let s = Signer::new(name, alg, SigningKey::from_bytes(&seed));
        (s.id == id).then_some(s)
    }

    /// The private-key string [`Signer::parse`] reads. Secret: store it in a file of mode 0600.
    pub fn to_private_string(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(self.alg.byte());
        raw.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            self.id,
            STANDARD.encode(raw)
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey::new(self.name.clone(), self.alg, self.key.verifying_key())
    }

    /// The key name.
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID.
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The signature type.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// An Ed25519 (type 0x01) signature over the note text.
    pub fn sign(&self, text: &str) -> Result<Signature, NoteError> {
        if self.alg != Algorithm::Ed25519 {
            return Err(NoteError::WrongAlgorithm);
        }
        Ok(self.signature(text.as_bytes(), &[]))
    }

    /// A timestamped cosignature (type 0x04) over a checkpoint text, at POSIX time `time`.
    /// The text must be a checkpoint: that is all a v1 cosignature may sign.
    pub fn cosign(&self, checkpoint_text: &str, time: u64) -> Result<Signature, NoteError> {
        if self.alg != Algorithm::Cosignature {
            return Err(NoteError::WrongAlgorithm);
        }
        if time > i64::MAX as u64 {
            return Err(NoteError::Malformed(
                "a cosignature time is at most 2^63 - 1",
            ));
        }
        crate::checkpoint::Checkpoint::parse(checkpoint_text)
            .map_err(|_| NoteError::Malformed("a cosignature signs a checkpoint"))?;
        let msg = cosignature_message(checkpoint_text, time);
        Ok(self.signature(msg.as_bytes(), &time.to_be_bytes()))
    }

    fn signature(&self, msg: &[u8], prefix: &[u8]) -> Signature {
        use ed25519_dalek::Signer as _;
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(&self.key.sign(msg).to_bytes());
        Signature {
            name: self.name.clone(),
            id: self.id,
            bytes,
        }
    }
}

//! C2SP signed notes (c2sp.org/signed-note@v1): text signed by one or more keys.
//!
//! - "Format": [`Note::parse`] is strict — UTF-8, no control character but newline, the text
//!   ends in a newline and is split from the signatures by the last blank line, every
//!   signature line is `— <name> <base64(key ID ‖ signature)>` ending in a newline, nothing
//!   after it; bounded by [`Limits`] on size and signature count (at least the 16 the spec asks
//!   verifiers to accept).
//! - "Signatures": [`Note::verify`] ignores signatures whose (name, key ID) is unknown, rejects
//!   the note if a known key's signature fails, and needs at least one known signature.
//! - Key IDs ([`KeyId`]), vkeys ([`VerifierKey`]) and [`Signer`]s; Ed25519 (type 0x01) and the Ed25519
//!   cosignature (type 0x04, c2sp.org/tlog-cosignature "Ed25519 signed message").

mod keys;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

pub use keys::{Algorithm, KeyId, KeyName, Signer, VerifierKey};

/// Errors of note parsing, signing and verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note breaks a format rule; the text says which.
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    /// The note is larger than the limit.
    #[error("the note is larger than {0} bytes")]
    TooLarge(usize),
    /// The note has more signature lines than the limit.
    #[error("the note has more than {0} signatures")]
    TooManySignatures(usize),
    /// A key name is empty or holds a space, `+` or control character.
    #[error("a key name must be non-empty, without spaces, '+' or control characters")]
    BadKeyName,
    /// A vkey string does not parse.
    #[error("bad verifier key: {0}")]
    BadVerifierKey(&'static str),
    /// A private-key string does not parse (its text is never echoed).
    #[error("bad private key string")]
    BadSignerKey,
    /// A signature by a known key does not verify.
    #[error("invalid signature by {name}+{id}")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key ID.
        id: KeyId,
    },
    /// No signature by a known key.
    #[error("the note has no signature by a known key")]
    NoKnownSignature,
    /// Two verifiers with the same name and key ID.
    #[error("two verifiers share the name and key ID {0}")]
    DuplicateVerifier(String),
    /// Signing with a key of the other type.
    #[error("this key signs another signature type")]
    WrongAlgorithm,
}

/// Bounds on what [`Note::parse_with`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest note in bytes.
    pub max_size: usize,
    /// Most signature lines.
    pub max_signatures: usize,
}

impl Default for Limits {
    /// 1 MiB and 64 signatures: a checkpoint with many cosignatures fits many times over; the
    /// status list, which grows with revocations, passes its own limit.
    fn default() -> Limits {
        Limits {
            max_size: 1 << 20,
            max_signatures: 64,
        }
    }
}

/// One signature line: key name, key ID, and the signature bytes after the key ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The key name.
    pub name: KeyName,
    /// The key ID.
    pub id: KeyId,
    /// The signature (for a cosignature: 8-byte timestamp then the Ed25519 signature).
    pub bytes: Vec<u8>,
}

impl Signature {
    /// The line, `— <name> <base64>` and a newline.
    pub fn line(&self) -> String {
        let mut raw = self.id.0.to_be_bytes().to_vec();
        raw.extend_from_slice(&self.bytes);
        format!("\u{2014} {} {}\n", self.name, STANDARD.encode(raw))
    }

    /// Parses one line without its newline.
    pub fn parse_line(line: &str) -> Result<Signature, NoteError> {
        let rest = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed(
            "a signature line starts with an em dash and a space",
        ))?;
        let (name, b64) = rest.split_once(' ').ok_or(NoteError::Malformed(
            "a signature line is '— name signature'",
        ))?;
        let name = KeyName::new(name)?;
        let raw = STANDARD
            .decode(b64)
            .map_err(|_| NoteError::Malformed("a signature is canonical base64"))?;
        if raw.len() < 5 {
            return Err(NoteError::Malformed(
                "a signature is a key ID and at least one byte",
            ));
        }
        Ok(Signature {
            name,
            id: KeyId(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]])),
            bytes: raw[4..].to_vec(),
        })
    }
}

/// A signed note: its text and its signature lines, verified or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<Signature>,
}

/// A note text: non-empty, ending in a newline, no control character but newline.
fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("the text ends in a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed("no control characters but newline"));
    }
    Ok(())
}

impl Note {
    /// An unsigned note over `text`.
    pub fn new(text: impl Into<String>) -> Result<Note, NoteError> {
        let text = text.into();
        check_text(&text)?;
        Ok(Note {
            text,
            signatures: Vec::new(),
        })
    }

    /// Parses a note with the default [`Limits`].
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        Note::parse_with(bytes, &Limits::default())
    }

    /// Parses a note strictly (the module docs list the rules). Signatures are not checked.
    pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<Note, NoteError> {
        if bytes.len() > limits.max_size {
            return Err(NoteError::TooLarge(limits.max_size));
        }
        let s = std::str::from_utf8(bytes).map_err(|_| NoteError::Malformed("not UTF-8"))?;
        if s.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::Malformed("no control characters but newline"));
        }
        let split = s
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
        let (text, sigs) = (&s[..split + 1], &s[split + 2..]);
        if sigs.is_empty() {
            return Err(NoteError::Malformed("a note has at least one signature"));
        }
        let body = sigs.strip_suffix('\n').ok_or(NoteError::Malformed(
            "the last signature line ends in a newline",
        ))?;
        let mut signatures = Vec::new();
        for line in body.split('\n') {
            if signatures.len() == limits.max_signatures {
                return Err(NoteError::TooManySignatures(limits.max_signatures));
            }
            signatures.push(Signature::parse_line(line)?);
        }
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The signed text, final newline included.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// Appends a signature line; an identical line already there is not repeated.
    pub fn add_signature(&mut self, sig: Signature) {
        if !self.signatures.contains(&sig) {
            self.signatures.push(sig);
        }
    }

    /// Signs with an Ed25519 (type 0x01) key and appends the signature.
    pub fn sign(&mut self, signer: &Signer) -> Result<(), NoteError> {
        let sig = signer.sign(&self.text)?;
        self.add_signature(sig);
        Ok(())
    }

    /// Removes every signature by the key with this name and ID (e.g. a stale cosignature
    /// before adding a newer one from the same witness).
    pub fn remove_signatures(&mut self, name: &KeyName, id: KeyId) {
        self.signatures.retain(|s| !(s.name == *name && s.id == id));
    }

    /// The note as bytes: text, blank line, signature lines.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }

    /// Verifies against `known`: signatures by unknown (name, key ID) pairs are ignored, any
    /// known one that fails rejects the note, and at least one known signature must verify.
    pub fn verify(&self, known: &Verifiers) -> Result<Verified, NoteError> {
        if self.signatures.is_empty() {
            return Err(NoteError::Malformed("a note has at least one signature"));
        }
        let mut verified = Vec::new();
        let mut unknown = 0;
        for sig in &self.signatures {
            match known.get(&sig.name, sig.id) {
                None => unknown += 1,
                Some(key) => {
                    let timestamp = key.verify(&self.text, &sig.bytes)?;
                    verified.push(VerifiedSignature {
                        name: sig.name.clone(),
                        id: sig.id,
                        algorithm: key.algorithm(),
                        timestamp,
                    });
                }
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(Verified { verified, unknown })
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for s in &self.signatures {
            f.write_str(&s.line())?;
        }
        Ok(())
    }
}

/// A set of trusted verifier keys, looked up by (name, key ID).
#[derive(Debug, Clone, Default)]
pub struct Verifiers {
    keys: Vec<VerifierKey>,
}

impl Verifiers {
    /// An empty set.
    pub fn new() -> Verifiers {
        Verifiers::default()
    }

    /// A set from keys; two keys with the same name and ID are refused, since a signature
    /// could not tell them apart.
    pub fn from_keys(keys: impl IntoIterator<Item = VerifierKey>) -> Result<Verifiers, NoteError> {
        let mut v = Verifiers::new();
        for k in keys {
            v.insert(k)?;
        }
        Ok(v)
    }

    /// Adds a key.
    pub fn insert(&mut self, key: VerifierKey) -> Result<(), NoteError> {
        if self.get(key.name(), key.id()).is_some() {
            return Err(NoteError::DuplicateVerifier(format!(
                "{}+{}",
                key.name(),
                key.id()
            )));
        }
        self.keys.push(key);
        Ok(())
    }

    /// The key with this name and ID.
    pub fn get(&self, name: &KeyName, id: KeyId) -> Option<&VerifierKey> {
        self.keys.iter().find(|k| k.name() == name && k.id() == id)
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> &[VerifierKey] {
        &self.keys
    }
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key name.
    pub name: KeyName,
    /// The key ID.
    pub id: KeyId,
    /// The signature type.
    pub algorithm: Algorithm,
    /// For a cosignature, the POSIX time it states.
    pub timestamp: Option<u64>,
}

/// The outcome of [`Note::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Signatures by known keys, all valid, in note order.
    pub verified: Vec<VerifiedSignature>,
    /// How many signature lines were by unknown keys and ignored.
    pub unknown: usize,
}

impl Verified {
    /// Whether a valid signature by this key is among them.
    pub fn by(&self, key: &VerifierKey) -> bool {
        self.verified
            .iter()
            .any(|v| v.name == *key.name() && v.id == key.id())
    }
}

#[cfg(test)]
mod tests;

//! Checkpoint bodies (c2sp.org/tlog-checkpoint@v1 "Note text"): origin, tree size and root hash,
//! then optional extension lines. We parse extension lines (and keep them, so a parsed text
//! formats back to itself) but emit none: they are "not auditable by log monitors".
//!
//! A signed checkpoint is a [`Note`] whose text parses here; [`Checkpoint::open`] does both.

use std::fmt;

use crate::merkle::Hash;
use crate::note::{Note, NoteError, Verified, Verifiers};

/// The text of a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, e.g. `tasdiq.ma/log`.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// The RFC 6962 root hash at that size.
    pub root: Hash,
    /// Opaque, non-empty extension lines (we never write any).
    pub extensions: Vec<String>,
}

/// Why a checkpoint text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The text breaks a line rule; the text says which.
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    /// The note around it is malformed or does not verify.
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// A decimal size with no leading zero (unless it is `0`), within `i64` as Go's tlog keeps it.
pub(crate) fn parse_size(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') {
        return None;
    }
    s.parse::<u64>().ok().filter(|&n| n <= i64::MAX as u64)
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Checkpoint {
        Checkpoint {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// Parses a note text (final newline included): at least three non-empty lines.
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = CheckpointError::Malformed;
        let body = text
            .strip_suffix('\n')
            .ok_or(bad("the text ends in a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(bad("the origin line is empty"));
        }
        if origin.chars().any(char::is_control) {
            return Err(bad("control character in the origin"));
        }
        let size = lines.next().and_then(parse_size).ok_or(bad(
            "the size line is a decimal number without leading zeros",
        ))?;
        let root = lines
            .next()
            .and_then(|l| Hash::from_base64(l).ok())
            .ok_or(bad("the root line is a base64 SHA-256 hash"))?;
        let mut extensions = Vec::new();
        for l in lines {
            if l.is_empty() {
                return Err(bad("extension lines are non-empty"));
            }
            if l.chars().any(char::is_control) {
                return Err(bad("control character in an extension line"));
            }
            extensions.push(l.to_owned());
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Parses a signed checkpoint and verifies it against `known` (signed-note rules), and that
    /// its origin is `origin`.
    pub fn open(
        bytes: &[u8],
        origin: &str,
        known: &Verifiers,
    ) -> Result<(Checkpoint, Note, Verified), CheckpointError> {
        let note = Note::parse(bytes)?;
        let cp = Checkpoint::parse(note.text())?;
        if cp.origin != origin {
            return Err(CheckpointError::Malformed("unexpected origin"));
        }
        let verified = note.verify(known)?;
        Ok((cp, note, verified))
    }

    /// The note text.
    pub fn text(&self) -> String {
        self.to_string()
    }

    /// An unsigned note over this checkpoint, ready for [`Note::sign`]. Fails only if the
    /// origin or an extension line holds a control character.
    pub fn to_note(&self) -> Result<Note, NoteError> {
        Note::new(self.text())
    }
}

impl fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}\n{}\n", self.origin, self.size, self.root)?;
        for e in &self.extensions {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{Algorithm, KeyName, Signer};

    const SPEC: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    #[test]
    fn the_specification_example_round_trips() {
        let cp = Checkpoint::parse(SPEC).unwrap();
        assert_eq!(cp.origin, "example.com/behind-the-sofa");
        assert_eq!(cp.size, 20_852_163);
        assert_eq!(cp.to_string(), SPEC);
        let ext = format!("{SPEC}ext one\next two\n");
        let cp = Checkpoint::parse(&ext).unwrap();
        assert_eq!(cp.extensions, ["ext one", "ext two"]);
        assert_eq!(cp.to_string(), ext);
    }

    #[test]
    fn bad_lines_are_rejected() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        for bad in [
            String::new(),
            "o\n1\n".to_owned(),
            format!("o\n1\n{root}"),
            format!("\n1\n{root}\n"),
            format!("o\n01\n{root}\n"),
            format!("o\n+1\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n 1\n{root}\n"),
            format!("o\n9223372036854775808\n{root}\n"),
            format!("o\n1\n{}\n", &root[..40]),
            format!("o\n1\n{root}\n\n"),
            format!("o\n1\n{root}\nok\n\nafter-blank\n"),
            format!("o\u{1}\n1\n{root}\n"),
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
        }
        assert!(Checkpoint::parse(&format!("o\n0\n{root}\n")).is_ok());
        assert!(Checkpoint::parse(&format!("o\n9223372036854775807\n{root}\n")).is_ok());
    }

    #[test]
    fn open_checks_origin_and_signature() {
        let log = Signer::new(
            KeyName::new("example.com/log").unwrap(),
            Algorithm::Ed25519,
            ed25519_dalek::SigningKey::from_bytes(&[5; 32]),
        );
        let mut note = Checkpoint::new("example.com/log", 3, Hash::EMPTY)
            .to_note()
            .unwrap();
        note.sign(&log).unwrap();
        let known = Verifiers::from_keys([log.verifier()]).unwrap();
        let (cp, _, v) = Checkpoint::open(&note.to_bytes(), "example.com/log", &known).unwrap();
        assert_eq!(cp.size, 3);
        assert!(v.by(&log.verifier()));
        assert!(Checkpoint::open(&note.to_bytes(), "example.com/other", &known).is_err());
        assert!(Checkpoint::open(&note.to_bytes(), "example.com/log", &Verifiers::new()).is_err());
    }
}

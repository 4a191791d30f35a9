//! Offline-verifiable proofs of logging (c2sp.org/tlog-proof@v1):
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>            (optional)
//! index <decimal>
//! <base64 hash>             (zero or more: the inclusion path, leaf's sibling first)
//!
//! <checkpoint, signatures and cosignatures included>
//! ```
//!
//! [`TlogProof::verify`] follows "Verifying a tlog proof": the caller computes the leaf hash
//! (from the extra data and what it knows), then the origin, the log's signature, the
//! witnesses' cosignatures against a k-of-n quorum, and the inclusion proof are checked.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::checkpoint::{Checkpoint, parse_size};
use crate::merkle::{Hash, MAX_PROOF_HASHES, verify_inclusion};
use crate::note::{Note, NoteError, VerifiedSignature, Verifiers};

/// The first line.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Largest proof [`TlogProof::parse`] reads, extra data included.
pub const MAX_PROOF_SIZE: usize = 64 * 1024;

/// Why a proof is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The text breaks a format rule; the text says which.
    #[error("malformed tlog proof: {0}")]
    Malformed(&'static str),
    /// The checkpoint is for another log.
    #[error("the checkpoint's origin is not {0}")]
    WrongOrigin(String),
    /// The checkpoint note failed to verify.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// No valid signature by the log's key.
    #[error("the checkpoint is not signed by the log")]
    NotSignedByLog,
    /// Fewer valid witness cosignatures than the policy asks.
    #[error("{got} witness cosignatures, the policy asks for {want}")]
    Quorum {
        /// Distinct witnesses that cosigned.
        got: usize,
        /// The policy's k.
        want: usize,
    },
    /// The inclusion proof does not lead to the checkpoint's root.
    #[error("the inclusion proof does not verify")]
    Inclusion,
}

/// What a verifier trusts: the log's origin and keys, the witnesses and how many must agree.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The checkpoint origin the log uses.
    pub origin: String,
    /// The log's keys.
    pub log: Verifiers,
    /// The witnesses' cosigning keys.
    pub witnesses: Verifiers,
    /// How many distinct witnesses must have cosigned.
    pub quorum: usize,
}

/// A proof that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The checkpoint it is against.
    pub checkpoint: Checkpoint,
    /// The witnesses' valid cosignatures, with their times.
    pub cosignatures: Vec<VerifiedSignature>,
}

/// A tlog proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque data that helps rebuild the entry (for tasdiq, the certificate's opening). Not
    /// authenticated by the proof itself.
    pub extra: Option<Vec<u8>>,
    /// The entry's index.
    pub index: u64,
    /// The inclusion proof.
    pub path: Vec<Hash>,
    /// The signed checkpoint, cosignatures included.
    pub checkpoint: Note,
}

impl TlogProof {
    /// Parses a proof strictly.
    pub fn parse(bytes: &[u8]) -> Result<TlogProof, ProofError> {
        let bad = ProofError::Malformed;
        if bytes.len() > MAX_PROOF_SIZE {
            return Err(bad("the proof is too large"));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
        let mut rest = text;
        let mut next_line = || -> Result<&str, ProofError> {
            let (line, tail) = rest
                .split_once('\n')
                .ok_or(bad("a line is missing its newline"))?;
            rest = tail;
            Ok(line)
        };
        if next_line()? != HEADER {
            return Err(bad("the first line is c2sp.org/tlog-proof@v1"));
        }
        let mut line = next_line()?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            let data = STANDARD
                .decode(b64)
                .map_err(|_| bad("the extra data is canonical base64"))?;
            if data.is_empty() {
                return Err(bad("an extra line holds data"));
            }
            extra = Some(data);
            line = next_line()?;
        }
        let index = line
            .strip_prefix("index ")
            .and_then(parse_size)
            .ok_or(bad("the index line is 'index <decimal>'"))?;
        let mut path = Vec::new();
        loop {
            let line = next_line()?;
            if line.is_empty() {
                break;
            }
            if path.len() == MAX_PROOF_HASHES {
                return Err(bad("too many proof hashes"));
            }
            path.push(Hash::from_base64(line).map_err(|_| bad("a proof line is a base64 hash"))?);
        }
        let checkpoint = Note::parse(rest.as_bytes())?;
        Checkpoint::parse(checkpoint.text())
            .map_err(|_| bad("the note after the proof is a checkpoint"))?;
        Ok(TlogProof {
            extra,
            index,
            path,
            checkpoint,
        })
    }

    /// The proof as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }

    /// Verifies that `leaf` (the leaf hash the caller computed) is in the checkpointed tree,
    /// that the checkpoint is the policy's log's and signed by it, and that at least
    /// `policy.quorum` distinct witnesses cosigned it.
    pub fn verify(&self, leaf: &Hash, policy: &Policy) -> Result<VerifiedProof, ProofError> {
        let cp = Checkpoint::parse(self.checkpoint.text())
            .map_err(|_| ProofError::Malformed("the note after the proof is a checkpoint"))?;
        if cp.origin != policy.origin {
            return Err(ProofError::WrongOrigin(policy.origin.clone()));
        }
        let mut all = policy.log.clone();
        for w in policy.witnesses.keys() {
            all.insert(w.clone())?;
        }
        let verified = match self.checkpoint.verify(&all) {
            Err(NoteError::NoKnownSignature) => return Err(ProofError::NotSignedByLog),
            r => r?,
        };
        if !policy.log.keys().iter().any(|k| verified.by(k)) {
            return Err(ProofError::NotSignedByLog);
        }
        let mut cosignatures: Vec<VerifiedSignature> = verified
            .verified
            .into_iter()
            .filter(|v| policy.witnesses.get(&v.name, v.id).is_some())
            .collect();
        cosignatures.dedup_by(|a, b| a.name == b.name && a.id == b.id);
        let mut distinct: Vec<_> = cosignatures.iter().map(|v| (&v.name, v.id)).collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < policy.quorum {
            return Err(ProofError::Quorum {
                got: distinct.len(),
                want: policy.quorum,
            });
        }
        verify_inclusion(leaf, self.index, cp.size, &self.path, &cp.root)
            .map_err(|_| ProofError::Inclusion)?;
        Ok(VerifiedProof {
            checkpoint: cp,
            cosignatures,
        })
    }
}

impl fmt::Display for TlogProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{HEADER}")?;
        if let Some(extra) = &self.extra {
            writeln!(f, "extra {}", STANDARD.encode(extra))?;
        }
        writeln!(f, "index {}", self.index)?;
        for h in &self.path {
            writeln!(f, "{h}")?;
        }
        writeln!(f)?;
        write!(f, "{}", self.checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{MemoryTree, leaf_hash, prove_inclusion};
    use crate::note::{Algorithm, KeyName, Signer};

    fn key(name: &str, alg: Algorithm, seed: u8) -> Signer {
        Signer::new(
            KeyName::new(name).unwrap(),
            alg,
            ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
        )
    }

    struct Fixture {
        proof: TlogProof,
        policy: Policy,
        leaf: Hash,
    }

    fn fixture(witnesses: usize) -> Fixture {
        let log = key("example.com/log", Algorithm::Ed25519, 1);
        let ws: Vec<Signer> = (0..3)
            .map(|i| key(&format!("w{i}.example"), Algorithm::Cosignature, 10 + i))
            .collect();
        let mut tree = MemoryTree::new();
        for i in 0..1000u32 {
            tree.push_entry(&i.to_be_bytes());
        }
        let cp = Checkpoint::new("example.com/log", 1000, tree.root());
        let mut note = cp.to_note().unwrap();
        note.sign(&log).unwrap();
        for w in &ws[..witnesses] {
            note.add_signature(w.cosign(note.text(), 1_700_000_000).unwrap());
        }
        let proof = TlogProof {
            extra: Some(b"opening".to_vec()),
            index: 733,
            path: prove_inclusion(733, 1000, &tree).unwrap(),
            checkpoint: note,
        };
        let policy = Policy {
            origin: "example.com/log".into(),
            log: Verifiers::from_keys([log.verifier()]).unwrap(),
            witnesses: Verifiers::from_keys(ws.iter().map(Signer::verifier)).unwrap(),
            quorum: 2,
        };
        Fixture {
            proof,
            policy,
            leaf: leaf_hash(&733u32.to_be_bytes()),
        }
    }

    #[test]
    fn a_proof_round_trips_and_verifies() {
        let f = fixture(3);
        let text = f.proof.to_string();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra b3BlbmluZw==\nindex 733\n"));
        let back = TlogProof::parse(text.as_bytes()).unwrap();
        assert_eq!(back, f.proof);
        let ok = back.verify(&f.leaf, &f.policy).unwrap();
        assert_eq!(ok.checkpoint.size, 1000);
        assert_eq!(ok.cosignatures.len(), 3);
        // Without extra data the line is omitted.
        let mut plain = f.proof.clone();
        plain.extra = None;
        assert!(
            plain
                .to_string()
                .starts_with("c2sp.org/tlog-proof@v1\nindex 733\n")
        );
        assert_eq!(TlogProof::parse(&plain.to_bytes()).unwrap(), plain);
    }

    #[test]
    fn verification_fails_for_each_broken_part() {
        let f = fixture(3);
        let other_leaf = leaf_hash(b"other");
        assert_eq!(
            f.proof.verify(&other_leaf, &f.policy),
            Err(ProofError::Inclusion)
        );
        let mut moved = f.proof.clone();
        moved.index = 734;
        assert_eq!(moved.verify(&f.leaf, &f.policy), Err(ProofError::Inclusion));
        let mut origin = f.policy.clone();
        origin.origin = "example.com/other".into();
        assert!(matches!(
            f.proof.verify(&f.leaf, &origin),
            Err(ProofError::WrongOrigin(_))
        ));
        let mut no_log = f.policy.clone();
        no_log.log =
            Verifiers::from_keys([key("example.com/log", Algorithm::Ed25519, 2).verifier()])
                .unwrap();
        assert_eq!(
            f.proof.verify(&f.leaf, &no_log),
            Err(ProofError::NotSignedByLog)
        );
        let mut strict = f.policy.clone();
        strict.quorum = 4;
        assert_eq!(
            f.proof.verify(&f.leaf, &strict),
            Err(ProofError::Quorum { got: 3, want: 4 })
        );
        let one = fixture(1);
        assert_eq!(
            one.proof.verify(&one.leaf, &one.policy),
            Err(ProofError::Quorum { got: 1, want: 2 })
        );
    }

    #[test]
    fn parse_is_strict() {
        let good = fixture(2).proof.to_string();
        assert!(TlogProof::parse(good.as_bytes()).is_ok());
        for bad in [
            good.replacen("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2", 1),
            good.replacen("index 733", "index 0733", 1),
            good.replacen("index 733", "index  733", 1),
            good.replacen("extra b3BlbmluZw==", "extra b3BlbmluZw", 1),
            good.replacen("extra b3BlbmluZw==", "extra ", 1),
            good.replacen("extra b3BlbmluZw==\n", "", 1)
                .replacen("index 733\n", "", 1),
            good.replacen("index 733\n", "index 733\nextra b3BlbmluZw==\n", 1),
            good.replacen("\n\nexample.com", "\nexample.com", 1),
            format!("{good}x"),
            good.replacen("\r", "", 1).replace('\n', "\r\n"),
        ] {
            assert!(TlogProof::parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        let big = vec![b'a'; MAX_PROOF_SIZE + 1];
        assert!(TlogProof::parse(&big).is_err());
    }
}

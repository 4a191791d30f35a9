//! The log's side of c2sp.org/tlog-witness@v1: send a checkpoint to a witness, with the
//! specification's 409 path, and move the cosignatures it returns onto the log's note.
//!
//! A 409 carries the size the witness last cosigned; the client then asks the caller (who holds
//! the tree) for a consistency proof from that size, through the callback it passed, and tries
//! once more. A second 409 means another party is feeding the witness the same log at the same
//! time, and is reported rather than chased. The client is blocking (`ureq`); an async caller
//! runs it on `spawn_blocking`.

use std::fmt::Display;
use std::time::Duration;

use tasdiq_tlog::Hash;
use tasdiq_tlog::note::{Algorithm, Note, NoteError, Signature, VerifiedSignature, VerifierKey};
use tasdiq_tlog::witness::{AddCheckpoint, AddCheckpointResponse, TEXT_CONTENT_TYPE};

/// Largest witness answer read: a few signature lines, or a size.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// Why no cosignature was obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The request could not be built: the note is not a checkpoint, or the proof is too long.
    #[error("cannot send this checkpoint: {0}")]
    Request(String),
    /// The witness could not be reached, or the connection failed.
    #[error("witness {url}: {message}")]
    Transport {
        /// The add-checkpoint URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The witness refused (400, 403, 404, 422, 5xx…).
    #[error("witness refused with {status}: {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The start of its body.
        message: String,
    },
    /// The witness has cosigned a larger tree than this checkpoint: send a newer checkpoint.
    #[error("the witness has cosigned size {witness}, above this checkpoint's {checkpoint}")]
    WitnessAhead {
        /// The witness's size.
        witness: u64,
        /// The checkpoint's size.
        checkpoint: u64,
    },
    /// The retry from the witness's size got a 409 again.
    #[error("the witness answered 409 twice (its size is now {0}); another submitter is racing")]
    Conflict(u64),
    /// The caller could not make the consistency proof from the witness's size.
    #[error("no consistency proof from size {from}: {message}")]
    Proof {
        /// The witness's size.
        from: u64,
        /// The caller's error.
        message: String,
    },
    /// The witness answered 200 or 409 with a body that breaks the specification.
    #[error("bad witness response: {0}")]
    BadResponse(String),
}

/// Why returned cosignatures were not merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// No line is by the expected witness key.
    #[error("no cosignature by {0} in the witness's answer")]
    NoCosignature(String),
    /// A line by the witness key does not verify over the checkpoint.
    #[error(transparent)]
    Invalid(#[from] NoteError),
    /// A cosignature states time zero, which the specification forbids.
    #[error("the cosignature by {0} has no timestamp (zero)")]
    ZeroTimestamp(String),
}

/// A witness client; keeps connections alive between calls, as the specification recommends.
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
}

impl Default for Client {
    /// A client with a 10 s timeout per request.
    fn default() -> Client {
        Client::new(Duration::from_secs(10))
    }
}

impl Client {
    /// A client whose requests each give up after `timeout` (connecting and reading included).
    pub fn new(timeout: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// Submits `checkpoint` (a signed checkpoint note) to the witness whose submission prefix
    /// is `witness_url`, claiming the witness last cosigned `old_size`, with `proof` the
    /// consistency proof from `old_size` to the checkpoint. On a 409 whose size is at most the
    /// checkpoint's, calls `fresh_proof(witness_size)` for a proof from there and retries once.
    ///
    /// Returns the witness's signature lines, not yet verified: pass them to
    /// [`merge_cosignatures`] with the witness's key.
    pub fn add_checkpoint<E: Display>(
        &self,
        witness_url: &str,
        old_size: u64,
        proof: Vec<Hash>,
        checkpoint: &Note,
        fresh_proof: impl FnOnce(u64) -> Result<Vec<Hash>, E>,
    ) -> Result<Vec<Signature>, ClientError> {
        let url = format!("{}/add-checkpoint", witness_url.trim_end_matches('/'));
        let first = self.send(&url, old_size, proof, checkpoint)?;
        let size = match first {
            AddCheckpointResponse::Cosigned(sigs) => return Ok(sigs),
            AddCheckpointResponse::Conflict(size) => size,
            AddCheckpointResponse::Failed { status, message } => {
                return Err(ClientError::Refused { status, message });
            }
        };
        let request = AddCheckpoint::new(size, Vec::new(), checkpoint.clone())
            .map_err(|e| ClientError::Request(e.to_string()))?;
        if size > request.checkpoint.size {
            return Err(ClientError::WitnessAhead {
                witness: size,
                checkpoint: request.checkpoint.size,
            });
        }
        let proof = fresh_proof(size).map_err(|e| ClientError::Proof {
            from: size,
            message: e.to_string(),
        })?;
        match self.send(&url, size, proof, checkpoint)? {
            AddCheckpointResponse::Cosigned(sigs) => Ok(sigs),
            AddCheckpointResponse::Conflict(again) => Err(ClientError::Conflict(again)),
            AddCheckpointResponse::Failed { status, message } => {
                Err(ClientError::Refused { status, message })
            }
        }
    }

    fn send(
        &self,
        url: &str,
        old_size: u64,
        proof: Vec<Hash>,
        checkpoint: &Note,
    ) -> Result<AddCheckpointResponse, ClientError> {
        let request = AddCheckpoint::new(old_size, proof, checkpoint.clone())
            .map_err(|e| ClientError::Request(e.to_string()))?;
        let transport = |e: ureq::Error| ClientError::Transport {
            url: url.to_owned(),
            message: e.to_string(),
        };
        let mut res = self
            .agent
            .post(url)
            .header("Content-Type", TEXT_CONTENT_TYPE)
            .send(request.to_bytes())
            .map_err(transport)?;
        let status = res.status().as_u16();
        let body = res
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(transport)?;
        AddCheckpointResponse::parse(status, &body)
            .map_err(|e| ClientError::BadResponse(format!("{status}: {}", e.to_string().trim())))
    }
}

/// [`Client::add_checkpoint`] with a default client (10 s timeout).
pub fn add_checkpoint<E: Display>(
    witness_url: &str,
    old_size: u64,
    proof: Vec<Hash>,
    checkpoint: &Note,
    fresh_proof: impl FnOnce(u64) -> Result<Vec<Hash>, E>,
) -> Result<Vec<Signature>, ClientError> {
    Client::default().add_checkpoint(witness_url, old_size, proof, checkpoint, fresh_proof)
}

/// Moves the witness's cosignatures in `sigs` onto `note` (the checkpoint that was sent):
/// lines by other keys are ignored, as the specification asks; every line by `witness` must
/// verify over the note's text, and at least one must be there. A newer cosignature by the
/// same key replaces an older one. Returns the merged cosignature.
pub fn merge_cosignatures(
    note: &mut Note,
    sigs: &[Signature],
    witness: &VerifierKey,
) -> Result<VerifiedSignature, MergeError> {
    let mine: Vec<&Signature> = sigs
        .iter()
        .filter(|s| s.name == *witness.name() && s.id == witness.id())
        .collect();
    // Check all of them before touching the note, so a bad answer leaves it as it was.
    let mut newest: Option<(&Signature, Option<u64>)> = None;
    for sig in mine {
        let time = witness.verify(note.text(), &sig.bytes)?;
        if witness.algorithm() == Algorithm::Cosignature && time == Some(0) {
            return Err(MergeError::ZeroTimestamp(witness.name().to_string()));
        }
        if newest.is_none_or(|(_, t)| time > t) {
            newest = Some((sig, time));
        }
    }
    let (sig, time) = newest.ok_or_else(|| MergeError::NoCosignature(witness.to_string()))?;
    note.remove_signatures(witness.name(), witness.id());
    note.add_signature(sig.clone());
    Ok(VerifiedSignature {
        name: sig.name.clone(),
        id: sig.id,
        algorithm: witness.algorithm(),
        timestamp: time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tasdiq_tlog::Checkpoint;
    use tasdiq_tlog::note::{KeyName, Signer};

    fn signer(name: &str, alg: Algorithm, seed: u8) -> Signer {
        Signer::new(
            KeyName::new(name).unwrap(),
            alg,
            ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
        )
    }

    fn note() -> Note {
        let mut n = Checkpoint::new("example.com/log", 3, Hash([3; 32]))
            .to_note()
            .unwrap();
        n.sign(&signer("example.com/log", Algorithm::Ed25519, 1))
            .unwrap();
        n
    }

    #[test]
    fn merge_keeps_the_newest_valid_cosignature_and_ignores_strangers() {
        let w = signer("w.example/1", Algorithm::Cosignature, 2);
        let other = signer("w.example/2", Algorithm::Cosignature, 3);
        let mut n = note();
        let old = w.cosign(n.text(), 100).unwrap();
        let new = w.cosign(n.text(), 200).unwrap();
        let stranger = other.cosign(n.text(), 150).unwrap();
        let v = merge_cosignatures(&mut n, &[old.clone(), stranger, new.clone()], &w.verifier())
            .unwrap();
        assert_eq!(v.timestamp, Some(200));
        assert_eq!(n.signatures().len(), 2);
        assert!(n.signatures().contains(&new));
        // A later merge of the older line replaces the newer one: the witness's last word.
        merge_cosignatures(&mut n, std::slice::from_ref(&old), &w.verifier()).unwrap();
        assert!(n.signatures().contains(&old) && !n.signatures().contains(&new));
    }

    #[test]
    fn merge_refuses_forged_missing_and_zero_time_cosignatures() {
        let w = signer("w.example/1", Algorithm::Cosignature, 2);
        let mut n = note();
        let before = n.clone();
        let mut forged = w.cosign(n.text(), 100).unwrap();
        forged.bytes[20] ^= 1;
        assert!(matches!(
            merge_cosignatures(&mut n, &[forged], &w.verifier()),
            Err(MergeError::Invalid(_))
        ));
        assert!(matches!(
            merge_cosignatures(&mut n, &[], &w.verifier()),
            Err(MergeError::NoCosignature(_))
        ));
        let zero = w.cosign(n.text(), 0).unwrap();
        assert!(matches!(
            merge_cosignatures(&mut n, &[zero], &w.verifier()),
            Err(MergeError::ZeroTimestamp(_))
        ));
        assert_eq!(n, before);
    }

    #[test]
    fn an_unreachable_witness_is_a_transport_error() {
        // Port 9 on loopback (discard) is closed here: connecting is refused at once.
        let c = Client::new(Duration::from_secs(2));
        let err = c
            .add_checkpoint("http://127.0.0.1:9", 0, vec![], &note(), |_| {
                Ok::<_, String>(vec![])
            })
            .unwrap_err();
        assert!(matches!(err, ClientError::Transport { .. }), "{err}");
    }
}

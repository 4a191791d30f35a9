//! The witness protocol's `add-checkpoint` call (c2sp.org/tlog-witness@v1), for both sides:
//!
//! - the request body ([`AddCheckpoint`]): `old <size>`, up to 63 consistency proof lines, a
//!   blank line, the signed checkpoint;
//! - the witness's checks in the specification's order and with its status codes
//!   ([`check_add_checkpoint`]: 404 unknown origin, 403 signatures, 400 old size above the
//!   checkpoint's, 409 with the witness's size, 422 for an empty-tree, proof or root mismatch);
//! - the response ([`AddCheckpointResponse`]): cosignature lines on 200, `<size>\n` as
//!   `text/x.tlog.size` on 409, and [`merge_cosignatures`] to move verified cosignatures onto
//!   the log's note;
//! - the monitoring path's origin hash ([`origin_hash`]).
//!
//! Persisting the witness's latest checkpoint, atomically with the check, is the caller's.

use std::fmt::Write as _;

use crate::checkpoint::{Checkpoint, parse_size};
use crate::merkle::{Hash, verify_consistency};
use crate::note::{Note, NoteError, Signature, Signer, VerifiedSignature, Verifiers};

/// Most consistency proof lines a request may carry.
pub const MAX_PROOF_LINES: usize = 63;
/// The content type of a 409 body.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";
/// The content type of a 200 body and of requests.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// A refusal, each with the status code the specification gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// 400: a malformed request, or an old size above the checkpoint's.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 403: no signature by a trusted log key, or a bad one.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 404: the witness does not know this origin.
    #[error("unknown log origin")]
    UnknownOrigin,
    /// 409: the old size is not the witness's latest; carries the witness's size.
    #[error("the witness's latest size for this log is {0}")]
    Conflict(u64),
    /// 422: the checkpoint is not consistent with what the witness has seen.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
}

impl WitnessError {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            WitnessError::BadRequest(_) => 400,
            WitnessError::Forbidden(_) => 403,
            WitnessError::UnknownOrigin => 404,
            WitnessError::Conflict(_) => 409,
            WitnessError::Unprocessable(_) => 422,
        }
    }

    /// The response for this refusal.
    pub fn response(&self) -> AddCheckpointResponse {
        match self {
            WitnessError::Conflict(size) => AddCheckpointResponse::Conflict(*size),
            e => AddCheckpointResponse::Failed {
                status: e.status(),
                message: e.to_string(),
            },
        }
    }
}

/// An `add-checkpoint` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// Size of the previous checkpoint the witness cosigned (0 if none).
    pub old_size: u64,
    /// Consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint.
    pub note: Note,
    /// Its parsed text.
    pub checkpoint: Checkpoint,
}

impl AddCheckpoint {
    /// A request; the note's text must be a checkpoint.
    pub fn new(old_size: u64, proof: Vec<Hash>, note: Note) -> Result<AddCheckpoint, WitnessError> {
        if proof.len() > MAX_PROOF_LINES {
            return Err(WitnessError::BadRequest("more than 63 proof lines".into()));
        }
        let checkpoint =
            Checkpoint::parse(note.text()).map_err(|e| WitnessError::BadRequest(e.to_string()))?;
        Ok(AddCheckpoint {
            old_size,
            proof,
            note,
            checkpoint,
        })
    }

    /// The body: old size line, proof lines, blank line, checkpoint note.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = format!("old {}\n", self.old_size);
        for h in &self.proof {
            let _ = writeln!(s, "{h}");
        }
        s.push('\n');
        s.push_str(&self.note.to_string());
        s.into_bytes()
    }

    /// Parses a body strictly; every failure is a 400.
    pub fn parse(body: &[u8]) -> Result<AddCheckpoint, WitnessError> {
        let bad = |m: &str| WitnessError::BadRequest(m.to_owned());
        let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8"))?;
        let (first, mut rest) = text
            .split_once('\n')
            .ok_or_else(|| bad("the old size line ends in a newline"))?;
        let old_size = first
            .strip_prefix("old ")
            .and_then(parse_size)
            .ok_or_else(|| bad("the first line is 'old <size>'"))?;
        let mut proof = Vec::new();
        loop {
            let (line, tail) = rest
                .split_once('\n')
                .ok_or_else(|| bad("a blank line ends the proof"))?;
            rest = tail;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(bad("more than 63 proof lines"));
            }
            proof.push(Hash::from_base64(line).map_err(|_| bad("a proof line is a base64 hash"))?);
        }
        let note = Note::parse(rest.as_bytes()).map_err(|e| bad(&e.to_string()))?;
        AddCheckpoint::new(old_size, proof, note)
    }
}

/// What the witness knows of a log: its trusted keys and the latest checkpoint it cosigned.
#[derive(Debug, Clone, Copy)]
pub struct WitnessedLog<'a> {
    /// The log's verifier keys.
    pub keys: &'a Verifiers,
    /// Size and root of the latest checkpoint cosigned, `None` if never.
    pub latest: Option<(u64, Hash)>,
}

/// The witness's checks, in the specification's order. `log` is what the witness holds for
/// the request's origin (`None`: unknown origin). On success the caller persists the
/// checkpoint as the latest (atomically with having read `latest`) and cosigns it.
pub fn check_add_checkpoint(
    req: &AddCheckpoint,
    log: Option<WitnessedLog<'_>>,
) -> Result<Checkpoint, WitnessError> {
    let log = log.ok_or(WitnessError::UnknownOrigin)?;
    match req.note.verify(log.keys) {
        Ok(_) => {}
        Err(e @ (NoteError::InvalidSignature { .. } | NoteError::NoKnownSignature)) => {
            return Err(WitnessError::Forbidden(e.to_string()));
        }
        Err(e) => return Err(WitnessError::BadRequest(e.to_string())),
    }
    let cp = &req.checkpoint;
    if req.old_size > cp.size {
        return Err(WitnessError::BadRequest(
            "the old size is larger than the checkpoint's".into(),
        ));
    }
    let (latest_size, latest_root) = log.latest.unwrap_or((0, Hash::EMPTY));
    if req.old_size != latest_size {
        return Err(WitnessError::Conflict(latest_size));
    }
    if cp.size == 0 && cp.root != Hash::EMPTY {
        return Err(WitnessError::Unprocessable(
            "an empty tree has the empty root".into(),
        ));
    }
    verify_consistency(req.old_size, cp.size, &latest_root, &cp.root, &req.proof)
        .map_err(|e| WitnessError::Unprocessable(format!("consistency proof: {e}")))?;
    Ok(cp.clone())
}

/// The witness's 200 response: one cosignature per signer at POSIX time `time`.
pub fn cosign(
    checkpoint_text: &str,
    signers: &[Signer],
    time: u64,
) -> Result<AddCheckpointResponse, NoteError> {
    let sigs = signers
        .iter()
        .map(|s| s.cosign(checkpoint_text, time))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AddCheckpointResponse::Cosigned(sigs))
}

/// A response to `add-checkpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddCheckpointResponse {
    /// 200: note signature lines (cosignatures).
    Cosigned(Vec<Signature>),
    /// 409: the witness's latest size for the log.
    Conflict(u64),
    /// Any other status, with the body as text.
    Failed {
        /// The HTTP status.
        status: u16,
        /// The body, for logs.
        message: String,
    },
}

impl AddCheckpointResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            AddCheckpointResponse::Cosigned(_) => 200,
            AddCheckpointResponse::Conflict(_) => 409,
            AddCheckpointResponse::Failed { status, .. } => *status,
        }
    }

    /// The content type.
    pub fn content_type(&self) -> &'static str {
        match self {
            AddCheckpointResponse::Conflict(_) => SIZE_CONTENT_TYPE,
            _ => TEXT_CONTENT_TYPE,
        }
    }

    /// The body.
    pub fn body(&self) -> Vec<u8> {
        match self {
            AddCheckpointResponse::Cosigned(sigs) => sigs
                .iter()
                .map(Signature::line)
                .collect::<String>()
                .into_bytes(),
            AddCheckpointResponse::Conflict(size) => format!("{size}\n").into_bytes(),
            AddCheckpointResponse::Failed { message, .. } => format!("{message}\n").into_bytes(),
        }
    }

    /// Reads a witness's answer (the client side). A 200 must hold one or more signature
    /// lines, a 409 exactly `<size>\n`; anything else becomes [`Self::Failed`].
    pub fn parse(status: u16, body: &[u8]) -> Result<AddCheckpointResponse, WitnessError> {
        let bad = |m: &str| WitnessError::BadRequest(format!("witness response: {m}"));
        match status {
            200 => {
                let text = std::str::from_utf8(body).map_err(|_| bad("not UTF-8"))?;
                let lines = text
                    .strip_suffix('\n')
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| bad("one or more signature lines, each ending in a newline"))?;
                let sigs = lines
                    .split('\n')
                    .map(Signature::parse_line)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| bad(&e.to_string()))?;
                if sigs.len() > 64 {
                    return Err(bad("too many signature lines"));
                }
                Ok(AddCheckpointResponse::Cosigned(sigs))
            }
            409 => std::str::from_utf8(body)
                .ok()
                .and_then(|t| t.strip_suffix('\n'))
                .and_then(parse_size)
                .map(AddCheckpointResponse::Conflict)
                .ok_or_else(|| bad("a 409 body is the size and a newline")),
            status => Ok(AddCheckpointResponse::Failed {
                status,
                message: String::from_utf8_lossy(&body[..body.len().min(512)])
                    .trim_end()
                    .to_owned(),
            }),
        }
    }
}

/// Moves a witness's cosignatures onto `note` (the client side): each line by a key in
/// `witnesses` must verify over the note's text and replaces any older signature by that
/// key; lines by unknown keys are ignored. Returns the cosignatures added.
pub fn merge_cosignatures(
    note: &mut Note,
    sigs: &[Signature],
    witnesses: &Verifiers,
) -> Result<Vec<VerifiedSignature>, NoteError> {
    let mut added = Vec::new();
    for sig in sigs {
        let Some(key) = witnesses.get(&sig.name, sig.id) else {
            continue;
        };
        let timestamp = key.verify(note.text(), &sig.bytes)?;
        note.remove_signatures(&sig.name, sig.id);
        note.add_signature(sig.clone());
        added.push(VerifiedSignature {
            name: sig.name.clone(),
            id: sig.id,
            algorithm: key.algorithm(),
            timestamp,
        });
    }
    Ok(added)
}

/// The `<origin hash>` of the monitoring path `GET <prefix>/<origin hash>/checkpoint`:
/// lowercase hex SHA-256 of the origin.
pub fn origin_hash(origin: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;

//! Proofs that a certificate is logged: `c2sp.org/tlog-proof@v1` with the certificate's opening
//! as the `extra` line (the data "necessary to reconstruct the record hash"), built from the
//! stored tiles, and checked offline from the opening alone.

use sea_orm::ConnectionTrait;
use tasdiq_tlog::Note;
use tasdiq_tlog::merkle::{self, Hash, leaf_hash};
use tasdiq_tlog::proof::{Policy, TlogProof, VerifiedProof};
use tasdiq_tlog::tiles::{self, Tile};

use super::{Opening, read_tiles};
use crate::store::{StoreError, translog as st};

/// What the log can say about a certificate.
pub enum Answer {
    /// The certificate has no issue entry (issued before the log, or unknown).
    NotLogged,
    /// Its entry is sequenced but no signed checkpoint covers it yet (within a second or two).
    Pending,
    /// The proof, against the newest checkpoint.
    Proof(TlogProof),
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("issuance log: {e}"))
}

/// The inclusion path of entry `index` in the tree of `size`, from the stored tiles.
pub async fn inclusion(
    db: &impl ConnectionTrait,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, StoreError> {
    let plan = merkle::inclusion_plan(index, size).map_err(corrupt)?;
    let want = tiles::tiles_for_nodes(size, plan.nodes()).map_err(corrupt)?;
    let data = read_tiles(db, &want).await?;
    let mut got: Vec<(Tile, Vec<u8>)> = Vec::with_capacity(want.len());
    for (t, d) in want.into_iter().zip(data) {
        got.push((t, d.ok_or_else(|| corrupt(format!("tile {t} is missing")))?));
    }
    let hashes = tiles::hashes_from_tiles(size, plan.nodes(), &got).map_err(corrupt)?;
    plan.assemble(&hashes).map_err(corrupt)
}

/// How many recent checkpoints a proof looks through for one the witnesses cosigned.
const RECENT: u64 = 64;

/// The proof for certificate `number`, against the newest signed checkpoint that covers it and
/// carries cosignatures by at least `quorum` of `witnesses` (merged ones were verified), or the
/// newest one if none of the recent ones does (a verifier asking for the quorum then retries).
pub async fn for_certificate(
    db: &impl ConnectionTrait,
    number: i64,
    witnesses: &[&tasdiq_tlog::note::VerifierKey],
    quorum: usize,
) -> Result<Answer, StoreError> {
    let Some((index, opening)) = st::opening(db, number).await? else {
        return Ok(Answer::NotLogged);
    };
    let recent = st::recent_checkpoints(db, if quorum == 0 { 1 } else { RECENT }).await?;
    let mut chosen = None;
    for (size, text) in recent.into_iter().filter(|(size, _)| *size > index) {
        let note = Note::parse(text.as_bytes()).map_err(corrupt)?;
        let cosigned = witnesses
            .iter()
            .filter(|w| {
                note.signatures()
                    .iter()
                    .any(|s| s.name == *w.name() && s.id == w.id())
            })
            .count();
        if cosigned >= quorum {
            chosen = Some((size, note));
            break;
        }
        chosen.get_or_insert((size, note));
    }
    let Some((size, checkpoint)) = chosen else {
        return Ok(Answer::Pending);
    };
    let path = inclusion(db, index, size).await?;
    Ok(Answer::Proof(TlogProof {
        extra: Some(opening),
        index,
        path,
        checkpoint,
    }))
}

/// A proof that checked out offline: the opening it carries and what verified.
pub struct Checked {
    pub index: u64,
    pub opening: Opening,
    pub verified: VerifiedProof,
}

/// Checks a proof offline: its opening parses, the issue entry rebuilt from it is at the proof's
/// index in a checkpoint signed by the policy's log and cosigned as the policy asks.
pub fn check(bytes: &[u8], policy: &Policy) -> Result<Checked, String> {
    let proof = TlogProof::parse(bytes).map_err(|e| e.to_string())?;
    let extra = proof
        .extra
        .as_deref()
        .ok_or("the proof carries no opening (no extra line)")?;
    let opening = Opening::parse(extra).ok_or("the proof's extra line is not a tasdiq opening")?;
    let leaf = leaf_hash(opening.entry().as_bytes());
    let verified = proof.verify(&leaf, policy).map_err(|e| e.to_string())?;
    Ok(Checked {
        index: proof.index,
        opening,
        verified,
    })
}

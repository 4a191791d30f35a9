//! The integrator: new entries → tiles → a signed checkpoint, one transaction per round; and
//! the self-check that runs before every round and at start-up.
//!
//! The check: the newest checkpoint verifies under the log key and names our origin; the
//! stored right-edge tiles give its root ([`tasdiq_tlog::tiles::root_from_edge`]); and the
//! entries of the newest bundle still hash to the level-0 tile that holds them. A log that fails
//! it "MUST not sign" (tlog-checkpoint): the node stops signing and fails `/readyz`. Entries of
//! older, full bundles are checked by anyone replaying the bundles (a monitor), not here: that
//! would read the whole log at every start.

use sea_orm::ConnectionTrait;
use tasdiq_tlog::merkle::{Hash, leaf_hash};
use tasdiq_tlog::note::{Signer, VerifierKey, Verifiers};
use tasdiq_tlog::tiles::{self, Tile, WIDTH};
use tasdiq_tlog::{Checkpoint, Note};

use crate::state::App;
use crate::store::{StoreError, translog as st};

/// Most entries one round takes.
const BATCH: u64 = 16_384;

/// Why the integrator or the self-check stopped.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// What is stored does not add up: the log must not sign.
    #[error("the issuance log is inconsistent: {0}")]
    Integrity(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn bad(why: impl Into<String>) -> LogError {
    LogError::Integrity(why.into())
}

/// The stored data of `tiles`, each cut to the width asked; `None` where a tile is missing or
/// narrower than asked.
pub async fn read_tiles(
    db: &impl ConnectionTrait,
    tiles: &[Tile],
) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
    let at: Vec<(u8, u64)> = tiles.iter().map(|t| (t.level, t.index)).collect();
    let rows = st::tiles(db, &at).await?;
    Ok(tiles
        .iter()
        .map(|t| {
            rows.iter()
                .find(|(l, i, w, d)| {
                    *l == t.level && *i == t.index && *w >= t.width && d.len() >= t.data_len()
                })
                .map(|(_, _, _, d)| d[..t.data_len()].to_vec())
        })
        .collect())
}

/// The newest checkpoint, checked: its size, root and the right edge that gives that root.
async fn checked_edge(
    db: &impl ConnectionTrait,
    origin: &str,
    key: &VerifierKey,
) -> Result<(u64, Hash, Vec<(Tile, Vec<u8>)>), LogError> {
    let Some((size, text)) = st::latest_checkpoint(db).await? else {
        return Ok((0, Hash::EMPTY, Vec::new()));
    };
    let verifiers = Verifiers::from_keys([key.clone()]).map_err(|e| bad(e.to_string()))?;
    let (cp, _, _) = Checkpoint::open(text.as_bytes(), origin, &verifiers).map_err(|e| {
        bad(format!(
            "the checkpoint of size {size} does not verify as {origin}'s: {e}; a log whose \
             public URL changed needs a new origin"
        ))
    })?;
    if cp.size != size {
        return Err(bad(format!(
            "the checkpoint stored as size {size} says size {}",
            cp.size
        )));
    }
    let want = Tile::edge(size);
    let data = read_tiles(db, &want).await?;
    let mut edge = Vec::with_capacity(want.len());
    for (t, d) in want.into_iter().zip(data) {
        edge.push((t, d.ok_or_else(|| bad(format!("tile {t} is missing")))?));
    }
    let root = tiles::root_from_edge(size, &edge).map_err(|e| bad(e.to_string()))?;
    if root != cp.root {
        return Err(bad(format!(
            "the stored tiles give root {root} at size {size}, the signed checkpoint {}",
            cp.root
        )));
    }
    // The newest bundle's entries against the level-0 tile that holds their hashes.
    if size > 0 {
        let n = (size - 1) / u64::from(WIDTH);
        let start = n * u64::from(WIDTH);
        let tile = Tile::new(0, n, (size - start) as u16).map_err(|e| bad(e.to_string()))?;
        let hashes = read_tiles(db, &[tile])
            .await?
            .pop()
            .flatten()
            .ok_or_else(|| bad(format!("tile {tile} is missing")))?;
        let entries = st::entries(db, start, size).await?;
        if entries.len() as u64 != size - start {
            return Err(bad(format!("entries {start}..{size} are not all stored")));
        }
        for (i, (idx, data)) in entries.iter().enumerate() {
            if hashes[i * 32..(i + 1) * 32] != leaf_hash(data).0 {
                return Err(bad(format!(
                    "entry {idx} does not hash to the leaf the log signed"
                )));
            }
        }
    }
    Ok((size, root, edge))
}

/// The start-up self-check: `Err(LogError::Integrity)` means the log must not sign.
pub async fn self_check(
    db: &impl ConnectionTrait,
    origin: &str,
    key: &VerifierKey,
) -> Result<(), LogError> {
    checked_edge(db, origin, key).await.map(|_| ())
}

enum Round {
    Idle,
    Signed(u64),
    Refused(String),
}

/// One integration round: entries past the newest checkpoint go into tiles, and a checkpoint
/// of the new size is signed and stored, all in one transaction. Returns the new size, or
/// `None` if there was nothing to do or this node does not sign (no log key, or refused).
pub async fn integrate(app: &App) -> Result<Option<u64>, StoreError> {
    let log = &app.log;
    let Some(signer) = log.signer() else {
        return Ok(None);
    };
    if log.refusal().is_some() {
        return Ok(None);
    }
    let round = app
        .write(|tx| async move {
            match round(&*tx, &log.origin, signer).await {
                Ok(r) => Ok(r),
                Err(LogError::Integrity(why)) => Ok(Round::Refused(why)),
                Err(LogError::Store(e)) => Err(e),
            }
        })
        .await?;
    match round {
        Round::Idle => Ok(None),
        Round::Signed(size) => Ok(Some(size)),
        Round::Refused(why) => {
            tracing::error!(error = %why, "the issuance log is inconsistent: it will not sign");
            log.refuse(why);
            Ok(None)
        }
    }
}

async fn round(
    db: &impl ConnectionTrait,
    origin: &str,
    signer: &Signer,
) -> Result<Round, LogError> {
    let (size, _, edge) = checked_edge(db, origin, &signer.verifier()).await?;
    let next = st::next_index(db).await?;
    if next < size {
        return Err(bad(format!(
            "the log holds {next} entries, its checkpoint {size}"
        )));
    }
    if next == size {
        return Ok(Round::Idle);
    }
    let entries = st::entries(db, size, size + (next - size).min(BATCH)).await?;
    let leaves: Vec<Hash> = entries
        .iter()
        .enumerate()
        .take_while(|(i, (idx, _))| *idx == size + *i as u64)
        .map(|(_, (_, data))| leaf_hash(data))
        .collect();
    if leaves.is_empty() {
        return Err(bad(format!("entry {size} is missing")));
    }
    let done = tiles::integrate(size, &edge, &leaves).map_err(|e| bad(e.to_string()))?;
    let rows: Vec<(u8, u64, u16, Vec<u8>)> = done
        .tiles
        .into_iter()
        .map(|(t, d)| (t.level, t.index, t.width, d))
        .collect();
    st::upsert_tiles(db, &rows).await?;
    let mut note: Note = Checkpoint::new(origin, done.new_size, done.root)
        .to_note()
        .map_err(|e| bad(e.to_string()))?;
    note.sign(signer).map_err(|e| bad(e.to_string()))?;
    st::insert_checkpoint(db, done.new_size, &note.to_string(), chrono::Utc::now()).await?;
    Ok(Round::Signed(done.new_size))
}

//! Collecting witness cosignatures (c2sp.org/tlog-witness@v1) for the newest checkpoint, on a
//! schedule (`TASDIQ_WITNESS_INTERVAL_MS`), from the witnesses the published log policy names
//! (`TASDIQ_WITNESSES`, `TASDIQ_WITNESS_QUORUM`).
//!
//! Each round sends the newest signed checkpoint to every witness whose cosignature it does not
//! carry yet, with a consistency proof from the size that witness last cosigned as far as this
//! node knows (0 after a start). A witness that has seen more answers 409 with its size; the
//! client then asks for a proof from there (made from the stored tiles) and tries once more.
//! Verified cosignatures are merged into the stored checkpoint note, which the checkpoint route
//! and every proof then carry. What is stored decides what is still to do, so a round lost to a
//! crash or to another node's concurrent merge is simply done again at the next one.

use std::sync::Mutex;

use tasdiq_tlog::Note;
use tasdiq_tlog::merkle::{self, Hash};
use tasdiq_tlog::note::VerifierKey;
use tasdiq_tlog::tiles::{self, Tile};
use tasdiq_witness::client::{ClientError, merge_cosignatures};
use tasdiq_witness::policy::PolicyWitness;

use super::read_tiles;
use crate::state::App;
use crate::store::{StoreError, translog as st};

/// One witness of the policy, with the size it last cosigned as far as this node knows.
pub struct Witness {
    pub policy: PolicyWitness,
    url: String,
    known: Mutex<u64>,
}

impl Witness {
    /// The witness's key.
    pub fn key(&self) -> &VerifierKey {
        &self.policy.key
    }

    fn known(&self) -> u64 {
        *self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_known(&self, size: u64) {
        *self.known.lock().unwrap_or_else(|e| e.into_inner()) = size;
    }
}

/// Reads `TASDIQ_WITNESSES`: comma-separated `VKEY URL` pairs. The policy names them `w1`,
/// `w2`… in that order.
pub fn parse(text: &str) -> Result<Vec<Witness>, String> {
    let mut out = Vec::new();
    for (i, item) in text.split(',').map(str::trim).enumerate() {
        if item.is_empty() {
            continue;
        }
        let mut parts = item.split_whitespace();
        let (Some(vkey), Some(url), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "witness {}: expected `VKEY URL`, got {item:?}",
                i + 1
            ));
        };
        let key = VerifierKey::parse(vkey).map_err(|e| format!("witness {}: {e}", i + 1))?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("witness {}: {url} is not an http(s) URL", i + 1));
        }
        let url = url.trim_end_matches('/').to_owned();
        out.push(Witness {
            policy: PolicyWitness {
                name: format!("w{}", out.len() + 1),
                key,
                url: Some(url.clone()),
            },
            url,
            known: Mutex::new(0),
        });
    }
    Ok(out)
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("issuance log: {e}"))
}

/// The consistency proof from `old` to `new`, from the stored tiles of the tree of `new`.
pub async fn consistency(
    db: &impl sea_orm::ConnectionTrait,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, StoreError> {
    if old == 0 || old == new {
        return Ok(Vec::new());
    }
    let plan = merkle::consistency_plan(old, new).map_err(corrupt)?;
    let want = tiles::tiles_for_nodes(new, plan.nodes()).map_err(corrupt)?;
    let data = read_tiles(db, &want).await?;
    let mut got: Vec<(Tile, Vec<u8>)> = Vec::with_capacity(want.len());
    for (t, d) in want.into_iter().zip(data) {
        got.push((t, d.ok_or_else(|| corrupt(format!("tile {t} is missing")))?));
    }
    let hashes = tiles::hashes_from_tiles(new, plan.nodes(), &got).map_err(corrupt)?;
    plan.assemble(&hashes).map_err(corrupt)
}

fn cosigned_by(note: &Note, key: &VerifierKey) -> bool {
    note.signatures()
        .iter()
        .any(|s| s.name == *key.name() && s.id == key.id())
}

/// One round: the newest checkpoint to every witness that has not cosigned it. Returns how many
/// cosignatures were added. Witnesses that fail are logged and tried again next round.
pub async fn cosign(app: &App) -> Result<usize, StoreError> {
    let log = &app.log;
    if log.witnesses.is_empty() || log.signer().is_none() || log.refusal().is_some() {
        return Ok(0);
    }
    let Some((size, text)) = st::latest_checkpoint(&app.db).await? else {
        return Ok(0);
    };
    let checkpoint = Note::parse(text.as_bytes()).map_err(corrupt)?;
    let mut added = 0;
    for w in &log.witnesses {
        if cosigned_by(&checkpoint, w.key()) {
            continue;
        }
        let old = w.known().min(size);
        let proof = consistency(&app.db, old, size).await?;
        let (client, url, note) = (log.client.clone(), w.url.clone(), checkpoint.clone());
        let (db, handle) = (app.db.clone(), tokio::runtime::Handle::current());
        // The client is blocking; a 409 asks for a proof from the witness's size, read from
        // the tiles on this runtime.
        let sent = tokio::task::spawn_blocking(move || {
            client.add_checkpoint(&url, old, proof, &note, |from| {
                handle.block_on(consistency(&db, from, size))
            })
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("the witness task failed: {e}")))?;
        let sigs = match sent {
            Ok(sigs) => sigs,
            Err(ClientError::WitnessAhead { witness, .. } | ClientError::Conflict(witness)) => {
                tracing::warn!(witness = %w.policy.key, size = witness, "witness is at another size; will retry");
                w.set_known(witness);
                continue;
            }
            Err(e) => {
                tracing::warn!(witness = %w.policy.key, error = %e, "witness did not cosign; will retry");
                continue;
            }
        };
        w.set_known(size);
        let merged = app
            .write(|tx| {
                let sigs = sigs.clone();
                async move {
                    let Some(stored) = st::checkpoint_at(&*tx, size).await? else {
                        return Ok::<_, StoreError>(false);
                    };
                    let mut note = Note::parse(stored.as_bytes()).map_err(corrupt)?;
                    if let Err(e) = merge_cosignatures(&mut note, &sigs, w.key()) {
                        tracing::warn!(witness = %w.policy.key, error = %e, "witness answer refused");
                        return Ok(false);
                    }
                    st::set_checkpoint_note(&*tx, size, &note.to_string()).await?;
                    Ok(true)
                }
            })
            .await?;
        if merged {
            added += 1;
            tracing::info!(witness = %w.policy.key, size, "checkpoint cosigned");
        }
    }
    Ok(added)
}

/// The witness task of a serving node: a round every `TASDIQ_WITNESS_INTERVAL_MS` until `stop`
/// turns true. Runs apart from the other background work, since a witness may take its
/// client's full timeout to answer.
pub async fn run(state: crate::state::AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    if state.log.witnesses.is_empty() {
        return;
    }
    let every = std::time::Duration::from_millis(state.config.witness_interval_ms.max(100));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = cosign(&state).await {
                    tracing::warn!(error = %e, "witness round failed; will retry");
                }
            }
            _ = stop.changed() => break,
        }
    }
}

//! `tasdiq monitor --brand N [--from URL] [--dir D]` (issue 20 item 4): replays the public
//! issuance log from the last checkpoint this monitor accepted, and prints one JSON line per
//! entry of brand N (issue, revoke, member and brand entries).
//!
//! Each run:
//! 1. takes the log key from the log policy pinned in D on first use;
//! 2. fetches the checkpoint and verifies its signature; a smaller size than the one held is a
//!    rollback;
//! 3. from the served tiles, rebuilds the checkpoint's root and checks the consistency proof
//!    from the held checkpoint: a log that rewrote its history cannot pass both;
//! 4. fetches the new entry bundles and checks each entry against the level-0 tile that holds its
//!    hash, then reports the brand's entries and keeps the new checkpoint.
//!
//! Exit 0 when consistent, 4 when the log is inconsistent (each failure printed as an `alert`
//! JSON line on stdout), 1 when the log cannot be read, 2 on bad usage.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use tasdiq_tlog::Checkpoint;
use tasdiq_tlog::merkle::{self, Hash, leaf_hash};
use tasdiq_tlog::note::Verifiers;
use tasdiq_tlog::tiles::{Bundle, Tile, TileHashSource, TileReader, decode_bundle_for};

const POLICY_FILE: &str = "log-policy";
const STATE_FILE: &str = "log-state";

/// Why a run stopped.
enum Stop {
    /// The log contradicts itself or what it signed before: exit 4.
    Inconsistent(String),
    /// The log could not be read or a file written: exit 1.
    Failed(String),
}

fn failed(e: impl std::fmt::Display) -> Stop {
    Stop::Failed(e.to_string())
}

pub fn run(base: &str, brand: u16, dir: &Path) -> ExitCode {
    match monitor(base.trim_end_matches('/'), brand, dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Inconsistent(why)) => {
            println!("{}", json!({"alert": "inconsistent_log", "detail": why}));
            eprintln!("error: the log is inconsistent: {why}");
            ExitCode::from(4)
        }
        Err(Stop::Failed(why)) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The default folder: next to `tasdiq sync`'s.
pub fn default_dir() -> PathBuf {
    super::sync::default_dir().join("monitor")
}

fn fetch(url: &str) -> Result<Vec<u8>, String> {
    ureq::get(url)
        .call()
        .map_err(|e| format!("cannot fetch {url}: {e}"))?
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()
        .map_err(|e| format!("cannot read {url}: {e}"))
}

/// Tiles fetched from the log, each once.
struct Served<'a> {
    base: &'a str,
    got: RefCell<HashMap<String, Vec<u8>>>,
}

impl TileReader for Served<'_> {
    fn read_tiles(&self, want: &[Tile]) -> Result<Vec<Vec<u8>>, merkle::SourceError> {
        want.iter()
            .map(|t| {
                let path = t.path();
                if let Some(d) = self.got.borrow().get(&path) {
                    return Ok(d.clone());
                }
                let d = fetch(&format!("{}/log/{path}", self.base))
                    .map_err(merkle::SourceError::msg)?;
                if d.len() != t.data_len() {
                    return Err(merkle::SourceError::msg(format!(
                        "{path} has {} bytes",
                        d.len()
                    )));
                }
                self.got.borrow_mut().insert(path, d.clone());
                Ok(d)
            })
            .collect()
    }
}

fn monitor(base: &str, brand: u16, dir: &Path) -> Result<(), Stop> {
    std::fs::create_dir_all(dir).map_err(|e| failed(format!("{}: {e}", dir.display())))?;
    // 1. The log key, pinned on first use.
    let pinned = dir.join(POLICY_FILE);
    let policy_text = match std::fs::read_to_string(&pinned) {
        Ok(t) => t,
        Err(_) => {
            let t = fetch(&format!("{base}/.well-known/tasdiq/log-policy")).map_err(failed)?;
            let t = String::from_utf8(t).map_err(failed)?;
            std::fs::write(&pinned, &t).map_err(failed)?;
            t
        }
    };
    let policy = tasdiq_witness::policy::Policy::parse(&policy_text).map_err(failed)?;
    let key = policy
        .logs()
        .first()
        .map(|l| l.key.clone())
        .ok_or_else(|| failed("the pinned policy names no log"))?;
    let origin = key.name().as_str().to_owned();
    let keys = Verifiers::from_keys([key]).map_err(failed)?;

    // 2. The checkpoint, and the one held.
    let note = fetch(&format!("{base}/log/checkpoint")).map_err(failed)?;
    let (cp, _, _) = Checkpoint::open(&note, &origin, &keys)
        .map_err(|e| Stop::Inconsistent(format!("the checkpoint does not verify: {e}")))?;
    let held = read_state(dir)?;
    let (old, old_root) = held.unwrap_or((0, Hash::EMPTY));
    if cp.size < old {
        return Err(Stop::Inconsistent(format!(
            "the log shrank from {old} to {} entries",
            cp.size
        )));
    }

    // 3. Root and consistency from the served tiles.
    let served = Served {
        base,
        got: RefCell::default(),
    };
    let source = TileHashSource {
        size: cp.size,
        reader: &served,
    };
    let root = merkle::tree_root(cp.size, &source)
        .map_err(|e| Stop::Inconsistent(format!("the served tiles give no root: {e}")))?;
    if root != cp.root {
        return Err(Stop::Inconsistent(format!(
            "the served tiles give root {root}, the checkpoint {}",
            cp.root
        )));
    }
    if old > 0 {
        let proof = merkle::prove_consistency(old, cp.size, &source)
            .map_err(|e| Stop::Inconsistent(format!("no consistency proof: {e}")))?;
        merkle::verify_consistency(old, cp.size, &old_root, &cp.root, &proof).map_err(|e| {
            Stop::Inconsistent(format!(
                "the checkpoint of size {} is not consistent with the one of size {old} held: {e}",
                cp.size
            ))
        })?;
    }

    // 4. The new entries, each against its leaf hash; the brand's reported.
    let mut reported = 0;
    for b in Bundle::changed(old, cp.size) {
        let data = fetch(&format!("{base}/log/{}", b.path())).map_err(failed)?;
        let entries = decode_bundle_for(&b, &data)
            .map_err(|e| Stop::Inconsistent(format!("{}: {e}", b.path())))?;
        let tile = Tile::new(0, b.index, b.width).map_err(failed)?;
        let hashes = served
            .read_tiles(&[tile])
            .map_err(|e| Stop::Inconsistent(e.to_string()))?
            .remove(0);
        for (i, e) in entries.iter().enumerate() {
            let index = b.start() + i as u64;
            if index < old {
                continue;
            }
            if hashes[i * 32..(i + 1) * 32] != leaf_hash(e).0 {
                return Err(Stop::Inconsistent(format!(
                    "entry {index} of the bundle is not the leaf the log signed"
                )));
            }
            if let Some(line) = report(index, e, brand) {
                println!("{line}");
                reported += 1;
            }
        }
    }
    write_state(dir, cp.size, &cp.root)?;
    eprintln!(
        "log {origin} consistent at {} entries ({} new); {reported} of brand {brand}",
        cp.size,
        cp.size - old
    );
    Ok(())
}

/// The JSON line of an entry of `brand`: its type, index and fields.
fn report(index: u64, entry: &[u8], brand: u16) -> Option<serde_json::Value> {
    let text = std::str::from_utf8(entry).ok()?;
    let mut lines = text.lines();
    let kind = lines.next()?.strip_prefix("tasdiq-log/v1 ")?;
    let mut fields = serde_json::Map::new();
    for l in lines {
        let (k, v) = l.split_once(' ')?;
        fields.insert(k.to_owned(), v.into());
    }
    if fields.get("brand").and_then(|b| b.as_str()) != Some(brand.to_string().as_str()) {
        return None;
    }
    Some(json!({"index": index, "type": kind, "entry": fields}))
}

fn read_state(dir: &Path) -> Result<Option<(u64, Hash)>, Stop> {
    let Ok(text) = std::fs::read_to_string(dir.join(STATE_FILE)) else {
        return Ok(None);
    };
    let bad = || {
        failed(format!(
            "{} is damaged; remove it to start over",
            STATE_FILE
        ))
    };
    let (size, root) = text.trim().split_once(' ').ok_or_else(bad)?;
    Ok(Some((
        size.parse().map_err(|_| bad())?,
        Hash::from_base64(root).map_err(|_| bad())?,
    )))
}

fn write_state(dir: &Path, size: u64, root: &Hash) -> Result<(), Stop> {
    let tmp = dir.join(format!(".{STATE_FILE}.tmp"));
    std::fs::write(&tmp, format!("{size} {}\n", root.to_base64())).map_err(failed)?;
    std::fs::rename(&tmp, dir.join(STATE_FILE)).map_err(failed)
}

//! `tasdiq sync [--from URL] [--dir D]`: fetches the key set and the signed status list (full,
//! then deltas) into D for `tasdiq verify --dir D` (`docs/status-list.md` §7). It refuses a
//! lower version, two digests for one version, and an `as_of` in the future; any failure keeps
//! what was held.
//!
//! D holds `keys.json`, `status.snapshot` (the snapshot body, rebuilt from deltas or fetched
//! whole) and `status.latest` (the signed `latest` note naming it). Each is replaced atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use tasdiq_tlog::note::{Algorithm, KeyId, Note, VerifierKey, Verifiers};

use crate::config::{DEFAULT_PUBLIC_URL, PublicUrlArg, parse_public_url};
use crate::status::format::{self, Delta, Latest, Snapshot};
use crate::status::offline::Held;

pub const KEYS_FILE: &str = "keys.json";
pub const SNAPSHOT_FILE: &str = "status.snapshot";
pub const LATEST_FILE: &str = "status.latest";
/// How far ahead of the local clock an `as_of` may be.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The folder `sync` writes and `verify` reads when none is given.
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TASDIQ_SYNC_DIR") {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/tasdiq/offline")
}

pub fn run(public: &PublicUrlArg, from: Option<&str>, dir: Option<&Path>) -> ExitCode {
    let given = match public
        .public_url
        .as_deref()
        .map(parse_public_url)
        .transpose()
    {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let from = from
        .or(given.as_deref())
        .unwrap_or(DEFAULT_PUBLIC_URL)
        .trim_end_matches('/');
    let dir = dir.map_or_else(default_dir, Path::to_path_buf);
    match sync(from, &dir, Utc::now()) {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The status keys of a key set: `purpose: "status"`, not compromised, whose vkey is its `x`.
pub fn status_verifiers(jwks: &str) -> Result<Verifiers, String> {
    let doc: serde_json::Value =
        serde_json::from_str(jwks).map_err(|e| format!("not a key set: {e}"))?;
    let mut keys = Vec::new();
    for k in doc["keys"].as_array().ok_or("not a key set: no keys")? {
        if k["purpose"] != "status" || k["status"] == "compromised" {
            continue;
        }
        let vkey = k["vkey"].as_str().ok_or("a status key without vkey")?;
        let v = VerifierKey::parse(vkey).map_err(|e| format!("status key {vkey}: {e}"))?;
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(k["x"].as_str().unwrap_or_default())
            .map_err(|_| "a status key's x is not base64url")?;
        let public = v.public_key().to_bytes();
        if x != public || v.id() != KeyId::compute(v.name(), Algorithm::Ed25519, &public) {
            return Err(format!("status key {vkey}: its vkey is not its x"));
        }
        keys.push(v);
    }
    Verifiers::from_keys(keys).map_err(|e| e.to_string())
}

/// Verifies a note by a status key; returns its text and the key name (the bodies' origin).
pub fn open_note(bytes: &[u8], keys: &Verifiers) -> Result<(String, String), String> {
    if bytes.len() > format::MAX_BODY + 32 * 256 {
        return Err("the note is over 16 MiB".into());
    }
    let note = Note::parse_with(
        bytes,
        &tasdiq_tlog::note::Limits {
            max_size: format::MAX_BODY + 32 * 256,
            max_signatures: 32,
        },
    )
    .map_err(|e| e.to_string())?;
    let verified = note.verify(keys).map_err(|e| e.to_string())?;
    let name = verified
        .verified
        .first()
        .map(|s| s.name.as_str().to_owned())
        .ok_or("no known signature")?;
    Ok((note.text().to_owned(), name))
}

/// The list held in `dir`, checked against the key set `jwks`: `Ok(None)` when nothing is held.
pub fn load_held(dir: &Path, jwks: &str) -> Result<Option<Held>, String> {
    let (snap_path, latest_path) = (dir.join(SNAPSHOT_FILE), dir.join(LATEST_FILE));
    if !latest_path.exists() && !snap_path.exists() {
        return Ok(None);
    }
    let keys = status_verifiers(jwks)?;
    let latest_note =
        std::fs::read(&latest_path).map_err(|e| format!("{}: {e}", latest_path.display()))?;
    let (text, origin) = open_note(&latest_note, &keys)?;
    let latest = Latest::parse(&text, &origin).map_err(|e| e.to_string())?;
    let body =
        std::fs::read_to_string(&snap_path).map_err(|e| format!("{}: {e}", snap_path.display()))?;
    let snapshot = Snapshot::parse(&body, &origin).map_err(|e| e.to_string())?;
    if format::digest(&body) != latest.digest || snapshot.version != latest.version {
        return Err("the held snapshot is not the one the held latest note names".into());
    }
    Ok(Some(Held { snapshot, latest }))
}

enum Fetched {
    Ok(Vec<u8>),
    /// 404 or 410.
    Missing,
}

fn fetch(url: &str) -> Result<Fetched, String> {
    match ureq::get(url).call() {
        Ok(mut res) => res
            .body_mut()
            .with_config()
            .limit(format::MAX_BODY as u64 + 16_384)
            .read_to_vec()
            .map(Fetched::Ok)
            .map_err(|e| format!("{url}: {e}")),
        Err(ureq::Error::StatusCode(404 | 410)) => Ok(Fetched::Missing),
        Err(e) => Err(format!("cannot fetch {url}: {e}")),
    }
}

fn fetch_ok(url: &str) -> Result<Vec<u8>, String> {
    match fetch(url)? {
        Fetched::Ok(b) => Ok(b),
        Fetched::Missing => Err(format!("{url}: not found")),
    }
}

fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(name)).map_err(|e| format!("{name}: {e}"))
}

/// One sync from `from` into `dir`; returns what it did.
pub fn sync(from: &str, dir: &Path, now: DateTime<Utc>) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let jwks = fetch_ok(&format!("{from}/.well-known/tasdiq/keys.json"))?;
    let jwks = String::from_utf8(jwks).map_err(|_| "the key set is not UTF-8")?;
    crate::cli::verify::parse_jwks(&jwks)?;
    let keys = status_verifiers(&jwks)?;
    if keys.keys().is_empty() {
        return Err(format!("{from} publishes no status key"));
    }
    // What was held, if it still checks out under the new key set.
    let held = match std::fs::read_to_string(dir.join(KEYS_FILE)) {
        Ok(old) => load_held(dir, &old).ok().flatten(),
        Err(_) => None,
    };
    for _ in 0..3 {
        let latest_bytes = fetch_ok(&format!("{from}/.well-known/tasdiq/status/latest"))?;
        let (text, origin) = open_note(&latest_bytes, &keys)?;
        let latest = Latest::parse(&text, &origin).map_err(|e| e.to_string())?;
        if latest.as_of > now + CLOCK_SKEW {
            return Err(format!(
                "refused: the list's as_of {} is in the future (check this computer's clock)",
                format::time(latest.as_of)
            ));
        }
        let body = match &held {
            Some(h) if latest.version < h.latest.version => {
                return Err(format!(
                    "refused: the server offers version {} but version {} is held (rollback)",
                    latest.version, h.latest.version
                ));
            }
            Some(h) if latest.version == h.latest.version => {
                if latest.digest != h.latest.digest {
                    return Err(format!(
                        "refused: two different lists for version {}",
                        latest.version
                    ));
                }
                if latest.as_of < h.latest.as_of {
                    return Ok(format!(
                        "kept version {} as of {}: the server's copy is older",
                        h.latest.version,
                        format::time(h.latest.as_of)
                    ));
                }
                write_atomic(dir, KEYS_FILE, jwks.as_bytes())?;
                write_atomic(dir, LATEST_FILE, &latest_bytes)?;
                return Ok(summary(&latest, "renewed"));
            }
            Some(h) if latest.as_of < h.latest.as_of => {
                return Err("refused: a newer version with an older as_of".into());
            }
            Some(h) => {
                let url = format!(
                    "{from}/.well-known/tasdiq/status/delta?since={}",
                    h.latest.version
                );
                let held_body =
                    std::fs::read_to_string(dir.join(SNAPSHOT_FILE)).map_err(|e| e.to_string())?;
                match fetch(&url)? {
                    Fetched::Ok(bytes) => {
                        let (text, origin) = open_note(&bytes, &keys)?;
                        let delta = Delta::parse(&text, &origin).map_err(|e| e.to_string())?;
                        Some(
                            delta
                                .apply(&held_body, &origin)
                                .map_err(|e| e.to_string())?,
                        )
                    }
                    Fetched::Missing => None,
                }
            }
            None => None,
        };
        let body = match body {
            Some(b) => b,
            None => {
                let url = format!("{from}/.well-known/tasdiq/status/{}", latest.version);
                let (text, _) = open_note(&fetch_ok(&url)?, &keys)?;
                text
            }
        };
        let snap = Snapshot::parse(&body, &origin).map_err(|e| e.to_string())?;
        if snap.version > latest.version {
            continue; // the list moved during the sync: start again
        }
        if snap.version != latest.version || format::digest(&body) != latest.digest {
            return Err("the snapshot obtained is not the one latest names".into());
        }
        write_atomic(dir, KEYS_FILE, jwks.as_bytes())?;
        write_atomic(dir, SNAPSHOT_FILE, body.as_bytes())?;
        write_atomic(dir, LATEST_FILE, &latest_bytes)?;
        return Ok(summary(&latest, "synced"));
    }
    Err("the list kept moving during the sync; try again".into())
}

fn summary(latest: &Latest, what: &str) -> String {
    format!(
        "{what}: status list v{} as of {}, fresh until {}",
        latest.version,
        format::time(latest.as_of),
        format::time(latest.fresh_until)
    )
}

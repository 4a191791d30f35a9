//! Cross-check with an implementation that is not ours: `tests/interop/spec_check.py`, a log
//! and witness client written from the C2SP texts with pyca/cryptography (pinned in
//! `tests/interop/requirements.txt`, installed into a venv under the target folder on first
//! run), plays its own log against our witness and verifies every cosignature it gets back.
//! Its log key is configured here only as a seed, so its key IDs, tree hashes and proofs are
//! its own: a disagreement with ours is a 403 or 422 and fails the test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Log, config, start};

const ORIGIN: &str = "spec-check.test/log";
const SEED: u8 = 0x42;

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// The venv's Python, made (or remade when the requirements changed) on demand.
fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("witness-interop-venv");
    let py = venv.join("bin/python");
    let reqs = std::fs::read_to_string(interop_dir().join("requirements.txt")).unwrap();
    let marker = venv.join("requirements.txt");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(reqs.as_str()) && py.exists() {
        return py;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .expect("python3 (CPython 3.11 is on every machine of this project)");
    assert!(made.success(), "python3 -m venv failed");
    let installed = Command::new(&py)
        .args(["-m", "pip", "install", "-q", "-r"])
        .arg(interop_dir().join("requirements.txt"))
        .status()
        .unwrap();
    assert!(
        installed.success(),
        "pip could not install requirements.txt"
    );
    std::fs::write(&marker, reqs).unwrap();
    py
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_independent_spec_checker_gets_and_verifies_our_cosignatures() {
    let dir = tempfile::tempdir().unwrap();
    // Only the public key goes to the witness; the checker derives its own from the seed.
    let log = Log::new(ORIGIN, SEED);
    let w = start(config(dir.path(), vec![log.config()])).await;
    let py = tokio::task::spawn_blocking(python).await.unwrap();
    let url = w.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(py)
            .arg(interop_dir().join("spec_check.py"))
            .arg(&url)
            .arg(ORIGIN)
            .arg(hex32(SEED))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "spec_check.py failed:\n{stdout}\n{stderr}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(last, "15 passed, 0 failed", "{stdout}");
    assert!(stdout.contains(&w.vkey.to_string()), "{stdout}");
    w.stop().await;
}

fn hex32(b: u8) -> String {
    format!("{b:02x}").repeat(32)
}

//! Cross-check with an implementation that is not ours: `tests/interop/spec_check.py`, a log
//! and witness client written from the C2SP texts with pyca/cryptography (pinned in
//! the repository's `tests/interop/requirements.txt`, which `scripts/test` installs), plays its own log against our witness and verifies every cosignature it gets back.
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

/// The Python of the repository's `tests/interop/.venv`, where `scripts/test` installs the
/// pinned packages (pyca/cryptography among them).
fn python() -> PathBuf {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/.venv/bin/python");
    assert!(
        py.exists(),
        "tests/interop/.venv is missing: run scripts/test (it installs tests/interop/requirements.txt there)"
    );
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

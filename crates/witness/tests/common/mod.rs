//! Shared by the integration tests: a log simulated with `tasdiq_tlog`'s in-memory tree that
//! signs checkpoints, and a real witness server on a loopback port 0 with its own folder.

#![allow(dead_code)]

use std::path::Path;

use tasdiq_tlog::merkle::{MemoryTree, prove_consistency};
use tasdiq_tlog::note::{Algorithm, KeyName, Note, Signer, VerifierKey};
use tasdiq_tlog::{Checkpoint, Hash};
use tasdiq_witness::{Config, LogConfig, Witness};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ORIGIN: &str = "tasdiq.test/log";
pub const WITNESS: &str = "witness.test/w1";

/// A log: an in-memory tree and its Ed25519 note key.
pub struct Log {
    pub origin: String,
    pub tree: MemoryTree,
    pub key: Signer,
}

impl Log {
    pub fn new(origin: &str, seed: u8) -> Log {
        Log {
            origin: origin.to_owned(),
            tree: MemoryTree::new(),
            key: Signer::new(
                KeyName::new(origin).unwrap(),
                Algorithm::Ed25519,
                ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
            ),
        }
    }

    /// Appends `n` entries; `salt` makes a fork's entries differ from the honest log's.
    pub fn grow(&mut self, n: u64, salt: &str) {
        for _ in 0..n {
            let i = self.tree.size();
            self.tree
                .push_entry(format!("{salt} entry {i}\n").as_bytes());
        }
    }

    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    /// The signed checkpoint of the tree as it is.
    pub fn note(&self) -> Note {
        let mut n = Checkpoint::new(&self.origin, self.tree.size(), self.tree.root())
            .to_note()
            .unwrap();
        n.sign(&self.key).unwrap();
        n
    }

    pub fn proof(&self, old: u64) -> Vec<Hash> {
        prove_consistency(old, self.tree.size(), &self.tree).unwrap()
    }

    pub fn config(&self) -> LogConfig {
        LogConfig::new(&self.origin, &[self.key.verifier().to_string()]).unwrap()
    }

    /// An add-checkpoint body from `old`.
    pub fn body(&self, old: u64) -> Vec<u8> {
        tasdiq_tlog::witness::AddCheckpoint::new(old, self.proof(old), self.note())
            .unwrap()
            .to_bytes()
    }
}

/// A witness serving on 127.0.0.1:0 until stopped.
pub struct Running {
    pub url: String,
    pub vkey: VerifierKey,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// Stops accepting, drains, and waits for the server to end.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
    }
}

pub fn config(dir: &Path, logs: Vec<LogConfig>) -> Config {
    Config::new(
        KeyName::new(WITNESS).unwrap(),
        dir.join("witness.key"),
        dir.join("witness.db").display().to_string(),
        logs,
    )
    .unwrap()
}

pub async fn start(config: Config) -> Running {
    let witness = Witness::open(config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let vkey = witness.vkey();
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(witness.serve(listener, async {
        let _ = rx.await;
    }));
    Running {
        url,
        vkey,
        stop: Some(tx),
        task: Some(task),
    }
}

/// A raw HTTP answer: status, content type, body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build();
    ureq::Agent::new_with_config(config)
}

fn answer(mut res: ureq::http::Response<ureq::Body>) -> Answer {
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Answer {
        status: res.status().as_u16(),
        content_type,
        body: res.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// POSTs `body` to `url` (blocking; call from `spawn_blocking` or a thread).
pub fn post(url: &str, body: &[u8]) -> Answer {
    answer(agent().post(url).send(body).unwrap())
}

/// GETs `url` (blocking).
pub fn get(url: &str) -> Answer {
    answer(agent().get(url).call().unwrap())
}

/// Runs blocking HTTP off the async workers.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

//! Load figures for `docs/performance.md` (never run by the suite):
//!
//! - `witness_load serve DIR LOGS`: a witness for LOGS logs (`load.test/log<i>`) on a single-threaded
//!   runtime, state in a fresh folder under DIR; prints its URL. Pin it with `taskset -c 0`;
//!   stop it with Ctrl-C, or SIGTERM.
//! - `witness_load drive URL LOGS N`: one client thread per log, each sending N add-checkpoint requests
//!   that grow its log by one entry (bodies signed before the clock starts); prints the
//!   cosignatures per second and the round-trip latency percentiles. Pin it with `taskset -c 1`.
//! - `witness_load core DIR LOGS N`: the same requests through `Witness::add_checkpoint` without HTTP,
//!   on one thread: the cost of checks, cosigning and the SQLite write alone.

use std::time::{Duration, Instant};

use tasdiq_tlog::Checkpoint;
use tasdiq_tlog::merkle::{MemoryTree, prove_consistency};
use tasdiq_tlog::note::{Algorithm, KeyName, Signer};
use tasdiq_tlog::witness::AddCheckpoint;
use tasdiq_witness::{Config, LogConfig, Witness};

fn log_key(i: usize) -> Signer {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Signer::new(
        KeyName::new(&format!("load.test/log{i}")).unwrap(),
        Algorithm::Ed25519,
        ed25519_dalek::SigningKey::from_bytes(&seed),
    )
}

fn config(dir: &std::path::Path, logs: usize) -> Config {
    let run = dir.join(format!("run-{}", std::process::id()));
    let logs = (0..logs)
        .map(|i| {
            let k = log_key(i);
            LogConfig::new(k.name().as_str(), &[k.verifier().to_string()]).unwrap()
        })
        .collect();
    Config::new(
        KeyName::new("load.test/witness").unwrap(),
        run.join("witness.key"),
        run.join("witness.db").display().to_string(),
        logs,
    )
    .unwrap()
}

/// The N request bodies of log `i`, each growing the tree by one entry.
fn bodies(i: usize, n: usize) -> Vec<Vec<u8>> {
    let key = log_key(i);
    let mut tree = MemoryTree::new();
    (0..n)
        .map(|_| {
            let old = tree.size();
            tree.push_entry(format!("load entry {old}\n").as_bytes());
            let proof = prove_consistency(old, tree.size(), &tree).unwrap();
            let mut note = Checkpoint::new(key.name().as_str(), tree.size(), tree.root())
                .to_note()
                .unwrap();
            note.sign(&key).unwrap();
            AddCheckpoint::new(old, proof, note).unwrap().to_bytes()
        })
        .collect()
}

fn report(what: &str, total: usize, elapsed: Duration, mut lat: Vec<Duration>) {
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "{what}: {total} cosignatures in {:.2} s = {:.0}/s; latency p50 {:?} p90 {:?} p99 {:?} max {:?}",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        lat[lat.len() - 1]
    );
}

fn drive(url: &str, logs: usize, n: usize) {
    let add = format!("{}/add-checkpoint", url.trim_end_matches('/'));
    let prepared: Vec<Vec<Vec<u8>>> = (0..logs).map(|i| bodies(i, n)).collect();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(logs + 1));
    let threads: Vec<_> = prepared
        .into_iter()
        .map(|bodies| {
            let (add, barrier) = (add.clone(), barrier.clone());
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_defaults();
                let mut lat = Vec::with_capacity(bodies.len());
                barrier.wait();
                for body in bodies {
                    let t = Instant::now();
                    let mut res = agent.post(&add).send(&body[..]).expect("request");
                    let status = res.status().as_u16();
                    let _ = res.body_mut().read_to_vec();
                    assert_eq!(status, 200, "the witness refused a request");
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let lat: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    report(
        &format!("HTTP, {logs} clients"),
        lat.len(),
        start.elapsed(),
        lat,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let num = |i: usize| args[i].parse::<usize>().expect("a number");
    match args.first().map(String::as_str) {
        Some("serve") => rt.block_on(async {
            let w = Witness::open(config(args[1].as_ref(), num(2)))
                .await
                .unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            println!("http://{}", listener.local_addr().unwrap());
            // SIGTERM too: a shell's background job ignores SIGINT.
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap();
            w.serve(listener, async move {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {},
                    _ = term.recv() => {},
                }
            })
            .await
            .unwrap();
        }),
        Some("drive") => drive(&args[1], num(2), num(3)),
        Some("core") => rt.block_on(async {
            let (logs, n) = (num(2), num(3));
            let w = Witness::open(config(args[1].as_ref(), logs)).await.unwrap();
            let prepared: Vec<Vec<Vec<u8>>> = (0..logs).map(|i| bodies(i, n)).collect();
            let mut lat = Vec::new();
            let start = Instant::now();
            for step in 0..n {
                for log in &prepared {
                    let t = Instant::now();
                    let (status, _, _) = w.add_checkpoint(&log[step]).await;
                    assert_eq!(status, 200);
                    lat.push(t.elapsed());
                }
            }
            report("in-process", logs * n, start.elapsed(), lat);
        }),
        _ => eprintln!("usage: load serve DIR LOGS | load drive URL LOGS N | load core DIR LOGS N"),
    }
}

//! Load driver for the `Batcher`: N concurrent tasks on a current-thread tokio runtime, each
//! checking distinct genuine signatures in a loop, against the raw `verify_strict` rate of the
//! same thread measured in the same run (before and after). Prints throughput, p50/p99 latency
//! and the mean batch size for each mode and concurrency.
//!
//! ```text
//! cargo build --release -p tasdiq-sigbatch --example load
//! taskset -c 0 target/release/examples/load [--seconds 3] [--tasks 1,8,32,128]
//!     [--modes strict,inline,dedicated] [--acceptance exact|trust] [--max-batch 64]
//! ```
//!
//! `strict` is the baseline without batching: every task calls `verify_strict` itself.
//! The run is bounded (seconds per measurement) and touches no network.
//!
//! The machine is shared, so besides wall-clock rates the driver reports rates per second of
//! CPU time the process actually got (from /proc/self/stat), which other
//! processes on the same core disturb far less. `--per-size` instead prints the CPU time per
//! signature of `verify_many` at batch sizes 1 to 1,024 next to `verify_strict`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signature, Signer, SigningKey};
use tasdiq_sigbatch::{Acceptance, AdmittedKey, Batcher, Config, Execution};

struct Pool {
    key: AdmittedKey,
    messages: Vec<[u8; 36]>,
    signatures: Vec<Signature>,
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Nanoseconds of CPU time (user + system) used so far by this process, finished threads
/// included; /proc/self/stat counts in ticks of 10 ms, fine over runs of seconds.
fn cpu_ns() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    // The command name (field 2) may contain spaces; count fields after its closing ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    fields.iter().sum::<u64>() * 10_000_000
}

/// (wall-clock rate, rate per CPU second) of plain verify_strict on this thread.
fn raw_rate(pool: &Pool, seconds: f64) -> (f64, f64) {
    let start = Instant::now();
    let cpu = cpu_ns();
    let mut n = 0usize;
    while start.elapsed().as_secs_f64() < seconds {
        for i in 0..100 {
            let j = (n + i) % pool.messages.len();
            assert!(
                pool.key
                    .verify_strict(&pool.messages[j], &pool.signatures[j])
            );
        }
        n += 100;
    }
    let cpu = cpu_ns().saturating_sub(cpu).max(1) as f64 / 1e9;
    (n as f64 / start.elapsed().as_secs_f64(), n as f64 / cpu)
}

/// CPU microseconds per signature of `f` over `items`, repeated for about `seconds`.
fn per_signature(seconds: f64, n: usize, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let cpu = cpu_ns();
    let mut reps = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        f();
        reps += 1;
    }
    cpu_ns().saturating_sub(cpu).max(1) as f64 / 1e3 / (reps as f64 * n as f64)
}

fn per_size(pool: &Pool, seconds: f64) {
    use tasdiq_sigbatch::{Item, verify_many_with};
    println!(
        "CPU us per signature ({seconds} s each)\n{:>5} {:>8} {:>8} {:>8} {:>8}",
        "n", "strict", "exact", "trust", "dalek"
    );
    for n in [1usize, 2, 4, 8, 16, 32, 64, 128, 1024] {
        let items: Vec<Item<'_>> = (0..n)
            .map(|i| Item {
                message: &pool.messages[i],
                signature: &pool.signatures[i],
                key: &pool.key,
            })
            .collect();
        let refs: Vec<&[u8]> = pool.messages[..n].iter().map(|m| m.as_slice()).collect();
        let keys = vec![*pool.key.verifying_key(); n];
        let strict = per_signature(seconds, n, || {
            assert!(
                items
                    .iter()
                    .all(|i| i.key.verify_strict(i.message, i.signature))
            );
        });
        let exact = per_signature(seconds, n, || {
            assert!(
                verify_many_with(&items, Acceptance::Exact)
                    .iter()
                    .all(|ok| *ok)
            );
        });
        let trust = per_signature(seconds, n, || {
            assert!(
                verify_many_with(&items, Acceptance::TrustKeyHolders)
                    .iter()
                    .all(|ok| *ok)
            );
        });
        let dalek = per_signature(seconds, n, || {
            assert!(ed25519_dalek::verify_batch(&refs, &pool.signatures[..n], &keys).is_ok());
        });
        println!("{n:>5} {strict:>8.2} {exact:>8.2} {trust:>8.2} {dalek:>8.2}");
    }
}

struct Run {
    rate: f64,
    cpu_rate: f64,
    p50: f64,
    p99: f64,
    mean_batch: f64,
    failures: usize,
}

fn run(pool: &Rc<Pool>, mode: &str, tasks: usize, seconds: f64, config: Config) -> Run {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(r) => r,
        Err(e) => panic!("runtime: {e}"),
    };
    let batcher = (mode != "strict").then(|| {
        Batcher::spawn(Config {
            execution: if mode == "dedicated" {
                Execution::Dedicated
            } else {
                Execution::Inline
            },
            ..config
        })
    });
    let latencies: Rc<RefCell<Vec<u32>>> = Rc::new(RefCell::new(Vec::with_capacity(1 << 20)));
    let failures = Rc::new(RefCell::new(0usize));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let cpu = cpu_ns();
    let local = tokio::task::LocalSet::new();
    for t in 0..tasks {
        let (pool, batcher) = (Rc::clone(pool), batcher.clone());
        let (latencies, failures) = (Rc::clone(&latencies), Rc::clone(&failures));
        local.spawn_local(async move {
            let mut i = t * 7919;
            while Instant::now() < deadline {
                i = (i + 1) % pool.messages.len();
                let began = Instant::now();
                let ok = match &batcher {
                    Some(b) => {
                        b.verify(&pool.messages[i], &pool.signatures[i], &pool.key)
                            .await
                    }
                    None => {
                        let ok = pool
                            .key
                            .verify_strict(&pool.messages[i], &pool.signatures[i]);
                        // Let the other tasks run between checks, as a server would.
                        tokio::task::yield_now().await;
                        ok
                    }
                };
                let micros = began.elapsed().as_micros();
                latencies
                    .borrow_mut()
                    .push(u32::try_from(micros).unwrap_or(u32::MAX));
                if !ok {
                    *failures.borrow_mut() += 1;
                }
            }
        });
    }
    runtime.block_on(local);
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_ns().saturating_sub(cpu).max(1) as f64 / 1e9;
    let mut l = latencies.take();
    l.sort_unstable();
    let pct = |p: f64| {
        l.get(((l.len() as f64 * p) as usize).min(l.len().saturating_sub(1)))
            .map_or(0.0, |v| f64::from(*v))
    };
    let mean_batch = batcher.map_or(1.0, |b| {
        let s = b.stats();
        s.batched as f64 / s.batches.max(1) as f64
    });
    let failures = *failures.borrow();
    Run {
        rate: l.len() as f64 / elapsed,
        cpu_rate: l.len() as f64 / cpu,
        p50: pct(0.50),
        p99: pct(0.99),
        mean_batch,
        failures,
    }
}

fn main() {
    let seconds: f64 = arg("--seconds").and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let tasks: Vec<usize> = arg("--tasks")
        .unwrap_or_else(|| "1,8,32,128".into())
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    let modes: Vec<String> = arg("--modes")
        .unwrap_or_else(|| "strict,inline,dedicated".into())
        .split(',')
        .map(str::to_owned)
        .collect();
    let acceptance = match arg("--acceptance").as_deref() {
        Some("trust") => Acceptance::TrustKeyHolders,
        _ => Acceptance::Exact,
    };
    let max_batch = arg("--max-batch")
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let config = Config {
        max_batch,
        max_pending: 1024,
        acceptance,
        ..Config::default()
    };

    let signer = SigningKey::from_bytes(&[42; 32]);
    let messages: Vec<[u8; 36]> = (0..4096u32)
        .map(|i| {
            let mut m = [0u8; 36];
            m[..16].copy_from_slice(b"tasdiq-label-v1\0");
            m[16..20].copy_from_slice(&i.to_le_bytes());
            m
        })
        .collect();
    let signatures = messages.iter().map(|m| signer.sign(m)).collect();
    let pool = Rc::new(Pool {
        key: AdmittedKey::new(signer.verifying_key()),
        messages,
        signatures,
    });

    if std::env::args().any(|a| a == "--per-size") {
        per_size(&pool, seconds);
        return;
    }
    let raw_before = raw_rate(&pool, seconds.min(3.0));
    println!(
        "acceptance {acceptance:?}, max batch {max_batch}, {seconds} s per run, distinct signatures"
    );
    println!(
        "raw verify_strict (before): {:.0}/s wall, {:.0}/s per CPU second",
        raw_before.0, raw_before.1
    );
    let mut rows = Vec::new();
    for mode in &modes {
        for &t in &tasks {
            let r = run(&pool, mode, t, seconds, config);
            rows.push((mode.clone(), t, r));
        }
    }
    let raw_after = raw_rate(&pool, seconds.min(3.0));
    let raw = (raw_before.0 + raw_after.0) / 2.0;
    let raw_cpu = (raw_before.1 + raw_after.1) / 2.0;
    println!(
        "{:<10} {:>5} {:>9} {:>7} {:>10} {:>7} {:>9} {:>9} {:>8}",
        "mode", "tasks", "sig/s", "x raw", "sig/CPU-s", "x raw", "p50 us", "p99 us", "batch"
    );
    for (mode, t, r) in rows {
        println!(
            "{:<10} {:>5} {:>9.0} {:>7.2} {:>10.0} {:>7.2} {:>9.0} {:>9.0} {:>8.1}{}",
            mode,
            t,
            r.rate,
            r.rate / raw,
            r.cpu_rate,
            r.cpu_rate / raw_cpu,
            r.p50,
            r.p99,
            r.mean_batch,
            if r.failures > 0 {
                format!("  {} FAILED", r.failures)
            } else {
                String::new()
            }
        );
    }
    println!(
        "raw verify_strict (after): {:.0}/s wall, {:.0}/s per CPU second; ratios use the means",
        raw_after.0, raw_after.1
    );
}

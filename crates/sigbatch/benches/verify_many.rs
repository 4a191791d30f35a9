//! Per-signature cost of `verify_many` (exact, and without the torsion test of R) against
//! `verify_strict` and `ed25519_dalek::verify_batch`, in the same run, at batch sizes 1 to 1,024;
//! plus bisection when one or all signatures in a batch are bad.
//!
//! `cargo bench -p tasdiq-sigbatch --bench verify_many` (on one core: prefix `taskset -c 0`).
//! Criterion reports time per batch and, with the element throughput, signatures per second.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signature, Signer, SigningKey};
use tasdiq_sigbatch::{Acceptance, AdmittedKey, Item, verify_many_with};

const SIZES: [usize; 9] = [1, 2, 4, 8, 16, 32, 64, 128, 1024];

struct Set {
    key: AdmittedKey,
    messages: Vec<[u8; 36]>,
    signatures: Vec<Signature>,
}

fn set(n: usize) -> Set {
    let signer = SigningKey::from_bytes(&[42; 32]);
    let messages: Vec<[u8; 36]> = (0..n as u32)
        .map(|i| {
            let mut m = [0u8; 36];
            m[..16].copy_from_slice(b"tasdiq-label-v1\0");
            m[16..20].copy_from_slice(&i.to_le_bytes());
            m
        })
        .collect();
    let signatures = messages.iter().map(|m| signer.sign(m)).collect();
    Set {
        key: AdmittedKey::new(signer.verifying_key()),
        messages,
        signatures,
    }
}

fn items<'a>(s: &'a Set, sigs: &'a [Signature], n: usize) -> Vec<Item<'a>> {
    (0..n)
        .map(|i| Item {
            message: &s.messages[i],
            signature: &sigs[i],
            key: &s.key,
        })
        .collect()
}

fn per_size(c: &mut Criterion) {
    let s = set(1024);
    let mut g = c.benchmark_group("per signature");
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    g.sample_size(20);
    for n in SIZES {
        g.throughput(Throughput::Elements(n as u64));
        let batch = items(&s, &s.signatures, n);
        g.bench_with_input(BenchmarkId::new("verify_strict loop", n), &n, |b, _| {
            b.iter(|| {
                batch
                    .iter()
                    .all(|i| i.key.verify_strict(i.message, i.signature))
            })
        });
        g.bench_with_input(BenchmarkId::new("verify_many exact", n), &n, |b, _| {
            b.iter(|| verify_many_with(&batch, Acceptance::Exact))
        });
        g.bench_with_input(
            BenchmarkId::new("verify_many trust key holders", n),
            &n,
            |b, _| b.iter(|| verify_many_with(&batch, Acceptance::TrustKeyHolders)),
        );
        let refs: Vec<&[u8]> = s.messages[..n].iter().map(|m| m.as_slice()).collect();
        let keys = vec![*s.key.verifying_key(); n];
        g.bench_with_input(
            BenchmarkId::new("ed25519_dalek::verify_batch", n),
            &n,
            |b, _| b.iter(|| ed25519_dalek::verify_batch(&refs, &s.signatures[..n], &keys).is_ok()),
        );
    }
    g.finish();
}

fn bisection(c: &mut Criterion) {
    let s = set(64);
    let mut one_bad = s.signatures.clone();
    one_bad[37] = s.signatures[36];
    let all_bad: Vec<Signature> = (0..64).map(|i| s.signatures[(i + 1) % 64]).collect();
    let mut g = c.benchmark_group("64 signatures");
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    g.sample_size(20);
    g.throughput(Throughput::Elements(64));
    for (name, sigs) in [
        ("all good", &s.signatures),
        ("one bad", &one_bad),
        ("all bad", &all_bad),
    ] {
        let batch = items(&s, sigs, 64);
        g.bench_function(format!("verify_many exact, {name}"), |b| {
            b.iter(|| verify_many_with(&batch, Acceptance::Exact))
        });
    }
    g.finish();
}

criterion_group!(benches, per_size, bisection);
criterion_main!(benches);

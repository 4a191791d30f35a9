//! Benchmarks of the transparency primitives on one core, and computed sizes.
//!
//! `cargo bench -p tasdiq-tlog --bench tlog` first prints figures that are computed, not
//! timed — proof sizes at 10 million entries over sampled indexes, tiles read per proof, tile
//! storage per entry — then times: appending entries and building tiles (batches of 1, 100 and
//! 10,000 onto a tree of about a million), proofs from tiles, and verification.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use tasdiq_tlog::merkle::{self, Hash, leaf_hash};
use tasdiq_tlog::note::{Algorithm, KeyName, Signer, Verifiers};
use tasdiq_tlog::proof::{Policy, TlogProof};
use tasdiq_tlog::tiles::{self, MemoryTiles, Tile, TileHashSource, TileReader};
use tasdiq_tlog::{Checkpoint, Note};

/// An entry shaped like the log's issue entries (about 110 bytes).
fn entry(i: u64) -> Vec<u8> {
    format!(
        "tasdiq-log/v1 issue\ntime {}\nbrand 12\nkid 1a2b3c4d\ncommit {}\n",
        1_796_000_000 + i,
        leaf_hash(&i.to_be_bytes())
    )
    .into_bytes()
}

fn key(name: &str, alg: Algorithm, seed: u8) -> Signer {
    Signer::new(
        KeyName::new(name).unwrap(),
        alg,
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
    )
}

/// Deterministic sample indexes: a multiplicative walk over [0, n).
fn samples(n: u64, count: u64) -> impl Iterator<Item = u64> {
    (0..count).map(move |k| (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) % n)
}

fn stats(xs: &[usize]) -> (usize, f64, usize) {
    let min = *xs.iter().min().unwrap();
    let max = *xs.iter().max().unwrap();
    (min, xs.iter().sum::<usize>() as f64 / xs.len() as f64, max)
}

/// Sizes computed from the plans, no tree needed.
fn report() {
    let n = 10_000_000u64;
    let mut hashes = Vec::new();
    let mut tiles_read = Vec::new();
    for i in samples(n, 100_000).chain([0, n - 1, n / 2]) {
        let plan = merkle::inclusion_plan(i, n).unwrap();
        hashes.push(
            plan.assemble(&vec![Hash::EMPTY; plan.nodes().len()])
                .unwrap()
                .len(),
        );
        tiles_read.push(tiles::tiles_for_nodes(n, plan.nodes()).unwrap().len());
    }
    let (hmin, hmean, hmax) = stats(&hashes);
    let (tmin, tmean, tmax) = stats(&tiles_read);
    println!("== computed at {n} entries (100,003 sampled indexes)");
    println!(
        "inclusion proof: {hmin}..{hmax} hashes, mean {hmean:.2}; {}..{} bytes, mean {:.0}",
        hmin * 32,
        hmax * 32,
        hmean * 32.0
    );
    println!("tiles read per inclusion proof: {tmin}..{tmax}, mean {tmean:.2}");
    let mut cons_len = Vec::new();
    for old in samples(n - 1, 10_000).map(|o| o + 1) {
        let p = merkle::consistency_plan(old, n).unwrap();
        cons_len.push(
            p.assemble(&vec![Hash::EMPTY; p.nodes().len()])
                .unwrap()
                .len(),
        );
    }
    let (cmin, cmean, cmax) = stats(&cons_len);
    println!(
        "consistency proof to {n} (10,000 sampled old sizes): {cmin}..{cmax} hashes, mean {cmean:.2}"
    );

    // A tlog-proof as the service would serve it: the opening as extra data (≈ 300 bytes),
    // the worst-case path, a checkpoint with the log signature and 3 cosignatures.
    let log = key("tasdiq.ma/log", Algorithm::Ed25519, 1);
    let cp = Checkpoint::new("tasdiq.ma/log", n, Hash::EMPTY);
    let mut note = cp.to_note().unwrap();
    note.sign(&log).unwrap();
    let bare = TlogProof {
        extra: Some(vec![b'o'; 300]),
        index: n - 2,
        path: vec![Hash::EMPTY; hmax],
        checkpoint: note.clone(),
    }
    .to_bytes()
    .len();
    for i in 0..3 {
        let w = key(
            &format!("witness{i}.example/w"),
            Algorithm::Cosignature,
            10 + i,
        );
        note.add_signature(w.cosign(note.text(), 1_796_000_000).unwrap());
    }
    let cosigned = TlogProof {
        extra: Some(vec![b'o'; 300]),
        index: n - 2,
        path: vec![Hash::EMPTY; hmax],
        checkpoint: note,
    }
    .to_bytes()
    .len();
    println!(
        "tlog-proof with {hmax} hashes and a 300-byte opening: {bare} bytes; with 3 Ed25519 cosignatures: {cosigned} bytes"
    );

    let bytes: usize = Tile::for_size(n).iter().map(Tile::data_len).sum();
    let count = Tile::for_size(n).len();
    println!(
        "tiles at {n}: {count} tiles, {bytes} bytes = {:.3} bytes/entry (entry bundles add each entry + 2 bytes)",
        bytes as f64 / n as f64
    );
}

/// The right edge of a tree of `size` with the given entries, as the integrator reads it.
fn edge_of(tiles: &MemoryTiles) -> Vec<(Tile, Vec<u8>)> {
    let want = Tile::edge(tiles.size());
    let data = tiles.read_tiles(&want).unwrap();
    want.into_iter().zip(data).collect()
}

fn bench_append(c: &mut Criterion) {
    // A tree of 1,000,037 entries: an edge at every level up to 2.
    let base = 1_000_037u64;
    let mut tiles = MemoryTiles::new();
    let leaves: Vec<Hash> = (0..base).map(|i| leaf_hash(&entry(i))).collect();
    tiles.append(&leaves).unwrap();
    let edge = edge_of(&tiles);
    let mut g = c.benchmark_group("append");
    for batch in [1u64, 100, 10_000] {
        let entries: Vec<Vec<u8>> = (base..base + batch).map(entry).collect();
        g.throughput(Throughput::Elements(batch));
        g.bench_function(format!("hash_and_integrate_{batch}"), |b| {
            b.iter(|| {
                let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
                black_box(tiles::integrate(base, &edge, &leaves).unwrap())
            })
        });
    }
    g.finish();
}

fn bench_proofs(c: &mut Criterion) {
    let size = 1_000_037u64;
    let mut tiles = MemoryTiles::new();
    let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&entry(i))).collect();
    tiles.append(&leaves).unwrap();
    let src = TileHashSource {
        size,
        reader: &tiles,
    };
    let root = merkle::tree_root(size, &src).unwrap();
    let idx: Vec<u64> = samples(size, 64).collect();
    let mut g = c.benchmark_group("proofs");
    let mut k = 0usize;
    g.bench_function("inclusion_from_tiles_1M", |b| {
        b.iter(|| {
            k = (k + 1) % idx.len();
            black_box(merkle::prove_inclusion(idx[k], size, &src).unwrap())
        })
    });
    g.bench_function("consistency_from_tiles_1M", |b| {
        b.iter(|| {
            k = (k + 1) % idx.len();
            black_box(merkle::prove_consistency(idx[k] + 1, size, &src).unwrap())
        })
    });
    let proofs: Vec<(u64, Vec<Hash>)> = idx
        .iter()
        .map(|&i| (i, merkle::prove_inclusion(i, size, &src).unwrap()))
        .collect();
    g.bench_function("verify_inclusion_1M", |b| {
        b.iter(|| {
            k = (k + 1) % proofs.len();
            let (i, p) = &proofs[k];
            merkle::verify_inclusion(&leaves[*i as usize], *i, size, p, &root).unwrap()
        })
    });
    let old = 777_777u64;
    let old_root = merkle::tree_root(
        old,
        &TileHashSource {
            size: old,
            reader: &tiles,
        },
    )
    .unwrap();
    let cons = merkle::prove_consistency(old, size, &src).unwrap();
    g.bench_function("verify_consistency_1M", |b| {
        b.iter(|| merkle::verify_consistency(old, size, &old_root, &root, &cons).unwrap())
    });

    // A full tlog-proof check: parse, log signature, 3 cosignatures, inclusion.
    let log = key("tasdiq.ma/log", Algorithm::Ed25519, 1);
    let ws: Vec<Signer> = (0..3)
        .map(|i| key(&format!("w{i}.example"), Algorithm::Cosignature, 10 + i))
        .collect();
    let mut note: Note = Checkpoint::new("tasdiq.ma/log", size, root)
        .to_note()
        .unwrap();
    note.sign(&log).unwrap();
    for w in &ws {
        note.add_signature(w.cosign(note.text(), 1_796_000_000).unwrap());
    }
    let (i, path) = proofs[0].clone();
    let text = TlogProof {
        extra: Some(vec![b'o'; 300]),
        index: i,
        path,
        checkpoint: note,
    }
    .to_bytes();
    let policy = Policy {
        origin: "tasdiq.ma/log".into(),
        log: Verifiers::from_keys([log.verifier()]).unwrap(),
        witnesses: Verifiers::from_keys(ws.iter().map(Signer::verifier)).unwrap(),
        quorum: 2,
    };
    g.bench_function("parse_and_verify_tlog_proof_3_cosignatures", |b| {
        b.iter_batched(
            || text.clone(),
            |t| {
                TlogProof::parse(&t)
                    .unwrap()
                    .verify(&leaves[i as usize], &policy)
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench_append, bench_proofs
}

fn main() {
    report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}

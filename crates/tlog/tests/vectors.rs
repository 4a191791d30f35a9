//! `tests/vectors/log-v1.json` (at the repository root): deterministic vectors of the issuance
//! log's primitives for other implementations — entries and leaf hashes, tree hashes at several
//! sizes, inclusion and consistency proofs, a checkpoint signed with a fixed test key and
//! cosigned at a fixed time, tile and bundle paths and contents, a tlog-proof and an
//! add-checkpoint body. This test regenerates them and compares the committed file byte for
//! byte, and re-checks the committed file's claims with the verifiers.
//! Regenerate with `cargo test -p tasdiq-tlog --test vectors write_vectors -- --ignored`.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tasdiq_tlog::merkle::{self, Hash, MemoryTree, leaf_hash};
use tasdiq_tlog::note::{Algorithm, KeyName, Note, Signer, VerifierKey, Verifiers};
use tasdiq_tlog::proof::{Policy, TlogProof};
use tasdiq_tlog::tiles::{Bundle, MemoryTiles, Tile, TilePath, encode_bundle};
use tasdiq_tlog::witness::AddCheckpoint;
use tasdiq_tlog::{Checkpoint, tiles};

const ORIGIN: &str = "tasdiq.example/log";
const SIZE: u64 = 300;
const COSIGN_TIME: u64 = 1_796_000_000;

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/log-v1.json")
}

fn entry(i: u64) -> Vec<u8> {
    format!("tasdiq-log/v1 test\nindex {i}\n").into_bytes()
}

fn key(name: &str, alg: Algorithm, seed: u8) -> Signer {
    Signer::new(
        KeyName::new(name).unwrap(),
        alg,
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
    )
}

fn b64s(hs: &[Hash]) -> Vec<String> {
    hs.iter().map(Hash::to_base64).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn vectors() -> Value {
    let mut tree = MemoryTree::new();
    let mut tiles = MemoryTiles::new();
    let mut entries = Vec::new();
    for i in 0..SIZE {
        let e = entry(i);
        tree.push_entry(&e);
        entries.push(json!({
            "index": i,
            "entry": STANDARD.encode(&e),
            "leaf_hash": leaf_hash(&e).to_base64(),
        }));
    }
    // Appended in three batches, as an integrator would.
    for (a, b) in [(0, 1), (1, 256), (256, SIZE)] {
        let leaves: Vec<Hash> = (a..b).map(|i| leaf_hash(&entry(i))).collect();
        tiles.append(&leaves).unwrap();
    }
    let sizes = [0u64, 1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 299, 300];
    let tree_hashes: Vec<Value> = sizes
        .iter()
        .map(|&s| json!({"size": s, "root": merkle::tree_root(s, &tree).unwrap().to_base64()}))
        .collect();
    let inclusion: Vec<Value> = [
        (0u64, 1u64),
        (0, 8),
        (5, 8),
        (2, 3),
        (255, 257),
        (299, 300),
        (123, 300),
    ]
    .iter()
    .map(|&(i, s)| {
        json!({"index": i, "size": s,
                   "proof": b64s(&merkle::prove_inclusion(i, s, &tree).unwrap())})
    })
    .collect();
    let consistency: Vec<Value> = [
        (1u64, 8u64),
        (3, 7),
        (4, 7),
        (6, 8),
        (8, 9),
        (255, 256),
        (256, 300),
        (299, 300),
        (300, 300),
    ]
    .iter()
    .map(|&(o, n)| {
        json!({"old": o, "new": n,
                   "proof": b64s(&merkle::prove_consistency(o, n, &tree).unwrap())})
    })
    .collect();

    let log = key(ORIGIN, Algorithm::Ed25519, 0x11);
    let witness = key("witness.example/w1", Algorithm::Cosignature, 0x22);
    let cp = Checkpoint::new(ORIGIN, SIZE, tree.root());
    let mut note = cp.to_note().unwrap();
    note.sign(&log).unwrap();
    let signed = note.to_string();
    note.add_signature(witness.cosign(note.text(), COSIGN_TIME).unwrap());

    let tile_list: Vec<Value> = Tile::for_size(SIZE)
        .iter()
        .map(|t| {
            let data = &tiles.get(t.level, t.index).unwrap()[..t.data_len()];
            json!({"path": t.path(), "level": t.level, "index": t.index, "width": t.width,
                   "data": STANDARD.encode(data)})
        })
        .collect();
    let bundles: Vec<Value> = Bundle::changed(0, SIZE)
        .iter()
        .map(|b| {
            let es: Vec<Vec<u8>> = (b.start()..b.start() + u64::from(b.width))
                .map(entry)
                .collect();
            json!({"path": b.path(), "data": STANDARD.encode(encode_bundle(&es).unwrap())})
        })
        .collect();
    let paths: Vec<Value> = [
        TilePath::Tile(Tile::new(0, 1_234_067, 256).unwrap()),
        TilePath::Tile(Tile::new(1, 1_000, 17).unwrap()),
        TilePath::Tile(Tile::new(2, 0, 1).unwrap()),
        TilePath::Bundle(Bundle::new(0, 44).unwrap()),
        TilePath::Bundle(Bundle::new(999_999, 256).unwrap()),
    ]
    .iter()
    .map(|p| match p {
        TilePath::Tile(t) => {
            json!({"level": t.level, "index": t.index, "width": t.width, "path": p.path()})
        }
        TilePath::Bundle(b) => {
            json!({"entries": true, "index": b.index, "width": b.width, "path": p.path()})
        }
    })
    .collect();
    let invalid_paths = [
        "tile/0/x000/001",
        "tile/00/000",
        "tile/64/000",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/08",
        "tile/0/1",
        "tile/0/x001",
        "tile/data/000",
    ];

    let proof = TlogProof {
        extra: Some(b"tasdiq-cert/v1 test opening\n".to_vec()),
        index: 123,
        path: merkle::prove_inclusion(123, SIZE, &tree).unwrap(),
        checkpoint: note.clone(),
    };
    let add = AddCheckpoint::new(
        256,
        merkle::prove_consistency(256, SIZE, &tree).unwrap(),
        Note::parse(signed.as_bytes()).unwrap(),
    )
    .unwrap();

    json!({
        "description": "tasdiq transparency log v1 test vectors: RFC 6962 hashing, C2SP tlog-tiles, tlog-checkpoint, signed-note, tlog-cosignature (Ed25519, type 0x04), tlog-proof, tlog-witness add-checkpoint. Keys are fixed test keys (seed = 32 repeated bytes); never use them for anything else.",
        "entries": entries,
        "tree_hashes": tree_hashes,
        "inclusion_proofs": inclusion,
        "consistency_proofs": consistency,
        "keys": {
            "log": {"name": ORIGIN, "seed": hex(&[0x11; 32]), "vkey": log.verifier().to_string(),
                    "key_id": log.id().to_string()},
            "witness": {"name": "witness.example/w1", "seed": hex(&[0x22; 32]),
                        "vkey": witness.verifier().to_string(), "key_id": witness.id().to_string()},
        },
        "checkpoint": {
            "text": cp.text(),
            "signed": signed,
            "cosigned": note.to_string(),
            "cosignature_time": COSIGN_TIME,
        },
        "tiles": {"size": SIZE, "tiles": tile_list, "bundles": bundles},
        "tile_paths": paths,
        "invalid_tile_paths": invalid_paths,
        "tlog_proof": {"leaf_index": 123, "text": proof.to_string()},
        "add_checkpoint": {"body": String::from_utf8(add.to_bytes()).unwrap()},
    })
}

fn render() -> String {
    let mut s = serde_json::to_string_pretty(&vectors()).unwrap();
    s.push('\n');
    s
}

#[test]
fn committed_vectors_are_current() {
    let committed = std::fs::read_to_string(path()).expect("tests/vectors/log-v1.json");
    assert!(
        committed == render(),
        "tests/vectors/log-v1.json is stale: regenerate with \
         `cargo test -p tasdiq-tlog --test vectors write_vectors -- --ignored`"
    );
}

/// Reads the committed file as another implementation would and checks what it claims.
#[test]
fn committed_vectors_verify() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    let h = |s: &Value| Hash::from_base64(s.as_str().unwrap()).unwrap();
    let hs = |a: &Value| a.as_array().unwrap().iter().map(h).collect::<Vec<_>>();
    let leaves: Vec<Hash> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| leaf_hash(&STANDARD.decode(e["entry"].as_str().unwrap()).unwrap()))
        .collect();
    for t in v["tree_hashes"].as_array().unwrap() {
        let s = t["size"].as_u64().unwrap() as usize;
        assert_eq!(merkle::tree_hash(&leaves[..s]), h(&t["root"]));
    }
    let root_at = |s: u64| merkle::tree_hash(&leaves[..s as usize]);
    for p in v["inclusion_proofs"].as_array().unwrap() {
        let (i, s) = (p["index"].as_u64().unwrap(), p["size"].as_u64().unwrap());
        merkle::verify_inclusion(&leaves[i as usize], i, s, &hs(&p["proof"]), &root_at(s)).unwrap();
    }
    for p in v["consistency_proofs"].as_array().unwrap() {
        let (o, n) = (p["old"].as_u64().unwrap(), p["new"].as_u64().unwrap());
        merkle::verify_consistency(o, n, &root_at(o), &root_at(n), &hs(&p["proof"])).unwrap();
    }
    let vk = |k: &str| VerifierKey::parse(v["keys"][k]["vkey"].as_str().unwrap()).unwrap();
    let note = Note::parse(v["checkpoint"]["cosigned"].as_str().unwrap().as_bytes()).unwrap();
    let ok = note
        .verify(&Verifiers::from_keys([vk("log"), vk("witness")]).unwrap())
        .unwrap();
    assert_eq!(ok.verified[1].timestamp, Some(COSIGN_TIME));
    let edge: Vec<(Tile, Vec<u8>)> = v["tiles"]["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(
            |t| match TilePath::parse(t["path"].as_str().unwrap()).unwrap() {
                TilePath::Tile(tile) if !tile.is_full() => {
                    Some((tile, STANDARD.decode(t["data"].as_str().unwrap()).unwrap()))
                }
                _ => None,
            },
        )
        .collect();
    assert_eq!(tiles::root_from_edge(SIZE, &edge).unwrap(), root_at(SIZE));
    for p in v["invalid_tile_paths"].as_array().unwrap() {
        assert!(TilePath::parse(p.as_str().unwrap()).is_err());
    }
    let proof = TlogProof::parse(v["tlog_proof"]["text"].as_str().unwrap().as_bytes()).unwrap();
    let policy = Policy {
        origin: ORIGIN.into(),
        log: Verifiers::from_keys([vk("log")]).unwrap(),
        witnesses: Verifiers::from_keys([vk("witness")]).unwrap(),
        quorum: 1,
    };
    proof.verify(&leaves[123], &policy).unwrap();
    AddCheckpoint::parse(v["add_checkpoint"]["body"].as_str().unwrap().as_bytes()).unwrap();
}

#[test]
#[ignore = "writes tests/vectors/log-v1.json"]
fn write_vectors() {
    std::fs::write(path(), render()).unwrap();
}

//! Cross-check against an implementation that is not ours: Go's `golang.org/x/mod/sumdb/tlog`
//! and `sumdb/note` (Debian's `golang-golang-x-mod-dev`, run with Debian's Go in GOPATH mode)
//! through the small program in `tests/go/xcheck`. On the same leaves, Go's tree hashes and
//! proofs must equal ours and accept ours; Go's tiles (`ReadTileData` over `NewTiles`) must hold
//! the bytes of ours; Go must verify our signed notes and reject the broken ones we reject, and
//! we must verify Go's. Skipped, saying so, only where `go` or the Go package is absent
//! (`scripts/test` installs both).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tasdiq_tlog::Checkpoint;
use tasdiq_tlog::merkle::{self, Hash, MemoryTree, leaf_hash};
use tasdiq_tlog::note::{Algorithm, KeyName, Note, Signer, VerifierKey, Verifiers};
use tasdiq_tlog::tiles::{MemoryTiles, Tile};

const GOPATH: &str = "/usr/share/gocode";
const LEAVES: u64 = 70_000;

fn entry(i: u64) -> Vec<u8> {
    format!("tasdiq xcheck entry {i}\n").into_bytes()
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

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Runs the Go program on `input`, or `None` when Go is not installed here.
fn run_go(input: &Value) -> Option<Value> {
    let have_go = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    let have_mod = Path::new(GOPATH)
        .join("src/golang.org/x/mod/sumdb/tlog")
        .is_dir();
    if !have_go || !have_mod {
        eprintln!(
            "SKIPPED: Go cross-check needs `go` and {GOPATH}/src/golang.org/x/mod \
             (apt-get install golang-go golang-golang-x-mod-dev; scripts/test does it)"
        );
        return None;
    }
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = tmp.join("tlog-xcheck-input.json");
    std::fs::write(&file, serde_json::to_vec(input).unwrap()).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/xcheck");
    let out = Command::new("go")
        .current_dir(&dir)
        .args(["run", "main.go"])
        .arg(&file)
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOCACHE", tmp.join("go-cache"))
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .output()
        .expect("go run");
    assert!(
        out.status.success(),
        "go run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("Go's JSON"))
}

#[test]
fn go_sumdb_agrees_with_us() {
    let mut reference = MemoryTree::new();
    for i in 0..LEAVES {
        reference.push_entry(&entry(i));
    }

    // Tree sizes across tile boundaries of levels 0, 1 and 2.
    let sizes: Vec<u64> = vec![
        1, 2, 3, 7, 8, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 69_999, 70_000,
    ];
    let inclusion: Vec<(u64, u64)> = vec![
        (0, 1),
        (0, 2),
        (1, 3),
        (6, 7),
        (255, 256),
        (255, 257),
        (256, 257),
        (12_345, 65_536),
        (65_535, 65_537),
        (65_536, 70_000),
        (69_999, 70_000),
        (31_337, 69_999),
    ];
    let consistency: Vec<(u64, u64)> = vec![
        (1, 2),
        (1, 3),
        (3, 7),
        (4, 7),
        (7, 8),
        (255, 256),
        (256, 257),
        (1000, 65_536),
        (65_535, 65_536),
        (65_536, 70_000),
        (12_345, 69_999),
        (69_999, 70_000),
    ];
    let tile_steps: Vec<(u64, u64)> = vec![
        (0, 1),
        (1, 255),
        (255, 256),
        (256, 300),
        (300, 301),
        (301, 65_535),
        (65_535, 65_536),
        (65_536, 65_537),
        (65_537, 70_000),
    ];

    let ours_inc: Vec<Vec<Hash>> = inclusion
        .iter()
        .map(|&(i, s)| merkle::prove_inclusion(i, s, &reference).unwrap())
        .collect();
    let ours_con: Vec<Vec<Hash>> = consistency
        .iter()
        .map(|&(o, n)| merkle::prove_consistency(o, n, &reference).unwrap())
        .collect();

    // Notes: ours to Go, including broken ones both sides must reject.
    let log = key("example.com/xcheck", Algorithm::Ed25519, 1);
    let witness = key("witness.example/w1", Algorithm::Cosignature, 2);
    let cp = Checkpoint::new("example.com/xcheck", 70_000, reference.root());
    let mut signed = cp.to_note().unwrap();
    signed.sign(&log).unwrap();
    let mut cosigned = signed.clone();
    cosigned.add_signature(witness.cosign(signed.text(), 1_760_000_000).unwrap());
    let second = key("other.example/key", Algorithm::Ed25519, 3);
    let mut two = Note::new("two signers\n\nand a blank line\n").unwrap();
    two.sign(&log).unwrap();
    two.sign(&second).unwrap();
    let vkey = log.verifier().to_string();
    let tampered = cosigned.to_string().replacen("70000", "70001", 1);
    // The signature's base64 ends in one '=': drop it.
    let unpadded = format!("{}\n", signed.to_string().strip_suffix("=\n").unwrap());
    let notes = [
        (signed.to_string(), vec![vkey.clone()], true),
        (cosigned.to_string(), vec![vkey.clone()], true),
        (
            two.to_string(),
            vec![vkey.clone(), second.verifier().to_string()],
            true,
        ),
        (two.to_string(), vec![second.verifier().to_string()], true),
        (tampered, vec![vkey.clone()], false),
        (
            signed.to_string().replace('\n', "\r\n"),
            vec![vkey.clone()],
            false,
        ),
        (format!("{signed}trailing"), vec![vkey.clone()], false),
        (unpadded.clone(), vec![vkey.clone()], false),
        (
            signed.to_string(),
            vec![second.verifier().to_string()],
            false,
        ),
    ];
    let sign_text = "signed in Go with a key from Rust\n";
    let input = json!({
        "leaf_count": LEAVES,
        "sizes": sizes,
        "inclusion": inclusion.iter().zip(&ours_inc)
            .map(|(&(a, b), p)| json!({"a": a, "b": b, "proof": b64s(p)})).collect::<Vec<_>>(),
        "consistency": consistency.iter().zip(&ours_con)
            .map(|(&(a, b), p)| json!({"a": a, "b": b, "proof": b64s(p)})).collect::<Vec<_>>(),
        "tile_steps": tile_steps.iter().map(|&(a, b)| [a, b]).collect::<Vec<_>>(),
        "notes": notes.iter().map(|(n, v, _)| json!({"note": n, "vkeys": v})).collect::<Vec<_>>(),
        "skey": log.to_private_string(),
        "sign_text": sign_text,
    });
    let Some(go) = run_go(&input) else { return };

    // Tree hashes.
    let go_roots = strs(&go["tree_hashes"]);
    for (s, want) in sizes.iter().zip(&go_roots) {
        assert_eq!(
            &merkle::tree_root(*s, &reference).unwrap().to_base64(),
            want,
            "size {s}"
        );
    }
    // Proofs: Go's equal ours, and Go accepts ours.
    for (i, (case, ours)) in inclusion.iter().zip(&ours_inc).enumerate() {
        let g = &go["inclusion"][i];
        assert_eq!(strs(&g["proof"]), b64s(ours), "inclusion {case:?}");
        assert_eq!(g["check_ours"], "ok", "Go's CheckRecord on {case:?}");
        let leaf = leaf_hash(&entry(case.0));
        let root = merkle::tree_root(case.1, &reference).unwrap();
        merkle::verify_inclusion(&leaf, case.0, case.1, ours, &root).unwrap();
    }
    for (i, (case, ours)) in consistency.iter().zip(&ours_con).enumerate() {
        let g = &go["consistency"][i];
        assert_eq!(strs(&g["proof"]), b64s(ours), "consistency {case:?}");
        assert_eq!(g["check_ours"], "ok", "Go's CheckTree on {case:?}");
    }

    // Tiles: replay the steps through our integrator; every tile Go lists for a step must be
    // a prefix of ours at that step, at the same C2SP path once Go's "8/" is dropped, and every
    // tile we wrote must be among Go's.
    let go_tiles = go["tiles"].as_array().unwrap();
    let mut tiles = MemoryTiles::new();
    for (step, &(old, new)) in tile_steps.iter().enumerate() {
        let leaves: Vec<Hash> = (old..new).map(|i| leaf_hash(&entry(i))).collect();
        let out = tiles.append(&leaves).unwrap();
        assert_eq!(out.root, merkle::tree_root(new, &reference).unwrap());
        let listed: Vec<&Value> = go_tiles.iter().filter(|t| t["step"] == step).collect();
        for g in &listed {
            let t = Tile::new(
                g["l"].as_u64().unwrap() as u8,
                g["n"].as_u64().unwrap(),
                g["w"].as_u64().unwrap() as u16,
            )
            .unwrap();
            assert_eq!(
                g["path"].as_str().unwrap().replacen("tile/8/", "tile/", 1),
                t.path()
            );
            let data = &tiles.get(t.level, t.index).expect("tile stored")[..t.data_len()];
            let sum: String = Sha256::digest(data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(g["sha256"], sum.as_str(), "tile {t} at step {step}");
        }
        for (t, _) in &out.tiles {
            assert!(
                listed
                    .iter()
                    .any(|g| g["l"] == t.level && g["n"] == t.index && g["w"] == t.width),
                "we wrote {t}, Go's NewTiles({old}, {new}) does not list it"
            );
        }
    }

    // Notes: Go's verdicts match ours.
    for (i, (text, vkeys, ok)) in notes.iter().enumerate() {
        let go_says = go["notes"][i].as_str().unwrap();
        assert_eq!(go_says.starts_with("ok"), *ok, "Go on note {i}: {go_says}");
        let known =
            Verifiers::from_keys(vkeys.iter().map(|v| VerifierKey::parse(v).unwrap())).unwrap();
        let ours = Note::parse(text.as_bytes()).and_then(|n| n.verify(&known));
        assert_eq!(ours.is_ok(), *ok, "we on note {i}: {ours:?}");
    }
    assert!(go["notes"][1].as_str().unwrap().contains("1 unverified"));

    // Go signs with our private key string: byte-for-byte our signature (Ed25519 is
    // deterministic); we verify a note signed with a key Go generated.
    let mut ours = Note::new(sign_text).unwrap();
    ours.sign(&log).unwrap();
    assert_eq!(go["signed_with_our_key"], ours.to_string().as_str());
    let go_vkey = VerifierKey::parse(go["go_vkey"].as_str().unwrap()).unwrap();
    let go_note = Note::parse(go["go_note"].as_str().unwrap().as_bytes()).unwrap();
    go_note
        .verify(&Verifiers::from_keys([go_vkey.clone()]).unwrap())
        .unwrap();
    let go_signer = Signer::parse(go["go_skey"].as_str().unwrap()).expect("Go's private key");
    assert_eq!(go_signer.verifier(), go_vkey);
}

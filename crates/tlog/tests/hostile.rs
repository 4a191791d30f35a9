//! Hostile input: every parser and verifier of the crate on random bytes and on valid texts
//! with one byte changed. Nothing may panic; a changed signed byte must never verify.

use proptest::prelude::*;
use tasdiq_tlog::merkle::{MemoryTree, prove_inclusion};
use tasdiq_tlog::note::{Algorithm, KeyName, Note, Signer, Verifiers};
use tasdiq_tlog::proof::{Policy, TlogProof};
use tasdiq_tlog::tiles::{TilePath, decode_bundle};
use tasdiq_tlog::witness::{AddCheckpoint, AddCheckpointResponse};
use tasdiq_tlog::{Checkpoint, Hash};

fn signer(name: &str, alg: Algorithm, seed: u8) -> Signer {
    Signer::new(
        KeyName::new(name).unwrap(),
        alg,
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
    )
}

struct Fixture {
    proof: Vec<u8>,
    policy: Policy,
    leaf: Hash,
}

fn fixture() -> Fixture {
    let log = signer("example.com/log", Algorithm::Ed25519, 1);
    let w = signer("w.example", Algorithm::Cosignature, 2);
    let mut tree = MemoryTree::new();
    for i in 0..37u8 {
        tree.push_entry(&[i]);
    }
    let mut note = Checkpoint::new("example.com/log", 37, tree.root())
        .to_note()
        .unwrap();
    note.sign(&log).unwrap();
    note.add_signature(w.cosign(note.text(), 1_800_000_000).unwrap());
    let proof = TlogProof {
        extra: Some(b"x".to_vec()),
        index: 20,
        path: prove_inclusion(20, 37, &tree).unwrap(),
        checkpoint: note,
    };
    Fixture {
        proof: proof.to_bytes(),
        policy: Policy {
            origin: "example.com/log".into(),
            log: Verifiers::from_keys([log.verifier()]).unwrap(),
            witnesses: Verifiers::from_keys([w.verifier()]).unwrap(),
            quorum: 1,
        },
        leaf: tasdiq_tlog::merkle::leaf_hash(&[20]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parsers_survive_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Note::parse(&bytes);
        let _ = TlogProof::parse(&bytes);
        let _ = AddCheckpoint::parse(&bytes);
        let _ = AddCheckpointResponse::parse(200, &bytes);
        let _ = AddCheckpointResponse::parse(409, &bytes);
        let _ = decode_bundle(&bytes);
        let s = String::from_utf8_lossy(&bytes);
        let _ = Checkpoint::parse(&s);
        let _ = TilePath::parse(&s);
        let _ = TilePath::parse(&format!("tile/0/{s}"));
        let _ = tasdiq_tlog::VerifierKey::parse(&s);
        let _ = Signer::parse(&s);
    }

    #[test]
    fn one_changed_byte_never_verifies(pos in any::<usize>(), byte in any::<u8>()) {
        let f = fixture();
        prop_assert!(TlogProof::parse(&f.proof).unwrap().verify(&f.leaf, &f.policy).is_ok());
        let mut bad = f.proof.clone();
        let i = pos % bad.len();
        prop_assume!(bad[i] != byte);
        bad[i] = byte;
        if let Ok(p) = TlogProof::parse(&bad) {
            // The extra data is not authenticated by the proof; everything else is.
            let extra_changed = p.extra.as_deref() != Some(&b"x"[..]);
            prop_assert!(extra_changed || p.verify(&f.leaf, &f.policy).is_err(), "byte {i} changed and still verifies");
        }
    }
}

//! Unit tests of add-checkpoint: the specification's example body, a witness and a log talking
//! through every status code, and strict parsing of both directions.

use super::*;
use crate::merkle::{MemoryTree, prove_consistency};
use crate::note::{Algorithm, KeyName};

const SPEC_BODY: &str = "old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
\u{2014} example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
";

fn key(name: &str, alg: Algorithm, seed: u8) -> Signer {
    Signer::new(
        KeyName::new(name).unwrap(),
        alg,
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
    )
}

struct Log {
    tree: MemoryTree,
    key: Signer,
}

impl Log {
    fn new() -> Log {
        Log {
            tree: MemoryTree::new(),
            key: key("example.com/log", Algorithm::Ed25519, 1),
        }
    }
    fn grow(&mut self, n: u64) {
        for i in 0..n {
            self.tree.push_entry(&i.to_be_bytes());
        }
    }
    fn note(&self) -> Note {
        let mut n = Checkpoint::new("example.com/log", self.tree.size(), self.tree.root())
            .to_note()
            .unwrap();
        n.sign(&self.key).unwrap();
        n
    }
    fn request(&self, old: u64) -> AddCheckpoint {
        let proof = prove_consistency(old, self.tree.size(), &self.tree).unwrap();
        AddCheckpoint::new(old, proof, self.note()).unwrap()
    }
}

#[test]
fn the_specification_example_body_parses_and_round_trips() {
    let req = AddCheckpoint::parse(SPEC_BODY.as_bytes()).unwrap();
    assert_eq!(req.old_size, 20_852_014);
    assert_eq!(req.proof.len(), 4);
    assert_eq!(req.checkpoint.size, 20_852_163);
    assert_eq!(req.note.signatures().len(), 2);
    assert_eq!(req.to_bytes(), SPEC_BODY.as_bytes());
}

#[test]
fn a_witness_and_a_log_through_every_status() {
    let mut log = Log::new();
    log.grow(10);
    let keys = Verifiers::from_keys([log.key.verifier()]).unwrap();
    let witness = key("witness.example/w1", Algorithm::Cosignature, 2);
    let witnesses = Verifiers::from_keys([witness.verifier()]).unwrap();

    // First contact: old 0, no proof.
    let req = AddCheckpoint::parse(&log.request(0).to_bytes()).unwrap();
    let seen = |latest| {
        Some(WitnessedLog {
            keys: &keys,
            latest,
        })
    };
    let cp = check_add_checkpoint(&req, seen(None)).unwrap();
    let resp = cosign(
        req.note.text(),
        std::slice::from_ref(&witness),
        1_700_000_000,
    )
    .unwrap();
    let back = AddCheckpointResponse::parse(resp.status(), &resp.body()).unwrap();
    assert_eq!(back, resp);
    let AddCheckpointResponse::Cosigned(sigs) = back else {
        panic!("not cosigned")
    };
    let mut note = log.note();
    let added = merge_cosignatures(&mut note, &sigs, &witnesses).unwrap();
    assert_eq!(added[0].timestamp, Some(1_700_000_000));
    assert_eq!(note.signatures().len(), 2);
    let latest = Some((cp.size, cp.root));

    // The log grows; a request from the witness's size with a proof passes.
    log.grow(7);
    assert!(check_add_checkpoint(&log.request(10), seen(latest)).is_ok());

    // A stale old size: 409 with the witness's size, which the client reads back.
    let err = check_add_checkpoint(&log.request(5), seen(latest)).unwrap_err();
    assert_eq!(err, WitnessError::Conflict(10));
    let r = err.response();
    assert_eq!(
        (r.status(), r.content_type(), r.body()),
        (409, SIZE_CONTENT_TYPE, b"10\n".to_vec())
    );
    assert_eq!(
        AddCheckpointResponse::parse(409, b"10\n").unwrap(),
        AddCheckpointResponse::Conflict(10)
    );

    // Unknown origin, unknown key, bad signature.
    assert_eq!(
        check_add_checkpoint(&log.request(10), None)
            .unwrap_err()
            .status(),
        404
    );
    let other =
        Verifiers::from_keys([key("example.com/log", Algorithm::Ed25519, 9).verifier()]).unwrap();
    let forbidden = WitnessedLog {
        keys: &other,
        latest,
    };
    assert_eq!(
        check_add_checkpoint(&log.request(10), Some(forbidden))
            .unwrap_err()
            .status(),
        403
    );
    let mut forged = log.request(10);
    forged.note = Note::parse(
        forged
            .note
            .to_string()
            .replace("\n17\n", "\n18\n")
            .as_bytes(),
    )
    .unwrap();
    forged.checkpoint.size = 18;
    assert_eq!(
        check_add_checkpoint(&forged, seen(latest))
            .unwrap_err()
            .status(),
        403
    );

    // Old size above the checkpoint's: 400.
    let mut above = log.request(10);
    above.old_size = 18;
    assert_eq!(
        check_add_checkpoint(&above, seen(Some((18, cp.root))))
            .unwrap_err()
            .status(),
        400
    );

    // A wrong proof, a proof from size 0, equal sizes with another root: 422.
    let mut wrong = log.request(10);
    wrong.proof[0].0[0] ^= 1;
    assert_eq!(
        check_add_checkpoint(&wrong, seen(latest))
            .unwrap_err()
            .status(),
        422
    );
    let mut from_zero = log.request(0);
    from_zero.proof = vec![Hash::EMPTY];
    assert_eq!(
        check_add_checkpoint(&from_zero, seen(None))
            .unwrap_err()
            .status(),
        422
    );
    let same = log.request(17);
    assert_eq!(
        check_add_checkpoint(&same, seen(Some((17, Hash::EMPTY))))
            .unwrap_err()
            .status(),
        422
    );

    // An empty checkpoint must carry the empty root.
    let empty = Log::new();
    let mut bad_empty = Checkpoint::new("example.com/log", 0, cp.root)
        .to_note()
        .unwrap();
    bad_empty.sign(&empty.key).unwrap();
    let req = AddCheckpoint::new(0, vec![], bad_empty).unwrap();
    assert_eq!(
        check_add_checkpoint(&req, seen(None)).unwrap_err().status(),
        422
    );
    assert!(check_add_checkpoint(&empty.request(0), seen(None)).is_ok());
}

#[test]
fn merging_ignores_unknown_and_rejects_bad_cosignatures() {
    let mut log = Log::new();
    log.grow(3);
    let w1 = key("w1", Algorithm::Cosignature, 2);
    let w2 = key("w2", Algorithm::Cosignature, 3);
    let witnesses = Verifiers::from_keys([w1.verifier()]).unwrap();
    let mut note = log.note();
    let s1 = w1.cosign(note.text(), 5).unwrap();
    let s2 = w2.cosign(note.text(), 5).unwrap();
    assert_eq!(
        merge_cosignatures(&mut note, &[s1.clone(), s2], &witnesses)
            .unwrap()
            .len(),
        1
    );
    // A newer cosignature by the same witness replaces the older one.
    let newer = w1.cosign(note.text(), 6).unwrap();
    merge_cosignatures(&mut note, std::slice::from_ref(&newer), &witnesses).unwrap();
    assert_eq!(note.signatures().len(), 2);
    assert_eq!(note.signatures()[1], newer);
    let mut bad = s1;
    bad.bytes[20] ^= 1;
    assert!(merge_cosignatures(&mut note, &[bad], &witnesses).is_err());
}

#[test]
fn bodies_parse_strictly() {
    let log = {
        let mut l = Log::new();
        l.grow(4);
        l
    };
    let good = String::from_utf8(log.request(2).to_bytes()).unwrap();
    assert!(AddCheckpoint::parse(good.as_bytes()).is_ok());
    let hash = Hash::EMPTY.to_string();
    let many = format!("old 1\n{}\n{}", format!("{hash}\n").repeat(64), log.note());
    for bad in [
        good.replacen("old 2", "old 02", 1),
        good.replacen("old 2", "old  2", 1),
        good.replacen("old 2", "Old 2", 1),
        good.replacen("old 2\n", "old 2", 1),
        good.replacen("\n\n", "\n", 1),
        good.replacen('\n', "\nnot base64\n", 1),
        format!("{good}trailing"),
        format!("old 2\n\n{}", log.note().text()),
        many,
    ] {
        assert!(AddCheckpoint::parse(bad.as_bytes()).is_err(), "{bad:?}");
    }
    for (status, body) in [
        (200, &b""[..]),
        (200, b"- x y\n"),
        (409, b"12"),
        (409, b"012\n"),
    ] {
        assert!(AddCheckpointResponse::parse(status, body).is_err());
    }
    let failed = AddCheckpointResponse::parse(503, b"busy\n").unwrap();
    assert_eq!(failed.status(), 503);
    assert!(AddCheckpoint::new(0, vec![Hash::EMPTY; 64], log.note()).is_err());
}

#[test]
fn origin_hash_is_lowercase_hex_sha256() {
    // SHA-256("abc"), the FIPS 180-2 example.
    assert_eq!(
        origin_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

//! The edge-case vectors of "Taming the many EdDSAs" (tests/speccheck/): for every case, alone
//! and at random positions among genuine signatures, `verify_many` answers what
//! `verify_strict` answers, and the genuine signatures around it stay accepted.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use tasdiq_sigbatch::{AdmittedKey, Item, verify_many};

struct Case {
    message: Vec<u8>,
    key: AdmittedKey,
    signature: Signature,
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex in the fixture: {e}"))
}

fn cases() -> Vec<Case> {
    let text = include_str!("speccheck/cases.json");
    let raw: Vec<serde_json::Value> = serde_json::from_str(text).expect("fixture is JSON");
    raw.iter()
        .map(|c| {
            let field = |k: &str| unhex(c[k].as_str().expect("hex string"));
            let key: [u8; 32] = field("pub_key").try_into().expect("32-byte key");
            let sig: [u8; 64] = field("signature").try_into().expect("64-byte signature");
            Case {
                message: field("message"),
                key: AdmittedKey::new(VerifyingKey::from_bytes(&key).expect("key decodes")),
                signature: Signature::from_bytes(&sig),
            }
        })
        .collect()
}

struct Genuine {
    key: AdmittedKey,
    messages: Vec<[u8; 36]>,
    signatures: Vec<Signature>,
}

fn genuine(n: usize) -> Genuine {
    let signer = SigningKey::from_bytes(&[42; 32]);
    let messages: Vec<[u8; 36]> = (0..n as u32)
        .map(|i| {
            let mut m = [7u8; 36];
            m[..4].copy_from_slice(&i.to_le_bytes());
            m
        })
        .collect();
    let signatures = messages.iter().map(|m| signer.sign(m)).collect();
    Genuine {
        key: AdmittedKey::new(signer.verifying_key()),
        messages,
        signatures,
    }
}

/// A small deterministic generator for positions (the property is about every position).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn the_reference_answers_are_the_published_ones() {
    // "Dalek strict" in the paper's table: only case 3 (mixed-order A and R) verifies.
    let answers: Vec<bool> = cases()
        .iter()
        .map(|c| c.key.verify_strict(&c.message, &c.signature))
        .collect();
    let accepted: Vec<usize> = (0..answers.len()).filter(|&i| answers[i]).collect();
    assert_eq!(answers.len(), 12);
    assert_eq!(accepted, vec![3]);
}

#[test]
fn every_case_alone_and_among_genuine_signatures() {
    let cases = cases();
    let g = genuine(1024);
    let mut rng = Lcg(19);
    for (n, case) in cases.iter().enumerate() {
        let expected = case.key.verify_strict(&case.message, &case.signature);
        let alone = Item {
            message: &case.message,
            signature: &case.signature,
            key: &case.key,
        };
        assert_eq!(verify_many(&[alone]), vec![expected], "case {n} alone");
        for size in [2usize, 3, 4, 5, 8, 17, 64, 255, 1024] {
            let at = rng.below(size);
            let mut items: Vec<Item<'_>> = (0..size - 1)
                .map(|i| Item {
                    message: &g.messages[i],
                    signature: &g.signatures[i],
                    key: &g.key,
                })
                .collect();
            items.insert(at, alone);
            let got = verify_many(&items);
            for (i, ok) in got.iter().enumerate() {
                let want = if i == at { expected } else { true };
                assert_eq!(*ok, want, "case {n} at {at} of {size}: item {i}");
            }
        }
    }
}

#[test]
fn all_cases_together_in_one_batch() {
    let cases = cases();
    let g = genuine(512);
    let mut items: Vec<Item<'_>> = (0..512)
        .map(|i| Item {
            message: &g.messages[i],
            signature: &g.signatures[i],
            key: &g.key,
        })
        .collect();
    let mut rng = Lcg(7);
    let mut positions = Vec::new();
    for case in &cases {
        let at = rng.below(items.len() + 1);
        items.insert(
            at,
            Item {
                message: &case.message,
                signature: &case.signature,
                key: &case.key,
            },
        );
        positions.push(at);
    }
    let expected: Vec<bool> = items
        .iter()
        .map(|it| it.key.verify_strict(it.message, it.signature))
        .collect();
    assert_eq!(verify_many(&items), expected);
    assert_eq!(expected.iter().filter(|ok| !**ok).count(), 11);
}

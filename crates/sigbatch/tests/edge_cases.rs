//! Edge cases under keys we control, where the batch path itself is exercised: R with each
//! torsion component (signed by the key holder on purpose), R of small order, S not reduced,
//! keys of mixed order; and a property test with random corruptions.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use proptest::prelude::*;
use sha2::{Digest, Sha512};
use tasdiq_sigbatch::{Acceptance, AdmittedKey, Item, verify_many, verify_many_with};

/// A point of order 8.
fn t8() -> EdwardsPoint {
    let bytes: [u8; 32] =
        hex::decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
            .expect("hex")
            .try_into()
            .expect("32 bytes");
    CompressedEdwardsY(bytes)
        .decompress()
        .expect("on the curve")
}

fn challenge(r: &[u8; 32], a: &[u8; 32], m: &[u8]) -> Scalar {
    let mut h = Sha512::new();
    h.update(r);
    h.update(a);
    h.update(m);
    Scalar::from_bytes_mod_order_wide(&h.finalize().into())
}

/// What only a key holder can make: s = r + k·a for an R of our choosing.
fn sign_with_r(
    a: Scalar,
    key: &VerifyingKey,
    r: Scalar,
    torsion: EdwardsPoint,
    m: &[u8],
) -> Signature {
    let big_r = (B * r + torsion).compress().to_bytes();
    let k = challenge(&big_r, key.as_bytes(), m);
    Signature::from_components(big_r, (r + k * a).to_bytes())
}

struct Fixture {
    signer: SigningKey,
    key: AdmittedKey,
    messages: Vec<[u8; 36]>,
    signatures: Vec<Signature>,
}

fn fixture(n: usize) -> Fixture {
    let signer = SigningKey::from_bytes(&[5; 32]);
    let messages: Vec<[u8; 36]> = (0..n as u32)
        .map(|i| {
            let mut m = [1u8; 36];
            m[32..].copy_from_slice(&i.to_be_bytes());
            m
        })
        .collect();
    let signatures = messages.iter().map(|m| signer.sign(m)).collect();
    Fixture {
        key: AdmittedKey::new(signer.verifying_key()),
        signer,
        messages,
        signatures,
    }
}

fn items<'a>(f: &'a Fixture, sigs: &'a [Signature]) -> Vec<Item<'a>> {
    f.messages
        .iter()
        .zip(sigs)
        .map(|(m, s)| Item {
            message: m,
            signature: s,
            key: &f.key,
        })
        .collect()
}

fn strict(items: &[Item<'_>]) -> Vec<bool> {
    items
        .iter()
        .map(|i| i.key.verify_strict(i.message, i.signature))
        .collect()
}

#[test]
fn torsion_in_r_is_rejected_like_verify_strict() {
    let f = fixture(40);
    let a = f.signer.to_scalar();
    let vk = f.signer.verifying_key();
    for j in 1..8u64 {
        let mut sigs = f.signatures.clone();
        let at = (j as usize * 5) % sigs.len();
        sigs[at] = sign_with_r(
            a,
            &vk,
            Scalar::from(1000 + j),
            t8() * Scalar::from(j),
            &f.messages[at],
        );
        let items = items(&f, &sigs);
        let want = strict(&items);
        assert!(!want[at] && want.iter().filter(|ok| **ok).count() == 39);
        assert_eq!(verify_many(&items), want, "torsion {j}·T8");
        // Without torsion the same construction is a genuine signature.
        sigs[at] = sign_with_r(
            a,
            &vk,
            Scalar::from(1000 + j),
            EdwardsPoint::default(),
            &f.messages[at],
        );
        assert!(verify_many(&self::items(&f, &sigs)).iter().all(|ok| *ok));
    }
}

#[test]
fn without_the_torsion_test_the_key_holder_can_get_one_through() {
    // The residual difference of Acceptance::TrustKeyHolders, shown: an R with an order-2
    // component passes the random combination whenever its coefficient is even. In 64
    // batches that happens at least once except with probability 2^-64; Exact never accepts.
    let f = fixture(8);
    let a = f.signer.to_scalar();
    let vk = f.signer.verifying_key();
    let mut sigs = f.signatures.clone();
    sigs[3] = sign_with_r(
        a,
        &vk,
        Scalar::from(77u64),
        t8() * Scalar::from(4u64),
        &f.messages[3],
    );
    let items = items(&f, &sigs);
    let lenient = (0..64)
        .filter(|_| verify_many_with(&items, Acceptance::TrustKeyHolders)[3])
        .count();
    assert!(lenient > 0);
    assert!((0..64).all(|_| !verify_many(&items)[3]));
}

#[test]
fn small_order_r_and_unreduced_s_are_rejected() {
    let f = fixture(16);
    let a = f.signer.to_scalar();
    let vk = f.signer.verifying_key();
    let mut sigs = f.signatures.clone();
    // R of small order: r = 0, s = k·a.
    for j in 0..8u64 {
        sigs[j as usize] = sign_with_r(
            a,
            &vk,
            Scalar::ZERO,
            t8() * Scalar::from(j),
            &f.messages[j as usize],
        );
    }
    // S + ℓ: the same point equation mod ℓ, but not a canonical scalar.
    let ell: [u8; 32] = (-Scalar::ONE).to_bytes();
    let mut s_plus_l = *f.signatures[9].s_bytes();
    let mut carry = 1u16; // ℓ = (ℓ − 1) + 1
    for (s, l) in s_plus_l.iter_mut().zip(ell) {
        let v = u16::from(*s) + u16::from(l) + carry;
        *s = v as u8;
        carry = v >> 8;
    }
    sigs[9] = Signature::from_components(*f.signatures[9].r_bytes(), s_plus_l);
    // The high bit of S set.
    let mut high = *f.signatures[10].s_bytes();
    high[31] |= 0x80;
    sigs[10] = Signature::from_components(*f.signatures[10].r_bytes(), high);
    let items = items(&f, &sigs);
    let want = strict(&items);
    assert_eq!(want.iter().filter(|ok| **ok).count(), 6);
    assert_eq!(verify_many(&items), want);
}

#[test]
fn keys_of_mixed_order_are_answered_exactly() {
    // A' = A + T8 is accepted by verify_strict when R = rB − (k mod 8)·T8: grind for it.
    let f = fixture(24);
    let a = f.signer.to_scalar();
    let mixed_point = B * a + t8();
    let mixed = AdmittedKey::new(VerifyingKey::from(mixed_point));
    assert!(!mixed.is_batchable());
    let m = b"a message signed under a key with a torsion component";
    let mut valid = None;
    'search: for r in 1..200u64 {
        for j in 0..8u64 {
            let big_r = (B * Scalar::from(r) - t8() * Scalar::from(j))
                .compress()
                .to_bytes();
            let k = challenge(&big_r, mixed.verifying_key().as_bytes(), m);
            if u64::from(k.to_bytes()[0] & 7) == j {
                let s = Scalar::from(r) + k * a;
                valid = Some(Signature::from_components(big_r, s.to_bytes()));
                break 'search;
            }
        }
    }
    let valid = valid.expect("one in eight tries succeeds");
    assert!(mixed.verify_strict(m, &valid));
    let forged = Signature::from_components(*valid.r_bytes(), [3; 32]);
    let mut batch = items(&f, &f.signatures);
    batch.insert(
        5,
        Item {
            message: m,
            signature: &valid,
            key: &mixed,
        },
    );
    batch.insert(
        11,
        Item {
            message: m,
            signature: &forged,
            key: &mixed,
        },
    );
    let want = strict(&batch);
    assert_eq!(want.iter().filter(|ok| !**ok).count(), 1);
    assert_eq!(verify_many(&batch), want);
}

#[test]
fn a_key_of_small_order_gets_nothing_accepted() {
    let weak = AdmittedKey::new(VerifyingKey::from(t8()));
    assert!(!weak.is_batchable());
    let f = fixture(6);
    let sig = Signature::from_components(t8().compress().to_bytes(), [0; 32]);
    let mut batch = items(&f, &f.signatures);
    batch.push(Item {
        message: b"x",
        signature: &sig,
        key: &weak,
    });
    let got = verify_many(&batch);
    assert_eq!(got, strict(&batch));
    assert_eq!(got, vec![true, true, true, true, true, true, false]);
}

#[derive(Clone, Copy, Debug)]
enum Corruption {
    MessageBit(usize),
    RBit(usize),
    SBit(usize),
    OtherSignature,
}

fn corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        (0..36usize * 8).prop_map(Corruption::MessageBit),
        (0..256usize).prop_map(Corruption::RBit),
        (0..256usize).prop_map(Corruption::SBit),
        Just(Corruption::OtherSignature),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random genuine batches with k random corruptions: exactly the corrupted ones fail.
    #[test]
    fn exactly_the_corrupted_ones_fail(
        size in 2usize..160,
        hits in proptest::collection::vec((any::<prop::sample::Index>(), corruption()), 0..6),
    ) {
        let mut f = fixture(size);
        let mut sigs = f.signatures.clone();
        for (index, c) in hits {
            let i = index.index(size);
            match c {
                Corruption::MessageBit(b) => f.messages[i][b / 8] ^= 1 << (b % 8),
                Corruption::RBit(b) | Corruption::SBit(b) => {
                    let mut raw = sigs[i].to_bytes();
                    let offset = if matches!(c, Corruption::RBit(_)) { 0 } else { 32 };
                    raw[offset + b / 8] ^= 1 << (b % 8);
                    sigs[i] = Signature::from_bytes(&raw);
                }
                Corruption::OtherSignature => sigs[i] = f.signatures[(i + 1) % size],
            }
        }
        // Corrupted = changed (two flips of the same bit cancel out).
        let original = fixture(size);
        let expected: Vec<bool> = (0..size)
            .map(|i| f.messages[i] == original.messages[i] && sigs[i] == original.signatures[i])
            .collect();
        let items = items(&f, &sigs);
        let got = verify_many(&items);
        prop_assert_eq!(&got, &strict(&items));
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn batches_of_mostly_or_only_bad_signatures() {
    // Dense failures take the item-by-item path once both halves fail.
    let f = fixture(70);
    let shifted: Vec<Signature> = (0..70).map(|i| f.signatures[(i + 1) % 70]).collect();
    let all_bad = items(&f, &shifted);
    assert_eq!(verify_many(&all_bad), vec![false; 70]);
    let mut mostly: Vec<Signature> = shifted.clone();
    for i in [0, 33, 34, 69] {
        mostly[i] = f.signatures[i];
    }
    let got = verify_many(&items(&f, &mostly));
    let want: Vec<bool> = (0..70).map(|i| [0, 33, 34, 69].contains(&i)).collect();
    assert_eq!(got, want);
}

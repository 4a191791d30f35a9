//! `verify_many`: per-item pre-checks, one random linear combination of the verification
//! equations, and bisection of a failing combination down to single cofactorless checks.

use std::collections::HashMap;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::{Signature, VerifyingKey};
use rand::Rng;
use sha2::{Digest, Sha512};

use crate::field::{Fe, LANES};
use crate::torsion;

/// A public key checked once, when it is admitted, so that batches need not re-check it.
///
/// Admission never fails: it classifies the key. A key of small order gets no signature
/// accepted (as with `verify_strict`); a key with a torsion component (mixed order) is valid
/// for `verify_strict` but cannot be batched exactly, so its signatures are checked one by one
/// with `verify_strict`; any other key (every key an honest signer generates) is batched.
/// Admission costs about one scalar multiplication: do it when keys are loaded, not per request.
#[derive(Clone, Copy, Debug)]
pub struct AdmittedKey {
    key: VerifyingKey,
    minus_a: EdwardsPoint,
    class: KeyClass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyClass {
    Batchable,
    StrictOnly,
    Weak,
}

impl AdmittedKey {
    /// Classifies `key` (small order, mixed order, or torsion-free).
    pub fn new(key: VerifyingKey) -> AdmittedKey {
        let a = EdwardsPoint::from(key);
        let class = if a.is_small_order() {
            KeyClass::Weak
        } else if a.is_torsion_free() {
            KeyClass::Batchable
        } else {
            KeyClass::StrictOnly
        };
        AdmittedKey {
            key,
            minus_a: -a,
            class,
        }
    }

    /// The key as given.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Whether signatures under this key take part in batches (the key is torsion-free and
    /// not of small order). Signatures under other keys are still answered exactly.
    pub fn is_batchable(&self) -> bool {
        self.class == KeyClass::Batchable
    }

    /// `verify_strict` itself, the reference every answer of this crate equals.
    pub fn verify_strict(&self, message: &[u8], signature: &Signature) -> bool {
        self.key.verify_strict(message, signature).is_ok()
    }
}

impl From<VerifyingKey> for AdmittedKey {
    fn from(key: VerifyingKey) -> AdmittedKey {
        AdmittedKey::new(key)
    }
}

/// One signature to check: `signature` on `message` under `key`.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    /// The signed message.
    pub message: &'a [u8],
    /// The signature to check.
    pub signature: &'a Signature,
    /// The signer's admitted key.
    pub key: &'a AdmittedKey,
}

/// How much of `verify_strict`'s acceptance set a batch must reproduce (see the crate docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Acceptance {
    /// Exactly `verify_strict`'s answers: every R is also tested for a torsion component
    /// (four field exponentiations per signature).
    #[default]
    Exact,
    /// Skip the torsion test of R. Answers differ from `verify_strict` only for a signature
    /// that the holder of the private key built with a torsion component in R on purpose, and
    /// then only by chance (see the crate docs); nobody else can produce one.
    TrustKeyHolders,
}

/// Below this many signatures an exact batch costs more than `verify_strict` one by one
/// (measured: 41 µs a signature for two, 26 µs for four, against 31 µs).
const SMALLEST_EXACT_BATCH: usize = 4;

/// Groups smaller than this are checked item by item (cofactorless single equations) when
/// a larger group containing them failed: below it, halving costs more than it saves.
const LEAF: usize = 4;

/// Checks every item with exactly `verify_strict`'s acceptance set; answers in order.
pub fn verify_many(items: &[Item<'_>]) -> Vec<bool> {
    verify_many_with(items, Acceptance::Exact)
}

/// [`verify_many`] with a choice of [`Acceptance`].
pub fn verify_many_with(items: &[Item<'_>], acceptance: Acceptance) -> Vec<bool> {
    let mut out = vec![false; items.len()];
    verify_into(items, acceptance, &mut out);
    out
}

/// Writes the answer for `items[i]` to `out[i]` (`out` must be as long as `items`; extra
/// entries of `out` are left alone, missing ones are not answered).
pub(crate) fn verify_into(items: &[Item<'_>], acceptance: Acceptance, out: &mut [bool]) {
    let smallest_batch = match acceptance {
        Acceptance::Exact => SMALLEST_EXACT_BATCH,
        Acceptance::TrustKeyHolders => 2,
    };
    if items.len() < smallest_batch {
        // Too few to gain from the batch machinery; verify_strict is the reference anyway.
        for (item, o) in items.iter().zip(out.iter_mut()) {
            *o = item.key.verify_strict(item.message, item.signature);
        }
        return;
    }
    let mut keys = KeyTable::default();
    let mut prepared = Vec::with_capacity(items.len());
    for (index, (item, o)) in items.iter().zip(out.iter_mut()).enumerate() {
        *o = false;
        match item.key.class {
            KeyClass::Weak => {}
            KeyClass::StrictOnly => *o = item.key.verify_strict(item.message, item.signature),
            KeyClass::Batchable => {
                if let Some(p) = prepare(index, item, &mut keys) {
                    prepared.push(p);
                }
            }
        }
    }
    if acceptance == Acceptance::Exact {
        prepared = torsion_free_only(prepared, items);
    }
    check(&prepared, &keys.points, out);
}

/// A signature that passed the per-item checks, ready for the combined equation.
#[derive(Clone, Copy)]
struct Prepared {
    index: usize,
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
    key: usize,
}

/// The distinct keys of a batch, so that Σ zᵢkᵢAᵢ costs one term per key, not per signature.
#[derive(Default)]
struct KeyTable {
    points: Vec<EdwardsPoint>,
    bytes: Vec<[u8; 32]>,
    index: HashMap<[u8; 32], usize>,
}

impl KeyTable {
    fn slot(&mut self, key: &AdmittedKey) -> usize {
        let bytes = key.key.to_bytes();
        // Services have a handful of keys: a scan beats hashing until there are many.
        if self.bytes.len() <= 8 {
            if let Some(i) = self.bytes.iter().position(|b| *b == bytes) {
                return i;
            }
        } else if let Some(&i) = self.index.get(&bytes) {
            return i;
        }
        let i = self.bytes.len();
        self.points.push(-key.minus_a);
        self.bytes.push(bytes);
        if self.bytes.len() > 8 {
            if self.index.is_empty() {
                for (j, b) in self.bytes.iter().enumerate() {
                    self.index.insert(*b, j);
                }
            } else {
                self.index.insert(bytes, i);
            }
        }
        i
    }
}

/// The per-item checks that make the combined equation answer like `verify_strict` (see the
/// crate docs); `None` means `verify_strict` rejects the item.
fn prepare(index: usize, item: &Item<'_>, keys: &mut KeyTable) -> Option<Prepared> {
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(*item.signature.s_bytes()))?;
    let r_bytes = item.signature.r_bytes();
    if !is_canonical_y(r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(*r_bytes).decompress()?;
    if r.is_small_order() {
        return None;
    }
    let mut h = Sha512::new();
    h.update(r_bytes);
    h.update(item.key.key.as_bytes());
    h.update(item.message);
    let digest: [u8; 64] = h.finalize().into();
    Some(Prepared {
        index,
        r,
        s,
        k: Scalar::from_bytes_mod_order_wide(&digest),
        key: keys.slot(item.key),
    })
}

/// Keeps the items whose R is torsion-free (the last per-item check of the crate docs), testing
/// `LANES` of them at a time.
fn torsion_free_only(prepared: Vec<Prepared>, items: &[Item<'_>]) -> Vec<Prepared> {
    let r_bytes = |p: &Prepared| {
        items
            .get(p.index)
            .map_or([0; 32], |i| *i.signature.r_bytes())
    };
    let mut keep = Vec::with_capacity(prepared.len());
    let mut chunks = prepared.chunks_exact(LANES);
    for chunk in chunks.by_ref() {
        let lanes: [[u8; 32]; LANES] = std::array::from_fn(|i| r_bytes(&chunk[i]));
        let answers = torsion::is_torsion_free_lanes(&lanes);
        for (p, answer) in chunk.iter().zip(answers) {
            if answer.unwrap_or_else(|| p.r.is_torsion_free()) {
                keep.push(*p);
            }
        }
    }
    // The remainder one at a time: padding it to a full chunk would cost a full chunk.
    for p in chunks.remainder() {
        let [answer] = torsion::is_torsion_free_lanes(&[r_bytes(p)]);
        if answer.unwrap_or_else(|| p.r.is_torsion_free()) {
            keep.push(*p);
        }
    }
    keep
}

/// Whether the y coordinate (the low 255 bits) is below p. curve25519-dalek decompresses
/// y ≥ p too, but `verify_strict` compares R's bytes with a canonical encoding, so it never
/// accepts one. (x = 0 with the sign bit set is the other non-canonical form; those points
/// have small order and are rejected anyway.)
fn is_canonical_y(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    y[31] &= 0x7f;
    Fe::from_bytes(&y).to_bytes() == y
}

fn check(group: &[Prepared], keys: &[EdwardsPoint], out: &mut [bool]) {
    if group.len() < LEAF {
        singles(group, keys, out);
    } else if combined_equation_holds(group, keys) {
        accept(group, out);
    } else {
        bisect(group, keys, out);
    }
}

/// `group`'s combined equation failed: find the bad items. When both halves fail too, bad items
/// are dense and halving further would cost more than single checks (an all-bad batch would
/// cost ~2.5× `verify_strict` a signature, measured; with this rule ~1.6×), so both halves are
/// checked item by item.
fn bisect(group: &[Prepared], keys: &[EdwardsPoint], out: &mut [bool]) {
    let (a, b) = group.split_at(group.len() / 2);
    if a.len() < LEAF || b.len() < LEAF {
        singles(group, keys, out);
        return;
    }
    let (a_ok, b_ok) = (
        combined_equation_holds(a, keys),
        combined_equation_holds(b, keys),
    );
    match (a_ok, b_ok) {
        (true, true) => {
            // Only a torsion component can do this (TrustKeyHolders): settle it item by item.
            singles(group, keys, out);
        }
        (true, false) => {
            accept(a, out);
            bisect(b, keys, out);
        }
        (false, true) => {
            bisect(a, keys, out);
            accept(b, out);
        }
        (false, false) => singles(group, keys, out),
    }
}

fn accept(group: &[Prepared], out: &mut [bool]) {
    for p in group {
        if let Some(o) = out.get_mut(p.index) {
            *o = true;
        }
    }
}

fn singles(group: &[Prepared], keys: &[EdwardsPoint], out: &mut [bool]) {
    for p in group {
        if let (Some(o), Some(a)) = (out.get_mut(p.index), keys.get(p.key)) {
            // R = [s]B − [k]A, the cofactorless equation of verify_strict.
            *o = EdwardsPoint::vartime_double_scalar_mul_basepoint(&p.k, &-a, &p.s) == p.r;
        }
    }
}

/// Σ zᵢ·(Rᵢ + kᵢAᵢ − sᵢB) = 0 for fresh random 128-bit zᵢ, cofactorless, with the Aᵢ
/// terms gathered per key.
fn combined_equation_holds(group: &[Prepared], keys: &[EdwardsPoint]) -> bool {
    let mut rng = rand::rng();
    let mut b_coeff = Scalar::ZERO;
    let mut key_coeff = vec![Scalar::ZERO; keys.len()];
    let mut scalars = Vec::with_capacity(1 + group.len() + keys.len());
    let mut points = Vec::with_capacity(1 + group.len() + keys.len());
    scalars.push(Scalar::ZERO);
    points.push(ED25519_BASEPOINT_POINT);
    for p in group {
        let z = Scalar::from((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64()));
        b_coeff -= z * p.s;
        if let Some(c) = key_coeff.get_mut(p.key) {
            *c += z * p.k;
        }
        scalars.push(z);
        points.push(p.r);
    }
    if let Some(first) = scalars.first_mut() {
        *first = b_coeff;
    }
    scalars.extend(key_coeff);
    points.extend_from_slice(keys);
    EdwardsPoint::vartime_multiscalar_mul(&scalars, &points).is_identity()
}

//! Batch signature verification with bisection on failure, for the batch route.

use crate::domain::code::Label;
use crate::domain::keys::KeyEntry;

/// Below this size a failing group is checked label by label.
const LEAF: usize = 16;

/// `(index, signature valid)` for each candidate, by strict verification semantics:
/// a batch that passes vouches for all its members (our keys are honest, so batch and
/// strict verification agree); a batch that fails is split until the bad ones are found.
pub fn verify(candidates: &[(usize, &Label, &KeyEntry)]) -> Vec<(usize, bool)> {
    let mut out = Vec::with_capacity(candidates.len());
    check(candidates, &mut out);
    out
}

fn check(group: &[(usize, &Label, &KeyEntry)], out: &mut Vec<(usize, bool)>) {
    if group.is_empty() {
        return;
    }
    if group.len() <= LEAF {
        for (i, l, k) in group {
            out.push((*i, l.verify(&k.public)));
        }
        return;
    }
    let messages: Vec<[u8; 36]> = group
        .iter()
        .map(|(_, l, _)| l.header.signing_message())
        .collect();
    let refs: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
    let sigs: Vec<ed25519_dalek::Signature> = group.iter().map(|(_, l, _)| l.signature()).collect();
    let keys: Vec<ed25519_dalek::VerifyingKey> = group.iter().map(|(_, _, k)| k.public).collect();
    if ed25519_dalek::verify_batch(&refs, &sigs, &keys).is_ok() {
        out.extend(group.iter().map(|(i, _, _)| (*i, true)));
    } else {
        let (a, b) = group.split_at(group.len() / 2);
        check(a, out);
        check(b, out);
    }
}

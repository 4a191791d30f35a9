//! RFC 6962 Merkle trees (§2.1, as RFC 9162 §2.1 restates them): leaf and node hashes, the
//! tree hash of a range, inclusion and consistency proofs — produced from any [`HashSource`] and
//! verified — and Go `sumdb/tlog`'s stored-hash index arithmetic, kept for [`MemoryTree`].
//!
//! Proofs are built in two steps so that an asynchronous caller (the service reads tiles from its
//! database) can fetch what a proof needs in one go: a [`Plan`] names the complete subtrees
//! ([`Node`]s) whose hashes are needed, and [`Plan::assemble`] folds their hashes into the proof.
//! [`prove_inclusion`], [`prove_consistency`] and [`tree_root`] do both steps over a synchronous
//! [`HashSource`].

use std::fmt;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// Size of a SHA-256 hash in bytes.
pub const HASH_SIZE: usize = 32;

/// Longest proof this crate builds or accepts: a tree of 2^64 leaves has 64 levels.
pub const MAX_PROOF_HASHES: usize = 64;

/// A SHA-256 hash: a leaf, node or root hash of the tree.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

impl Hash {
    /// The root of the empty tree, SHA-256 of the empty string (RFC 6962 §2.1).
    pub const EMPTY: Hash = Hash([
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ]);

    /// The hash as 32 bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// A hash from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        bytes.try_into().ok().map(Hash)
    }

    /// Standard base64 with padding, the form every C2SP text format uses.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Parses canonical standard base64 of exactly 32 bytes.
    pub fn from_base64(s: &str) -> Result<Hash, HashError> {
        let bytes = STANDARD.decode(s).map_err(|_| HashError)?;
        Hash::from_slice(&bytes).ok_or(HashError)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_base64())
    }
}

/// A hash line that is not canonical base64 of 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a base64 SHA-256 hash")]
pub struct HashError;

/// `SHA-256(0x00 ‖ entry)`, the hash of a log entry (RFC 6962 §2.1).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    Hash(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`, the hash of an interior node (RFC 6962 §2.1).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// The Merkle tree hash `MTH(D[0:n])` of a list of leaf hashes, computed in memory.
pub fn tree_hash(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Hash::EMPTY,
        1 => leaves[0],
        n => {
            let k = split_point(n as u64) as usize;
            node_hash(&tree_hash(&leaves[..k]), &tree_hash(&leaves[k..]))
        }
    }
}

/// The largest power of two strictly below `n` (`n` ≥ 2): where RFC 6962 splits a tree.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// A complete subtree: the `2^level` leaves starting at leaf `index << level`. Its hash is
/// `MTH(D[index·2^level : (index+1)·2^level])`; level 0 nodes are leaf hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    /// Height above the leaves, 0..=63.
    pub level: u8,
    /// Position among the nodes of that level.
    pub index: u64,
}

impl Node {
    /// First leaf covered.
    pub fn start(&self) -> u64 {
        self.index << self.level
    }

    /// Number of leaves covered, `2^level`.
    pub fn width(&self) -> u64 {
        1u64 << self.level
    }
}

/// Errors of proof building and checking.
#[derive(Debug, thiserror::Error)]
pub enum MerkleError {
    /// The index is not below the tree size.
    #[error("index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    /// The old size is larger than the new size.
    #[error("old size {old} is larger than new size {new}")]
    SizesOutOfOrder { old: u64, new: u64 },
    /// The proof has the wrong number of hashes for these sizes.
    #[error("the proof has the wrong number of hashes")]
    WrongProofLength,
    /// The proof does not lead to the expected root.
    #[error("the proof does not match the root hash")]
    RootMismatch,
    /// The hash source returned a different number of hashes than asked.
    #[error("the hash source returned {got} hashes for {wanted} nodes")]
    SourceCount { wanted: usize, got: usize },
    /// The hash source failed.
    #[error("reading hashes: {0}")]
    Source(#[from] SourceError),
}

/// A failure of a [`HashSource`] or tile reader, boxed so each storage brings its own error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SourceError(pub Box<dyn std::error::Error + Send + Sync>);

impl SourceError {
    /// Wraps a message.
    pub fn msg(message: impl Into<String>) -> SourceError {
        SourceError(message.into().into())
    }
}

/// Gives the hashes of complete subtrees. The service implements it over its stored tiles
/// ([`crate::tiles::TileHashSource`]); [`MemoryTree`] is the in-memory one.
pub trait HashSource {
    /// The hash of each node, in the order asked.
    fn hashes(&self, nodes: &[Node]) -> Result<Vec<Hash>, SourceError>;
}

/// Which subtree hashes a proof or root needs, and how they fold into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    nodes: Vec<Node>,
    /// One range of `nodes` per output hash, folded right to left.
    segments: Vec<Range<usize>>,
}

impl Plan {
    /// The complete subtrees whose hashes [`Plan::assemble`] needs, in that order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Folds the hashes of [`Plan::nodes`] (same order) into the output hashes: the proof path,
    /// or the single root for [`root_plan`].
    pub fn assemble(&self, hashes: &[Hash]) -> Result<Vec<Hash>, MerkleError> {
        if hashes.len() != self.nodes.len() {
            return Err(MerkleError::SourceCount {
                wanted: self.nodes.len(),
                got: hashes.len(),
            });
        }
        Ok(self
            .segments
            .iter()
            .map(|seg| fold(&hashes[seg.clone()]))
            .collect())
    }

    /// Pushes the range `[lo, hi)` as one output hash: its decomposition into complete subtrees,
    /// largest (leftmost) first. Only ranges whose start is aligned to the largest power of two
    /// not above their length occur in RFC 6962's recursions, so the fold gives `MTH(D[lo:hi])`.
    fn push_range(&mut self, mut lo: u64, hi: u64) {
        let first = self.nodes.len();
        while lo < hi {
            let mut level = 63 - (hi - lo).leading_zeros();
            if lo != 0 {
                level = level.min(lo.trailing_zeros());
            }
            self.nodes.push(Node {
                level: level as u8,
                index: lo >> level,
            });
            lo += 1u64 << level;
        }
        self.segments.push(first..self.nodes.len());
    }
}

/// `MTH` of consecutive complete subtrees of decreasing size: fold from the right.
fn fold(hashes: &[Hash]) -> Hash {
    let Some((last, rest)) = hashes.split_last() else {
        return Hash::EMPTY;
    };
    rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc))
}

/// The plan for `MTH(D[0:size])`: one output hash.
pub fn root_plan(size: u64) -> Plan {
    let mut p = Plan {
        nodes: Vec::new(),
        segments: Vec::new(),
    };
    p.push_range(0, size);
    p
}

/// The plan for the inclusion proof `PATH(index, D[0:size])` (RFC 6962 §2.1.1): hashes from the
/// leaf's sibling up to the root's child.
pub fn inclusion_plan(index: u64, size: u64) -> Result<Plan, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let mut p = Plan {
        nodes: Vec::new(),
        segments: Vec::new(),
    };
    // Walk down from the root, noting the sibling range at each split, then emit them bottom-up.
    let (mut lo, mut hi) = (0u64, size);
    let mut siblings = Vec::new();
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            siblings.push((lo + k, hi));
            hi = lo + k;
        } else {
            siblings.push((lo, lo + k));
            lo += k;
        }
    }
    for (a, b) in siblings.into_iter().rev() {
        p.push_range(a, b);
    }
    Ok(p)
}

/// The plan for the consistency proof `PROOF(old, D[0:new])` (RFC 6962 §2.1.2). Empty when
/// `old` is 0 or equal to `new`: nothing needs proving then (as tlog-witness expects for 0).
pub fn consistency_plan(old: u64, new: u64) -> Result<Plan, MerkleError> {
    if old > new {
        return Err(MerkleError::SizesOutOfOrder { old, new });
    }
    let mut p = Plan {
        nodes: Vec::new(),
        segments: Vec::new(),
    };
    if old == 0 || old == new {
        return Ok(p);
    }
    // SUBPROOF(m, D[lo:hi], b), unrolled; ranges are collected top-down and emitted bottom-up.
    let (mut lo, mut hi, mut whole) = (0u64, new, true);
    let mut ranges = Vec::new();
    loop {
        let n = hi - lo;
        let m = old - lo;
        if m == n {
            if !whole {
                ranges.push((lo, hi));
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            ranges.push((lo + k, hi));
            hi = lo + k;
        } else {
            ranges.push((lo, lo + k));
            lo += k;
            whole = false;
        }
    }
    for (a, b) in ranges.into_iter().rev() {
        p.push_range(a, b);
    }
    Ok(p)
}

fn run(plan: &Plan, source: &impl HashSource) -> Result<Vec<Hash>, MerkleError> {
    let hashes = source.hashes(plan.nodes())?;
    plan.assemble(&hashes)
}

/// The root hash of the tree of `size` leaves held by `source`.
pub fn tree_root(size: u64, source: &impl HashSource) -> Result<Hash, MerkleError> {
    Ok(run(&root_plan(size), source)?.pop().unwrap_or(Hash::EMPTY))
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves held by `source`.
pub fn prove_inclusion(
    index: u64,
    size: u64,
    source: &impl HashSource,
) -> Result<Vec<Hash>, MerkleError> {
    run(&inclusion_plan(index, size)?, source)
}

/// The consistency proof from size `old` to size `new` of the tree held by `source`.
pub fn prove_consistency(
    old: u64,
    new: u64,
    source: &impl HashSource,
) -> Result<Vec<Hash>, MerkleError> {
    run(&consistency_plan(old, new)?, source)
}

/// The root that an inclusion proof leads to (RFC 9162 §2.1.3.2).
pub fn root_from_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err(MerkleError::WrongProofLength);
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(MerkleError::WrongProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(MerkleError::WrongProofLength);
    }
    Ok(r)
}

/// Checks that `proof` proves leaf hash `leaf` at `index` in the tree of `size` with `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), MerkleError> {
    if root_from_inclusion(leaf, index, size, proof)? == *root {
        Ok(())
    } else {
        Err(MerkleError::RootMismatch)
    }
}

/// Checks that `proof` proves the tree of `old` leaves with `old_root` is a prefix of the tree
/// of `new` leaves with `new_root` (RFC 9162 §2.1.4.2). For `old == 0` the proof must be empty
/// (the empty tree is a prefix of every tree), for `old == new` empty with equal roots.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if old > new {
        return Err(MerkleError::SizesOutOfOrder { old, new });
    }
    if old == 0 || old == new {
        if !proof.is_empty() {
            return Err(MerkleError::WrongProofLength);
        }
        if old == new && old_root != new_root {
            return Err(MerkleError::RootMismatch);
        }
        return Ok(());
    }
    if proof.is_empty() || proof.len() > MAX_PROOF_HASHES {
        return Err(MerkleError::WrongProofLength);
    }
    let mut path = proof;
    let start;
    // When the old tree is a complete subtree it is its own first proof node.
    if old.is_power_of_two() {
        start = *old_root;
    } else {
        start = path[0];
        path = &path[1..];
    }
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (start, start);
    for c in path {
        if snode == 0 {
            return Err(MerkleError::WrongProofLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(MerkleError::WrongProofLength);
    }
    if fr != *old_root || sr != *new_root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

/// Go `sumdb/tlog`'s `StoredHashIndex`: the position of node (`level`, `n`) in the flat array
/// that stores every complete subtree hash in the order they become known (one leaf, then the
/// nodes it completes). A tree of `s` leaves stores `2s − popcount(s)` hashes.
/// Meaningful for trees below 2^62 leaves; arithmetic wraps (never panics) beyond.
pub fn stored_hash_index(level: u8, mut n: u64) -> u64 {
    for _ in 0..level {
        n = n.wrapping_mul(2).wrapping_add(1);
    }
    let mut i = 0u64;
    while n > 0 {
        i = i.wrapping_add(n);
        n >>= 1;
    }
    i.wrapping_add(u64::from(level))
}

/// The inverse of [`stored_hash_index`] (Go's `SplitStoredHashIndex`).
pub fn split_stored_hash_index(index: u64) -> (u8, u64) {
    // stored_hash_index(0, n) ≤ 2n, so the leaf n whose hashes hold `index` is at least index/2;
    // each leaf n adds 1 + trailing_zeros(n + 1) hashes.
    let mut n = index / 2;
    let mut at = stored_hash_index(0, n);
    loop {
        let next = at + 1 + u64::from((n + 1).trailing_zeros());
        if next > index {
            break;
        }
        n += 1;
        at = next;
    }
    let level = (index - at) as u8;
    (level, n >> level)
}

/// Go's `StoredHashCount`: how many hashes a tree of `size` leaves stores.
pub fn stored_hash_count(size: u64) -> u64 {
    if size == 0 {
        return 0;
    }
    // The stored hashes of leaf size−1 end the array.
    let last = size - 1;
    stored_hash_index(0, last) + 1 + u64::from((last + 1).trailing_zeros())
}

/// A whole tree in memory, in Go's stored-hash layout: the reference [`HashSource`] for tests,
/// vectors and benchmarks. Memory is about two hashes per leaf.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    stored: Vec<Hash>,
    size: u64,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> MemoryTree {
        MemoryTree::default()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf hash, storing it and every subtree it completes.
    pub fn push(&mut self, leaf: Hash) {
        let n = self.size;
        let mut h = leaf;
        self.stored.push(h);
        for level in 0..(n + 1).trailing_zeros() {
            let left = self.stored[stored_hash_index(level as u8, (n >> level) - 1) as usize];
            h = node_hash(&left, &h);
            self.stored.push(h);
        }
        self.size += 1;
    }

    /// Appends the leaf hash of an entry.
    pub fn push_entry(&mut self, entry: &[u8]) {
        self.push(leaf_hash(entry));
    }

    /// The current root hash.
    pub fn root(&self) -> Hash {
        // The nodes of a root plan are complete subtrees of this tree, so this cannot fail.
        tree_root(self.size, self).unwrap_or(Hash::EMPTY)
    }
}

impl HashSource for MemoryTree {
    fn hashes(&self, nodes: &[Node]) -> Result<Vec<Hash>, SourceError> {
        nodes
            .iter()
            .map(|node| {
                let end = node
                    .index
                    .checked_add(1)
                    .and_then(|i| i.checked_mul(node.width()));
                if node.level > 62 || end.is_none_or(|e| e > self.size) {
                    return Err(SourceError::msg(format!(
                        "node {node:?} is not in a tree of size {}",
                        self.size
                    )));
                }
                Ok(self.stored[stored_hash_index(node.level, node.index) as usize])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;

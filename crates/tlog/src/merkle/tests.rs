//! Unit tests of the Merkle module: known answers, proofs for random sizes, strict rejections.

use super::*;
use proptest::prelude::*;

fn hex(h: &Hash) -> String {
    h.0.iter().map(|b| format!("{b:02x}")).collect()
}

/// The eight leaves of the Certificate Transparency reference tests (RFC 6962 implementations
/// have shared them since the C++ log server).
fn ct_leaves() -> Vec<Vec<u8>> {
    vec![
        vec![],
        vec![0x00],
        vec![0x10],
        vec![0x20, 0x21],
        vec![0x30, 0x31],
        vec![0x40, 0x41, 0x42, 0x43],
        vec![0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        vec![
            0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
            0x6e, 0x6f,
        ],
    ]
}

fn tree(n: u64) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..n {
        t.push_entry(format!("entry {i}\n").as_bytes());
    }
    t
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    assert_eq!(Hash::EMPTY.0, <[u8; 32]>::from(Sha256::digest(b"")));
    assert_eq!(MemoryTree::new().root(), Hash::EMPTY);
    assert_eq!(tree_hash(&[]), Hash::EMPTY);
}

#[test]
fn ct_reference_roots() {
    let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    let mut t = MemoryTree::new();
    let mut leaves = Vec::new();
    for (leaf, want) in ct_leaves().iter().zip(roots) {
        t.push_entry(leaf);
        leaves.push(leaf_hash(leaf));
        assert_eq!(hex(&t.root()), want);
        assert_eq!(hex(&tree_hash(&leaves)), want);
    }
}

#[test]
fn stored_hash_layout_matches_go() {
    // Go's tlog_test: the first stored hashes are (0,0) (0,1) (1,0) (0,2) (0,3) (1,1) (2,0) …
    let order = [
        (0, 0),
        (0, 1),
        (1, 0),
        (0, 2),
        (0, 3),
        (1, 1),
        (2, 0),
        (0, 4),
    ];
    for (i, &(level, n)) in order.iter().enumerate() {
        assert_eq!(stored_hash_index(level, n), i as u64);
    }
    for i in 0..20_000u64 {
        let (level, n) = split_stored_hash_index(i);
        assert_eq!(stored_hash_index(level, n), i, "index {i}");
    }
    let mut t = MemoryTree::new();
    for i in 0..600u64 {
        assert_eq!(stored_hash_count(i), t.stored.len() as u64);
        t.push_entry(&i.to_be_bytes());
    }
}

#[test]
fn plans_name_complete_subtrees() {
    // Size 7 = 4 + 2 + 1.
    let p = root_plan(7);
    assert_eq!(
        p.nodes(),
        &[
            Node { level: 2, index: 0 },
            Node { level: 1, index: 2 },
            Node { level: 0, index: 6 }
        ]
    );
    assert!(root_plan(0).nodes().is_empty());
    assert_eq!(inclusion_plan(0, 1).unwrap().nodes().len(), 0);
    assert!(consistency_plan(0, 9).unwrap().nodes().is_empty());
    assert!(consistency_plan(9, 9).unwrap().nodes().is_empty());
}

#[test]
fn bad_arguments_are_errors_not_panics() {
    let t = tree(10);
    let root = t.root();
    let leaf = leaf_hash(b"entry 3\n");
    assert!(matches!(
        prove_inclusion(10, 10, &t),
        Err(MerkleError::IndexOutOfRange { .. })
    ));
    assert!(matches!(
        prove_consistency(11, 10, &t),
        Err(MerkleError::SizesOutOfOrder { .. })
    ));
    // Asking a source for more than it holds fails cleanly.
    assert!(matches!(
        prove_inclusion(3, 11, &t),
        Err(MerkleError::Source(_))
    ));
    let proof = prove_inclusion(3, 10, &t).unwrap();
    assert!(verify_inclusion(&leaf, 3, 10, &proof, &root).is_ok());
    assert!(verify_inclusion(&leaf, 10, 10, &proof, &root).is_err());
    assert!(verify_inclusion(&leaf, 3, 0, &[], &root).is_err());
    let mut long = proof.clone();
    long.push(Hash::EMPTY);
    assert!(matches!(
        verify_inclusion(&leaf, 3, 10, &long, &root),
        Err(MerkleError::WrongProofLength)
    ));
    assert!(matches!(
        verify_inclusion(&leaf, 3, 10, &proof[..proof.len() - 1], &root),
        Err(MerkleError::WrongProofLength)
    ));
    let huge = vec![Hash::EMPTY; 65];
    assert!(verify_inclusion(&leaf, 3, u64::MAX, &huge, &root).is_err());
    assert!(verify_consistency(3, 10, &root, &root, &huge).is_err());
    // Sizes 0 and equal sizes take no proof.
    assert!(verify_consistency(0, 10, &Hash::EMPTY, &root, &[]).is_ok());
    assert!(verify_consistency(0, 10, &Hash::EMPTY, &root, &[root]).is_err());
    assert!(verify_consistency(10, 10, &root, &root, &[]).is_ok());
    assert!(verify_consistency(10, 10, &root, &leaf, &[]).is_err());
    assert!(verify_consistency(4, 10, &root, &root, &[]).is_err());
    assert!(verify_consistency(11, 10, &root, &root, &[]).is_err());
}

#[test]
fn hash_base64_is_strict() {
    let h = leaf_hash(b"x");
    assert_eq!(Hash::from_base64(&h.to_base64()).unwrap(), h);
    assert!(Hash::from_base64("").is_err());
    // 31 bytes, missing padding, and a non-canonical final character.
    assert!(Hash::from_base64(&STANDARD.encode([0u8; 31])).is_err());
    assert!(Hash::from_base64(h.to_base64().trim_end_matches('=')).is_err());
    // "…uFU=": the last character carries two unused bits that must be zero; 'V' sets one.
    let mut s = Hash::EMPTY.to_base64().into_bytes();
    assert_eq!(s[42], b'U');
    s[42] = b'V';
    assert!(Hash::from_base64(std::str::from_utf8(&s).unwrap()).is_err());
}

fn flip(h: &mut Hash, bit: usize) {
    h.0[bit / 8 % 32] ^= 1 << (bit % 8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn inclusion_proofs_verify_and_one_bit_breaks_them(
        size in 1u64..1500, index_seed in any::<u64>(), bit in 0usize..256, which in any::<usize>()
    ) {
        let t = tree(size);
        let root = t.root();
        let index = index_seed % size;
        let leaf = leaf_hash(format!("entry {index}\n").as_bytes());
        let proof = prove_inclusion(index, size, &t).unwrap();
        prop_assert!(proof.len() <= 64 - size.leading_zeros() as usize);
        prop_assert!(verify_inclusion(&leaf, index, size, &proof, &root).is_ok());
        let mut bad_leaf = leaf;
        flip(&mut bad_leaf, bit);
        prop_assert!(verify_inclusion(&bad_leaf, index, size, &proof, &root).is_err());
        let mut bad_root = root;
        flip(&mut bad_root, bit);
        prop_assert!(verify_inclusion(&leaf, index, size, &proof, &bad_root).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = which % bad.len();
            flip(&mut bad[i], bit);
            prop_assert!(verify_inclusion(&leaf, index, size, &bad, &root).is_err());
        }
        if size > 1 {
            let other = (index + 1) % size;
            prop_assert!(verify_inclusion(&leaf, other, size, &proof, &root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_one_bit_breaks_them(
        new in 1u64..1500, old_seed in any::<u64>(), bit in 0usize..256, which in any::<usize>()
    ) {
        let t = tree(new);
        let old = 1 + old_seed % new;
        let old_root = tree(old).root();
        let new_root = t.root();
        let proof = prove_consistency(old, new, &t).unwrap();
        prop_assert!(verify_consistency(old, new, &old_root, &new_root, &proof).is_ok());
        let mut bad_old = old_root;
        flip(&mut bad_old, bit);
        prop_assert!(verify_consistency(old, new, &bad_old, &new_root, &proof).is_err());
        let mut bad_new = new_root;
        flip(&mut bad_new, bit);
        prop_assert!(verify_consistency(old, new, &old_root, &bad_new, &proof).is_err());
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = which % bad.len();
            flip(&mut bad[i], bit);
            prop_assert!(verify_consistency(old, new, &old_root, &new_root, &bad).is_err());
        }
        if old < new {
            prop_assert!(verify_consistency(old + 1, new, &old_root, &new_root, &proof).is_err());
        }
    }

    #[test]
    fn source_root_equals_in_memory_tree_hash(size in 0usize..700) {
        let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        let mut t = MemoryTree::new();
        for l in &leaves {
            t.push(*l);
        }
        prop_assert_eq!(t.root(), tree_hash(&leaves));
    }
}

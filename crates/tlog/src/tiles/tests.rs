//! Unit tests of tiles: the path codec both ways, the specification's size examples, the
//! integrator against the in-memory reference tree, proofs read back from tiles, bundles.

use super::*;
use crate::merkle::{self, Hash, MemoryTree, Node, leaf_hash};
use proptest::prelude::*;

fn leaves(from: u64, to: u64) -> Vec<Hash> {
    (from..to)
        .map(|i| leaf_hash(format!("entry {i}\n").as_bytes()))
        .collect()
}

fn tile(level: u8, index: u64, width: u16) -> Tile {
    Tile::new(level, index, width).unwrap()
}

#[test]
fn paths_follow_the_specification() {
    assert_eq!(tile(0, 1_234_067, 256).path(), "tile/0/x001/x234/067");
    assert_eq!(tile(2, 0, 1).path(), "tile/2/000.p/1");
    assert_eq!(tile(1, 1000, 17).path(), "tile/1/x001/000.p/17");
    assert_eq!(Bundle::new(999, 256).unwrap().path(), "tile/entries/999");
    assert_eq!(
        Bundle::new(5, 112).unwrap().path(),
        "tile/entries/005.p/112"
    );
    assert_eq!(
        tile(7, u64::MAX, 255).path(),
        "tile/7/x018/x446/x744/x073/x709/x551/615.p/255"
    );
    for p in [
        "tile/0/x001/x234/067",
        "tile/63/000",
        "tile/entries/x001/000.p/255",
        "tile/0/000.p/1",
        "tile/7/x018/x446/x744/x073/x709/x551/615",
    ] {
        assert_eq!(TilePath::parse(p).unwrap().path(), p);
    }
    assert_eq!(
        TilePath::parse("tile/0/x001/x234/067.p/8").unwrap(),
        TilePath::Tile(tile(0, 1_234_067, 8))
    );
}

#[test]
fn non_canonical_paths_are_rejected() {
    for bad in [
        "",
        "tile",
        "tile/",
        "tiles/0/000",
        "/tile/0/000",
        "tile/0",
        "tile//000",
        "tile/00/000",
        "tile/01/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/data/000",
        "tile/0/1",
        "tile/0/01",
        "tile/0/0001",
        "tile/0/00a",
        "tile/0/x000/001",
        "tile/0/x001",
        "tile/0/001/000",
        "tile/0/x1/000",
        "tile/0/X001/000",
        "tile/0/000/",
        "tile/0/000.p/",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/08",
        "tile/0/000.p/+8",
        "tile/0/000.p/8/",
        "tile/0/000.p/8x",
        "tile/entries/000.p/300",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
        "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
    ] {
        assert!(TilePath::parse(bad).is_err(), "{bad:?} was accepted");
    }
    assert!(Tile::new(64, 0, 1).is_err());
    assert!(Tile::new(0, 0, 0).is_err());
    assert!(Tile::new(0, 0, 257).is_err());
}

#[test]
fn tiles_of_a_size_match_the_specification_examples() {
    let t = Tile::for_size(70_000);
    let full0 = t.iter().filter(|t| t.level == 0 && t.is_full()).count();
    assert_eq!(full0, 273);
    let rest: Vec<_> = t.iter().filter(|t| t.level > 0 || !t.is_full()).collect();
    assert_eq!(
        rest,
        [
            &tile(0, 273, 112),
            &tile(1, 0, 256),
            &tile(1, 1, 17),
            &tile(2, 0, 1)
        ]
    );
    assert_eq!(Tile::for_size(256), [tile(0, 0, 256), tile(1, 0, 1)]);
    assert!(Tile::for_size(0).is_empty());
    assert_eq!(
        Tile::edge(70_000),
        [tile(0, 273, 112), tile(1, 1, 17), tile(2, 0, 1)]
    );
    // 300 → 301 grows only the level-0 partial tile; level 1 keeps width 1.
    assert_eq!(Tile::changed(300, 301), [tile(0, 1, 45)]);
    assert_eq!(
        Tile::changed(255, 257),
        [tile(0, 0, 256), tile(0, 1, 1), tile(1, 0, 1)]
    );
    assert!(Tile::changed(9, 9).is_empty());
    assert_eq!(
        Bundle::changed(255, 257),
        [Bundle::new(0, 256).unwrap(), Bundle::new(1, 1).unwrap()]
    );
}

/// The tile contents a reference tree implies: hash `i` of tile (l, n) is the level-8l node
/// `n·256 + i`.
fn expected_tile(reference: &MemoryTree, t: &Tile) -> Vec<u8> {
    let nodes: Vec<Node> = (0..u64::from(t.width))
        .map(|i| Node {
            level: t.level * 8,
            index: t.index * 256 + i,
        })
        .collect();
    merkle::HashSource::hashes(reference, &nodes)
        .unwrap()
        .iter()
        .flat_map(|h| h.0)
        .collect()
}

#[test]
fn integration_matches_the_reference_tree_across_levels() {
    // Batches that cross tile boundaries at levels 0, 1 and 2 (65,536 leaves).
    let batches = [1u64, 254, 1, 1, 300, 65_000, 1, 100, 0, 4000];
    let mut tiles = MemoryTiles::new();
    let mut reference = MemoryTree::new();
    let mut size = 0;
    for b in batches {
        let new = leaves(size, size + b);
        let out = tiles.append(&new).unwrap();
        for l in &new {
            reference.push(*l);
        }
        size += b;
        assert_eq!(out.new_size, size);
        assert_eq!(out.root, reference.root(), "root at {size}");
        let written: Vec<Tile> = out.tiles.iter().map(|(t, _)| *t).collect();
        let mut changed = Tile::changed(size - b, size);
        changed.sort_by_key(|t| (t.level, t.index));
        assert_eq!(written, changed);
        for (t, d) in &out.tiles {
            assert_eq!(d, &expected_tile(&reference, t), "tile {t}");
        }
    }
    for t in Tile::for_size(size) {
        assert_eq!(
            &tiles.get(t.level, t.index).unwrap()[..t.data_len()],
            expected_tile(&reference, &t).as_slice()
        );
    }
    let edge: Vec<_> = Tile::edge(size)
        .into_iter()
        .map(|t| (t, expected_tile(&reference, &t)))
        .collect();
    assert_eq!(root_from_edge(size, &edge).unwrap(), reference.root());
    assert_eq!(root_from_edge(0, &[]).unwrap(), Hash::EMPTY);
}

#[test]
fn integration_refuses_a_missing_or_bad_edge() {
    let mut tiles = MemoryTiles::new();
    tiles.append(&leaves(0, 300)).unwrap();
    assert!(matches!(
        integrate(300, &[], &leaves(300, 301)),
        Err(TileError::MissingTile(_))
    ));
    let short = vec![(tile(0, 1, 44), vec![0u8; 43 * 32])];
    assert!(matches!(
        integrate(300, &short, &leaves(300, 301)),
        Err(TileError::BadData(_))
    ));
    // A tampered edge gives another root: the self-check's signal.
    let mut edge: Vec<_> = Tile::edge(300)
        .into_iter()
        .map(|t| {
            (
                t,
                tiles.get(t.level, t.index).unwrap()[..t.data_len()].to_vec(),
            )
        })
        .collect();
    let good = root_from_edge(300, &edge).unwrap();
    edge[0].1[5] ^= 1;
    assert_ne!(root_from_edge(300, &edge).unwrap(), good);
}

#[test]
fn proofs_read_few_tiles() {
    let mut tiles = MemoryTiles::new();
    tiles.append(&leaves(0, 70_000)).unwrap();
    let mut worst = 0;
    for index in [0u64, 1, 255, 256, 65_535, 65_536, 69_999, 12_345] {
        let plan = merkle::inclusion_plan(index, 70_000).unwrap();
        let n = tiles_for_nodes(70_000, plan.nodes()).unwrap().len();
        worst = worst.max(n);
    }
    // One tile per level at most (levels 0, 1, 2), plus the partial edge tiles.
    assert!(worst <= 5, "{worst} tiles");
    assert!(
        tiles_for_nodes(
            70_000,
            &[Node {
                level: 0,
                index: 70_000
            }]
        )
        .is_err()
    );
    assert!(
        tiles_for_nodes(
            70_000,
            &[Node {
                level: 17,
                index: 1
            }]
        )
        .is_err()
    );
    assert!(
        tiles_for_nodes(
            70_000,
            &[Node {
                level: 64,
                index: 0
            }]
        )
        .is_err()
    );
}

#[test]
fn bundles_round_trip_and_decode_strictly() {
    let entries: Vec<Vec<u8>> = vec![b"a".to_vec(), vec![], vec![7u8; 65_535]];
    let data = encode_bundle(&entries).unwrap();
    assert_eq!(&data[..3], &[0, 1, b'a']);
    let back = decode_bundle(&data).unwrap();
    assert_eq!(back, entries.iter().map(Vec::as_slice).collect::<Vec<_>>());
    assert!(decode_bundle_for(&Bundle::new(0, 3).unwrap(), &data).is_ok());
    assert!(decode_bundle_for(&Bundle::new(0, 4).unwrap(), &data).is_err());
    assert!(matches!(
        encode_bundle(&[vec![0u8; 65_536]]),
        Err(TileError::EntryTooLong(65_536))
    ));
    assert!(decode_bundle(&[0]).is_err());
    assert!(decode_bundle(&[0, 2, 1]).is_err());
    assert!(decode_bundle(&[0, 1, 1, 0]).is_err());
    let many = encode_bundle(&vec![b"x"; 257]).unwrap();
    assert!(decode_bundle(&many).is_err());
    assert!(decode_bundle(&[]).unwrap().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn paths_round_trip(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256, entries in any::<bool>()) {
        let p = if entries {
            TilePath::Bundle(Bundle::new(index, width).unwrap())
        } else {
            TilePath::Tile(tile(level, index, width))
        };
        prop_assert_eq!(TilePath::parse(&p.path()).unwrap(), p);
    }

    #[test]
    fn proofs_from_tiles_equal_reference_proofs(
        size in 1u64..3000, grow in 0u64..600, a in any::<u64>(), b in any::<u64>()
    ) {
        // Tiles of a bigger tree serve proofs for an older checkpoint size too.
        let mut tiles = MemoryTiles::new();
        let mut reference = MemoryTree::new();
        for l in leaves(0, size) {
            reference.push(l);
        }
        tiles.append(&leaves(0, size)).unwrap();
        tiles.append(&leaves(size, size + grow)).unwrap();
        let src = TileHashSource { size, reader: &tiles };
        let index = a % size;
        prop_assert_eq!(
            merkle::prove_inclusion(index, size, &src).unwrap(),
            merkle::prove_inclusion(index, size, &reference).unwrap()
        );
        let old = 1 + b % size;
        prop_assert_eq!(
            merkle::prove_consistency(old, size, &src).unwrap(),
            merkle::prove_consistency(old, size, &reference).unwrap()
        );
        prop_assert_eq!(merkle::tree_root(size, &src).unwrap(), reference.root());
    }
}

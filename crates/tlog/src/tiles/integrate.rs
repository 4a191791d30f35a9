//! Appending to a tiled log and reading hashes back out of its tiles.
//!
//! [`integrate`] takes the right edge of the old tree ([`Tile::edge`]: at most one partial tile
//! per level) and the new leaf hashes, and returns every tile to write and the new root; it
//! never needs a full tile. [`TileHashSource`] (or the two steps [`tiles_for_nodes`] and
//! [`hashes_from_tiles`]) turns tiles into the subtree hashes [`crate::merkle`]'s proofs need:
//! a node of level `k` comes from the tile of level `k / 8`, hashing `2^(k mod 8)` of its
//! hashes, so an inclusion proof touches at most one tile per level and usually two or three.

use std::collections::{BTreeMap, HashMap};

use super::{FULL_TILE_BYTES, HEIGHT, Tile, TileError, WIDTH};
use crate::merkle::{Hash, HashSource, Node, SourceError, node_hash};

/// Reads stored tiles. A reader may return a wider tile than asked (the same tile after the
/// tree grew): only the prefix asked for is used.
pub trait TileReader {
    /// The data of each tile, in the order asked.
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, SourceError>;
}

/// What an append produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// Tree size before.
    pub old_size: u64,
    /// Tree size after.
    pub new_size: u64,
    /// Root hash at the new size.
    pub root: Hash,
    /// Every tile whose contents changed ([`Tile::changed`]), with its data, lowest level
    /// first: upsert them by (level, index).
    pub tiles: Vec<(Tile, Vec<u8>)>,
}

/// The MTH of a power-of-two run of consecutive hashes of one tile (Go's `tileHash`).
fn subtree_hash(data: &[u8]) -> Hash {
    let mut level: Vec<Hash> = data.chunks_exact(32).filter_map(Hash::from_slice).collect();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|p| node_hash(&p[0], &p[1]))
            .collect();
    }
    level.first().copied().unwrap_or(Hash::EMPTY)
}

/// Finds the data of the edge tile at `level`, checking it is `want` or wider.
fn edge_data<'a>(edge: &'a [(Tile, Vec<u8>)], want: &Tile) -> Result<&'a [u8], TileError> {
    let (tile, data) = edge
        .iter()
        .find(|(t, _)| t.level == want.level && t.index == want.index && t.width >= want.width)
        .ok_or_else(|| TileError::MissingTile(want.path()))?;
    if data.len() != tile.data_len() {
        return Err(TileError::BadData(tile.path()));
    }
    Ok(&data[..want.data_len()])
}

/// Appends `leaves` (leaf hashes, [`crate::merkle::leaf_hash`] of each entry) to the tree of
/// `old_size` whose right edge is `edge` (the data of [`Tile::edge`]`(old_size)`, in any order).
pub fn integrate(
    old_size: u64,
    edge: &[(Tile, Vec<u8>)],
    leaves: &[Hash],
) -> Result<Integration, TileError> {
    let new_size = old_size
        .checked_add(leaves.len() as u64)
        .filter(|&s| s <= i64::MAX as u64)
        .ok_or(TileError::NotInTree {
            level: 0,
            index: old_size,
            size: i64::MAX as u64,
        })?;
    // One buffer and one hash count per level: the partial tile under construction.
    let mut bufs: Vec<Vec<u8>> = vec![Vec::new(); 8];
    let mut counts = [0u64; 8];
    for level in 0..8u8 {
        counts[usize::from(level)] = old_size >> (HEIGHT * u32::from(level));
    }
    for want in Tile::edge(old_size) {
        let mut buf = Vec::with_capacity(FULL_TILE_BYTES);
        buf.extend_from_slice(edge_data(edge, &want)?);
        bufs[usize::from(want.level)] = buf;
    }
    let mut tiles = Vec::new();
    for leaf in leaves {
        let mut h = *leaf;
        let mut level = 0usize;
        loop {
            bufs[level].extend_from_slice(&h.0);
            counts[level] += 1;
            if counts[level] % u64::from(WIDTH) != 0 {
                break;
            }
            let data = std::mem::replace(&mut bufs[level], Vec::with_capacity(FULL_TILE_BYTES));
            h = subtree_hash(&data);
            let tile = Tile {
                level: level as u8,
                index: counts[level] / u64::from(WIDTH) - 1,
                width: WIDTH,
            };
            tiles.push((tile, data));
            level += 1;
        }
    }
    for want in Tile::changed(old_size, new_size) {
        if !want.is_full() {
            tiles.push((want, bufs[usize::from(want.level)].clone()));
        }
    }
    tiles.sort_by_key(|(t, _)| (t.level, t.index));
    let edge_after: Vec<(Tile, Vec<u8>)> = Tile::edge(new_size)
        .into_iter()
        .map(|t| (t, bufs[usize::from(t.level)].clone()))
        .collect();
    let root = root_from_edge(new_size, &edge_after)?;
    Ok(Integration {
        old_size,
        new_size,
        root,
        tiles,
    })
}

/// The root hash of the tree of `size` from its right edge alone (the data of
/// [`Tile::edge`]`(size)`): what a start-up self-check compares with the last signed root.
pub fn root_from_edge(size: u64, edge: &[(Tile, Vec<u8>)]) -> Result<Hash, TileError> {
    // Top level first: the highest partial tile covers the leftmost leaves.
    let mut parts = Vec::new();
    for want in Tile::edge(size).iter().rev() {
        let data = edge_data(edge, want)?;
        let mut offset = 0usize;
        for bit in (0..8).rev() {
            let run = 1usize << bit;
            if usize::from(want.width) & run != 0 {
                parts.push(subtree_hash(&data[offset * 32..(offset + run) * 32]));
                offset += run;
            }
        }
    }
    let Some((last, rest)) = parts.split_last() else {
        return Ok(Hash::EMPTY);
    };
    Ok(rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc)))
}

/// Where a node's hashes are: tile, first hash offset in it, and how many to hash.
fn locate(size: u64, node: &Node) -> Result<(Tile, usize, usize), TileError> {
    let not_in = || TileError::NotInTree {
        level: node.level,
        index: node.index,
        size,
    };
    let tile_level = node.level / HEIGHT as u8;
    let within = u32::from(node.level) % HEIGHT;
    if tile_level >= 8 {
        return Err(not_in());
    }
    let first = node.index.checked_shl(within).ok_or_else(not_in)?;
    if first >> within != node.index {
        return Err(not_in());
    }
    let count = 1u64 << within;
    let tile_index = first / u64::from(WIDTH);
    let offset = (first % u64::from(WIDTH)) as usize;
    // Hashes at this tile level that the tree of `size` has.
    let have = size >> (HEIGHT * u32::from(tile_level));
    let width = if tile_index < have / u64::from(WIDTH) {
        WIDTH
    } else if tile_index == have / u64::from(WIDTH) && first + count <= have {
        (have % u64::from(WIDTH)) as u16
    } else {
        return Err(not_in());
    };
    let tile = Tile {
        level: tile_level,
        index: tile_index,
        width,
    };
    Ok((tile, offset, count as usize))
}

/// The tiles holding `nodes` in the tree of `size`, each once, sorted.
pub fn tiles_for_nodes(size: u64, nodes: &[Node]) -> Result<Vec<Tile>, TileError> {
    let mut tiles = Vec::new();
    for n in nodes {
        let (t, _, _) = locate(size, n)?;
        if !tiles.contains(&t) {
            tiles.push(t);
        }
    }
    tiles.sort();
    Ok(tiles)
}

/// The hashes of `nodes` from the tiles [`tiles_for_nodes`] named (a tile may be given wider).
pub fn hashes_from_tiles(
    size: u64,
    nodes: &[Node],
    tiles: &[(Tile, Vec<u8>)],
) -> Result<Vec<Hash>, TileError> {
    nodes
        .iter()
        .map(|n| {
            let (t, offset, count) = locate(size, n)?;
            let data = edge_data(tiles, &t)?;
            Ok(subtree_hash(&data[offset * 32..(offset + count) * 32]))
        })
        .collect()
}

/// A [`HashSource`] over the tiles of a tree of `size` leaves.
#[derive(Debug)]
pub struct TileHashSource<'a, R: TileReader> {
    /// The tree size the proofs are for (a checkpoint's size).
    pub size: u64,
    /// Where the tiles are.
    pub reader: &'a R,
}

impl<R: TileReader> HashSource for TileHashSource<'_, R> {
    fn hashes(&self, nodes: &[Node]) -> Result<Vec<Hash>, SourceError> {
        let wrap = |e: TileError| SourceError(Box::new(e));
        let tiles = tiles_for_nodes(self.size, nodes).map_err(wrap)?;
        let data = self.reader.read_tiles(&tiles)?;
        if data.len() != tiles.len() {
            return Err(SourceError::msg("the tile reader returned the wrong count"));
        }
        // The reader may hand back wider tiles; label each with the width its data has.
        let got: Vec<(Tile, Vec<u8>)> = tiles
            .into_iter()
            .zip(data)
            .map(|(t, d)| {
                let width = (d.len() / 32).min(usize::from(WIDTH)) as u16;
                (Tile { width, ..t }, d)
            })
            .collect();
        hashes_from_tiles(self.size, nodes, &got).map_err(wrap)
    }
}

/// Tiles in memory, keyed by (level, index) and overwritten as they grow, the way the
/// service's table keeps them. For tests, vectors and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct MemoryTiles {
    tiles: HashMap<(u8, u64), Vec<u8>>,
    size: u64,
}

impl MemoryTiles {
    /// An empty log.
    pub fn new() -> MemoryTiles {
        MemoryTiles::default()
    }

    /// The tree size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends leaf hashes, storing the changed tiles; returns the integration.
    pub fn append(&mut self, leaves: &[Hash]) -> Result<Integration, TileError> {
        let edge = self.read_tiles(&Tile::edge(self.size))?;
        let edge: Vec<(Tile, Vec<u8>)> = Tile::edge(self.size).into_iter().zip(edge).collect();
        let out = integrate(self.size, &edge, leaves)?;
        for (t, d) in &out.tiles {
            self.tiles.insert((t.level, t.index), d.clone());
        }
        self.size = out.new_size;
        Ok(out)
    }

    /// The stored data of a tile at (level, index), however wide it is now.
    pub fn get(&self, level: u8, index: u64) -> Option<&[u8]> {
        self.tiles.get(&(level, index)).map(Vec::as_slice)
    }

    /// Total bytes stored, by level.
    pub fn bytes_by_level(&self) -> BTreeMap<u8, usize> {
        let mut m = BTreeMap::new();
        for ((l, _), d) in &self.tiles {
            *m.entry(*l).or_insert(0) += d.len();
        }
        m
    }
}

impl TileReader for MemoryTiles {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, SourceError> {
        tiles
            .iter()
            .map(|t| {
                self.get(t.level, t.index)
                    .filter(|d| d.len() >= t.data_len())
                    .map(|d| d[..t.data_len()].to_vec())
                    .ok_or_else(|| SourceError::msg(format!("no tile {t}")))
            })
            .collect()
    }
}

//! Tiled logs (c2sp.org/tlog-tiles@v1): tile coordinates, the path codec, which tiles a tree
//! has, entry bundles, and (in [`integrate`]) building tiles as entries are appended and reading
//! proof hashes back from them.
//!
//! - "Merkle Tree": a tile at level `l`, index `n` holds up to 256 hashes, hash `i` being
//!   `MTH(D[(n·256+i)·256^l : (n·256+i+1)·256^l])`; full tiles are 256 wide (8,192 bytes).
//! - "Partial Tiles": the right edge of each level, `floor(s / 256^l) mod 256` wide, never
//!   hashed into the level above.
//! - Paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, `N` in `x`-prefixed 3-digit
//!   elements (1234067 → `x001/x234/067`). [`TilePath::parse`] accepts exactly the canonical
//!   encoding: no leading zero element, no leading zeros in `L` or `W`, `L` ≤ 63, `W` 1..=255.
//! - "Log entries": bundles of big-endian uint16 length-prefixed entries ([`encode_bundle`]).
//!
//! Our tiles hold the same hashes as Go `sumdb/tlog`'s tiles of height 8; only Go's paths
//! differ (`tile/8/<L>/…`, `tile/8/data/…`).

mod integrate;

use std::fmt;

pub use integrate::{
    Integration, MemoryTiles, TileHashSource, TileReader, hashes_from_tiles, integrate,
    root_from_edge, tiles_for_nodes,
};

use crate::merkle::{HASH_SIZE, SourceError};

/// Tile height: each tile spans 8 levels of the tree.
pub const HEIGHT: u32 = 8;
/// Hashes in a full tile.
pub const WIDTH: u16 = 256;
/// Bytes in a full tile.
pub const FULL_TILE_BYTES: usize = WIDTH as usize * HASH_SIZE;
/// Highest level a path may name (the specification's bound; a tree of `u64` size uses 0..=7).
pub const MAX_LEVEL: u8 = 63;

/// Errors of the tile functions.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// A path that is not a canonical tile or bundle path; the text says why.
    #[error("bad tile path: {0}")]
    BadPath(&'static str),
    /// A level above 63 or a width outside 1..=256.
    #[error("no such tile: level {level}, width {width}")]
    BadTile {
        /// The level asked.
        level: u8,
        /// The width asked.
        width: u16,
    },
    /// Tile data whose length is not the tile's width in hashes.
    #[error("tile {0} has data of the wrong length")]
    BadData(String),
    /// A tile needed but not supplied.
    #[error("tile {0} is missing")]
    MissingTile(String),
    /// A hash asked for lies outside the tree.
    #[error("node level {level} index {index} is not in a tree of size {size}")]
    NotInTree {
        /// The node's level.
        level: u8,
        /// The node's index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// An entry longer than 65,535 bytes cannot go in a bundle.
    #[error("an entry of {0} bytes is longer than a bundle allows")]
    EntryTooLong(usize),
    /// A bundle that does not decode; the text says why.
    #[error("bad entry bundle: {0}")]
    BadBundle(&'static str),
    /// The tile reader failed.
    #[error("reading tiles: {0}")]
    Source(#[from] SourceError),
}

/// A Merkle tree tile: level, index within the level, width in hashes (256 when full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// Level, 0 for leaf hashes.
    pub level: u8,
    /// Index within the level.
    pub index: u64,
    /// Hashes held, 1..=256.
    pub width: u16,
}

/// An entry bundle: the entries behind level-0 tile `index`, `width` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bundle {
    /// Index, the same as its level-0 tile's.
    pub index: u64,
    /// Entries held, 1..=256.
    pub width: u16,
}

/// A parsed path: a tile or an entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePath {
    /// `tile/<L>/<N>[.p/<W>]`
    Tile(Tile),
    /// `tile/entries/<N>[.p/<W>]`
    Bundle(Bundle),
}

/// `N` as `x`-prefixed 3-digit elements, then `.p/W` for a partial width.
fn index_path(mut n: u64, width: u16) -> String {
    let mut s = format!("{:03}", n % 1000);
    while n >= 1000 {
        n /= 1000;
        s = format!("x{:03}/{s}", n % 1000);
    }
    if width != WIDTH {
        s.push_str(&format!(".p/{width}"));
    }
    s
}

/// A decimal with no leading zeros, at most `max`.
fn small_decimal(s: &str, max: u16) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.len() > 1 && s.starts_with('0') {
        return None;
    }
    s.parse::<u16>().ok().filter(|&v| v <= max)
}

/// Parses `N[.p/W]`.
fn parse_index(s: &str) -> Result<(u64, u16), TileError> {
    let bad = TileError::BadPath;
    let (n, width) = match s.split_once(".p/") {
        None => (s, WIDTH),
        Some((n, w)) => {
            let w = small_decimal(w, WIDTH - 1)
                .filter(|&w| w >= 1)
                .ok_or(bad("a partial width is 1 to 255 without leading zeros"))?;
            (n, w)
        }
    };
    let elems: Vec<&str> = n.split('/').collect();
    let mut index: u64 = 0;
    for (i, e) in elems.iter().enumerate() {
        let last = i + 1 == elems.len();
        let digits = if last {
            *e
        } else {
            e.strip_prefix('x')
                .ok_or(bad("all but the last index element begin with x"))?
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("index elements are three digits"));
        }
        if i == 0 && !last && digits == "000" {
            return Err(bad("the index has a leading zero element"));
        }
        let d = u64::from(digits.parse::<u16>().unwrap_or(0));
        index = index
            .checked_mul(1000)
            .and_then(|v| v.checked_add(d))
            .ok_or(bad("the index is too large"))?;
    }
    Ok((index, width))
}

impl Tile {
    /// A tile, checking the level (≤ 63) and width (1..=256).
    pub fn new(level: u8, index: u64, width: u16) -> Result<Tile, TileError> {
        if level > MAX_LEVEL || width == 0 || width > WIDTH {
            return Err(TileError::BadTile { level, width });
        }
        Ok(Tile {
            level,
            index,
            width,
        })
    }

    /// Whether the tile holds 256 hashes.
    pub fn is_full(&self) -> bool {
        self.width == WIDTH
    }

    /// Its path, `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!("tile/{}/{}", self.level, index_path(self.index, self.width))
    }

    /// The data length, `width × 32` bytes.
    pub fn data_len(&self) -> usize {
        usize::from(self.width) * HASH_SIZE
    }

    /// Every tile of the tree of `size` leaves, level by level: full ones and the partial
    /// right edge. A tree of size 70,000 has 273 + 1 + 1 + 1 + 1 (tlog-tiles' example).
    pub fn for_size(size: u64) -> Vec<Tile> {
        Tile::changed(0, size)
    }

    /// The partial tiles of the tree of `size` leaves, lowest level first: its right edge,
    /// which is all [`integrate()`] needs to append and [`root_from_edge`] to give the root.
    pub fn edge(size: u64) -> Vec<Tile> {
        level_counts(size)
            .filter(|&(_, n)| n % 256 != 0)
            .map(|(level, n)| Tile {
                level,
                index: n / 256,
                width: (n % 256) as u16,
            })
            .collect()
    }

    /// The tiles whose contents differ between the trees of `old` and `new` leaves: tiles that
    /// became full, and the partial tiles at `new` that grew. Writing these after an append
    /// keeps a store of tiles complete. Empty if `old >= new`.
    pub fn changed(old: u64, new: u64) -> Vec<Tile> {
        let mut out = Vec::new();
        if old >= new {
            return out;
        }
        for (level, n_new) in level_counts(new) {
            let n_old = level_counts(old)
                .find(|&(l, _)| l == level)
                .map_or(0, |(_, n)| n);
            for index in n_old / 256..n_new / 256 {
                out.push(Tile {
                    level,
                    index,
                    width: WIDTH,
                });
            }
            if n_new % 256 != 0 && n_new != n_old {
                out.push(Tile {
                    level,
                    index: n_new / 256,
                    width: (n_new % 256) as u16,
                });
            }
        }
        out
    }
}

/// `(level, number of level-l hashes)` for each level a tree of `size` has.
fn level_counts(size: u64) -> impl Iterator<Item = (u8, u64)> {
    (0..8u8)
        .map(move |l| (l, size >> (HEIGHT * u32::from(l))))
        .take_while(|&(_, n)| n > 0)
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl Bundle {
    /// A bundle, checking the width (1..=256).
    pub fn new(index: u64, width: u16) -> Result<Bundle, TileError> {
        if width == 0 || width > WIDTH {
            return Err(TileError::BadTile { level: 0, width });
        }
        Ok(Bundle { index, width })
    }

    /// Its path, `tile/entries/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!("tile/entries/{}", index_path(self.index, self.width))
    }

    /// Index of the first entry.
    pub fn start(&self) -> u64 {
        self.index.saturating_mul(u64::from(WIDTH))
    }

    /// The bundles whose contents differ between sizes `old` and `new` (as [`Tile::changed`]
    /// at level 0).
    pub fn changed(old: u64, new: u64) -> Vec<Bundle> {
        Tile::changed(old, new)
            .into_iter()
            .filter(|t| t.level == 0)
            .map(|t| Bundle {
                index: t.index,
                width: t.width,
            })
            .collect()
    }
}

impl fmt::Display for Bundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl TilePath {
    /// Parses a path relative to the log prefix, `tile/…`; only canonical encodings pass.
    pub fn parse(path: &str) -> Result<TilePath, TileError> {
        let bad = TileError::BadPath;
        let rest = path
            .strip_prefix("tile/")
            .ok_or(bad("a tile path starts with tile/"))?;
        let (level, rest) = rest
            .split_once('/')
            .ok_or(bad("a tile path is tile/<L>/<N>"))?;
        let (index, width) = parse_index(rest)?;
        if level == "entries" {
            return Ok(TilePath::Bundle(Bundle { index, width }));
        }
        let level = small_decimal(level, u16::from(MAX_LEVEL))
            .ok_or(bad("the level is 0 to 63 without leading zeros"))?;
        Ok(TilePath::Tile(Tile {
            level: level as u8,
            index,
            width,
        }))
    }

    /// The canonical path.
    pub fn path(&self) -> String {
        match self {
            TilePath::Tile(t) => t.path(),
            TilePath::Bundle(b) => b.path(),
        }
    }
}

/// Encodes entries as a bundle: each a big-endian uint16 length, then its bytes.
pub fn encode_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, TileError> {
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.as_ref().len() + 2).sum());
    for e in entries {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).map_err(|_| TileError::EntryTooLong(e.len()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Decodes a bundle strictly: whole length-prefixed entries to the last byte, at most 256.
pub fn decode_bundle(data: &[u8]) -> Result<Vec<&[u8]>, TileError> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if out.len() == usize::from(WIDTH) {
            return Err(TileError::BadBundle("more than 256 entries"));
        }
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or(TileError::BadBundle("a length prefix is cut short"))?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(TileError::BadBundle("an entry is cut short"));
        }
        let (entry, tail) = tail.split_at(len);
        out.push(entry);
        rest = tail;
    }
    Ok(out)
}

/// Decodes the bundle `bundle` names, checking it holds exactly `width` entries.
pub fn decode_bundle_for<'a>(bundle: &Bundle, data: &'a [u8]) -> Result<Vec<&'a [u8]>, TileError> {
    let entries = decode_bundle(data)?;
    if entries.len() != usize::from(bundle.width) {
        return Err(TileError::BadBundle(
            "the entry count is not the bundle's width",
        ));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests;

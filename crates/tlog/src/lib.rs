//! `tasdiq-tlog`: the transparency primitives of tasdiq, a pure library with no I/O.
//!
//! It owns the text formats and the Merkle arithmetic that the issuance log (issue 20) and the
//! signed status list (issue 18) are built on, each module implementing one C2SP specification:
//!
//! | module | specification |
//! |---|---|
//! | [`note`] | c2sp.org/signed-note@v1 (format, signatures, key IDs, vkeys; Ed25519 type 0x01) and the Ed25519 cosignature type 0x04 of c2sp.org/tlog-cosignature@v1 |
//! | [`checkpoint`] | c2sp.org/tlog-checkpoint@v1 "Note text" |
//! | [`merkle`] | RFC 6962 §2.1 (hashes, §2.1.1 inclusion, §2.1.2 consistency), verification per RFC 9162 §2.1.3.2 and §2.1.4.2 |
//! | [`tiles`] | c2sp.org/tlog-tiles@v1 "Merkle Tree", "Partial Tiles", "Log entries" |
//! | [`witness`] | c2sp.org/tlog-witness@v1 "add-checkpoint" (request, response, the witness's checks) |
//! | [`proof`] | c2sp.org/tlog-proof@v1 "Format" and "Verifying a tlog proof" |
//!
//! Storage, HTTP and clocks belong to the service: the library takes hashes through the
//! [`merkle::HashSource`] and [`tiles::TileReader`] traits (or two-step plans for async callers)
//! and times as arguments. The log's paths through it:
//!
//! - **append:** read [`tiles::Tile::edge`]`(old)` (at most one partial tile per level), call
//!   [`tiles::integrate`] with the new leaf hashes, upsert the returned tiles, sign
//!   [`Checkpoint::new`]`(origin, size, root)` with [`Note::sign`];
//! - **proofs:** [`merkle::inclusion_plan`] → [`tiles::tiles_for_nodes`] (fetch those) →
//!   [`tiles::hashes_from_tiles`] → [`merkle::Plan::assemble`]; wrap in a
//!   [`proof::TlogProof`];
//! - **self-check:** [`tiles::root_from_edge`] against the last signed root;
//! - **witnesses:** [`witness::AddCheckpoint`] out, [`witness::AddCheckpointResponse::parse`]
//!   and [`witness::merge_cosignatures`] back; or, serving, [`witness::check_add_checkpoint`]
//!   and [`witness::cosign`].

pub mod checkpoint;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod tiles;
pub mod witness;

pub use checkpoint::Checkpoint;
pub use merkle::Hash;
pub use note::{Note, Signer, VerifierKey, Verifiers};

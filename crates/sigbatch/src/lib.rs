//! Ed25519 batch verification whose answers are exactly `VerifyingKey::verify_strict`'s, item
//! by item, and a [`Batcher`] that gathers concurrent requests into such batches.
//!
//! # Why the answers equal `verify_strict`'s
//!
//! Notation: B the base point, ℓ its prime order, the curve group E ≅ ℤ/8 × ℤ/ℓ; a point is
//! *small order* if it lies in the 8-torsion E\[8\], *torsion-free* if it lies in the order-ℓ
//! subgroup, *mixed order* otherwise. For a signature (R, S) on M under A, k = SHA-512(R ‖ A ‖ M)
//! mod ℓ, hashing the bytes as given.
//!
//! **What `verify_strict` accepts** (ed25519-dalek 3, `verifying.rs`): S is canonical
//! (`Scalar::from_canonical_bytes`: below ℓ, top bit clear); R's bytes decompress; neither R
//! nor A is of small order; and `compress([S]B − [k]A)` equals R's bytes. The last is the
//! cofactorless equation R = [S]B − [k]A *plus* canonical encoding of R, because `compress`
//! only ever produces canonical bytes (y < p); curve25519-dalek's decompression also accepts
//! y ≥ p, which the byte comparison then rejects.
//!
//! **What `ed25519_dalek::verify_batch` checks**: canonical S, decompressible R, and
//! Σ zᵢ(Rᵢ + kᵢAᵢ − SᵢB) = 0 with 128-bit zᵢ derived from a transcript of the inputs, without
//! multiplying by the cofactor. It does not reject small-order R or A, nor non-canonical R
//! encodings, and a torsion component Tᵢ of Rᵢ − [Sᵢ]B + [kᵢ]Aᵢ only contributes zᵢ·Tᵢ, which
//! vanishes whenever zᵢ is a multiple of Tᵢ's order (probability 1/2 to 1/8): so it accepts
//! signatures `verify_strict` rejects. This crate therefore does not call it; it builds its own
//! combination (below) so that it can add the missing checks and share work.
//!
//! **What [`verify_many`] does** for each item:
//!
//! 1. Keys are classified once by [`AdmittedKey`]. Small-order A: the answer is `false`
//!    (`verify_strict` always refuses it). Mixed-order A: the item is answered by
//!    `verify_strict` itself, alone — with a torsion component in A, acceptance depends on k mod
//!    8 (R's torsion must equal −[k]T_A), which no combination can see item by item. A service's
//!    own keys are torsion-free, so this costs nothing in practice and keeps the answers exact for
//!    any key. Torsion-free A: the item goes on.
//! 2. Per-item checks, each one a reason `verify_strict` rejects: S canonical; R's y below p;
//!    R decompresses; R not of small order; and R torsion-free (see below for the cost).
//!    The last holds because with A and B torsion-free, [S]B − [k]A is torsion-free, so
//!    `verify_strict` can only accept a torsion-free R.
//! 3. Every remaining item now has Dᵢ = Rᵢ + [kᵢ]Aᵢ − [Sᵢ]B in the prime-order subgroup, and
//!    `verify_strict` accepts it exactly when Dᵢ = 0 (with canonical R, byte equality is point
//!    equality). The batch checks Σ zᵢDᵢ = 0 with zᵢ fresh uniform 128-bit values from the
//!    thread's CSPRNG (unknown to the signer): if every Dᵢ = 0 it passes; if some Dᵢ ≠ 0 it
//!    passes with probability at most 2⁻¹²⁸ (in a group of prime order ℓ > 2¹²⁸ at most one zᵢ
//!    in range cancels the rest). That is the usual soundness of batch verification; there is
//!    no further difference. The Aᵢ terms are summed per distinct key (Σᵢ zᵢkᵢ)·A, so a batch
//!    under one key is a multiscalar multiplication of n + 2 points.
//! 4. A failing combination is split in halves until groups of fewer than four items, each
//!    checked with the cofactorless single equation R = [S]B − [k]A, which after step 2 is
//!    exactly `verify_strict`. Calls with fewer than four items (exact mode) or one item go to
//!    `verify_strict` directly: below that, batching costs more than it saves.
//!
//! **Mixed-order R.** Random coefficients cannot see a torsion component reliably: its
//! contribution lives in ℤ/8, so any fixed number of combinations leaves it undetected with
//! probability at least 1/8 per combination, and two torsioned items can cancel each other.
//! Exactness needs a per-item subgroup test. `R·ℓ = 0` costs a scalar multiplication (about
//! 31 µs vartime here, 37 µs for curve25519-dalek's `is_torsion_free`, all of a
//! `verify_strict`). `torsion.rs` instead halves R three times on the curve (E has a cyclic
//! 2-part, so R is torsion-free iff R ∈ 8E), using only R's y and four field exponentiations,
//! eight signatures in lockstep: about 11 µs a signature. That is the whole difference between
//! the two [`Acceptance`] modes: at 32 signatures a batch costs ~19 µs a signature exact and
//! ~8 µs without the test, against ~30 µs for `verify_strict` (CPU time; see the README).
//!
//! Only someone holding the private key can make a signature whose sole defect is a torsion
//! component in R (R = [r]B + T, S = r + k·a): anyone else would first have to forge the
//! prime-order part. So [`Acceptance::TrustKeyHolders`] skips this test, and then differs
//! from `verify_strict` only on such deliberately malformed signatures by the key holder, which
//! it accepts with probability 1/2 (T of order 2) to 1/8 (order 8) per batch. [`verify_many`]
//! and the default configuration are [`Acceptance::Exact`].
//!
//! The tests check all of this against `verify_strict` with the vectors of "Taming the many
//! EdDSAs" (Chalkias, Garillot, Nikolaenko, 2020) alone and inside batches of 2 to 1,024
//! genuine signatures, with torsion in R of every order signed by the key holder, with
//! mixed-order keys, and with random corruptions.

mod batcher;
mod field;
mod torsion;
mod verify;

pub use batcher::{Batcher, Config, Execution, MAX_MESSAGE, Stats};
pub use ed25519_dalek::{Signature, VerifyingKey};
pub use verify::{Acceptance, AdmittedKey, Item, verify_many, verify_many_with};

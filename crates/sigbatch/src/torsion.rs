//! Is a point in the prime-order subgroup? Four field exponentiations instead of a
//! multiplication by the group order.
//!
//! The curve's group is cyclic of order 8ℓ, so a point is torsion-free exactly when it is a
//! multiple of 8, i.e. when it can be halved three times. On −x² + y² = 1 + d·x²·y² (d and
//! i = √−1 non-squares, 1 + d a square) a point P ≠ ±(0, 1) can be halved — P ∈ 2E — exactly
//! when 1 + d·y_P² is a square, and the y² of its halves are the roots t of
//! d(1 + y)t² + 2(1 − d·y)t − (1 + y) = 0, whose discriminant is (1 + d)(1 + d·y²). So:
//!
//! 1. P ∈ 2E ⟺ s₀ = √((1 + d)(1 + d·y_P²)) exists (one exponentiation);
//! 2. the two roots multiply to −1/d, a non-square, so exactly one is y_Q² for a half Q in
//!    E(F_p); `sqrt_ratio_i` gives y_Q either way, as a fraction Y₁/Z₁ (one exponentiation);
//! 3. Q ∈ 2E ⟺ s₁ = √((1 + d)(Z₁² + d·Y₁²)) exists (one exponentiation);
//! 4. a half Q′ of Q is in 2E ⟺ ((1 + d)Y₁ + s₁)(Z₁ + Y₁) is a square (one Legendre symbol);
//!    either root of Q's quadratic gives the same answer, because the product of the two
//!    candidate values is (1 + d)·x_Q²·(1 + d·y_Q²) up to squares, a square once step 3 passed.
//!
//! P ∈ 8E ⟺ all four hold. Degenerate inputs (a zero where a division would be) are not
//! decided here: the caller falls back to curve25519-dalek's `is_torsion_free`. The unit tests
//! compare this test with `is_torsion_free` on points with every torsion component.

use std::sync::OnceLock;

use crate::field::{Fe, legendre_lanes, sqrt_ratio_i_lanes};

struct Consts {
    d: Fe,
    one_plus_d: Fe,
    sqrt_m1: Fe,
    /// √(−i/d): turns √(i·t) into √(−1/(d·t)), the other root, without an inversion.
    sqrt_m_i_over_d: Fe,
}

/// Computed once from first principles rather than pasted as limbs; `None` would mean the
/// facts the test relies on do not hold, and the caller then uses the slow exact check.
fn consts() -> Option<&'static Consts> {
    static C: OnceLock<Option<Consts>> = OnceLock::new();
    C.get_or_init(|| {
        let d = Fe::from_u64(121_665)
            .neg()
            .mul(Fe::from_u64(121_666).invert());
        // √−1 = 2^((p − 1) / 4) = 2^(2^253 − 5) = 2^(2^253) / 2^5.
        let mut two_pow = Fe::from_u64(2);
        for _ in 0..253 {
            two_pow = two_pow.square();
        }
        let sqrt_m1 = two_pow.mul(Fe::from_u64(32).invert());
        let one_plus_d = Fe::ONE.add(d);
        let (ok, sqrt_m_i_over_d) = Fe::sqrt_ratio_i(sqrt_m1.neg(), d, sqrt_m1);
        let sound = sqrt_m1.square().equals(Fe::ONE.neg())
            && one_plus_d.legendre() == 1
            && d.legendre() == -1
            && ok;
        sound.then_some(Consts {
            d,
            one_plus_d,
            sqrt_m1,
            sqrt_m_i_over_d,
        })
    })
    .as_ref()
}

/// For each point (by canonical encoding): `Some(true)` if it lies in the prime-order
/// subgroup, `Some(false)` if it has a torsion component, `None` if this method cannot decide
/// (then use `EdwardsPoint::is_torsion_free`). Each point must be on the curve and not of small
/// order; the caller has decompressed it and checked both. The points are processed in lockstep
/// (`N` of them; the field module says why).
pub(crate) fn is_torsion_free_lanes<const N: usize>(points: &[[u8; 32]; N]) -> [Option<bool>; N] {
    let Some(c) = consts() else {
        return [None; N];
    };
    // `done[i]` is the answer once lane i is decided; later steps still run on every lane
    // (with a harmless 1 in decided lanes), which is what keeps them in lockstep.
    let mut done: [Option<Option<bool>>; N] = [None; N];
    let pick = |done: &[Option<Option<bool>>; N], v: Fe, i: usize| {
        if done[i].is_some() { Fe::ONE } else { v }
    };
    let y: [Fe; N] = std::array::from_fn(|i| Fe::from_bytes(&points[i]));

    // 1. P ∈ 2E?
    let delta0: [Fe; N] =
        std::array::from_fn(|i| c.one_plus_d.mul(Fe::ONE.add(c.d.mul(y[i].square()))));
    let s0 = sqrt_ratio_i_lanes(&delta0, &[Fe::ONE; N], c.sqrt_m1);
    for (d, (square, _)) in done.iter_mut().zip(&s0) {
        if !square {
            *d = Some(Some(false));
        }
    }

    // 2. y of a half Q, as Y1/Z1.
    let mut num = [Fe::ONE; N];
    let mut den = [Fe::ONE; N];
    for i in 0..N {
        let n = s0[i].1.sub(Fe::ONE).add(c.d.mul(y[i]));
        let m = c.d.mul(Fe::ONE.add(y[i]));
        if done[i].is_none() && (n.is_zero() || m.is_zero()) {
            done[i] = Some(None);
        }
        num[i] = pick(&done, n, i);
        den[i] = pick(&done, m, i);
    }
    let roots = sqrt_ratio_i_lanes(&num, &den, c.sqrt_m1);
    let mut y1 = [Fe::ONE; N];
    let mut z1 = [Fe::ONE; N];
    for i in 0..N {
        let (square, r) = roots[i];
        let (a, b) = if square {
            (r, Fe::ONE)
        } else {
            (c.sqrt_m_i_over_d, r)
        };
        if done[i].is_none() && b.is_zero() {
            done[i] = Some(None);
        }
        y1[i] = pick(&done, a, i);
        z1[i] = pick(&done, b, i);
    }

    // 3. Q ∈ 2E?
    let delta1: [Fe; N] = std::array::from_fn(|i| {
        let v = c
            .one_plus_d
            .mul(z1[i].square().add(c.d.mul(y1[i].square())));
        pick(&done, v, i)
    });
    let s1 = sqrt_ratio_i_lanes(&delta1, &[Fe::ONE; N], c.sqrt_m1);
    for (d, (square, _)) in done.iter_mut().zip(&s1) {
        if d.is_none() && !square {
            *d = Some(Some(false));
        }
    }

    // 4. A half of Q in 2E?
    let w: [Fe; N] = std::array::from_fn(|i| {
        let v = c.one_plus_d.mul(y1[i]).add(s1[i].1).mul(z1[i].add(y1[i]));
        pick(&done, v, i)
    });
    let symbols = legendre_lanes(&w);
    std::array::from_fn(|i| {
        done[i].unwrap_or(match symbols[i] {
            1 => Some(true),
            -1 => Some(false),
            _ => None,
        })
    })
}

/// One point.
#[cfg(test)]
pub(crate) fn is_torsion_free(compressed: &[u8; 32]) -> Option<bool> {
    is_torsion_free_lanes(&[*compressed])[0]
}

#[cfg(test)]
mod tests {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::IsIdentity;

    use super::is_torsion_free;

    /// A point of order 8 (one of the encodings in "Taming the many EdDSAs").
    pub(crate) fn order_eight() -> EdwardsPoint {
        let mut b = [0u8; 32];
        hex_into(
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            &mut b,
        );
        let p = CompressedEdwardsY(b).decompress().unwrap_or_default();
        assert!(p.mul_by_cofactor().is_identity() && !(p + p + p + p).is_identity());
        p
    }

    fn hex_into(s: &str, out: &mut [u8]) {
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap_or(0);
        }
    }

    #[test]
    fn agrees_with_multiplication_by_the_order() {
        let t8 = order_eight();
        let mut decided = 0;
        for seed in 1..=64u64 {
            let a =
                Scalar::from(seed.wrapping_mul(0x2545_F491_4F6C_DD1D)) * Scalar::from(seed + 17);
            let prime = ED25519_BASEPOINT_POINT * a;
            for j in 0..8u64 {
                let p = prime + t8 * Scalar::from(j);
                if p.is_small_order() {
                    continue;
                }
                let fast = is_torsion_free(p.compress().as_bytes());
                if let Some(v) = fast {
                    decided += 1;
                    assert_eq!(v, p.is_torsion_free(), "seed {seed}, torsion {j}");
                }
            }
        }
        // Degenerate cases are rare; nearly every point must be decided by the fast test.
        assert!(decided >= 64 * 8 - 4, "only {decided} decided");
    }

    #[test]
    fn lanes_are_independent() {
        // Eight different points, each with a different torsion component, in one call.
        let t8 = order_eight();
        let points: Vec<EdwardsPoint> = (0..8u64)
            .map(|j| {
                ED25519_BASEPOINT_POINT * Scalar::from(j * 1_000_003 + 11) + t8 * Scalar::from(j)
            })
            .collect();
        let encoded: [[u8; 32]; 8] = std::array::from_fn(|i| points[i].compress().to_bytes());
        let got = super::is_torsion_free_lanes(&encoded);
        for (i, p) in points.iter().enumerate() {
            if !p.is_small_order() {
                assert_eq!(got[i], Some(p.is_torsion_free()), "lane {i}");
            }
        }
    }
}

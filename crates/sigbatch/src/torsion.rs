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

use crate::field::Fe;

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

/// `Some(true)` if the point whose canonical encoding is `compressed` lies in the prime-order
/// subgroup, `Some(false)` if it has a torsion component, `None` if this method cannot decide
/// (then use `EdwardsPoint::is_torsion_free`). The point must be on the curve and not of small
/// order; the caller has decompressed it and checked both.
pub(crate) fn is_torsion_free(compressed: &[u8; 32]) -> Option<bool> {
    let c = consts()?;
    let y = Fe::from_bytes(compressed);

    // 1. P ∈ 2E?
    let delta0 = c.one_plus_d.mul(Fe::ONE.add(c.d.mul(y.square())));
    let (square, s0) = Fe::sqrt_ratio_i(delta0, Fe::ONE, c.sqrt_m1);
    if !square {
        return Some(false);
    }

    // 2. y of a half Q, as Y1/Z1.
    let num = s0.sub(Fe::ONE).add(c.d.mul(y));
    let den = c.d.mul(Fe::ONE.add(y));
    if num.is_zero() || den.is_zero() {
        return None;
    }
    let (square, r) = Fe::sqrt_ratio_i(num, den, c.sqrt_m1);
    let (y1, z1) = if square {
        (r, Fe::ONE)
    } else {
        (c.sqrt_m_i_over_d, r)
    };
    if z1.is_zero() {
        return None;
    }

    // 3. Q ∈ 2E?
    let delta1 = c.one_plus_d.mul(z1.square().add(c.d.mul(y1.square())));
    let (square, s1) = Fe::sqrt_ratio_i(delta1, Fe::ONE, c.sqrt_m1);
    if !square {
        return Some(false);
    }

    // 4. A half of Q in 2E?
    let w = c.one_plus_d.mul(y1).add(s1).mul(z1.add(y1));
    match w.legendre() {
        1 => Some(true),
        -1 => Some(false),
        _ => None,
    }
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
}

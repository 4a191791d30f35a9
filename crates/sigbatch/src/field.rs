//! Arithmetic in GF(2^255 - 19), just enough for the subgroup test in `torsion.rs`.
//!
//! curve25519-dalek keeps its field type private, so the few operations the test needs
//! (multiply, square, square roots and the Legendre symbol) are written here, in the usual
//! radix-2^51 form with 128-bit products. Nothing here is constant-time: it only ever sees
//! public data (the R half of a signature). Correctness is checked by the unit tests below and,
//! end to end, by comparing the subgroup test with curve25519-dalek's `is_torsion_free`.

const MASK: u64 = (1 << 51) - 1;

/// An element of GF(2^255 - 19) as five 51-bit limbs. Every operation returns limbs below
/// 2^52, which is what `mul` and `square` expect.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fe([u64; 5]);

impl Fe {
    pub(crate) const ZERO: Fe = Fe([0; 5]);
    pub(crate) const ONE: Fe = Fe([1, 0, 0, 0, 0]);

    pub(crate) fn from_u64(v: u64) -> Fe {
        Fe([v & MASK, v >> 51, 0, 0, 0])
    }

    /// The low 255 bits of `bytes`, little-endian (the top bit, a point's sign, is ignored).
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Fe {
        let load = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[i..i + 8]);
            u64::from_le_bytes(w)
        };
        Fe([
            load(0) & MASK,
            (load(6) >> 3) & MASK,
            (load(12) >> 6) & MASK,
            (load(19) >> 1) & MASK,
            (load(24) >> 12) & MASK,
        ])
    }

    /// The canonical (fully reduced) little-endian encoding.
    pub(crate) fn to_bytes(self) -> [u8; 32] {
        let mut l = self.carry().0;
        // q = 1 exactly when the value is at least p.
        let mut q = (l[0] + 19) >> 51;
        for limb in &l[1..] {
            q = (limb + q) >> 51;
        }
        l[0] += 19 * q;
        for i in 0..4 {
            l[i + 1] += l[i] >> 51;
            l[i] &= MASK;
        }
        l[4] &= MASK;
        let mut out = [0u8; 32];
        let mut acc: u128 = 0;
        let mut bits = 0;
        let mut pos = 0;
        for limb in l {
            acc |= u128::from(limb) << bits;
            bits += 51;
            while bits >= 8 && pos < 32 {
                out[pos] = acc as u8;
                acc >>= 8;
                bits -= 8;
                pos += 1;
            }
        }
        if pos < 32 {
            out[pos] = acc as u8;
        }
        out
    }

    pub(crate) fn is_zero(self) -> bool {
        self.to_bytes() == [0; 32]
    }

    pub(crate) fn equals(self, other: Fe) -> bool {
        self.to_bytes() == other.to_bytes()
    }

    fn carry(self) -> Fe {
        let mut l = self.0;
        for i in 0..4 {
            l[i + 1] += l[i] >> 51;
            l[i] &= MASK;
        }
        l[0] += 19 * (l[4] >> 51);
        l[4] &= MASK;
        l[1] += l[0] >> 51;
        l[0] &= MASK;
        Fe(l)
    }

    pub(crate) fn add(self, b: Fe) -> Fe {
        let a = self.0;
        Fe([
            a[0] + b.0[0],
            a[1] + b.0[1],
            a[2] + b.0[2],
            a[3] + b.0[3],
            a[4] + b.0[4],
        ])
        .carry()
    }

    pub(crate) fn sub(self, b: Fe) -> Fe {
        // Add 16p first so that no limb goes negative (inputs have limbs below 2^52).
        const P16_0: u64 = 16 * ((1 << 51) - 19);
        const P16: u64 = 16 * ((1 << 51) - 1);
        let a = self.0;
        Fe([
            a[0] + P16_0 - b.0[0],
            a[1] + P16 - b.0[1],
            a[2] + P16 - b.0[2],
            a[3] + P16 - b.0[3],
            a[4] + P16 - b.0[4],
        ])
        .carry()
    }

    pub(crate) fn neg(self) -> Fe {
        Fe::ZERO.sub(self)
    }

    pub(crate) fn mul(self, b: Fe) -> Fe {
        let m = |x: u64, y: u64| u128::from(x) * u128::from(y);
        let [a0, a1, a2, a3, a4] = self.0;
        let [b0, b1, b2, b3, b4] = b.0;
        let (b1_19, b2_19, b3_19, b4_19) = (b1 * 19, b2 * 19, b3 * 19, b4 * 19);
        let c0 = m(a0, b0) + m(a1, b4_19) + m(a2, b3_19) + m(a3, b2_19) + m(a4, b1_19);
        let c1 = m(a0, b1) + m(a1, b0) + m(a2, b4_19) + m(a3, b3_19) + m(a4, b2_19);
        let c2 = m(a0, b2) + m(a1, b1) + m(a2, b0) + m(a3, b4_19) + m(a4, b3_19);
        let c3 = m(a0, b3) + m(a1, b2) + m(a2, b1) + m(a3, b0) + m(a4, b4_19);
        let c4 = m(a0, b4) + m(a1, b3) + m(a2, b2) + m(a3, b1) + m(a4, b0);
        reduce_wide([c0, c1, c2, c3, c4])
    }

    pub(crate) fn square(self) -> Fe {
        let m = |x: u64, y: u64| u128::from(x) * u128::from(y);
        let [a0, a1, a2, a3, a4] = self.0;
        let (a3_19, a4_19) = (a3 * 19, a4 * 19);
        let c0 = m(a0, a0) + 2 * (m(a1, a4_19) + m(a2, a3_19));
        let c1 = 2 * m(a0, a1) + m(a3, a3_19) + 2 * m(a2, a4_19);
        let c2 = 2 * m(a0, a2) + m(a1, a1) + 2 * m(a3, a4_19);
        let c3 = 2 * (m(a0, a3) + m(a1, a2)) + m(a4, a4_19);
        let c4 = 2 * (m(a0, a4) + m(a1, a3)) + m(a2, a2);
        reduce_wide([c0, c1, c2, c3, c4])
    }

    fn pow2k(self, k: u32) -> Fe {
        let mut x = self;
        for _ in 0..k {
            x = x.square();
        }
        x
    }

    /// `(x^(2^250 - 1), x^11)`, the common part of every exponent below (the usual chain).
    fn pow22501(self) -> (Fe, Fe) {
        let t0 = self.square();
        let t1 = t0.pow2k(2);
        let t2 = self.mul(t1);
        let t3 = t0.mul(t2);
        let t4 = t3.square();
        let t5 = t2.mul(t4);
        let t7 = t5.pow2k(5).mul(t5);
        let t9 = t7.pow2k(10).mul(t7);
        let t11 = t9.pow2k(20).mul(t9);
        let t13 = t11.pow2k(10).mul(t7);
        let t15 = t13.pow2k(50).mul(t13);
        let t17 = t15.pow2k(100).mul(t15);
        let t19 = t17.pow2k(50).mul(t13);
        (t19, t3)
    }

    /// x^((p - 5) / 8) = x^(2^252 - 3).
    fn pow_p58(self) -> Fe {
        self.pow22501().0.pow2k(2).mul(self)
    }

    /// The Legendre symbol: 1 for a non-zero square, -1 for a non-square, 0 for zero.
    pub(crate) fn legendre(self) -> i8 {
        // x^((p - 1) / 2) = x^(2^254 - 10) = (x^(2^250 - 1))^(2^4) * x^6.
        let (t19, _) = self.pow22501();
        let x2 = self.square();
        let r = t19.pow2k(4).mul(x2).mul(x2.square());
        if r.is_zero() {
            0
        } else if r.equals(Fe::ONE) {
            1
        } else {
            -1
        }
    }

    pub(crate) fn invert(self) -> Fe {
        let (t19, t3) = self.pow22501();
        t19.pow2k(5).mul(t3)
    }

    /// `(true, sqrt(u / v))` if u/v is a square, else `(false, sqrt(i * u / v))`, where
    /// i = sqrt(-1) (which is not a square here, p = 5 mod 8); `(false, 0)` if v is zero.
    /// One exponentiation, as in curve25519-dalek.
    pub(crate) fn sqrt_ratio_i(u: Fe, v: Fe, sqrt_m1: Fe) -> (bool, Fe) {
        let v3 = v.square().mul(v);
        let v7 = v3.square().mul(v);
        let mut r = u.mul(v3).mul(u.mul(v7).pow_p58());
        let check = v.mul(r.square());
        let correct = check.equals(u);
        let flipped = check.equals(u.neg());
        let flipped_i = check.equals(u.neg().mul(sqrt_m1));
        if flipped || flipped_i {
            r = r.mul(sqrt_m1);
        }
        (correct || flipped, r)
    }
}

/// Independent values processed in lockstep: the same chain of operations on several
/// elements at once lets the processor overlap their multiplications (about 20 % faster per
/// element than one chain at a time, measured), which matters because the subgroup test is
/// nearly all exponentiation.
/// How many the subgroup test processes together.
pub(crate) const LANES: usize = 8;

fn lanes2<const N: usize>(a: &[Fe; N], b: &[Fe; N], f: impl Fn(Fe, Fe) -> Fe) -> [Fe; N] {
    std::array::from_fn(|i| f(a[i], b[i]))
}

fn pow2k_lanes<const N: usize>(mut x: [Fe; N], k: u32) -> [Fe; N] {
    for _ in 0..k {
        for v in x.iter_mut() {
            *v = v.square();
        }
    }
    x
}

fn mul_lanes<const N: usize>(a: &[Fe; N], b: &[Fe; N]) -> [Fe; N] {
    lanes2(a, b, Fe::mul)
}

/// [`Fe::pow22501`] on every lane.
fn pow22501_lanes<const N: usize>(x: &[Fe; N]) -> ([Fe; N], [Fe; N]) {
    let t0 = pow2k_lanes(*x, 1);
    let t1 = pow2k_lanes(t0, 2);
    let t2 = mul_lanes(x, &t1);
    let t3 = mul_lanes(&t0, &t2);
    let t4 = pow2k_lanes(t3, 1);
    let t5 = mul_lanes(&t2, &t4);
    let t7 = mul_lanes(&pow2k_lanes(t5, 5), &t5);
    let t9 = mul_lanes(&pow2k_lanes(t7, 10), &t7);
    let t11 = mul_lanes(&pow2k_lanes(t9, 20), &t9);
    let t13 = mul_lanes(&pow2k_lanes(t11, 10), &t7);
    let t15 = mul_lanes(&pow2k_lanes(t13, 50), &t13);
    let t17 = mul_lanes(&pow2k_lanes(t15, 100), &t15);
    let t19 = mul_lanes(&pow2k_lanes(t17, 50), &t13);
    (t19, t3)
}

/// [`Fe::legendre`] on every lane.
pub(crate) fn legendre_lanes<const N: usize>(x: &[Fe; N]) -> [i8; N] {
    let (t19, _) = pow22501_lanes(x);
    let x2 = pow2k_lanes(*x, 1);
    let x4 = pow2k_lanes(x2, 1);
    let r = mul_lanes(&mul_lanes(&pow2k_lanes(t19, 4), &x2), &x4);
    r.map(|r| {
        if r.is_zero() {
            0
        } else if r.equals(Fe::ONE) {
            1
        } else {
            -1
        }
    })
}

/// [`Fe::sqrt_ratio_i`] on every lane.
pub(crate) fn sqrt_ratio_i_lanes<const N: usize>(
    u: &[Fe; N],
    v: &[Fe; N],
    sqrt_m1: Fe,
) -> [(bool, Fe); N] {
    let v3 = mul_lanes(&pow2k_lanes(*v, 1), v);
    let v7 = mul_lanes(&pow2k_lanes(v3, 1), v);
    let uv7 = mul_lanes(u, &v7);
    let (t19, _) = pow22501_lanes(&uv7);
    let p58 = mul_lanes(&pow2k_lanes(t19, 2), &uv7);
    let r = mul_lanes(&mul_lanes(u, &v3), &p58);
    std::array::from_fn(|i| {
        let (u, v, mut r) = (u[i], v[i], r[i]);
        let check = v.mul(r.square());
        let correct = check.equals(u);
        let flipped = check.equals(u.neg());
        let flipped_i = check.equals(u.neg().mul(sqrt_m1));
        if flipped || flipped_i {
            r = r.mul(sqrt_m1);
        }
        (correct || flipped, r)
    })
}

fn reduce_wide(c: [u128; 5]) -> Fe {
    let mut out = [0u64; 5];
    let mut carry: u128 = 0;
    for i in 0..5 {
        let v = c[i] + carry;
        out[i] = (v as u64) & MASK;
        carry = v >> 51;
    }
    // carry < 2^64 / 19 for inputs with limbs below 2^54.
    let v = u128::from(out[0]) + carry * 19;
    out[0] = (v as u64) & MASK;
    out[1] += (v >> 51) as u64;
    Fe(out)
}

#[cfg(test)]
mod tests {
    use super::Fe;

    fn sqrt_m1() -> Fe {
        // 2^((p - 1) / 4) is a square root of -1.
        let mut e = [0xffu8; 32];
        // (p - 1) / 4 = 2^253 - 5
        e[0] = 0xfb;
        e[31] = 0x1f;
        pow(Fe::from_u64(2), &e)
    }

    fn pow(x: Fe, e_le: &[u8; 32]) -> Fe {
        let mut acc = Fe::ONE;
        for byte in e_le.iter().rev() {
            for bit in (0..8).rev() {
                acc = acc.square();
                if (byte >> bit) & 1 == 1 {
                    acc = acc.mul(x);
                }
            }
        }
        acc
    }

    fn sample(seed: u64) -> Fe {
        let mut b = [0u8; 32];
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for chunk in b.chunks_mut(8) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            chunk.copy_from_slice(&s.to_le_bytes());
        }
        Fe::from_bytes(&b)
    }

    #[test]
    fn encoding_is_canonical() {
        // p itself and p + 1 encode as 0 and 1; 2^255 - 1 = p + 18 as 18.
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert_eq!(Fe::from_bytes(&p).to_bytes(), [0; 32]);
        p[0] = 0xee;
        assert_eq!(Fe::from_bytes(&p).to_bytes(), Fe::ONE.to_bytes());
        let all = [0xffu8; 32];
        assert_eq!(Fe::from_bytes(&all).to_bytes(), Fe::from_u64(18).to_bytes());
        for seed in 0..50 {
            let x = sample(seed);
            assert_eq!(Fe::from_bytes(&x.to_bytes()).to_bytes(), x.to_bytes());
        }
    }

    #[test]
    fn ring_laws_and_inverse() {
        for seed in 0..200 {
            let (a, b, c) = (sample(seed), sample(seed + 1000), sample(seed + 2000));
            assert!(a.mul(b).equals(b.mul(a)));
            assert!(a.mul(b.add(c)).equals(a.mul(b).add(a.mul(c))));
            assert!(a.square().equals(a.mul(a)));
            assert!(a.sub(b).add(b).equals(a));
            assert!(a.add(a.neg()).is_zero());
            assert!(a.mul(a.invert()).equals(Fe::ONE));
        }
    }

    #[test]
    fn square_roots_and_legendre() {
        let i = sqrt_m1();
        assert!(i.square().equals(Fe::ONE.neg()));
        assert_eq!(
            i.legendre(),
            -1,
            "sqrt(-1) is not a square when p = 5 mod 8"
        );
        assert_eq!(Fe::ZERO.legendre(), 0);
        let (mut squares, mut non) = (0, 0);
        for seed in 0..200 {
            let (u, v) = (sample(seed), sample(seed + 7));
            let (ok, r) = Fe::sqrt_ratio_i(u, v, i);
            let ratio = u.mul(v.invert());
            assert_eq!(ok, ratio.legendre() == 1);
            let target = if ok { ratio } else { ratio.mul(i) };
            assert!(r.square().equals(target));
            if ok {
                squares += 1
            } else {
                non += 1
            }
            assert_eq!(u.square().legendre(), 1);
        }
        assert!(squares > 50 && non > 50);
    }

    #[test]
    fn lanes_agree_with_one_at_a_time() {
        let i = sqrt_m1();
        for round in 0..10u64 {
            let u: [Fe; super::LANES] = std::array::from_fn(|k| sample(round * 100 + k as u64));
            let v: [Fe; super::LANES] =
                std::array::from_fn(|k| sample(round * 100 + 50 + k as u64));
            let roots = super::sqrt_ratio_i_lanes(&u, &v, i);
            let symbols = super::legendre_lanes(&u);
            for k in 0..super::LANES {
                let (ok, r) = Fe::sqrt_ratio_i(u[k], v[k], i);
                assert_eq!(roots[k].0, ok);
                assert!(roots[k].1.equals(r));
                assert_eq!(symbols[k], u[k].legendre());
            }
        }
    }
}

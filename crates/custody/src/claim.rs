//! One-time claim codes: the hidden second code of a lot issued with `"claims": true`, printed
//! on an inner label (under the cap, inside the box, under a scratch panel) so the buyer can
//! say "I bought this one".
//!
//! A code is derived, never stored: HMAC-SHA256 under a server secret of
//! `tasdiq-claim-v1 ‖ certificate (u64 BE) ‖ item (u32 BE)`, its first 60 bits written as 12
//! Crockford base32 characters, plus one check character. The check is a weighted sum over
//! GF(32) with distinct weights α¹…α¹³, so it catches every single wrong character and every
//! swap of two neighbours (or of any two characters 1–30 apart) before the secret is involved,
//! and the page can say "mistyped" rather than "wrong code". Knowing certificate numbers and
//! items (they are public) gives no code: guessing one is a 1-in-2⁶⁰ try, and the service
//! limits tries per label and per network.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DOMAIN: &[u8] = b"tasdiq-claim-v1";
/// Secret characters (5 bits each: 60 bits).
pub const SECRET_CHARS: usize = 12;
/// Characters of a code, the check character included.
pub const CODE_CHARS: usize = SECRET_CHARS + 1;
/// Shortest server secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// The server secret codes derive from. Kept out of `Debug` output.
#[derive(Clone)]
pub struct ClaimSecret(Vec<u8>);

impl ClaimSecret {
    /// `None` if the secret is shorter than [`MIN_SECRET_BYTES`].
    pub fn new(bytes: &[u8]) -> Option<ClaimSecret> {
        (bytes.len() >= MIN_SECRET_BYTES).then(|| ClaimSecret(bytes.to_vec()))
    }
}

impl fmt::Debug for ClaimSecret {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("ClaimSecret(…)")
    }
}

/// A claim code: 13 values in 0..32, the last one the check.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ClaimCode([u8; CODE_CHARS]);

/// Why typed text is not a claim code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimCodeError {
    /// Wrong number of characters (separators aside).
    #[error("a claim code has {CODE_CHARS} characters (dashes and spaces aside); this one has {0}")]
    Length(usize),
    /// A character outside the alphabet.
    #[error("{0:?} cannot appear in a claim code")]
    Character(char),
    /// The check character does not match: a typo.
    #[error("the code does not add up: a character was probably mistyped")]
    Check,
}

impl ClaimCode {
    /// The code of `item` of certificate `certificate`.
    pub fn derive(secret: &ClaimSecret, certificate: u64, item: u32) -> ClaimCode {
        let body = body(secret, certificate, item);
        let mut values = [0u8; CODE_CHARS];
        values[..SECRET_CHARS].copy_from_slice(&body);
        values[SECRET_CHARS] = check_value(&body);
        ClaimCode(values)
    }

    /// Parses what a person typed: case, spaces, dashes, dots and underscores do not matter,
    /// and the look-alikes O→0 and I/L→1 are read as Crockford base32 reads them.
    pub fn parse(text: &str) -> Result<ClaimCode, ClaimCodeError> {
        let mut values = Vec::with_capacity(CODE_CHARS);
        for c in text
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '.' | '_' | '\u{a0}'))
        {
            if values.len() > CODE_CHARS * 4 {
                break;
            }
            values.push(value_of(c).ok_or(ClaimCodeError::Character(c))?);
        }
        let values: [u8; CODE_CHARS] = values
            .try_into()
            .map_err(|v: Vec<u8>| ClaimCodeError::Length(v.len()))?;
        if weighted_sum(&values) != 0 {
            return Err(ClaimCodeError::Check);
        }
        Ok(ClaimCode(values))
    }

    /// Whether this (typed, parsed) code is the one of `item` of `certificate`, compared in
    /// constant time.
    pub fn matches(&self, secret: &ClaimSecret, certificate: u64, item: u32) -> bool {
        let want = body(secret, certificate, item);
        bool::from(self.0[..SECRET_CHARS].ct_eq(&want))
    }
}

impl fmt::Display for ClaimCode {
    /// Grouped for reading aloud and typing: `XXXX-XXXX-XXXXX`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i == 4 || i == 8 {
                f.write_str("-")?;
            }
            write!(f, "{}", ALPHABET[usize::from(*v)] as char)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ClaimCode {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // A code is a secret of its item: not for logs.
        f.write_str("ClaimCode(…)")
    }
}

fn body(secret: &ClaimSecret, certificate: u64, item: u32) -> [u8; SECRET_CHARS] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&secret.0).expect("HMAC takes any key length");
    mac.update(DOMAIN);
    mac.update(&certificate.to_be_bytes());
    mac.update(&item.to_be_bytes());
    let tag = mac.finalize().into_bytes();
    let bits = u64::from_be_bytes(tag[..8].try_into().expect("8 bytes")) >> 4;
    let mut out = [0u8; SECRET_CHARS];
    for (i, v) in out.iter_mut().enumerate() {
        *v = ((bits >> (5 * (SECRET_CHARS - 1 - i))) & 31) as u8;
    }
    out
}

fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|a| *a as char == c)
        .map(|p| p as u8)
}

/// Multiplication in GF(2⁵) modulo the primitive polynomial x⁵ + x² + 1.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    p
}

/// α^n for α = x.
fn alpha_pow(n: usize) -> u8 {
    (0..n).fold(1, |acc, _| gf_mul(acc, 2))
}

/// Σ α^(i+1)·vᵢ over the values given.
fn weighted_sum(values: &[u8]) -> u8 {
    values
        .iter()
        .enumerate()
        .fold(0, |acc, (i, v)| acc ^ gf_mul(alpha_pow(i + 1), *v))
}

/// The check value c that makes Σ α^(i+1)·vᵢ + α^13·c = 0.
fn check_value(body: &[u8; SECRET_CHARS]) -> u8 {
    let s = weighted_sum(body);
    // α has order 31, so α^-13 = α^18.
    gf_mul(s, alpha_pow(31 - CODE_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> ClaimSecret {
        ClaimSecret::new(&[7u8; 32]).unwrap()
    }

    #[test]
    fn derived_codes_read_back_and_match_only_their_item() {
        let s = secret();
        let code = ClaimCode::derive(&s, 0x1234_5678_9abc_def0, 42);
        let text = code.to_string();
        assert_eq!(text.len(), CODE_CHARS + 2);
        assert_eq!(ClaimCode::parse(&text).unwrap(), code);
        assert!(code.matches(&s, 0x1234_5678_9abc_def0, 42));
        assert!(!code.matches(&s, 0x1234_5678_9abc_def0, 43));
        assert!(!code.matches(&s, 0x1234_5678_9abc_def1, 42));
        let other = ClaimSecret::new(&[8u8; 32]).unwrap();
        assert!(!code.matches(&other, 0x1234_5678_9abc_def0, 42));
        assert_ne!(
            ClaimCode::derive(&s, 1, 1).to_string(),
            ClaimCode::derive(&s, 1, 2).to_string()
        );
    }

    #[test]
    fn what_people_type_is_accepted() {
        let s = secret();
        let code = ClaimCode::derive(&s, 99, 7);
        let plain: String = code.to_string().replace('-', "");
        let sloppy = plain
            .to_lowercase()
            .replace('0', "o")
            .replace('1', "l")
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i % 3 == 2 { vec![c, ' '] } else { vec![c] })
            .collect::<String>();
        assert_eq!(ClaimCode::parse(&sloppy).unwrap(), code, "{sloppy}");
        assert_eq!(ClaimCode::parse(&format!(" {plain}. ")).unwrap(), code);
        assert_eq!(ClaimCode::parse("ABC"), Err(ClaimCodeError::Length(3)));
        assert_eq!(
            ClaimCode::parse("ABCD-EFGH-JKMNU"),
            Err(ClaimCodeError::Character('U'))
        );
        assert!(ClaimCode::parse(&"A".repeat(10_000)).is_err());
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let s = secret();
        for item in 1..=200 {
            let code = ClaimCode::derive(&s, 5, item);
            let v = code.0;
            for pos in 0..CODE_CHARS {
                for wrong in 0..32u8 {
                    if wrong != v[pos] {
                        let mut t = v;
                        t[pos] = wrong;
                        assert_ne!(weighted_sum(&t), 0, "typo at {pos} passed");
                    }
                }
            }
            for pos in 0..CODE_CHARS - 1 {
                if v[pos] != v[pos + 1] {
                    let mut t = v;
                    t.swap(pos, pos + 1);
                    assert_ne!(weighted_sum(&t), 0, "swap at {pos} passed");
                }
            }
        }
    }

    #[test]
    fn the_secret_is_long_enough_and_never_printed() {
        assert!(ClaimSecret::new(&[1u8; 31]).is_none());
        let s = secret();
        assert_eq!(format!("{s:?}"), "ClaimSecret(…)");
        assert_eq!(format!("{:?}", ClaimCode::derive(&s, 1, 1)), "ClaimCode(…)");
        const { assert!(SECRET_CHARS * 5 >= 60) };
    }
}

//! The short human code printed under the QR, for typing by hand when a camera is not at hand:
//! Crockford base32 of (certificate number, item) plus one Luhn mod 32 check character.
//!
//! It names a label but carries no signature, so it is a weaker check than the QR code; the
//! page that resolves it says so.

use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Bits for the item number: 2^20 - 1 = 1,048,575 ≥ the largest lot.
const ITEM_BITS: u32 = 20;
/// Bits for the certificate number: issued numbers are below 2^63.
const CERT_BITS: u32 = 63;
const BODY_CHARS: usize = 17;

/// A decoded human code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanCode {
    pub certificate: u64,
    pub item: u32,
}

/// Why a typed human code was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HumanCodeError {
    #[error("a label's short code has 18 characters (dashes and spaces aside); this one has {0}")]
    Length(usize),
    #[error("{0:?} cannot appear in a short code")]
    Character(char),
    #[error("the check character does not match: a character was probably mistyped")]
    Check,
    #[error("this short code does not name any label")]
    OutOfRange,
}

impl HumanCode {
    /// `None` if the numbers cannot be expressed (a certificate ≥ 2^63 or an item ≥ 2^20).
    pub fn new(certificate: u64, item: u32) -> Option<HumanCode> {
        (certificate >> CERT_BITS == 0 && item >> ITEM_BITS == 0)
            .then_some(HumanCode { certificate, item })
    }

    /// Parses what a person typed: case, dashes and spaces do not matter, and the Crockford
    /// look-alikes O→0 and I/L→1 are accepted.
    pub fn parse(text: &str) -> Result<HumanCode, HumanCodeError> {
        let mut values = Vec::with_capacity(BODY_CHARS + 1);
        for c in text.chars().filter(|c| !matches!(c, '-' | ' ')) {
            if values.len() > 64 {
                break;
            }
            values.push(value_of(c).ok_or(HumanCodeError::Character(c))?);
        }
        if values.len() != BODY_CHARS + 1 {
            return Err(HumanCodeError::Length(values.len()));
        }
        let (body, check) = values.split_at(BODY_CHARS);
        if luhn32(body) != check[0] {
            return Err(HumanCodeError::Check);
        }
        let n = body
            .iter()
            .fold(0u128, |acc, v| (acc << 5) | u128::from(*v));
        let item = (n & ((1 << ITEM_BITS) - 1)) as u32;
        let certificate = u64::try_from(n >> ITEM_BITS).map_err(|_| HumanCodeError::OutOfRange)?;
        HumanCode::new(certificate, item).ok_or(HumanCodeError::OutOfRange)
    }

    fn digits(&self) -> [u8; BODY_CHARS + 1] {
        let n = (u128::from(self.certificate) << ITEM_BITS) | u128::from(self.item);
        let mut v = [0u8; BODY_CHARS + 1];
        for (i, slot) in v[..BODY_CHARS].iter_mut().enumerate() {
            *slot = ((n >> (5 * (BODY_CHARS - 1 - i))) & 31) as u8;
        }
        v[BODY_CHARS] = luhn32(&v[..BODY_CHARS]);
        v
    }
}

/// Printed in groups of four: `XXXX-XXXX-XXXX-XXXX-XX`.
impl fmt::Display for HumanCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.digits().iter().enumerate() {
            if i > 0 && i % 4 == 0 {
                f.write_str("-")?;
            }
            write!(f, "{}", char::from(ALPHABET[usize::from(*v)]))?;
        }
        Ok(())
    }
}

fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|a| char::from(*a) == c)
        .map(|p| p as u8)
}

/// Luhn mod N check character (N = 32): catches every single mistyped character and most
/// swaps of neighbours.
fn luhn32(values: &[u8]) -> u8 {
    let mut sum = 0u32;
    let mut double = true;
    for v in values.iter().rev() {
        let mut addend = u32::from(*v);
        if double {
            addend *= 2;
            addend = addend / 32 + addend % 32;
        }
        sum += addend;
        double = !double;
    }
    ((32 - sum % 32) % 32) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_form() {
        let h = HumanCode::new(0x7fff_ffff_ffff_ffff, 1_000_000).unwrap();
        let text = h.to_string();
        assert_eq!(text.len(), 22);
        assert_eq!(text.matches('-').count(), 4);
        assert_eq!(HumanCode::parse(&text), Ok(h));
        assert_eq!(
            HumanCode::parse(&text.to_lowercase().replace('-', " ")),
            Ok(h)
        );
        let small = HumanCode::new(1, 1).unwrap();
        assert_eq!(HumanCode::parse(&small.to_string()), Ok(small));
        assert!(HumanCode::new(1 << 63, 1).is_none());
        assert!(HumanCode::new(1, 1 << 20).is_none());
    }

    #[test]
    fn every_single_typo_is_caught() {
        let h = HumanCode::new(8_734_598_123_456_789, 4321).unwrap();
        let text: Vec<char> = h.to_string().chars().collect();
        for i in 0..text.len() {
            if text[i] == '-' {
                continue;
            }
            for a in ALPHABET.iter().map(|a| char::from(*a)) {
                if a == text[i] {
                    continue;
                }
                let mut typo = text.clone();
                typo[i] = a;
                let typo: String = typo.into_iter().collect();
                assert_ne!(HumanCode::parse(&typo), Ok(h), "{typo}");
                assert!(HumanCode::parse(&typo).is_err(), "{typo}");
            }
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(HumanCode::parse("ABC"), Err(HumanCodeError::Length(3)));
        assert_eq!(
            HumanCode::parse("ABCU"),
            Err(HumanCodeError::Character('U'))
        );
        let mut t = HumanCode::new(99, 3).unwrap().to_string();
        let last = t.pop().unwrap();
        t.push(if last == '0' { '1' } else { '0' });
        assert_eq!(HumanCode::parse(&t), Err(HumanCodeError::Check));
    }
}

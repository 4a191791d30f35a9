//! The short code printed under the QR, for typing by hand when a camera is not at hand: 25
//! Crockford base32 characters (125 bits) holding the certificate number (63 bits), the item
//! (20 bits) and a 42-bit check, HMAC-SHA256 of both keyed with the service's short-code secret.
//!
//! The certificate number is public (it is in every verdict and every QR), so without the check
//! anyone could write down the short code of every item of a lot. With it, a short code can only
//! come from a label we printed: knowing a certificate number gives no valid short code for any
//! item, and a guess is right once in 2^42. The secret is not a signing key: a node that only
//! verifies holds it to resolve short codes, and it signs nothing.
//!
//! There is no separate check character: a mistyped character fails the keyed check like a
//! made-up code does (and the page says to check the characters).

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a short code, dashes aside.
pub const CHARS: usize = 25;
/// Bits for the item number: 2^20 - 1 = 1,048,575 ≥ the largest lot.
const ITEM_BITS: u32 = 20;
/// Bits for the certificate number: issued numbers are below 2^63.
const CERT_BITS: u32 = 63;
/// Bits of the keyed check: what is left of 125 bits, and more than the 40 the contract asks.
const CHECK_BITS: u32 = 5 * CHARS as u32 - CERT_BITS - ITEM_BITS;
const _: () = assert!(CHECK_BITS >= 40);

/// The secret that keys short-code checks: 32 random bytes, shared by every node, kept in the
/// keys folder. `Debug` never prints it.
#[derive(Clone)]
pub struct ShortCodeKey([u8; 32]);

impl ShortCodeKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ShortCodeKey(bytes)
    }

    pub fn generate() -> Self {
        ShortCodeKey(rand::random())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A public name for the secret (16 hex digits of a hash), so that nodes can tell whether
    /// they hold the same one without showing it.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"tasdiq-shortcode-fingerprint-v1");
        h.update(self.0);
        hex::encode(&h.finalize()[..8])
    }

    fn check(&self, certificate: u64, item: u32) -> u64 {
        // `new_from_slice` accepts any key length for HMAC; 32 bytes cannot fail.
        let Ok(mut m) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return 0;
        };
        m.update(b"tasdiq-shortcode-v1");
        m.update(&certificate.to_be_bytes());
        m.update(&item.to_be_bytes());
        let tag = m.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&tag[..8]);
        u64::from_be_bytes(first) >> (64 - CHECK_BITS)
    }
}

impl fmt::Debug for ShortCodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShortCodeKey(<redacted>)")
    }
}

impl Drop for ShortCodeKey {
    fn drop(&mut self) {
        self.0.fill(0);
    }
}

/// The label a short code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanCode {
    pub certificate: u64,
    pub item: u32,
}

/// Why a typed short code was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HumanCodeError {
    #[error("a label's short code has 25 characters (dashes and spaces aside); this one has {0}")]
    Length(usize),
    #[error("{0:?} cannot appear in a short code")]
    Character(char),
    #[error("this short code does not match any label: a character may be mistyped")]
    Mismatch,
}

impl HumanCode {
    /// `None` if the numbers cannot be expressed (a certificate ≥ 2^63 or an item ≥ 2^20).
    pub fn new(certificate: u64, item: u32) -> Option<HumanCode> {
        (certificate >> CERT_BITS == 0 && item >> ITEM_BITS == 0)
            .then_some(HumanCode { certificate, item })
    }

    /// The printed form, `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`.
    pub fn encode(&self, key: &ShortCodeKey) -> String {
        let n = (u128::from(self.certificate) << (ITEM_BITS + CHECK_BITS))
            | (u128::from(self.item) << CHECK_BITS)
            | u128::from(key.check(self.certificate, self.item));
        let mut out = String::with_capacity(CHARS + 4);
        for i in 0..CHARS {
            if i > 0 && i % 5 == 0 {
                out.push('-');
            }
            let v = (n >> (5 * (CHARS - 1 - i))) & 31;
            out.push(char::from(ALPHABET[v as usize]));
        }
        out
    }

    /// Parses what a person typed: case, dashes and spaces do not matter, and the Crockford
    /// look-alikes O→0 and I/L→1 are accepted. The check is compared in constant time.
    pub fn parse(text: &str, key: &ShortCodeKey) -> Result<HumanCode, HumanCodeError> {
        let mut n = 0u128;
        let mut count = 0usize;
        for c in text.chars().filter(|c| !matches!(c, '-' | ' ')) {
            let v = value_of(c).ok_or(HumanCodeError::Character(c))?;
            count += 1;
            if count <= CHARS {
                n = (n << 5) | u128::from(v);
            }
        }
        if count != CHARS {
            return Err(HumanCodeError::Length(count));
        }
        let mask = |bits: u32| (1u128 << bits) - 1;
        let check = (n & mask(CHECK_BITS)) as u64;
        let item = ((n >> CHECK_BITS) & mask(ITEM_BITS)) as u32;
        let certificate = (n >> (CHECK_BITS + ITEM_BITS)) as u64;
        let expected = key.check(certificate, item);
        if !bool::from(check.ct_eq(&expected)) {
            return Err(HumanCodeError::Mismatch);
        }
        Ok(HumanCode { certificate, item })
    }

    /// The canonical text of what a person typed (upper case, look-alikes resolved, grouped),
    /// or `None` if it is not 25 short-code characters. Used to name a short code in links and
    /// reports without trusting the raw input.
    pub fn normalise(text: &str) -> Option<String> {
        let values: Vec<u8> = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .take(CHARS + 1)
            .map(value_of)
            .collect::<Option<_>>()?;
        (values.len() == CHARS).then(|| {
            let mut out = String::with_capacity(CHARS + 4);
            for (i, v) in values.iter().enumerate() {
                if i > 0 && i % 5 == 0 {
                    out.push('-');
                }
                out.push(char::from(ALPHABET[usize::from(*v)]));
            }
            out
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ShortCodeKey {
        ShortCodeKey::from_bytes([7u8; 32])
    }

    #[test]
    fn round_trip_and_form() {
        let k = key();
        let h = HumanCode::new(0x7fff_ffff_ffff_ffff, 1_000_000).unwrap();
        let text = h.encode(&k);
        assert_eq!(text.len(), 29);
        assert_eq!(text.matches('-').count(), 4);
        assert_eq!(HumanCode::parse(&text, &k), Ok(h));
        assert_eq!(
            HumanCode::parse(&text.to_lowercase().replace('-', " "), &k),
            Ok(h)
        );
        assert_eq!(
            HumanCode::normalise(&text.to_lowercase()),
            Some(text.clone())
        );
        let small = HumanCode::new(1, 1).unwrap();
        assert_eq!(HumanCode::parse(&small.encode(&k), &k), Ok(small));
        assert!(HumanCode::new(1 << 63, 1).is_none());
        assert!(HumanCode::new(1, 1 << 20).is_none());
        assert_eq!(format!("{k:?}"), "ShortCodeKey(<redacted>)");
    }

    #[test]
    fn the_check_needs_the_secret() {
        let h = HumanCode::new(8_734_598_123_456_789, 4321).unwrap();
        let ours = h.encode(&key());
        let theirs = h.encode(&ShortCodeKey::from_bytes([8u8; 32]));
        assert_ne!(ours, theirs);
        assert_eq!(
            HumanCode::parse(&theirs, &key()),
            Err(HumanCodeError::Mismatch)
        );
        // The neighbouring item of a valid code, with the same check, is refused.
        let next = HumanCode::new(h.certificate, h.item + 1).unwrap();
        let n = (u128::from(next.certificate) << (ITEM_BITS + CHECK_BITS))
            | (u128::from(next.item) << CHECK_BITS)
            | u128::from(key().check(h.certificate, h.item));
        let forged: String = (0..CHARS)
            .map(|i| char::from(ALPHABET[((n >> (5 * (CHARS - 1 - i))) & 31) as usize]))
            .collect();
        assert_eq!(
            HumanCode::parse(&forged, &key()),
            Err(HumanCodeError::Mismatch)
        );
    }

    #[test]
    fn every_single_typo_is_caught() {
        let k = key();
        let h = HumanCode::new(8_734_598_123_456_789, 4321).unwrap();
        let text: Vec<char> = h.encode(&k).chars().collect();
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
                assert_eq!(HumanCode::parse(&typo, &k), Err(HumanCodeError::Mismatch));
            }
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let k = key();
        assert_eq!(HumanCode::parse("ABC", &k), Err(HumanCodeError::Length(3)));
        assert_eq!(
            HumanCode::parse("ABCU", &k),
            Err(HumanCodeError::Character('U'))
        );
        assert_eq!(
            HumanCode::parse(&"A".repeat(200), &k),
            Err(HumanCodeError::Length(200))
        );
        assert_eq!(HumanCode::normalise("ABC"), None);
        assert_eq!(HumanCode::normalise(&"A".repeat(26)), None);
    }
}

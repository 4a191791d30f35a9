//! The v1 label code (contract §2): an 85-byte signed record and its 207-digit decimal text form.
//!
//! Pure: no I/O, no clock. Everything here is reproducible from the contract alone, and
//! `tests/vectors/label-v1.json` pins it for other implementations.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Version byte of the only layout we know.
pub const VERSION: u8 = 1;
/// Length of the signed header: version, kid, certificate, item, brand, expiry.
pub const HEADER_LEN: usize = 21;
/// Length of a whole label: header plus Ed25519 signature.
pub const LABEL_LEN: usize = HEADER_LEN + 64;
/// Length of the decimal text form of a whole label.
pub const CODE_DIGITS: usize = 207;
/// Domain separation prefix of the signed message.
pub const SIGNING_CONTEXT: &[u8; 15] = b"tasdiq-label-v1";

/// Digits used for a group of n bytes, n = 1..=7: the fewest that hold 256^n - 1.
const GROUP_DIGITS: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];
const GROUP_BYTES: usize = 7;
/// Longest input we look at character by character. Anything longer is rejected on length
/// alone, so a hostile megabyte-long "code" costs nothing.
const MAX_SCAN: usize = 4 * CODE_DIGITS;

/// A key id: the first 4 bytes of SHA-256 of the 32-byte Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kid(pub [u8; 4]);

impl Kid {
    /// The key id of a public key.
    pub fn of(key: &VerifyingKey) -> Kid {
        let digest = Sha256::digest(key.as_bytes());
        Kid([digest[0], digest[1], digest[2], digest[3]])
    }

    /// Parses the 8-hex-digit form used in JWKS and file names.
    pub fn parse(hex_kid: &str) -> Option<Kid> {
        let mut out = [0u8; 4];
        hex::decode_to_slice(hex_kid, &mut out).ok()?;
        Some(Kid(out))
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kid({self})")
    }
}

/// The signed fields of a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LabelHeader {
    pub kid: Kid,
    pub certificate: u64,
    pub item: u32,
    pub brand: u16,
    /// Days since 2000-01-01.
    pub expiry_days: u16,
}

impl LabelHeader {
    /// The 21 header bytes, big-endian.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[0] = VERSION;
        b[1..5].copy_from_slice(&self.kid.0);
        b[5..13].copy_from_slice(&self.certificate.to_be_bytes());
        b[13..17].copy_from_slice(&self.item.to_be_bytes());
        b[17..19].copy_from_slice(&self.brand.to_be_bytes());
        b[19..21].copy_from_slice(&self.expiry_days.to_be_bytes());
        b
    }

    /// `tasdiq-label-v1` followed by the header bytes: what the signature covers.
    pub fn signing_message(&self) -> [u8; 15 + HEADER_LEN] {
        let mut m = [0u8; 15 + HEADER_LEN];
        m[..15].copy_from_slice(SIGNING_CONTEXT);
        m[15..].copy_from_slice(&self.to_bytes());
        m
    }

    /// Signs the header. Ed25519 is deterministic, so the same key and header always give the
    /// same label: labels are derived on demand and never stored.
    pub fn sign(self, key: &SigningKey) -> Label {
        let signature = key.sign(&self.signing_message()).to_bytes();
        Label {
            header: self,
            signature,
        }
    }
}

/// A whole label: header and signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub header: LabelHeader,
    pub signature: [u8; 64],
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Label")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// Why a code could not be read. Each variant names exactly what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a label code has exactly {CODE_DIGITS} digits; this one has {found}")]
    Length { found: usize },
    #[error("a label code has only the digits 0-9; found {found:?} at position {position}")]
    NonDigit { position: usize, found: char },
    #[error("digit group {group} is larger than its bytes can hold")]
    GroupOverflow { group: usize },
    #[error("unknown label version {0}; this service reads version 1")]
    UnknownVersion(u8),
}

impl CodeError {
    /// The machine word used as the verdict `reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            CodeError::Length { .. } => "bad_length",
            CodeError::NonDigit { .. } => "non_digit",
            CodeError::GroupOverflow { .. } => "group_overflow",
            CodeError::UnknownVersion(_) => "unknown_version",
        }
    }
}

impl Label {
    /// The 85 bytes of the label.
    pub fn to_bytes(&self) -> [u8; LABEL_LEN] {
        let mut b = [0u8; LABEL_LEN];
        b[..HEADER_LEN].copy_from_slice(&self.header.to_bytes());
        b[HEADER_LEN..].copy_from_slice(&self.signature);
        b
    }

    /// Reads 85 bytes; only the version can be wrong at this level.
    pub fn from_bytes(b: &[u8; LABEL_LEN]) -> Result<Label, CodeError> {
        if b[0] != VERSION {
            return Err(CodeError::UnknownVersion(b[0]));
        }
        let header = LabelHeader {
            kid: Kid([b[1], b[2], b[3], b[4]]),
            certificate: u64::from_be_bytes(b[5..13].try_into().expect("8 bytes")),
            item: u32::from_be_bytes(b[13..17].try_into().expect("4 bytes")),
            brand: u16::from_be_bytes([b[17], b[18]]),
            expiry_days: u16::from_be_bytes([b[19], b[20]]),
        };
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&b[HEADER_LEN..]);
        Ok(Label { header, signature })
    }

    /// The 207-digit text form.
    pub fn to_code(&self) -> String {
        encode_digits(&self.to_bytes())
    }

    /// Parses the 207-digit text form.
    pub fn parse(code: &str) -> Result<Label, CodeError> {
        let mut bytes = [0u8; LABEL_LEN];
        decode_digits(code, &mut bytes)?;
        Label::from_bytes(&bytes)
    }

    /// The signature as the dalek type.
    pub fn signature(&self) -> Signature {
        Signature::from_bytes(&self.signature)
    }

    /// Strict Ed25519 verification of the signature under `key`.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        key.verify_strict(&self.header.signing_message(), &self.signature())
            .is_ok()
    }
}

/// Writes bytes as decimal digits: 7-byte groups of 17 digits, and a shorter last group.
pub fn encode_digits(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(digits_for(bytes.len()));
    for chunk in bytes.chunks(GROUP_BYTES) {
        let value = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let width = GROUP_DIGITS[chunk.len()];
        // Written by hand rather than with `{:017}`: this runs for every label rendered.
        let mut buf = [b'0'; 17];
        let mut v = value;
        for slot in buf[..width].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.push_str(std::str::from_utf8(&buf[..width]).expect("ASCII digits"));
    }
    out
}

/// The number of digits that `len` bytes encode to.
pub fn digits_for(len: usize) -> usize {
    (len / GROUP_BYTES) * GROUP_DIGITS[GROUP_BYTES] + GROUP_DIGITS[len % GROUP_BYTES]
}

/// Reads decimal digits into `out`, which fixes the expected length.
pub fn decode_digits(text: &str, out: &mut [u8]) -> Result<(), CodeError> {
    let expected = digits_for(out.len());
    if text.len() > MAX_SCAN {
        return Err(CodeError::Length {
            found: text.chars().take(MAX_SCAN + 1).count(),
        });
    }
    // Non-digits first: "12ab" is better explained by its letters than by its length.
    // `char::is_ascii_digit` rejects Arabic-Indic and every other Unicode digit.
    if let Some((position, found)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(CodeError::NonDigit { position, found });
    }
    let digits = text.as_bytes();
    if digits.len() != expected {
        return Err(CodeError::Length {
            found: digits.len(),
        });
    }
    let mut pos = 0;
    for (group, chunk) in out.chunks_mut(GROUP_BYTES).enumerate() {
        let width = GROUP_DIGITS[chunk.len()];
        let value = digits[pos..pos + width]
            .iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        pos += width;
        let bits = 8 * chunk.len() as u32;
        if value >> bits != 0 {
            return Err(CodeError::GroupOverflow { group });
        }
        let len = chunk.len();
        for (i, byte) in chunk.iter_mut().enumerate() {
            let shift = 8 * (len - 1 - i);
            *byte = (value >> shift) as u8;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn header(key: &SigningKey) -> LabelHeader {
        LabelHeader {
            kid: Kid::of(&key.verifying_key()),
            certificate: 0x0123_4567_89ab_cdef,
            item: 42,
            brand: 12,
            expiry_days: 10_000,
        }
    }

    #[test]
    fn a_label_has_207_digits_and_round_trips() {
        let k = key();
        let label = header(&k).sign(&k);
        let code = label.to_code();
        assert_eq!(code.len(), CODE_DIGITS);
        assert_eq!(digits_for(LABEL_LEN), CODE_DIGITS);
        let back = Label::parse(&code).unwrap();
        assert_eq!(back, label);
        assert!(back.verify(&k.verifying_key()));
    }

    #[test]
    fn group_widths_hold_their_largest_value() {
        for (n, width) in GROUP_DIGITS.iter().enumerate().skip(1) {
            let max = (1u64 << (8 * n)) - 1;
            assert_eq!(max.to_string().len(), *width, "group of {n} bytes");
        }
    }

    #[test]
    fn all_ones_encode_to_the_largest_groups() {
        let code = encode_digits(&[0xff; LABEL_LEN]);
        assert!(code.starts_with("72057594037927935"));
        assert!(code.ends_with("255"));
        let mut out = [0u8; LABEL_LEN];
        decode_digits(&code, &mut out).unwrap();
        assert_eq!(out, [0xff; LABEL_LEN]);
    }

    #[test]
    fn decoding_names_what_is_wrong() {
        let k = key();
        let code = header(&k).sign(&k).to_code();
        assert_eq!(
            Label::parse(&code[1..]),
            Err(CodeError::Length { found: 206 })
        );
        assert_eq!(Label::parse(""), Err(CodeError::Length { found: 0 }));
        let mut letters = code.clone();
        letters.replace_range(3..4, "a");
        assert_eq!(
            Label::parse(&letters),
            Err(CodeError::NonDigit {
                position: 3,
                found: 'a'
            })
        );
        // An Arabic-Indic digit is a digit to Unicode, but not to us.
        let arabic = format!("{}\u{0663}{}", &code[..10], &code[11..]);
        assert_eq!(
            Label::parse(&arabic),
            Err(CodeError::NonDigit {
                position: 10,
                found: '\u{0663}'
            })
        );
        let overflow = format!("99999999999999999{}", &code[17..]);
        assert_eq!(
            Label::parse(&overflow),
            Err(CodeError::GroupOverflow { group: 0 })
        );
        let last_overflow = format!("{}256", &code[..204]);
        assert_eq!(
            Label::parse(&last_overflow),
            Err(CodeError::GroupOverflow { group: 12 })
        );
        let mut bytes = header(&k).sign(&k).to_bytes();
        bytes[0] = 2;
        assert_eq!(
            Label::parse(&encode_digits(&bytes)),
            Err(CodeError::UnknownVersion(2))
        );
        let huge = "1".repeat(100_000);
        assert!(matches!(Label::parse(&huge), Err(CodeError::Length { .. })));
    }

    #[test]
    fn a_changed_digit_breaks_the_signature_or_the_code() {
        let k = key();
        let code = header(&k).sign(&k).to_code();
        for pos in [0usize, 20, 50, 100, 150, 206] {
            let mut changed = code.clone().into_bytes();
            changed[pos] = if changed[pos] == b'9' {
                b'0'
            } else {
                changed[pos] + 1
            };
            let changed = String::from_utf8(changed).unwrap();
            if let Ok(label) = Label::parse(&changed) {
                assert!(!label.verify(&k.verifying_key()), "digit {pos}");
            }
        }
    }

    #[test]
    fn kid_is_the_sha256_prefix_of_the_public_key() {
        let k = key();
        let digest = Sha256::digest(k.verifying_key().as_bytes());
        assert_eq!(Kid::of(&k.verifying_key()).0, digest[..4]);
        let kid = Kid::of(&k.verifying_key());
        assert_eq!(Kid::parse(&kid.to_string()), Some(kid));
        assert_eq!(Kid::parse("xyz"), None);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_label_round_trips(
                kid in any::<[u8; 4]>(),
                certificate in any::<u64>(),
                item in any::<u32>(),
                brand in any::<u16>(),
                expiry_days in any::<u16>(),
                sig in proptest::collection::vec(any::<u8>(), 64),
            ) {
                let mut signature = [0u8; 64];
                signature.copy_from_slice(&sig);
                let label = Label {
                    header: LabelHeader { kid: Kid(kid), certificate, item, brand, expiry_days },
                    signature,
                };
                let code = label.to_code();
                prop_assert_eq!(code.len(), CODE_DIGITS);
                prop_assert_eq!(Label::parse(&code), Ok(label));
            }

            #[test]
            fn any_bytes_round_trip_through_digits(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
                let text = encode_digits(&bytes);
                prop_assert_eq!(text.len(), digits_for(bytes.len()));
                let mut out = vec![0u8; bytes.len()];
                prop_assert_eq!(decode_digits(&text, &mut out), Ok(()));
                prop_assert_eq!(out, bytes);
            }

            #[test]
            fn any_text_is_read_or_refused_without_panic(text in "\\PC{0,300}") {
                let _ = Label::parse(&text);
            }

            #[test]
            fn any_207_digits_are_read_or_refused(text in "[0-9]{207}") {
                match Label::parse(&text) {
                    Ok(label) => prop_assert_eq!(label.to_code(), text),
                    Err(e) => {
                        let expected = matches!(e, CodeError::GroupOverflow { .. } | CodeError::UnknownVersion(_));
                        prop_assert!(expected, "{}", e);
                    }
                }
            }
        }
    }
}

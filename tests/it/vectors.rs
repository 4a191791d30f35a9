//! `tests/vectors/label-v1.json`: the published test vectors of the v1 label code, checked
//! against the codec. The file is for other implementations; this test keeps it honest.
//! Regenerate with `cargo test --test it vectors::write_vectors -- --ignored`.

use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use tasdiq::domain::code::{Kid, Label, LabelHeader, encode_digits};
use tasdiq::domain::values::{date_from_label_days, label_days};

use crate::support::repo;

fn path() -> std::path::PathBuf {
    repo().join("tests/vectors/label-v1.json")
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn valid(seed: u8, certificate: u64, item: u32, brand: u16, expires_on: &str) -> Value {
    let k = key(seed);
    let days = label_days(expires_on.parse().unwrap()).unwrap();
    let label = LabelHeader {
        kid: Kid::of(&k.verifying_key()),
        certificate,
        item,
        brand,
        expiry_days: days,
    }
    .sign(&k);
    json!({
        "secret_key": hex::encode(k.to_bytes()),
        "public_key": hex::encode(k.verifying_key().to_bytes()),
        "kid": Kid::of(&k.verifying_key()).to_string(),
        "certificate": certificate.to_string(),
        "item": item,
        "brand": brand,
        "expires_on": expires_on,
        "code": label.to_code(),
        "valid": true,
    })
}

fn vectors() -> Vec<Value> {
    let mut v = vec![
        valid(1, 7_349_205_880_417_335_512, 1, 1, "2028-11-01"),
        valid(2, 123_456_789, u32::MAX, 12, "2030-06-30"),
        valid(3, 42, 500, 65535, "2000-01-01"),
        valid(4, u64::MAX, 1_000_000, 3, "2179-06-06"),
        valid(5, 1, 1, 1, "2026-11-29"),
        valid(6, 0, 0, 0, "2099-12-31"),
    ];
    let base = v[0]["code"].as_str().unwrap().to_owned();
    let mut flipped = base.clone().into_bytes();
    // The last digit group holds the signature's final byte; change one digit of the group
    // before it, inside the signature, by one.
    flipped[200] = if flipped[200] == b'9' {
        b'8'
    } else {
        flipped[200] + 1
    };
    let flipped = String::from_utf8(flipped).unwrap();
    let mut bytes = Label::parse(&base).unwrap().to_bytes();
    bytes[0] = 2;
    let unknown_version = encode_digits(&bytes);
    let invalid = [
        (base[..206].to_owned(), "bad_length: 206 digits"),
        (format!("{base}0"), "bad_length: 208 digits"),
        (String::new(), "bad_length: empty"),
        (
            format!("{}a{}", &base[..100], &base[101..]),
            "non_digit: 'a' at position 100",
        ),
        (
            format!("{}\u{0663}{}", &base[..5], &base[6..]),
            "non_digit: ARABIC-INDIC DIGIT THREE at position 5",
        ),
        (
            format!("72057594037927936{}", &base[17..]),
            "group_overflow: first 7-byte group is 2^56",
        ),
        (
            format!("{}256", &base[..204]),
            "group_overflow: last 1-byte group is 256",
        ),
        (
            flipped,
            "bad_signature: one signature digit changed (key of the first valid entry)",
        ),
        (unknown_version, "unknown_version: version byte 2"),
    ];
    for (code, why) in invalid {
        v.push(json!({"code": code, "valid": false, "why": why}));
    }
    v
}

#[test]
#[ignore = "writes the published vectors; run by hand after a deliberate change"]
fn write_vectors() {
    let text = serde_json::to_string_pretty(&vectors()).unwrap();
    std::fs::write(path(), text + "\n").unwrap();
}

#[test]
fn the_codec_reproduces_the_published_vectors() {
    let text = std::fs::read_to_string(path()).unwrap();
    let published: Vec<Value> = serde_json::from_str(&text).unwrap();
    // The file is exactly what the generator makes: nothing edited by hand, nothing stale.
    assert_eq!(published, vectors());

    let valid: Vec<&Value> = published.iter().filter(|v| v["valid"] == true).collect();
    let invalid: Vec<&Value> = published.iter().filter(|v| v["valid"] == false).collect();
    assert!(valid.len() >= 5 && invalid.len() >= 5);
    let keys: Vec<SigningKey> = valid
        .iter()
        .map(|v| {
            let mut s = [0u8; 32];
            hex::decode_to_slice(v["secret_key"].as_str().unwrap(), &mut s).unwrap();
            SigningKey::from_bytes(&s)
        })
        .collect();

    for (v, k) in valid.iter().zip(&keys) {
        let public = k.verifying_key();
        assert_eq!(hex::encode(public.to_bytes()), v["public_key"]);
        assert_eq!(Kid::of(&public).to_string(), v["kid"]);
        let label = Label::parse(v["code"].as_str().unwrap()).unwrap();
        let h = label.header;
        assert_eq!(h.certificate.to_string(), v["certificate"]);
        assert_eq!(u64::from(h.item), v["item"].as_u64().unwrap());
        assert_eq!(u64::from(h.brand), v["brand"].as_u64().unwrap());
        assert_eq!(
            date_from_label_days(h.expiry_days).to_string(),
            v["expires_on"]
        );
        assert!(label.verify(&public));
        // Bit for bit: signing the same fields again gives the same code.
        assert_eq!(h.sign(k).to_code(), v["code"]);
    }
    for v in invalid {
        let code = v["code"].as_str().unwrap();
        let why = v["why"].as_str().unwrap();
        match Label::parse(code) {
            Err(e) => assert!(why.starts_with(e.reason()), "{why}: got {e}"),
            Ok(label) => {
                assert!(why.starts_with("bad_signature"), "{why}");
                let k = keys
                    .iter()
                    .find(|k| Kid::of(&k.verifying_key()) == label.header.kid)
                    .expect("signed by a published key");
                assert!(!label.verify(&k.verifying_key()));
            }
        }
    }
}

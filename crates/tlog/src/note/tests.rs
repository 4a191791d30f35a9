//! Unit tests of signed notes: the specification's and Go's known answers, round trips, and
//! every strict-parse rule failing on its own.

use super::*;

const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
// Go sumdb/note's test key and its signature of a fixed text.
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn known(vkeys: &[&str]) -> Verifiers {
    Verifiers::from_keys(vkeys.iter().map(|v| VerifierKey::parse(v).unwrap())).unwrap()
}

fn signer(name: &str, alg: Algorithm, seed: u8) -> Signer {
    Signer::new(
        KeyName::new(name).unwrap(),
        alg,
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
    )
}

#[test]
fn the_specification_example_verifies() {
    let v = VerifierKey::parse(SPEC_VKEY).unwrap();
    assert_eq!(v.to_string(), SPEC_VKEY);
    let note = Note::parse(SPEC_NOTE.as_bytes()).unwrap();
    assert_eq!(note.text(), "This is an example message.\n");
    assert_eq!(note.to_string(), SPEC_NOTE);
    let ok = note.verify(&known(&[SPEC_VKEY])).unwrap();
    assert!(ok.by(&v));
    assert_eq!(ok.unknown, 0);
}

#[test]
fn go_keys_sign_byte_for_byte() {
    let s = Signer::parse(PETER_SKEY).unwrap();
    assert_eq!(s.to_private_string(), PETER_SKEY);
    assert_eq!(s.verifier().to_string(), PETER_VKEY);
    assert_eq!(s.id(), KeyId(0xc74f20a3));
    let mut note = Note::new(PETER_TEXT).unwrap();
    note.sign(&s).unwrap();
    assert_eq!(note.to_string(), format!("{PETER_TEXT}\n{PETER_SIG}"));
    // Debug never shows the key.
    assert!(!format!("{s:?}").contains("AYEK"));
}

#[test]
fn unknown_signatures_are_ignored_known_bad_ones_reject() {
    let two = format!("{PETER_TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    let note = Note::parse(two.as_bytes()).unwrap();
    assert_eq!(note.signatures().len(), 2);
    let ok = note.verify(&known(&[PETER_VKEY])).unwrap();
    assert_eq!((ok.verified.len(), ok.unknown), (1, 1));
    // No known key at all.
    assert_eq!(
        note.verify(&known(&[SPEC_VKEY])),
        Err(NoteError::NoKnownSignature)
    );
    // Same name, other key: unknown, so ignored, so nothing verifies.
    let other = signer("PeterNeumann", Algorithm::Ed25519, 9).verifier();
    assert_eq!(
        note.verify(&Verifiers::from_keys([other]).unwrap()),
        Err(NoteError::NoKnownSignature)
    );
    // A known key whose signature is over another text rejects the whole note.
    let forged = format!("{}\n{PETER_SIG}", PETER_TEXT.replace("know", "knew"));
    let forged = Note::parse(forged.as_bytes()).unwrap();
    assert!(matches!(
        forged.verify(&known(&[PETER_VKEY])),
        Err(NoteError::InvalidSignature { .. })
    ));
}

#[test]
fn several_signatures_and_cosignatures() {
    let log = signer("example.com/log", Algorithm::Ed25519, 1);
    let w1 = signer("w1.example", Algorithm::Cosignature, 2);
    let w2 = signer("w2.example", Algorithm::Cosignature, 3);
    let text = format!("example.com/log\n5\n{}\n", crate::Hash::EMPTY);
    let mut note = Note::new(text.clone()).unwrap();
    note.sign(&log).unwrap();
    note.add_signature(w1.cosign(&text, 1_700_000_000).unwrap());
    note.add_signature(w2.cosign(&text, 1_700_000_005).unwrap());
    let parsed = Note::parse(&note.to_bytes()).unwrap();
    assert_eq!(parsed, note);
    let all = Verifiers::from_keys([log.verifier(), w1.verifier(), w2.verifier()]).unwrap();
    let ok = parsed.verify(&all).unwrap();
    let times: Vec<_> = ok.verified.iter().map(|v| v.timestamp).collect();
    assert_eq!(times, [None, Some(1_700_000_000), Some(1_700_000_005)]);
    // The cosignature key ID uses type 0x04, so the same key as 0x01 has another ID.
    let same_key_ed = signer("w1.example", Algorithm::Ed25519, 2);
    assert_ne!(same_key_ed.id(), w1.id());
    // A cosignature signs the timestamp: change it and it fails.
    let mut tampered = parsed.clone();
    tampered.signatures[1].bytes[7] ^= 1;
    assert!(tampered.verify(&all).is_err());
    // Wrong algorithm use and non-checkpoint texts are refused.
    assert_eq!(log.cosign(&text, 1), Err(NoteError::WrongAlgorithm));
    assert_eq!(w1.sign(&text), Err(NoteError::WrongAlgorithm));
    assert!(w1.cosign("not a checkpoint\n", 1).is_err());
    assert!(w1.cosign(&text, 1 << 63).is_err());
    // Cosignature vkeys round-trip with type 0x04.
    let vk = w1.verifier().to_string();
    assert!(vk.starts_with(&format!("w1.example+{}+B", w1.id())));
    assert_eq!(VerifierKey::parse(&vk).unwrap(), w1.verifier());
    let sk = w1.to_private_string();
    assert_eq!(Signer::parse(&sk).unwrap().verifier(), w1.verifier());
}

#[test]
fn vkeys_and_private_keys_are_strict() {
    let good = PETER_VKEY;
    for bad in [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        // Go's bad keys: wrong length, unknown algorithm (each with an adjusted key ID).
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
    ] {
        assert!(VerifierKey::parse(bad).is_err(), "{bad}");
    }
    assert!(VerifierKey::parse(good).is_ok());
    for bad in [
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKD",
    ] {
        assert_eq!(Signer::parse(bad).unwrap_err(), NoteError::BadSignerKey);
        // The error text never repeats the secret.
        assert!(!Signer::parse(bad).unwrap_err().to_string().contains("AYEK"));
    }
    for name in ["", "a b", "a+b", "a\u{a0}b", "a\tb", "a\u{7}b"] {
        assert!(KeyName::new(name).is_err(), "{name:?}");
    }
    let dup = VerifierKey::parse(good).unwrap();
    assert!(Verifiers::from_keys([dup.clone(), dup]).is_err());
}

#[test]
fn strict_parse_rejects_each_broken_rule() {
    let good = format!("{PETER_TEXT}\n{PETER_SIG}");
    assert!(Note::parse(good.as_bytes()).is_ok());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("no trailing newline", good.trim_end().as_bytes().to_vec()),
        ("trailing junk", format!("{good}x").into_bytes()),
        ("trailing blank line", format!("{good}\n").into_bytes()),
        (
            "no blank line",
            format!("{PETER_TEXT}{PETER_SIG}").into_bytes(),
        ),
        ("no signatures", format!("{PETER_TEXT}\n").into_bytes()),
        ("carriage return", good.replace('\n', "\r\n").into_bytes()),
        ("tab in text", good.replacen("If", "If\t", 1).into_bytes()),
        ("NUL", good.replacen("If", "If\0", 1).into_bytes()),
        ("invalid UTF-8", {
            let mut b = good.clone().into_bytes();
            b[3] = 0xff;
            b
        }),
        (
            "hyphen not em dash",
            good.replace('\u{2014}', "-").into_bytes(),
        ),
        (
            "two spaces",
            good.replace("\u{2014} ", "\u{2014}  ").into_bytes(),
        ),
        (
            "bad name",
            good.replace("PeterNeumann", "Peter+Neumann").into_bytes(),
        ),
        (
            "no signature",
            format!("{PETER_TEXT}\n\u{2014} PeterNeumann \n").into_bytes(),
        ),
        (
            "short signature",
            format!("{PETER_TEXT}\n\u{2014} PeterNeumann AAAAAA==\n").into_bytes(),
        ),
        ("unpadded base64", good.replace("nAM=", "nAM").into_bytes()),
        (
            "space in base64",
            good.replace("x08go", "x08 go").into_bytes(),
        ),
        (
            "text line after signatures",
            format!("{good}more\n").into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        assert!(Note::parse(&bytes).is_err(), "{what} was accepted");
    }
    assert!(Note::new("no newline").is_err());
    assert!(Note::new("tab\tin text\n").is_err());
}

#[test]
fn limits_bound_size_and_signature_count() {
    let s = signer("k", Algorithm::Ed25519, 7);
    let mut note = Note::new("x\n").unwrap();
    note.sign(&s).unwrap();
    for i in 0..20u8 {
        let mut sig = s.sign("x\n").unwrap();
        sig.name = KeyName::new(&format!("other{i}")).unwrap();
        note.add_signature(sig);
    }
    let bytes = note.to_bytes();
    // The spec asks verifiers to accept at least 16 signatures; the default takes 64.
    assert!(Note::parse(&bytes).is_ok());
    let tight = Limits {
        max_size: 1 << 20,
        max_signatures: 16,
    };
    assert_eq!(
        Note::parse_with(&bytes, &tight),
        Err(NoteError::TooManySignatures(16))
    );
    let small = Limits {
        max_size: bytes.len() - 1,
        max_signatures: 64,
    };
    assert_eq!(
        Note::parse_with(&bytes, &small),
        Err(NoteError::TooLarge(bytes.len() - 1))
    );
}

#[test]
fn texts_with_blank_lines_split_at_the_last_one() {
    let s = signer("k", Algorithm::Ed25519, 7);
    for text in ["a\n\nb\n", "a\n\n", "\n", "a\n\n\u{2014} fake AAAAAAAA\n"] {
        let mut note = Note::new(text).unwrap();
        note.sign(&s).unwrap();
        let back = Note::parse(&note.to_bytes()).unwrap();
        assert_eq!(back.text(), text);
        assert!(
            back.verify(&Verifiers::from_keys([s.verifier()]).unwrap())
                .is_ok()
        );
    }
}

#[test]
fn the_specification_cosignature_has_its_timestamp_after_the_key_id() {
    // tlog-cosignature's example line; its signed message shows "time 1679315147".
    let line = "\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==";
    let sig = Signature::parse_line(line).unwrap();
    assert_eq!(sig.bytes.len(), Algorithm::Cosignature.signature_len());
    let time = u64::from_be_bytes(sig.bytes[..8].try_into().unwrap());
    assert_eq!(time, 1_679_315_147);
    assert_eq!(
        keys::cosignature_message("o\n1\nAAAA\n", time),
        "cosignature/v1\ntime 1679315147\no\n1\nAAAA\n"
    );
}

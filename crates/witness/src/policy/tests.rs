//! Policy tests: the specification's two-level example, every syntax rule refused with its
//! line, and checks of cosigned checkpoints against quorums.

use super::*;
use tasdiq_tlog::Hash;
use tasdiq_tlog::note::{KeyName, Signer};

fn signer(name: &str, alg: Algorithm, seed: u8) -> Signer {
    Signer::new(
        KeyName::new(name).unwrap(),
        alg,
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
    )
}

fn log() -> Signer {
    signer("example.com/log", Algorithm::Ed25519, 1)
}

/// Witness `i` of the example: X1..X3 are seeds 11..13, Y1..Y3 seeds 21..23.
fn w(name: &str) -> Signer {
    let seed = match name {
        "X1" => 11,
        "X2" => 12,
        "X3" => 13,
        "Y1" => 21,
        "Y2" => 22,
        _ => 23,
    };
    signer(&format!("w.example/{name}"), Algorithm::Cosignature, seed)
}

fn example() -> String {
    let mut s = format!(
        "# the specification's example\nlog {}\n\n",
        log().verifier()
    );
    for n in ["X1", "X2", "X3"] {
        s.push_str(&format!("witness {n} {}\n", w(n).verifier()));
    }
    s.push_str("group X-witnesses 2 X1 X2 X3\n\n");
    for n in ["Y1", "Y2", "Y3"] {
        s.push_str(&format!(
            "\twitness\t{n}  {} https://{n}.example\n",
            w(n).verifier()
        ));
    }
    s.push_str("group Y-witnesses any Y1 Y2 Y3\n");
    s.push_str("group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n");
    s
}

fn checkpoint(cosigners: &[&str]) -> Note {
    let mut n = Checkpoint::new("example.com/log", 10, Hash([1; 32]))
        .to_note()
        .unwrap();
    n.sign(&log()).unwrap();
    for c in cosigners {
        n.add_signature(w(c).cosign(n.text(), 1_800_000_000).unwrap());
    }
    n
}

#[test]
fn the_specification_example_parses_and_prints_back() {
    let p = Policy::parse(&example()).unwrap();
    assert_eq!(p.logs().len(), 1);
    assert_eq!(p.witnesses().len(), 6);
    assert_eq!(p.witnesses()[3].url.as_deref(), Some("https://Y1.example"));
    assert_eq!(Policy::parse(&p.to_string()).unwrap(), p);
    assert!(
        p.to_string()
            .contains("group X-and-Y all X-witnesses Y-witnesses\n")
    );
    // Two levels of groups are not a flat k-of-n.
    assert!(p.to_proof_policy("example.com/log").is_none());
}

#[test]
fn quorums_are_evaluated_through_groups() {
    let p = Policy::parse(&example()).unwrap();
    let ok = p.check(&checkpoint(&["X1", "X3", "Y2"])).unwrap();
    let names: Vec<_> = ok.cosignatures.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X1", "X3", "Y2"]);
    assert_eq!(ok.cosignatures[0].1.timestamp, Some(1_800_000_000));
    for short in [&["X1", "X2"][..], &["X1", "Y1", "Y2", "Y3"], &[]] {
        let err = p.check(&checkpoint(short)).unwrap_err();
        assert!(matches!(err, CheckError::Quorum { .. }), "{short:?}: {err}");
    }
}

#[test]
fn check_refuses_bad_signatures_other_logs_and_zero_times() {
    let p = Policy::parse(&example()).unwrap();
    let mut forged = checkpoint(&["X1", "X2"]);
    let mut bad = w("Y1").cosign(forged.text(), 5).unwrap();
    bad.bytes[30] ^= 1;
    forged.add_signature(bad);
    assert!(matches!(p.check(&forged), Err(CheckError::Signature(_))));

    let mut unsigned = Checkpoint::new("example.com/log", 1, Hash([1; 32]))
        .to_note()
        .unwrap();
    unsigned.add_signature(w("X1").cosign(unsigned.text(), 5).unwrap());
    assert!(matches!(p.check(&unsigned), Err(CheckError::Signature(_))));

    let other = Checkpoint::new("example.com/other", 1, Hash([1; 32]))
        .to_note()
        .unwrap();
    assert!(matches!(p.check(&other), Err(CheckError::UnknownLog(_))));

    let mut zero = checkpoint(&["X1", "X2", "Y1"]);
    zero.add_signature(w("Y2").cosign(zero.text(), 0).unwrap());
    assert!(matches!(p.check(&zero), Err(CheckError::ZeroTimestamp(_))));

    // A stranger's cosignature is ignored, not counted.
    let mut strangers = checkpoint(&["X1", "X2"]);
    let s = signer("w.example/stranger", Algorithm::Cosignature, 99);
    strangers.add_signature(s.cosign(strangers.text(), 5).unwrap());
    assert!(matches!(
        p.check(&strangers),
        Err(CheckError::Quorum { .. })
    ));
}

#[test]
fn threshold_policies_and_none() {
    let ws: Vec<PolicyWitness> = ["X1", "X2", "X3"]
        .iter()
        .map(|n| PolicyWitness {
            name: n.to_string(),
            key: w(n).verifier(),
            url: Some(format!("http://{n}.example")),
        })
        .collect();
    let logs = vec![PolicyLog {
        key: log().verifier(),
        url: None,
    }];
    let p = Policy::threshold(logs.clone(), ws.clone(), 2).unwrap();
    assert!(p.check(&checkpoint(&["X2", "X3"])).is_ok());
    assert!(p.check(&checkpoint(&["X2", "Y1"])).is_err());
    let flat = p.to_proof_policy("example.com/log").unwrap();
    assert_eq!((flat.quorum, flat.witnesses.keys().len()), (2, 3));
    assert!(p.to_proof_policy("example.com/other").is_none());

    let none = Policy::threshold(logs, ws, 0).unwrap();
    assert!(none.to_string().ends_with("quorum none\n"));
    assert!(none.check(&checkpoint(&[])).is_ok());
    assert_eq!(none.to_proof_policy("example.com/log").unwrap().quorum, 0);
    assert!(Policy::threshold(vec![], vec![], 1).is_err());
}

#[test]
fn syntax_rules_are_enforced_with_the_line() {
    let l = format!("log {}\n", log().verifier());
    let x1 = format!("witness X1 {}\n", w("X1").verifier());
    let x2 = format!("witness X2 {}\n", w("X2").verifier());
    let cases: Vec<(String, usize, &str)> = vec![
        (l.clone(), 0, "exactly one quorum"),
        (
            format!("{l}quorum none\nquorum none\n"),
            3,
            "exactly one quorum",
        ),
        (format!("{l}quorum X1\n{x1}"), 2, "not a witness or group"),
        (format!("{l}{l}quorum none\n"), 2, "already listed"),
        (format!("{x1}{x1}quorum none\n"), 2, "already defined"),
        (
            format!("{x1}witness X9 {}\nquorum none\n", w("X1").verifier()),
            2,
            "already listed",
        ),
        (
            format!("{x1}witness none {}\nquorum none\n", w("X2").verifier()),
            2,
            "predefined",
        ),
        (
            format!("{x1}group g 2 X1\nquorum g\n"),
            2,
            "between 1 and 1",
        ),
        (
            format!("{x1}group g 0 X1\nquorum g\n"),
            2,
            "between 1 and 1",
        ),
        (
            format!("{x1}group g most X1\nquorum g\n"),
            2,
            "all, any or a number",
        ),
        (
            format!("{x1}group g any X1 X1\nquorum g\n"),
            2,
            "listed twice",
        ),
        (
            format!("{x1}group g any none\nquorum g\n"),
            2,
            "cannot be a group member",
        ),
        (
            format!("{x1}group g any\nquorum g\n"),
            2,
            "at least one member",
        ),
        (
            format!("{x1}{x2}group g any X1 h\nquorum g\n"),
            3,
            "not a witness or group",
        ),
        (
            format!("witness X1 {}\nquorum none\n", log().verifier()),
            1,
            "signature type",
        ),
        (
            format!("log {}\nquorum none\n", w("X1").verifier()),
            1,
            "signature type",
        ),
        (
            format!("{l}witness X1\nquorum none\n"),
            2,
            "'witness <name> <vkey> [<url>]'",
        ),
        (
            format!("{l}log {} u extra\nquorum none\n", w("X1").verifier()),
            2,
            "'log <vkey>",
        ),
        (
            format!("{l}cosigner X1\nquorum none\n"),
            2,
            "unknown keyword",
        ),
        (format!("{l}quorum none\r\n"), 2, "control characters"),
        (format!("{l}quorum\n"), 2, "'quorum <name>'"),
    ];
    for (text, line, why) in cases {
        let err = Policy::parse(&text).unwrap_err();
        assert_eq!(err.line, line, "{text:?}: {err}");
        assert!(err.message.contains(why), "{text:?}: {err}");
    }
    // A final line without its newline, comments after whitespace, and tabs are fine.
    let ok = format!("  # comment\n{l}\t\n{x1}quorum X1");
    assert!(Policy::parse(&ok).is_ok());
}

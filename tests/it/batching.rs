//! Cross-request batching of signature checks on the single-code routes (issue 19): requests
//! that arrive together share a batch, and every answer is still exactly `verify_strict`'s.
//!
//! The edge cases of "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko, 2020), made as
//! label codes so that they go through the routes: R of small order, R with a torsion
//! component (only the key holder can make one), S not reduced (S + ℓ), a key of small order
//! with R the identity and S = 0 (every equation holds, `verify_strict` refuses the key), and a
//! key of mixed order whose signature `verify_strict` accepts. Each is sent among genuine
//! labels and tampered ones, all at once.

use axum::body::Body;
use axum::http::{Request, header};
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::VerifyingKey;
use http_body_util::BodyExt;
use serde_json::Value;
use sha2::{Digest, Sha512};
use tasdiq::domain::code::{Kid, Label, LabelHeader};
use tasdiq::domain::values::KeyStatus;
use tower::ServiceExt;

use crate::support::{TestApp, tamper};

/// A point of order 8.
fn t8() -> EdwardsPoint {
    let bytes: [u8; 32] =
        hex::decode("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
            .unwrap()
            .try_into()
            .unwrap();
    CompressedEdwardsY(bytes).decompress().unwrap()
}

fn challenge(r: &[u8; 32], a: &[u8; 32], m: &[u8]) -> Scalar {
    let mut h = Sha512::new();
    h.update(r);
    h.update(a);
    h.update(m);
    Scalar::from_bytes_mod_order_wide(&h.finalize().into())
}

fn label(header: LabelHeader, r: [u8; 32], s: [u8; 32]) -> String {
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&r);
    signature[32..].copy_from_slice(&s);
    Label { header, signature }.to_code()
}

/// What only a key holder can make: S = r + k·a for an R = [r]B + torsion of our choosing.
fn sign_with_r(
    a: Scalar,
    key: &[u8; 32],
    h: LabelHeader,
    r: Scalar,
    torsion: EdwardsPoint,
) -> String {
    let big_r = (B * r + torsion).compress().to_bytes();
    let k = challenge(&big_r, key, &h.signing_message());
    label(h, big_r, (r + k * a).to_bytes())
}

/// S + ℓ, little-endian: the same signature with S not reduced.
fn unreduced(s: [u8; 32]) -> [u8; 32] {
    const ELL: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(s[i]) + u16::from(ELL[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

async fn verdict(router: axum::Router, uri: String) -> Value {
    let res = router
        .oneshot(
            Request::get(uri)
                .header(header::ACCEPT, "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn edge_case_signatures_in_batches_get_verify_strict_answers() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let ring = app.state.key_ring();
    let signer = ring.get(cert.facts.kid).unwrap();
    let sk = signer.secret.as_ref().unwrap().signing_key();
    let a = sk.to_scalar();
    let pk = sk.verifying_key().to_bytes();
    let header_of = |kid: Kid, item: u32| LabelHeader {
        kid,
        certificate: cert.facts.number,
        item,
        brand: cert.facts.brand,
        expiry_days: tasdiq::domain::values::label_days(cert.facts.expires_on).unwrap(),
    };

    // A key of small order (the identity) and a key of mixed order (ours plus T8), both known
    // to the ring as retired keys, so labels under them reach the signature check.
    let identity = VerifyingKey::from_bytes(&EdwardsPoint::default().compress().to_bytes())
        .expect("the identity decompresses");
    let mixed_point = B * a + t8();
    let mixed = VerifyingKey::from_bytes(&mixed_point.compress().to_bytes()).unwrap();
    let now = chrono::Utc::now();
    for k in [&identity, &mixed] {
        tasdiq::store::signing_keys::insert(app.conn(), k, KeyStatus::Retired, now)
            .await
            .unwrap();
    }
    app.state.reload_keys().await.unwrap();

    // Refused by verify_strict, each for its own reason.
    let mut refused = Vec::new();
    for j in 1..8u64 {
        // R with a torsion component of order 8, 4 or 2 (j·T8), signed by the key holder.
        refused.push(sign_with_r(
            a,
            &pk,
            header_of(cert.facts.kid, 100 + j as u32),
            Scalar::from(1000 + j),
            t8() * Scalar::from(j),
        ));
        // R of small order itself (r = 0).
        refused.push(sign_with_r(
            a,
            &pk,
            header_of(cert.facts.kid, 200 + j as u32),
            Scalar::ZERO,
            t8() * Scalar::from(j),
        ));
    }
    let genuine = tasdiq::domain::keys::KeyRing::sign_label(&ring, &cert.facts, 300).unwrap();
    let sig = genuine.signature;
    let mut s = [0u8; 32];
    s.copy_from_slice(&sig[32..]);
    let mut r = [0u8; 32];
    r.copy_from_slice(&sig[..32]);
    refused.push(label(genuine.header, r, unreduced(s)));
    let ident = EdwardsPoint::default().compress().to_bytes();
    refused.push(label(header_of(Kid::of(&identity), 301), ident, [0u8; 32]));
    for pos in [30, 120, 190] {
        refused.push(tamper(&app.code(&cert, 302), pos));
    }

    // Accepted by verify_strict although the key has a torsion component: R = [r]B − [k]T8
    // for the k the hash gives, found by trying values of r.
    let mixed_header = header_of(Kid::of(&mixed), 303);
    let message = mixed_header.signing_message();
    let mut accepted_mixed = None;
    'search: for r in 1..2000u64 {
        for j in 0..8u64 {
            let big_r = B * Scalar::from(r) + t8() * Scalar::from(j);
            let rb = big_r.compress().to_bytes();
            let k = challenge(&rb, mixed.as_bytes(), &message);
            if big_r == B * Scalar::from(r) - t8() * k {
                let s = Scalar::from(r) + k * a;
                accepted_mixed = Some(label(mixed_header, rb, s.to_bytes()));
                break 'search;
            }
        }
    }
    let accepted_mixed = accepted_mixed.expect("a signature under the mixed-order key");
    let parsed = Label::parse(&accepted_mixed).unwrap();
    assert!(parsed.verify(&mixed), "verify_strict accepts it");
    for c in &refused {
        let l = Label::parse(c);
        let key = l.as_ref().ok().and_then(|l| ring_key(&app, l.header.kid));
        assert!(
            l.is_err() || key.is_none_or(|k| !l.as_ref().unwrap().verify(&k)),
            "verify_strict refuses every one of these"
        );
    }

    // All at once, through both single-code routes, genuine labels around each case.
    let router = tasdiq::app(app.state.clone());
    let before = app.state.verifier.batch_stats();
    let mut tasks: tokio::task::JoinSet<(usize, Value)> = tokio::task::JoinSet::new();
    let mut expect = Vec::new();
    let mut item = 1;
    let mut push =
        |code: String, want: &'static str, tasks: &mut tokio::task::JoinSet<(usize, Value)>| {
            let n = expect.len();
            let uri = if n % 2 == 0 {
                format!("/api/v1/verify/{code}")
            } else {
                format!("/v/{code}")
            };
            let router = router.clone();
            tasks.spawn(async move { (n, verdict(router, uri).await) });
            expect.push(want);
        };
    for c in refused.iter().chain([&accepted_mixed]) {
        for _ in 0..3 {
            push(app.code(&cert, item), "authentic", &mut tasks);
            item += 1;
        }
        let want = if *c == accepted_mixed {
            "key_mismatch"
        } else {
            "refused"
        };
        push(c.clone(), want, &mut tasks);
    }
    let mut answers = vec![Value::Null; expect.len()];
    while let Some(done) = tasks.join_next().await {
        let (n, v) = done.unwrap();
        answers[n] = v;
    }
    for (n, (v, want)) in answers.iter().zip(&expect).enumerate() {
        match *want {
            "authentic" => assert_eq!(v["status"], "authentic", "request {n}: {v}"),
            "refused" => {
                assert_eq!(v["status"], "counterfeit", "request {n}: {v}");
                assert_eq!(v["reason"], "bad_signature", "request {n}: {v}");
            }
            // The signature is good; the key is not the certificate's, so still a fake, but
            // for that reason and not for its signature.
            _ => {
                assert_eq!(v["status"], "counterfeit", "request {n}: {v}");
                assert_eq!(v["reason"], "key_mismatch", "request {n}: {v}");
            }
        }
    }
    let after = app.state.verifier.batch_stats();
    assert!(
        after.largest_batch >= 4,
        "concurrent requests were checked together: {after:?}"
    );
    // Every signature went through a batch but the two under keys that cannot be batched
    // exactly (small and mixed order), which `verify_strict` answered alone.
    assert_eq!(after.direct - before.direct, 2, "{after:?}");
    assert_eq!(
        after.batched - before.batched,
        expect.len() as u64 - 2,
        "{after:?}"
    );
}

fn ring_key(app: &TestApp, kid: Kid) -> Option<VerifyingKey> {
    app.state.key_ring().get(kid).map(|k| k.public)
}

#[tokio::test]
async fn a_lone_request_is_answered_without_waiting_for_company() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let before = app.state.verifier.batch_stats();
    let res = app
        .get(&format!("/api/v1/verify/{}", app.code(&cert, 1)))
        .await;
    assert_eq!(res.json()["status"], "authentic");
    let after = app.state.verifier.batch_stats();
    assert_eq!(after.batches - before.batches, 1, "{after:?}");
    assert_eq!(after.batched - before.batched, 1, "a batch of one");
}

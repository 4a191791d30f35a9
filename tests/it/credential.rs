//! The certificate as a W3C Verifiable Credential: its proof is checked here with an
//! independent eddsa-jcs-2022 verifier (a different JCS crate, base58 decoding and did:key
//! resolution written from the specification), never with the code that made it.

use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::TestApp;

/// eddsa-jcs-2022 verification (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3.2–3.3.6).
fn verify(secured: &Value) -> Result<VerifyingKey, String> {
    let mut document = secured.clone();
    let proof = document
        .as_object_mut()
        .and_then(|o| o.remove("proof"))
        .ok_or("no proof")?;
    if proof["type"] != "DataIntegrityProof" || proof["cryptosuite"] != "eddsa-jcs-2022" {
        return Err("wrong proof type or cryptosuite".into());
    }
    let mut options = proof.clone();
    let proof_value = options
        .as_object_mut()
        .and_then(|o| o.remove("proofValue"))
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or("no proofValue")?;
    if let Some(ctx) = document.get("@context") {
        options["@context"] = ctx.clone();
    }
    let sig = proof_value
        .strip_prefix('z')
        .ok_or("proofValue is not base58btc multibase")?;
    let sig = bs58::decode(sig).into_vec().map_err(|e| e.to_string())?;
    let sig = Signature::from_slice(&sig).map_err(|e| e.to_string())?;

    // did:key:z6Mk…#z6Mk… → multicodec 0xed 0x01 + 32-byte key.
    let vm = proof["verificationMethod"]
        .as_str()
        .ok_or("no verificationMethod")?;
    let did = vm.split('#').next().unwrap();
    let mb = did.strip_prefix("did:key:z").ok_or("not a did:key")?;
    let raw = bs58::decode(mb).into_vec().map_err(|e| e.to_string())?;
    if raw.len() != 34 || raw[..2] != [0xed, 0x01] {
        return Err("not an Ed25519 did:key".into());
    }
    let key = VerifyingKey::from_bytes(raw[2..].try_into().unwrap()).map_err(|e| e.to_string())?;

    let canon_options = serde_jcs::to_vec(&options).map_err(|e| e.to_string())?;
    let canon_doc = serde_jcs::to_vec(&document).map_err(|e| e.to_string())?;
    let mut hash_data = Sha256::digest(&canon_options).to_vec();
    hash_data.extend_from_slice(&Sha256::digest(&canon_doc));
    key.verify_strict(&hash_data, &sig)
        .map_err(|e| e.to_string())?;
    Ok(key)
}

#[tokio::test]
async fn the_certificate_credential_verifies_independently() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let res = app
        .get(&format!("/api/v1/certificates/{}", cert.view.number))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "application/vc+ld+json");
    let vc = res.json();
    assert_eq!(vc["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert_eq!(vc["type"][0], "VerifiableCredential");
    let s = &vc["credentialSubject"];
    assert_eq!(s["certificateNumber"], cert.view.number);
    assert_eq!(s["quantity"], cert.facts.quantity);
    assert_eq!(s["labels"]["last"], cert.facts.quantity);
    assert_eq!(s["brand"]["number"], cert.facts.brand);
    assert!(s["producer"]["name"].is_string() && s["lot"].is_string() && s["product"].is_string());
    assert_eq!(s["producedOn"], cert.view.produced_on.to_string());
    assert_eq!(s["expiresOn"], cert.view.expires_on.to_string());
    assert_eq!(vc["proof"]["proofPurpose"], "assertionMethod");

    let key = verify(&vc).expect("the proof verifies");
    // The did:key is the key published in keys.json under the certificate's kid.
    let jwks = app.get("/.well-known/tasdiq/keys.json").await.json();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == s["signingKey"]["kid"])
        .expect("kid published");
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().unwrap())
        .unwrap();
    assert_eq!(key.as_bytes().as_slice(), x.as_slice());

    // Any change to the document breaks the proof.
    let mut forged = vc.clone();
    forged["credentialSubject"]["quantity"] = serde_json::json!(cert.facts.quantity + 1000);
    assert!(verify(&forged).is_err());
    let mut forged = vc.clone();
    forged["proof"]["created"] = serde_json::json!("2020-01-01T00:00:00Z");
    assert!(verify(&forged).is_err());

    app.get("/api/v1/certificates/12345").await.problem(404);
    app.get("/api/v1/certificates/12x").await.problem(400);
    app.get("/api/v1/certificates/99999999999999999999999")
        .await
        .problem(400);
}

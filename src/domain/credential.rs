//! Certificates as W3C Verifiable Credentials 2.0, secured with a `DataIntegrityProof` of the
//! `eddsa-jcs-2022` cryptosuite (W3C Data Integrity EdDSA Cryptosuites v1.0, §3.3):
//!
//! 1. the proof options, without `proofValue` and with the document's `@context`, are
//!    canonicalised with JCS (RFC 8785) and hashed with SHA-256;
//! 2. the document without `proof` is canonicalised and hashed the same way;
//! 3. the Ed25519 signature over `hash(proof options) ‖ hash(document)` is the proof value,
//!    multibase base58btc (`z…`).
//!
//! The verification method is a `did:key`, so anyone can check the proof from the document
//! alone; its key is also published in `keys.json` under the kid named in the subject.

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Why a credential could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("canonicalisation failed: {0}")]
    Jcs(String),
}

/// `did:key` of an Ed25519 public key: multicodec 0xed01 + key, base58btc.
pub fn did_key(public: &VerifyingKey) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&[0xed, 0x01]);
    bytes.extend_from_slice(public.as_bytes());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// The verification method URL of a key: its `did:key` with the key as fragment.
pub fn verification_method(public: &VerifyingKey) -> String {
    let did = did_key(public);
    let fragment = did.trim_start_matches("did:key:").to_owned();
    format!("{did}#{fragment}")
}

fn jcs(v: &Value) -> Result<Vec<u8>, CredentialError> {
    serde_json_canonicalizer::to_vec(v).map_err(|e| CredentialError::Jcs(e.to_string()))
}

/// RFC 3339 with second precision and `Z`, as VC `dateTimeStamp` wants it.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Adds an `eddsa-jcs-2022` proof to `document`, made with `key` at `created`.
pub fn sign(
    mut document: Value,
    key: &SigningKey,
    created: DateTime<Utc>,
) -> Result<Value, CredentialError> {
    let obj = document
        .as_object_mut()
        .ok_or(CredentialError::NotAnObject)?;
    obj.remove("proof");
    let mut proof = Map::new();
    proof.insert("type".into(), json!("DataIntegrityProof"));
    proof.insert("cryptosuite".into(), json!("eddsa-jcs-2022"));
    proof.insert("created".into(), json!(timestamp(created)));
    proof.insert(
        "verificationMethod".into(),
        json!(verification_method(&key.verifying_key())),
    );
    proof.insert("proofPurpose".into(), json!("assertionMethod"));
    let mut config = proof.clone();
    if let Some(ctx) = obj.get("@context") {
        config.insert("@context".into(), ctx.clone());
    }
    let mut hash_data = Vec::with_capacity(64);
    hash_data.extend_from_slice(&Sha256::digest(jcs(&Value::Object(config))?));
    hash_data.extend_from_slice(&Sha256::digest(jcs(&document)?));
    let signature = key.sign(&hash_data).to_bytes();
    proof.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(signature).into_string())),
    );
    if let Some(obj) = document.as_object_mut() {
        obj.insert("proof".into(), Value::Object(proof));
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_key_has_the_ed25519_multicodec_prefix() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let did = did_key(&k.verifying_key());
        // Every Ed25519 did:key starts with z6Mk.
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        let vm = verification_method(&k.verifying_key());
        assert_eq!(
            vm.split('#').nth(1).unwrap(),
            did.trim_start_matches("did:key:")
        );
    }

    #[test]
    fn the_proof_is_deterministic_and_covers_the_document() {
        let k = SigningKey::from_bytes(&[2; 32]);
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let doc = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "b": 1, "a": "é"});
        let one = sign(doc.clone(), &k, t).unwrap();
        let two = sign(doc, &k, t).unwrap();
        assert_eq!(one, two);
        let changed = sign(
            json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "b": 2, "a": "é"}),
            &k,
            t,
        )
        .unwrap();
        assert_ne!(one["proof"]["proofValue"], changed["proof"]["proofValue"]);
        assert!(
            one["proof"]["proofValue"]
                .as_str()
                .unwrap()
                .starts_with('z')
        );
        assert!(sign(json!([1]), &k, t).is_err());
    }
}

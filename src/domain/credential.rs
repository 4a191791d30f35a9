//! W3C Verifiable Credentials 2.0 secured with a `DataIntegrityProof` of the `eddsa-jcs-2022`
//! cryptosuite, as the final W3C texts have it (vc-di-eddsa, 2025, §3.3):
//!
//! 1. the proof takes the document's `@context` (step 2 of "Create Proof"), and the proof
//!    configuration is that proof without `proofValue`, canonicalised with JCS (RFC 8785) and
//!    hashed with SHA-256;
//! 2. the document without `proof` is canonicalised and hashed the same way;
//! 3. the Ed25519 signature over `hash(proof configuration) ‖ hash(document)` is the proof
//!    value, multibase base58btc (`z…`).
//!
//! A verifier hashes the proof exactly as received, so the published proof must carry the
//! `@context` that was signed.
//!
//! The verification method is the signing key's `did:key`, and the issuer's `id` is that same
//! DID, so a verifier links issuer and key from the document alone. The status of a credential
//! travels in W3C Bitstring Status Lists, one pair (revocation, suspension) per signing key so
//! that a list and the credentials it covers have the same issuer.

use std::io::Write;

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::verdict::{Decision, Status};

/// The VC 2.0 base context.
pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// The shortest list the Bitstring Status List spec allows: 16 KiB of bits.
pub const MIN_LIST_LENGTH: u64 = 131_072;

/// Why a credential could not be made or verified.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("canonicalisation failed: {0}")]
    Jcs(String),
    #[error("the proof is not an eddsa-jcs-2022 DataIntegrityProof")]
    NotOurProof,
    #[error("the proof's @context is not the start of the document's @context")]
    ContextMismatch,
    #[error("the verification method is not an Ed25519 did:key")]
    NotADidKey,
    #[error("the proof value is not a base58btc Ed25519 signature")]
    BadProofValue,
    #[error("the signature does not verify")]
    BadSignature,
    #[error("a status list index is outside the list")]
    IndexOutOfRange,
}

/// `did:key` of an Ed25519 public key: multicodec 0xed01 + key, base58btc.
pub fn did_key(public: &VerifyingKey) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&[0xed, 0x01]);
    bytes.extend_from_slice(public.as_bytes());
    format!("did:key:z{}", bs58::encode(bytes).into_string())
}

/// The public key of an Ed25519 `did:key` (with or without a `#fragment`).
pub fn did_key_public(did: &str) -> Option<VerifyingKey> {
    let did = did.split('#').next()?;
    let raw = bs58::decode(did.strip_prefix("did:key:z")?)
        .into_vec()
        .ok()?;
    let key: [u8; 32] = raw.strip_prefix(&[0xed, 0x01])?.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()
}

/// The verification method URL of a key: its `did:key` with the key as fragment.
pub fn verification_method(public: &VerifyingKey) -> String {
    let did = did_key(public);
    let fragment = did.trim_start_matches("did:key:").to_owned();
    format!("{did}#{fragment}")
}

/// The issuer of everything `public` signs: the key's DID (the controller of the verification
/// method, which is what `CredentialIssuancePurpose` checks) and the certifying body's name.
pub fn issuer(public: &VerifyingKey, organisation: &str) -> Value {
    json!({"id": did_key(public), "name": organisation})
}

fn jcs(v: &Value) -> Result<Vec<u8>, CredentialError> {
    serde_json_canonicalizer::to_vec(v).map_err(|e| CredentialError::Jcs(e.to_string()))
}

/// RFC 3339 with second precision and `Z`, as VC `dateTimeStamp` wants it.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `hash(JCS(proof configuration)) ‖ hash(JCS(document))`, what the signature covers.
fn hash_data(config: &Map<String, Value>, document: &Value) -> Result<Vec<u8>, CredentialError> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&Sha256::digest(jcs(&Value::Object(config.clone()))?));
    out.extend_from_slice(&Sha256::digest(jcs(document)?));
    Ok(out)
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
    if let Some(ctx) = obj.get("@context") {
        proof.insert("@context".into(), ctx.clone());
    }
    let signature = key.sign(&hash_data(&proof, &document)?).to_bytes();
    proof.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(signature).into_string())),
    );
    if let Some(obj) = document.as_object_mut() {
        obj.insert("proof".into(), Value::Object(proof));
    }
    Ok(document)
}

/// Verifies an `eddsa-jcs-2022` proof as vc-di-eddsa §3.3.2 says, and returns the key that
/// made it (from its `did:key` verification method). Strict Ed25519 verification.
pub fn verify(secured: &Value) -> Result<VerifyingKey, CredentialError> {
    let mut document = secured.clone();
    let obj = document
        .as_object_mut()
        .ok_or(CredentialError::NotAnObject)?;
    let mut options = match obj.remove("proof") {
        Some(Value::Object(p)) => p,
        _ => return Err(CredentialError::NotOurProof),
    };
    if options.get("type") != Some(&json!("DataIntegrityProof"))
        || options.get("cryptosuite") != Some(&json!("eddsa-jcs-2022"))
    {
        return Err(CredentialError::NotOurProof);
    }
    let proof_value = options
        .remove("proofValue")
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or(CredentialError::BadProofValue)?;
    if let Some(ctx) = options.get("@context") {
        let as_list = |v: &Value| match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        let (theirs, ours) = (as_list(ctx), obj.get("@context").map(as_list));
        if !ours.is_some_and(|d| d.starts_with(&theirs)) {
            return Err(CredentialError::ContextMismatch);
        }
        obj.insert("@context".into(), ctx.clone());
    }
    let key = options
        .get("verificationMethod")
        .and_then(Value::as_str)
        .and_then(did_key_public)
        .ok_or(CredentialError::NotADidKey)?;
    let signature = proof_value
        .strip_prefix('z')
        .and_then(|s| bs58::decode(s).into_vec().ok())
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or(CredentialError::BadProofValue)?;
    key.verify_strict(&hash_data(&options, &document)?, &signature)
        .map_err(|_| CredentialError::BadSignature)?;
    Ok(key)
}

/// The two purposes of a key's status lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusPurpose {
    /// Set for good: the certificate is revoked.
    Revocation,
    /// Set while the brand or the producer's right of use is suspended (or withdrawn, since a
    /// producer can be granted a new right), cleared when it comes back.
    Suspension,
}

impl StatusPurpose {
    pub const ALL: [StatusPurpose; 2] = [StatusPurpose::Revocation, StatusPurpose::Suspension];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Which list, if any, a lot's verdict sets its bit in. Revocation bits are never cleared, so
/// only final states go there; a withdrawn right of use is final for the verdict but a new
/// right can be granted, so it is a suspension for the lists.
pub fn purpose_of(decision: &Decision) -> Option<StatusPurpose> {
    match (decision.status, decision.reason) {
        (Status::Suspended, _) | (Status::Revoked, "member_withdrawn") => {
            Some(StatusPurpose::Suspension)
        }
        (Status::Revoked, _) => Some(StatusPurpose::Revocation),
        _ => None,
    }
}

/// The length of a key's lists once it has signed `count` certificates: the minimum, doubled
/// as often as needed to keep the lists at most half full, so a random index is found in a
/// couple of draws. Lists only grow, so an index once given stays inside its list.
pub fn list_length(count: u64) -> u64 {
    let mut length = MIN_LIST_LENGTH;
    while length < count.saturating_add(1).saturating_mul(2) {
        length = length.saturating_mul(2);
    }
    length
}

/// The `credentialStatus` of a credential at `index` in the lists under `lists` (the URL
/// prefix of the key's lists, which end in `/revocation` and `/suspension`).
pub fn status_entries(lists: &str, index: u64) -> Value {
    let entry = |purpose: StatusPurpose| {
        let list = format!("{lists}/{}", purpose.as_str());
        json!({
            "id": format!("{list}#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose.as_str(),
            "statusListIndex": index.to_string(),
            "statusListCredential": list,
        })
    };
    json!([
        entry(StatusPurpose::Revocation),
        entry(StatusPurpose::Suspension)
    ])
}

/// A bitstring of `length` bits with the bits at `set` on, as the spec encodes it: index 0 is
/// the most significant bit of the first byte; GZIP, then base64url without padding, then the
/// multibase prefix `u`.
pub fn encode_list(
    length: u64,
    set: impl IntoIterator<Item = u64>,
) -> Result<String, CredentialError> {
    let bytes =
        usize::try_from(length.div_ceil(8)).map_err(|_| CredentialError::IndexOutOfRange)?;
    let mut bits = vec![0u8; bytes];
    for i in set {
        let byte = usize::try_from(i / 8).map_err(|_| CredentialError::IndexOutOfRange)?;
        *bits.get_mut(byte).ok_or(CredentialError::IndexOutOfRange)? |= 0x80 >> (i % 8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bits)
        .map_err(|e| CredentialError::Jcs(e.to_string()))?;
    let zipped = gz
        .finish()
        .map_err(|e| CredentialError::Jcs(e.to_string()))?;
    Ok(format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(zipped)
    ))
}

/// An unsigned `BitstringStatusListCredential` at `url`.
pub fn status_list_document(
    url: &str,
    issuer: Value,
    purpose: StatusPurpose,
    encoded_list: String,
    valid_from: DateTime<Utc>,
) -> Value {
    json!({
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": encoded_list,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn did_key_has_the_ed25519_multicodec_prefix_and_round_trips() {
        let k = SigningKey::from_bytes(&[1; 32]);
        let did = did_key(&k.verifying_key());
        // Every Ed25519 did:key starts with z6Mk.
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        let vm = verification_method(&k.verifying_key());
        assert_eq!(
            vm.split('#').nth(1).unwrap(),
            did.trim_start_matches("did:key:")
        );
        assert_eq!(did_key_public(&vm), Some(k.verifying_key()));
        assert_eq!(did_key_public("did:key:z6MkBad"), None);
        assert_eq!(did_key_public("did:web:example.com"), None);
    }

    /// The W3C vector of vc-di-eddsa (TestVectors/eddsa-jcs-2022): our signer makes exactly
    /// its proof, `@context` included, and our verifier accepts it.
    #[test]
    fn the_w3c_eddsa_jcs_2022_vector_signs_and_verifies() {
        // privateKeyMultibase z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq: 0x8026 + seed.
        let raw = bs58::decode("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .into_vec()
            .unwrap();
        assert_eq!(raw[..2], [0x80, 0x26]);
        let key = SigningKey::from_bytes(raw[2..].try_into().unwrap());
        let unsigned = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"}
        });
        let created = "2023-02-24T23:36:38Z".parse().unwrap();
        let signed = sign(unsigned, &key, created).unwrap();
        let proof = &signed["proof"];
        assert_eq!(
            proof["proofValue"],
            "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
        );
        assert_eq!(
            proof["verificationMethod"],
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        );
        assert_eq!(proof["@context"], signed["@context"]);
        assert_eq!(verify(&signed).unwrap(), key.verifying_key());

        // A proof without the @context it was signed with no longer verifies.
        let mut stripped = signed.clone();
        stripped["proof"]
            .as_object_mut()
            .unwrap()
            .remove("@context");
        assert!(matches!(
            verify(&stripped),
            Err(CredentialError::BadSignature)
        ));
        // A proof context that is not the start of the document's is refused.
        let mut other = signed.clone();
        other["proof"]["@context"] = json!(["https://example.org/other"]);
        assert!(matches!(
            verify(&other),
            Err(CredentialError::ContextMismatch)
        ));
        let mut changed = signed;
        changed["credentialSubject"]["alumniOf"] = json!("Another School");
        assert!(matches!(
            verify(&changed),
            Err(CredentialError::BadSignature)
        ));
    }

    #[test]
    fn the_proof_is_deterministic_and_covers_the_document() {
        let k = SigningKey::from_bytes(&[2; 32]);
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let doc = json!({"@context": [VC_CONTEXT], "b": 1, "a": "é"});
        let one = sign(doc.clone(), &k, t).unwrap();
        assert_eq!(one, sign(doc, &k, t).unwrap());
        let changed = sign(json!({"@context": [VC_CONTEXT], "b": 2, "a": "é"}), &k, t).unwrap();
        assert_ne!(one["proof"]["proofValue"], changed["proof"]["proofValue"]);
        assert!(sign(json!([1]), &k, t).is_err());
        assert!(matches!(
            verify(&json!({"a": 1})),
            Err(CredentialError::NotOurProof)
        ));
    }

    fn decode_list(encoded: &str) -> Vec<u8> {
        let zipped = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded.strip_prefix('u').unwrap())
            .unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(zipped.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn a_status_list_puts_index_zero_in_the_leftmost_bit() {
        let encoded = encode_list(MIN_LIST_LENGTH, [0, 9, 131_071]).unwrap();
        let bits = decode_list(&encoded);
        assert_eq!(bits.len(), 16_384);
        assert_eq!(bits[0], 0b1000_0000);
        assert_eq!(bits[1], 0b0100_0000);
        assert_eq!(bits[16_383], 0b0000_0001);
        assert_eq!(bits.iter().map(|b| b.count_ones()).sum::<u32>(), 3);
        assert!(matches!(
            encode_list(MIN_LIST_LENGTH, [MIN_LIST_LENGTH]),
            Err(CredentialError::IndexOutOfRange)
        ));
    }

    #[test]
    fn lists_grow_to_stay_at_most_half_full() {
        assert_eq!(list_length(0), MIN_LIST_LENGTH);
        assert_eq!(list_length(65_535), MIN_LIST_LENGTH);
        assert_eq!(list_length(65_536), 2 * MIN_LIST_LENGTH);
        assert_eq!(list_length(200_000), 4 * MIN_LIST_LENGTH);
    }

    #[test]
    fn status_entries_name_both_lists_with_the_index_as_a_string() {
        let e = status_entries("https://t.example/lists/ab12cd34", 42);
        assert_eq!(e[0]["statusPurpose"], "revocation");
        assert_eq!(e[1]["statusPurpose"], "suspension");
        assert_eq!(e[0]["statusListIndex"], "42");
        assert_eq!(
            e[1]["statusListCredential"],
            "https://t.example/lists/ab12cd34/suspension"
        );
        assert_ne!(e[0]["id"], e[0]["statusListCredential"]);
        assert_eq!(
            StatusPurpose::parse("suspension"),
            Some(StatusPurpose::Suspension)
        );
        assert_eq!(StatusPurpose::parse("message"), None);
    }

    #[test]
    fn only_final_verdicts_go_to_the_revocation_list() {
        let purpose = |status, reason| purpose_of(&Decision { status, reason });
        assert_eq!(
            purpose(Status::Revoked, "certificate_revoked"),
            Some(StatusPurpose::Revocation)
        );
        assert_eq!(
            purpose(Status::Revoked, "key_compromised"),
            Some(StatusPurpose::Revocation)
        );
        assert_eq!(
            purpose(Status::Revoked, "brand_withdrawn"),
            Some(StatusPurpose::Revocation)
        );
        assert_eq!(
            purpose(Status::Revoked, "member_withdrawn"),
            Some(StatusPurpose::Suspension)
        );
        assert_eq!(
            purpose(Status::Suspended, "brand_suspended"),
            Some(StatusPurpose::Suspension)
        );
        assert_eq!(purpose(Status::Expired, "expired"), None);
        assert_eq!(purpose(Status::Authentic, "valid"), None);
    }
}

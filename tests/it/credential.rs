//! The certificate as a W3C Verifiable Credential: its proof is checked here with an
//! independent eddsa-jcs-2022 verifier written from the final W3C text (a different JCS
//! crate, base58 decoding and did:key resolution by hand), never with the code that made it.
//! Its status lists are decoded by hand too. `interop.rs` runs the Digital Bazaar stack.

use std::io::Read;

use axum::body::Body;
use axum::http::{Method, Request};
use base64::Engine;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tasdiq::domain::values::Role;

use crate::support::{TestApp, repo};

/// eddsa-jcs-2022 "Verify Proof" (W3C vc-di-eddsa, 2025, §3.3.2): the proof options are the
/// proof as received, without `proofValue`; when they carry `@context`, the document's must
/// start with it and the unsecured document takes it.
pub fn verify(secured: &Value) -> Result<VerifyingKey, String> {
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
    if let Some(ctx) = options.get("@context") {
        let list = |v: &Value| v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
        let (theirs, ours) = (list(ctx), list(&document["@context"]));
        if ours.len() < theirs.len() || ours[..theirs.len()] != theirs[..] {
            return Err("the document's @context does not start with the proof's".into());
        }
        document["@context"] = ctx.clone();
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

/// The bit of a Bitstring Status List credential at `index` (multibase `u`, base64url, GZIP,
/// index 0 leftmost), decoded by hand; with the list's length in bits.
fn bit(list: &Value, index: u64) -> (bool, u64) {
    let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
    let zipped = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded.strip_prefix('u').expect("multibase base64url"))
        .unwrap();
    assert_eq!(zipped[..2], [0x1f, 0x8b], "GZIP");
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .read_to_end(&mut bits)
        .unwrap();
    let byte = bits[usize::try_from(index / 8).unwrap()];
    (byte & (0x80 >> (index % 8)) != 0, bits.len() as u64 * 8)
}

/// The credential's status entry for `purpose`: its list (fetched, verified) and its bit.
async fn status(app: &TestApp, vc: &Value, purpose: &str) -> bool {
    let entry = vc["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["statusPurpose"] == purpose)
        .unwrap_or_else(|| panic!("no {purpose} entry"));
    assert_eq!(entry["type"], "BitstringStatusListEntry");
    let url = entry["statusListCredential"].as_str().unwrap();
    let path = url
        .strip_prefix("http://127.0.0.1:8080")
        .expect("under the public URL");
    let res = app.get(path).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "application/vc");
    let list = res.json();
    assert!(
        list["type"]
            .as_array()
            .unwrap()
            .contains(&json!("BitstringStatusListCredential"))
    );
    assert_eq!(list["id"], url);
    assert_eq!(list["credentialSubject"]["statusPurpose"], purpose);
    assert_eq!(
        list["issuer"], vc["issuer"],
        "a list has its credentials' issuer"
    );
    verify(&list).expect("the list's proof verifies");
    let index: u64 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    let (set, length) = bit(&list, index);
    assert!(length >= 131_072 && index < length);
    set
}

#[tokio::test]
async fn the_certificate_credential_verifies_independently() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let res = app
        .get(&format!("/api/v1/certificates/{}", cert.view.number))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.content_type(), "application/vc");
    let vc = res.json();
    assert_eq!(
        vc["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "http://127.0.0.1:8080/.well-known/tasdiq/credentials/v1"
        ])
    );
    assert_eq!(vc["type"][0], "VerifiableCredential");
    let s = &vc["credentialSubject"];
    assert_eq!(s["certificateNumber"], cert.view.number);
    assert_eq!(s["quantity"], cert.facts.quantity);
    assert_eq!(s["labels"]["last"], cert.facts.quantity);
    assert_eq!(s["brand"]["number"], cert.facts.brand);
    assert!(s["producer"]["name"].is_string() && s["lot"].is_string() && s["product"].is_string());
    assert_eq!(s["producedOn"], cert.view.produced_on.to_string());
    assert_eq!(s["expiresOn"], cert.view.expires_on.to_string());
    // Identifiers are IRIs, never bare numbers.
    assert_eq!(
        s["producer"]["id"],
        format!("urn:tasdiq:producer:{}", cert.view.producer.id)
    );
    assert!(s["brand"]["id"].as_str().unwrap().starts_with("http://"));
    let proof = &vc["proof"];
    assert_eq!(proof["proofPurpose"], "assertionMethod");
    assert_eq!(
        proof["@context"], vc["@context"],
        "the proof carries @context"
    );
    // The issuer is the verification method's controller: its did:key.
    let vm = proof["verificationMethod"].as_str().unwrap();
    assert_eq!(vc["issuer"]["id"], vm.split('#').next().unwrap());
    assert!(vc["issuer"]["name"].is_string());

    let key = verify(&vc).expect("the proof verifies");
    // The did:key is the key published in keys.json under the label kid of the subject.
    let jwks = app.get("/.well-known/tasdiq/keys.json").await.json();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == s["labelKeyId"])
        .expect("kid published");
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().unwrap())
        .unwrap();
    assert_eq!(key.as_bytes().as_slice(), x.as_slice());

    // Any change to the document, or to the proof, breaks it.
    let mut forged = vc.clone();
    forged["credentialSubject"]["quantity"] = json!(cert.facts.quantity + 1000);
    assert!(verify(&forged).is_err());
    let mut forged = vc.clone();
    forged["proof"]["created"] = json!("2020-01-01T00:00:00Z");
    assert!(verify(&forged).is_err());
    let mut forged = vc.clone();
    forged["proof"].as_object_mut().unwrap().remove("@context");
    assert!(verify(&forged).is_err());

    // The same certificate gives the same bytes (nothing in it moves with time).
    let again = app
        .get(&format!("/api/v1/certificates/{}", cert.view.number))
        .await;
    assert_eq!(again.bytes, res.bytes);

    app.get("/api/v1/certificates/12345").await.problem(404);
    app.get("/api/v1/certificates/12x").await.problem(400);
    app.get("/api/v1/certificates/99999999999999999999999")
        .await
        .problem(400);
}

#[tokio::test]
async fn the_credential_is_served_as_application_vc_and_as_the_type_asked_for() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let uri = format!("/api/v1/certificates/{}", cert.view.number);
    let with = |accept: &'static str| {
        Request::get(uri.clone())
            .header("accept", accept)
            .body(Body::empty())
            .unwrap()
    };
    let res = app.send(with("application/vc+ld+json")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.content_type(), "application/vc+ld+json");
    let res = app
        .send(with("application/vc, application/vc+ld+json"))
        .await;
    assert_eq!(res.content_type(), "application/vc");
    let res = app.send(with("application/json")).await;
    assert_eq!(res.content_type(), "application/vc");
    app.send(with("text/html")).await.problem(406);
}

#[tokio::test]
async fn the_context_is_served_as_published_in_the_repository() {
    let app = TestApp::new().await;
    let res = app.get("/.well-known/tasdiq/credentials/v1").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.content_type(), "application/ld+json");
    assert!(
        res.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let file = std::fs::read(repo().join("docs/credentials-v1.jsonld")).unwrap();
    assert_eq!(res.bytes, file);
}

#[tokio::test]
async fn no_staff_identity_is_in_the_credential() {
    let app = TestApp::new().await;
    // A key with a name that nothing else in a credential could contain.
    let key_name = "erp-staff-7f3a";
    let key = app.named_key(key_name, Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let body = json!({
        "brand": cert.facts.brand, "producer": cert.view.producer.id,
        "product": "Huile d'argan 250 ml", "lot": "L-STAFF-1", "quantity": 3,
        "produced_on": "2026-11-01", "expires_on": "2028-11-01"
    });
    let res = app
        .json(Method::POST, "/api/v1/certificates", Some(&key), &body)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let number = res.json()["number"].as_str().unwrap().to_owned();
    let text = app
        .get(&format!("/api/v1/certificates/{number}"))
        .await
        .text();
    // Neither the key's id and name, nor an officer's e-mail.
    for staff in [
        key_name,
        "apikey",
        "issued_by",
        "issuedBy",
        "officer",
        "@tasdiq",
    ] {
        assert!(!text.contains(staff), "{staff} in {text}");
    }
}

#[tokio::test]
async fn revocation_and_suspension_show_in_the_status_lists() {
    let app = TestApp::new().await;
    let key = app.key(Role::Officer).await;
    let cert = app.authentic_certificate().await;
    let uri = format!("/api/v1/certificates/{}", cert.view.number);
    let vc = app.get(&uri).await.json();
    assert!(!status(&app, &vc, "revocation").await);
    assert!(!status(&app, &vc, "suspension").await);

    // Suspending the producer's right of use sets the suspension bit; reinstating clears it.
    let member = format!(
        "/api/v1/brands/{}/members/{}",
        cert.facts.brand, cert.view.producer.id
    );
    let res = app
        .json(
            Method::PATCH,
            &member,
            Some(&key),
            &json!({"status": "suspended", "reason": "audit"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(status(&app, &vc, "suspension").await);
    assert!(!status(&app, &vc, "revocation").await);
    let res = app
        .json(
            Method::PATCH,
            &member,
            Some(&key),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(!status(&app, &vc, "suspension").await);

    // Revoking sets the revocation bit, and the credential itself does not change.
    let res = app
        .json(
            Method::POST,
            &format!("{uri}/revoke"),
            Some(&key),
            &json!({"reason": "fraude"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(status(&app, &vc, "revocation").await);
    assert_eq!(app.get(&uri).await.json(), vc);

    // Indexes differ between certificates of one key.
    let indexes: std::collections::HashSet<String> = {
        let mut out = std::collections::HashSet::new();
        for rec in app.demo_certificates().await {
            let vc = app
                .get(&format!("/api/v1/certificates/{}", rec.view.number))
                .await
                .json();
            out.insert(vc["credentialStatus"][0]["statusListIndex"].to_string());
        }
        out
    };
    assert_eq!(indexes.len(), app.demo_certificates().await.len());

    app.get("/.well-known/tasdiq/credentials/status/00000000/revocation")
        .await
        .problem(404);
    let kid = cert.view.kid.clone();
    app.get(&format!(
        "/.well-known/tasdiq/credentials/status/{kid}/message"
    ))
    .await
    .problem(404);
}

/// The published vector: our signer makes its signed document from its key and unsigned
/// document, and the independent checker accepts it.
#[test]
fn the_published_credential_vector_holds() {
    let v: Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/vectors/credential-v1.json")).unwrap(),
    )
    .unwrap();
    let seed: [u8; 32] = hex::decode(v["secret_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = SigningKey::from_bytes(&seed);
    assert_eq!(
        hex::encode(key.verifying_key().as_bytes()),
        v["public_key"].as_str().unwrap()
    );
    let created = v["created"].as_str().unwrap().parse().unwrap();
    let signed = tasdiq::domain::credential::sign(v["unsigned"].clone(), &key, created).unwrap();
    assert_eq!(signed, v["signed"]);
    assert_eq!(verify(&v["signed"]).unwrap(), key.verifying_key());
    assert_eq!(
        v["signed"]["proof"]["proofValue"], v["proof_value"],
        "the vector states its proof value"
    );
}

/// Certificates issued before the status-index migration get distinct indexes from it.
#[tokio::test]
async fn the_migration_gives_earlier_certificates_distinct_indexes() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    Migrator::down(app.conn(), Some(1)).await.unwrap();
    Migrator::up(app.conn(), None).await.unwrap();
    let rows = tasdiq::entity::certificate::Entity::find()
        .all(app.conn())
        .await
        .unwrap();
    let indexes: std::collections::HashSet<i64> = rows
        .iter()
        .map(|r| r.status_index.expect("an index"))
        .collect();
    assert_eq!(indexes.len(), rows.len());
    assert!(indexes.iter().all(|i| (0..131_072).contains(i)));
    let cert = app.authentic_certificate().await;
    let vc = app
        .get(&format!("/api/v1/certificates/{}", cert.view.number))
        .await
        .json();
    let index: i64 = vc["credentialStatus"][0]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(indexes.contains(&index));
}

/// A key compromised since before a certificate was issued revokes it in the key's list; one
/// compromised only later does not.
#[tokio::test]
async fn a_compromised_key_revokes_in_its_list_what_it_signed_after_the_compromise() {
    let app = TestApp::new().await;
    let cert = app.authentic_certificate().await;
    let vc = app
        .get(&format!("/api/v1/certificates/{}", cert.view.number))
        .await
        .json();
    assert!(!status(&app, &vc, "revocation").await);
    let after = cert.facts.issued_at + chrono::Duration::seconds(1);
    tasdiq::keystore::revoke(app.state.writer(), cert.facts.kid, after, "test")
        .await
        .unwrap();
    app.state.poll_epoch().await.unwrap();
    assert!(!status(&app, &vc, "revocation").await, "issued before it");
    let before = cert.facts.issued_at - chrono::Duration::seconds(1);
    tasdiq::keystore::revoke(app.state.writer(), cert.facts.kid, before, "test")
        .await
        .unwrap();
    app.state.poll_epoch().await.unwrap();
    assert!(status(&app, &vc, "revocation").await, "issued after it");
    assert!(!status(&app, &vc, "suspension").await);
}

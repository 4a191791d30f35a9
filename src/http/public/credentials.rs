//! Certificates as W3C Verifiable Credentials, for verifiers nobody on this project wrote:
//! `GET /api/v1/certificates/{number}` (the credential), the tasdiq JSON-LD context that
//! defines its terms, and each signing key's Bitstring Status Lists.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::code::Kid;
use crate::domain::credential::{self, StatusPurpose};
use crate::domain::verdict;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::Path;
use crate::http::officer_api::certificates::certificate_number;
use crate::state::AppState;
use crate::store::certificates::CertView;
use crate::store::{StoreError, certificates, credential_status, signing_keys};

/// The tasdiq JSON-LD context, served as these very bytes from the repository file.
pub const CONTEXT: &str = include_str!("../../../docs/credentials-v1.jsonld");

/// Where the context is served, under the public URL.
pub const CONTEXT_PATH: &str = "/.well-known/tasdiq/credentials/v1";

/// The certifying body named as issuer. Today every key signs for the operator; when each
/// certification body has keys of its own, this becomes the key's organisation's name.
const OPERATOR_NAME: &str = "tasdiq";

/// The VC 2.0 media type, and the older one clients may still ask for.
const VC: &str = "application/vc";
const VC_LD: &str = "application/vc+ld+json";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(certificate_credential))
        .routes(routes!(context))
        .routes(routes!(status_list))
}

/// The URL prefix of a key's two status lists.
fn lists_url(base: &str, kid: Kid) -> String {
    format!("{base}/.well-known/tasdiq/credentials/status/{kid}")
}

/// The credential of a certificate, unsigned. Every value is a plain function of the
/// certificate as issued, so the same certificate always gives the same bytes; what changes
/// later (revocation, suspension) is told by the status lists.
pub fn certificate_document(base: &str, v: &CertView, issuer: Value, status: Value) -> Value {
    let valid_until = v
        .expires_on
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .unwrap_or(v.issued_at);
    json!({
        "@context": [credential::VC_CONTEXT, format!("{base}{CONTEXT_PATH}")],
        "id": format!("{base}/api/v1/certificates/{}", v.number),
        "type": ["VerifiableCredential", "CollectiveBrandLotCertificate"],
        "name": format!("{} — {}", v.brand.names.fr, v.product),
        "issuer": issuer,
        "validFrom": credential::timestamp(v.issued_at),
        "validUntil": credential::timestamp(valid_until),
        "credentialSubject": {
            "id": format!("{base}/api/v1/lots/{}", v.number),
            "type": "CertifiedLot",
            "certificateNumber": v.number,
            "brand": {
                "id": format!("{base}/api/v1/brands/{}", v.brand.number),
                "type": "CollectiveBrand",
                "number": v.brand.number,
                "code": v.brand.code,
                "names": v.brand.names,
            },
            "producer": {
                "id": format!("urn:tasdiq:producer:{}", v.producer.id),
                "type": "Producer",
                "name": v.producer.name,
                "kind": v.producer.kind,
                "region": v.producer.region,
                "province": v.producer.province,
                "womenLed": v.producer.women_led,
                "youthLed": v.producer.youth_led,
            },
            "product": v.product,
            "lot": v.lot,
            "quantity": v.quantity,
            "labels": {"type": "LabelRange", "first": v.labels.first, "last": v.labels.last},
            "producedOn": v.produced_on,
            "expiresOn": v.expires_on,
            "labelKeyId": v.kid,
        },
        "credentialStatus": status,
    })
}

/// The media type to answer with: `application/vc`, unless the client asked for
/// `application/vc+ld+json` and not for it. A client that accepts neither, nor any JSON, nor
/// `*/*`, gets a 406.
fn negotiate(headers: &HeaderMap) -> Result<&'static str, ApiError> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Ok(VC);
    };
    let accept = accept.to_str().unwrap_or_default().to_ascii_lowercase();
    let ranges: Vec<&str> = accept
        .split(',')
        .filter_map(|r| {
            let mut parts = r.split(';').map(str::trim);
            let range = parts.next()?;
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>() == Ok(0.0))
            });
            (!refused).then_some(range)
        })
        .collect();
    if ranges.contains(&VC) {
        return Ok(VC);
    }
    if ranges.contains(&VC_LD) {
        return Ok(VC_LD);
    }
    let acceptable = [
        "application/ld+json",
        "application/json",
        "application/*",
        "*/*",
    ];
    if ranges.iter().any(|r| acceptable.contains(r)) {
        return Ok(VC);
    }
    Err(ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        "the credential is served as application/vc (or application/vc+ld+json); send one of them in Accept",
    ))
}

/// A credential answer: its media type, cacheable by anyone, readable from any origin (web
/// verifiers run in browsers).
fn vc_response(media: &'static str, body: String, max_age: u32) -> Response {
    let mut res = ([(header::CONTENT_TYPE, media)], body).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        h.insert(header::CACHE_CONTROL, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept"));
    res
}

/// The certificate as a W3C Verifiable Credential 2.0.
///
/// Secured with a `DataIntegrityProof` (`eddsa-jcs-2022`, the proof carrying `@context`) made
/// by the key the certificate was issued under; the issuer `id` is that key's `did:key`. Its
/// terms are defined by the tasdiq context at `/.well-known/tasdiq/credentials/v1`, and
/// `credentialStatus` points at the key's revocation and suspension lists.
#[utoipa::path(
    get, path = "/api/v1/certificates/{number}", tag = "certificates",
    operation_id = "getCertificateCredential",
    params(("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal")),
    responses(
        (status = 200, description = "The credential", content(
            (Object = "application/vc"),
            (Object = "application/vc+ld+json"),
        )),
        (status = 400, description = "Not a certificate number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certificate", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "Accept names neither application/vc nor application/vc+ld+json", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "This node does not hold the key the certificate was issued under, or the database is out of reach", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn certificate_credential(
    State(state): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let media = negotiate(&headers)?;
    let number = certificate_number(&number)?;
    let missing = || ApiError::not_found(format!("there is no certificate {number}"));
    let rec = certificates::record(&state.db, number)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => missing(),
            other => other.into(),
        })?;
    let index = credential_status::index_of(&state.db, number)
        .await?
        .ok_or_else(missing)?;
    let ring = state.key_ring();
    let key = ring
        .get(rec.facts.kid)
        .ok_or_else(|| ApiError::internal(format!("certificate {number} names an unknown key")))?;
    let secret = key.secret.as_ref().ok_or_else(|| {
        ApiError::unavailable("this node does not hold the key this certificate was issued under")
    })?;
    let base = state.config.public_base();
    let doc = certificate_document(
        base,
        &rec.view,
        credential::issuer(&key.public, OPERATOR_NAME),
        credential::status_entries(&lists_url(base, key.kid), index),
    );
    let signed = credential::sign(doc, secret.signing_key(), rec.view.issued_at)
        .map_err(ApiError::internal)?;
    let body = serde_json::to_string(&signed).map_err(ApiError::internal)?;
    Ok(vc_response(media, body, 300))
}

/// The tasdiq JSON-LD context.
///
/// Defines every term and type of tasdiq credentials; the same bytes are published in the
/// repository as `docs/credentials-v1.jsonld`. Never changes: a new version gets a new URL.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/credentials/v1", tag = "certificates",
    operation_id = "getCredentialContext",
    responses((status = 200, description = "The context", content((Object = "application/ld+json"))))
)]
async fn context() -> Response {
    let mut res = vc_response("application/ld+json", CONTEXT.to_owned(), 86_400);
    res.headers_mut().remove(header::VARY);
    res
}

/// A signing key's revocation or suspension list.
///
/// A W3C `BitstringStatusListCredential` signed by that key: the bit at a credential's
/// `statusListIndex` is 1 while the certificate is revoked (for good) or suspended. Made again
/// whenever a status changes.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/credentials/status/{kid}/{purpose}", tag = "certificates",
    operation_id = "getCredentialStatusList",
    params(
        ("kid" = String, Path, pattern = "^[0-9a-f]{8}$", description = "The signing key's id, as in keys.json"),
        ("purpose" = String, Path, pattern = "^(revocation|suspension)$", description = "`revocation` or `suspension`"),
    ),
    responses(
        (status = 200, description = "The status list credential", content((Object = "application/vc"))),
        (status = 404, description = "No such key or list", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "This node does not hold the key, or the database is out of reach", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn status_list(
    State(state): State<AppState>,
    Path((kid, purpose)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let no_list = || {
        ApiError::not_found(
            "status lists are at …/status/{kid}/revocation and …/status/{kid}/suspension, for a kid of keys.json",
        )
    };
    let kid = Kid::parse(&kid).ok_or_else(no_list)?;
    let purpose = StatusPurpose::parse(&purpose).ok_or_else(no_list)?;
    let ring = state.key_ring();
    let key = ring.get(kid).ok_or_else(no_list)?;
    let base = state.config.public_base();
    let lists = lists_url(base, kid);
    let url = |p: StatusPurpose| format!("{lists}/{}", p.as_str());
    // The epoch moves with every status change on any node; the ring's address with every
    // key reload, so a list is never kept past a key's compromise.
    let version = (
        signing_keys::epoch(&state.db).await?,
        Arc::as_ptr(&ring) as *const () as usize,
    );
    if let Some(doc) = state.status_lists.get(&url(purpose), version) {
        return Ok(vc_response(VC, doc.to_string(), 60));
    }
    let secret = key.secret.as_ref().ok_or_else(|| {
        ApiError::unavailable("this node does not hold the key whose lists were asked for")
    })?;
    let length = credential::list_length(credential_status::count_for_key(&state.db, kid).await?);
    let today = Utc::now().date_naive();
    let (mut revoked, mut suspended) = (Vec::new(), Vec::new());
    for (index, facts) in credential_status::flagged(&state.db, kid, key.compromised_since).await? {
        match credential::purpose_of(&verdict::decide_lot(&facts, Some(key), today)) {
            Some(StatusPurpose::Revocation) => revoked.push(index),
            Some(StatusPurpose::Suspension) => suspended.push(index),
            None => {}
        }
    }
    let now = Utc::now();
    let mut wanted = None;
    for (p, set) in [
        (StatusPurpose::Revocation, revoked),
        (StatusPurpose::Suspension, suspended),
    ] {
        let encoded = credential::encode_list(length, set).map_err(ApiError::internal)?;
        let doc = credential::status_list_document(
            &url(p),
            credential::issuer(&key.public, OPERATOR_NAME),
            p,
            encoded,
            now,
        );
        let signed =
            credential::sign(doc, secret.signing_key(), now).map_err(ApiError::internal)?;
        let text: Arc<str> = serde_json::to_string(&signed)
            .map_err(ApiError::internal)?
            .into();
        state.status_lists.put(url(p), version, text.clone());
        if p == purpose {
            wanted = Some(text);
        }
    }
    let doc = wanted.ok_or_else(|| ApiError::internal("the asked-for list was not made"))?;
    Ok(vc_response(VC, doc.to_string(), 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Result<&'static str, ApiError> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        negotiate(&h)
    }

    #[test]
    fn the_credential_media_type_is_negotiated() {
        assert_eq!(negotiate(&HeaderMap::new()).unwrap(), VC);
        assert_eq!(accept("application/vc").unwrap(), VC);
        assert_eq!(accept("application/vc+ld+json").unwrap(), VC_LD);
        assert_eq!(
            accept("application/vc+ld+json, application/vc;q=0.5").unwrap(),
            VC
        );
        assert_eq!(accept("application/ld+json").unwrap(), VC);
        assert_eq!(accept("text/html, */*;q=0.8").unwrap(), VC);
        assert_eq!(
            accept("application/vc;q=0, application/vc+ld+json").unwrap(),
            VC_LD
        );
        assert_eq!(
            accept("text/html").unwrap_err().status,
            StatusCode::NOT_ACCEPTABLE
        );
        assert_eq!(
            accept("application/vc;q=0").unwrap_err().status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn the_served_context_is_json_ld_defining_every_term_the_credential_uses() {
        let ctx: Value = serde_json::from_str(CONTEXT).unwrap();
        let defined = ctx["@context"].as_object().unwrap();
        let view = sample();
        let doc = certificate_document(
            "https://t.example",
            &view,
            json!({"id": "did:key:z6Mk", "name": "x"}),
            json!([]),
        );
        // Terms the VC 2.0 context defines; every other key must be ours.
        let vc = [
            "id",
            "type",
            "name",
            "@context",
            "issuer",
            "validFrom",
            "validUntil",
            "credentialSubject",
            "credentialStatus",
        ];
        fn keys(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        out.push(k.clone());
                        if k != "names" {
                            keys(v, out);
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
                _ => {}
            }
        }
        let mut used = Vec::new();
        keys(&doc, &mut used);
        for k in used.iter().filter(|k| !vc.contains(&k.as_str())) {
            assert!(defined.contains_key(k), "{k} is not defined by the context");
        }
        for t in [
            "CollectiveBrandLotCertificate",
            "CertifiedLot",
            "CollectiveBrand",
            "Producer",
            "LabelRange",
        ] {
            assert!(defined.contains_key(t), "{t}");
        }
    }

    fn sample() -> CertView {
        use crate::domain::values::{CertificateStatus, Region};
        use crate::store::certificates::{BrandRef, LabelRange, ProducerRef};
        use crate::store::registry::Names;
        let name = |s: &str| s.to_owned();
        CertView {
            number: "1234".into(),
            status: CertificateStatus::Issued,
            brand: BrandRef {
                number: 12,
                code: "argane".into(),
                names: Names {
                    ar: name("أركان"),
                    fr: name("Argane"),
                    en: name("Argan"),
                    zgh: name("ⴰⵔⴳⴰⵏ"),
                },
            },
            producer: ProducerRef {
                id: 345,
                name: name("Coopérative"),
                kind: name("cooperative"),
                region: Region::parse("region", "souss-massa").unwrap(),
                province: name("Essaouira"),
                women_led: true,
                youth_led: false,
            },
            product: name("Huile d'argan"),
            lot: name("L1"),
            quantity: 10,
            labels: LabelRange { first: 1, last: 10 },
            produced_on: "2026-11-01".parse().unwrap(),
            expires_on: "2028-11-01".parse().unwrap(),
            issued_at: "2026-11-02T10:00:00Z".parse().unwrap(),
            kid: name("ab12cd34"),
            revocation_reason: None,
            revoked_at: None,
        }
    }
}

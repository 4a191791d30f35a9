//! Certificates: issuance and revocation for officers; the public W3C Verifiable Credential.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Checks, Written, body, write};
use crate::domain::credential;
use crate::domain::lifecycle::{CertificateRequest, RawCertificateRequest};
use crate::domain::values::{self, CertificateNumber, CertificateStatus};
use crate::http::auth::Officer;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Path};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::state::AppState;
use crate::store::{StoreError, certificates};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
        .routes(routes!(credential))
        .routes(routes!(revoke))
}

/// Body of `POST /api/v1/certificates`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    #[schema(minimum = 1, maximum = 65535)]
    pub brand: i64,
    #[schema(minimum = 1)]
    pub producer: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub product: String,
    #[schema(min_length = 1, max_length = 64)]
    pub lot: String,
    #[schema(minimum = 1, maximum = 1000000)]
    pub quantity: i64,
    #[schema(format = Date)]
    pub produced_on: String,
    #[schema(format = Date)]
    pub expires_on: String,
}

/// Reads the `{number}` path segment.
pub fn certificate_number(raw: &str) -> Result<CertificateNumber, ApiError> {
    CertificateNumber::parse("number", raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

/// Issues a certificate for a lot. Labels 1..=quantity are derived on demand, never stored.
/// The producer must hold an active right to use an active brand, valid today.
#[utoipa::path(
    post, path = "/api/v1/certificates", tag = "certificates", request_body = IssueBody,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the same certificate")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The certificate: number (decimal string), status and label range", body = crate::store::certificates::CertView),
        (status = 503, description = "The database, or the key this needs, is not available on this node", body = Problem, content_type = "application/problem+json"),
        Guarded, JsonBody, Refused,
    )
)]
async fn issue(
    State(state): State<AppState>,
    Officer(who): Officer,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let b: IssueBody = body(raw.clone())?;
    let now = Utc::now();
    let req = CertificateRequest::parse(
        &RawCertificateRequest {
            brand: b.brand,
            producer: b.producer,
            product: &b.product,
            lot: &b.lot,
            quantity: b.quantity,
            produced_on: &b.produced_on,
            expires_on: &b.expires_on,
        },
        now.date_naive(),
    )
    .map_err(ApiError::invalid)?;
    let kid = state
        .key_ring()
        .signer()
        .map(|k| k.kid)
        .ok_or_else(|| ApiError::unavailable("this node holds no active signing key; certificates are issued where the signer's key file is"))?;
    let (actor, req) = (who.actor.as_str(), &req);
    write(
        &state,
        &who,
        &headers,
        "POST /api/v1/certificates",
        &raw,
        |tx| async move {
            let rec = certificates::issue_audited(&*tx, req, kid, actor, now).await?;
            Ok(Written {
                status: StatusCode::CREATED,
                location: Some(format!("/api/v1/certificates/{}", rec.view.number)),
                body: rec.view,
                statuses_changed: false,
            })
        },
    )
    .await
}

/// Body of a revocation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Revokes a certificate: every label of the lot is `revoked` from the next verdict on.
#[utoipa::path(
    post, path = "/api/v1/certificates/{number}/revoke", tag = "certificates", request_body = RevokeBody,
    params(
        ("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The certificate after revocation", body = crate::store::certificates::CertView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn revoke(
    State(state): State<AppState>,
    Officer(who): Officer,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let number = certificate_number(&number)?;
    let b: RevokeBody = body(raw.clone())?;
    let mut c = Checks::default();
    let reason = c.take(values::text("reason", &b.reason, 500));
    c.finish()?;
    let reason = reason.unwrap_or_default();
    let route = format!("POST /api/v1/certificates/{number}/revoke");
    let (actor, reason) = (who.actor.as_str(), reason.as_str());
    write(&state, &who, &headers, &route, &raw, |tx| async move {
        let rec = certificates::revoke_audited(&*tx, number, reason, actor).await?;
        Ok(Written {
            status: StatusCode::OK,
            body: rec.view,
            statuses_changed: true,
            location: None,
        })
    })
    .await
}

/// The certificate as a W3C Verifiable Credential 2.0 with an `eddsa-jcs-2022` proof, signed
/// with the key the certificate was issued under.
/// The certificate as a W3C Verifiable Credential 2.0 with a `DataIntegrityProof`
/// (`eddsa-jcs-2022`), signed with the key the certificate was issued under.
#[utoipa::path(
    get, path = "/api/v1/certificates/{number}", tag = "certificates",
    params(("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal")),
    responses(
        (status = 200, description = "The credential", body = Object, content_type = "application/vc+ld+json"),
        (status = 400, description = "A bad path, query or JSON syntax", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database, or the key this needs, is not available on this node", body = Problem, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn credential(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let number = certificate_number(&number)?;
    let rec = certificates::record(&state.db, number)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => {
                ApiError::not_found(format!("there is no certificate {number}"))
            }
            other => other.into(),
        })?;
    let ring = state.key_ring();
    let key = ring
        .get(rec.facts.kid)
        .ok_or_else(|| ApiError::internal(format!("certificate {number} names an unknown key")))?;
    let secret = key.secret.as_ref().ok_or_else(|| {
        ApiError::unavailable("this node does not hold the key this certificate was issued under")
    })?;
    let base = state.config.public_base();
    let v = &rec.view;
    let revoked = rec.facts.status == CertificateStatus::Revoked
        || !key.trusts_issuance_at(rec.facts.issued_at);
    let valid_until = v
        .expires_on
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .unwrap_or(v.issued_at);
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": format!("{base}/api/v1/certificates/{}", v.number),
        "type": ["VerifiableCredential", "CollectiveBrandLotCertificate"],
        "name": format!("{} — {}", v.brand.names.fr, v.product),
        "issuer": {"id": base, "name": "tasdiq"},
        "validFrom": credential::timestamp(v.issued_at),
        "validUntil": credential::timestamp(valid_until),
        "credentialSubject": {
            "id": format!("{base}/api/v1/lots/{}", v.number),
            "type": "CertifiedLot",
            "certificateNumber": v.number,
            "status": if revoked { "revoked" } else { "issued" },
            "revocationReason": v.revocation_reason,
            "brand": {"number": v.brand.number, "code": v.brand.code, "names": v.brand.names},
            "producer": {
                "id": v.producer.id,
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
            "labels": {"first": v.labels.first, "last": v.labels.last},
            "producedOn": v.produced_on,
            "expiresOn": v.expires_on,
            "signingKey": {"kid": v.kid, "jwks": format!("{base}/.well-known/tasdiq/keys.json")},
        },
    });
    let signed =
        credential::sign(doc, secret.signing_key(), v.issued_at).map_err(ApiError::internal)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/vc+ld+json")],
        serde_json::to_string(&signed).map_err(ApiError::internal)?,
    )
        .into_response())
}

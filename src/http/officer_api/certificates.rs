//! Certificates: issuance and revocation, for officers. The public credential of a certificate
//! is in `http::public::credentials`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Checks, Written, body, write};
use crate::domain::lifecycle::{CertificateRequest, RawCertificateRequest};
use crate::domain::values::{self, CertificateNumber};
use crate::http::auth::Officer;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Path};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::state::AppState;
use crate::store::certificates;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
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

/// Issues a certificate for a lot.
///
/// Labels 1..=quantity are derived on demand, never stored. The producer must hold an active
/// right to use an active brand, valid today.
#[utoipa::path(
    post, path = "/api/v1/certificates", tag = "certificates", operation_id = "issueCertificate", request_body = IssueBody,
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

/// Revokes a certificate.
///
/// Every label of the lot is `revoked` from the next verdict on, and the certificate's
/// credential shows it in its key's revocation list.
#[utoipa::path(
    post, path = "/api/v1/certificates/{number}/revoke", tag = "certificates", operation_id = "revokeCertificate", request_body = RevokeBody,
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

//! Certificates: issuance and revocation, for officers. The public credential of a certificate
//! is in `http::public::credentials`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{answer, body, by};
use crate::domain::values::CertificateNumber;
use crate::http::auth::Officer;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{CertificatePath, Json};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::service::issuance;
use crate::state::AppState;
use crate::views::certificates::{IssueBody, RevokeBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
        .routes(routes!(revoke))
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
    let by = by(
        &who,
        &headers,
        "POST /api/v1/certificates",
        &raw,
        StatusCode::CREATED,
    )?;
    let outcome = issuance::issue(&state, &by, &b).await?;
    answer(outcome, StatusCode::CREATED, |v| {
        Some(format!("/api/v1/certificates/{}", v.number))
    })
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
    CertificatePath(number): CertificatePath,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let b: RevokeBody = body(raw.clone())?;
    let route = format!("POST /api/v1/certificates/{number}/revoke");
    let by = by(&who, &headers, &route, &raw, StatusCode::OK)?;
    let outcome = issuance::revoke(&state, &by, number, &b.reason).await?;
    answer(outcome, StatusCode::OK, |_| None)
}

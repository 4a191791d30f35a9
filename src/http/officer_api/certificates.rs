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
use crate::http::extract::{CertificatePath, Json, Paging, Query};
use crate::http::openapi::{Guarded, JsonBody, LotAlreadyCertified, NotFound, Refused};
use crate::service::issuance;
use crate::state::AppState;
use crate::store::certificates::{self as certs, CertView};
use crate::store::registry::Page;
use crate::views::certificates::{CertQuery, IssueBody, RevokeBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, issue))
        .routes(routes!(revoke))
}

/// Reads the `{number}` path segment.
pub fn certificate_number(raw: &str) -> Result<CertificateNumber, ApiError> {
    CertificateNumber::parse("number", raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

/// Lists certificates, newest first.
///
/// Filtered by text (lot, product, brand, producer, or the number itself; accents and case are
/// ignored), lot, brand, producer, status and issue date; ordered by issue time then number,
/// both descending, so pages do not shift between requests.
#[utoipa::path(
    get, path = "/api/v1/certificates", tag = "certificates", operation_id = "listCertificates",
    params(CertQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of certificates", body = Page<CertView>),
        (status = 422, description = "A parameter that does not parse, each named", body = Problem, content_type = "application/problem+json"),
        Guarded,
    )
)]
async fn list(
    State(state): State<AppState>,
    Officer(_): Officer,
    Query(q): Query<CertQuery>,
) -> Result<Json<Page<CertView>>, ApiError> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    let filter = q.filter().map_err(ApiError::invalid)?;
    let (numbers, total) = certs::search(&state.db, &filter, limit, offset).await?;
    let mut records = certs::records(&state.db, &numbers).await?;
    let items = numbers
        .iter()
        .filter_map(|n| records.remove(&n.0).map(|r| r.view))
        .collect();
    Ok(Json(Page { items, total }))
}

/// Issues a certificate for a lot.
///
/// Labels 1..=quantity are derived on demand, never stored. The producer must hold an active
/// right to use an active brand, valid today. One lot, one certificate: a lot (brand, producer,
/// lot code) that already has one is refused with 409 of type `…/problems/lot_already_certified`
/// whose `certificate` names it.
#[utoipa::path(
    post, path = "/api/v1/certificates", tag = "certificates", operation_id = "issueCertificate", request_body = IssueBody,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the same certificate")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The certificate: number (decimal string), status and label range", body = crate::store::certificates::CertView),
        (status = 503, description = "The database, or the key this needs, is not available on this node", body = Problem, content_type = "application/problem+json"),
        Guarded, JsonBody, LotAlreadyCertified,
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

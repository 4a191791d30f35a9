//! The officers' API (contract §3, "Officers"): brands, producers, rights of use, certificates
//! and the audit log. Handlers read the request, call one `service` function (which holds the
//! rules, the transaction, the audit entry and the cache epoch) and answer.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;

use super::auth::Principal;
use super::error::ApiError;
use crate::service::{By, Idempotency, Outcome, ServiceError};
use crate::state::AppState;

pub mod audit;
pub mod brands;
pub mod certificates;
pub mod labels;
pub mod members;
pub mod producers;
pub mod reports;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(brands::router())
        .merge(producers::router())
        .merge(members::router())
        .merge(certificates::router())
        .merge(labels::router())
        .merge(audit::router())
        .merge(reports::router())
}

/// Reads a JSON value into a request type; a mismatch is a 422 naming the field.
pub fn body<T: DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let field = e.path().to_string();
        let message = e.into_inner().to_string();
        ApiError::invalid(vec![crate::domain::values::FieldError::new_owned(
            field, message,
        )])
    })
}

/// The `Idempotency-Key` header, if sent: 1 to 255 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let s = v
        .to_str()
        .ok()
        .filter(|s| !s.is_empty() && s.len() <= 255 && s.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters")
        })?;
    Ok(Some(s.to_owned()))
}

/// Who acts, for a service call: the caller, and the `Idempotency-Key` (if sent) with what
/// identifies this request (`route`, the canonical body) and the status of its first answer.
pub fn by(
    who: &Principal,
    headers: &HeaderMap,
    route: &str,
    request: &Value,
    status: StatusCode,
) -> Result<By, ApiError> {
    let idempotency = idempotency_key(headers)?.map(|key| {
        let canonical = serde_json_canonicalizer::to_vec(request).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(route.as_bytes());
        h.update([0]);
        h.update(&canonical);
        Idempotency {
            key,
            route: route.to_owned(),
            request_hash: hex::encode(h.finalize()),
            status: status.as_u16(),
        }
    });
    Ok(By {
        actor: who.actor.clone(),
        idempotency,
    })
}

/// The answer to a write: the result as JSON with `status` (and `Location`, if given), or the
/// stored first answer of a retried request with `Idempotent-Replayed: true`.
pub fn answer<T: Serialize>(
    outcome: Outcome<T>,
    status: StatusCode,
    location: impl FnOnce(&T) -> Option<String>,
) -> Result<Response, ApiError> {
    let (status, body, replayed, location) = match outcome {
        Outcome::Done(v) => {
            let body = serde_json::to_string(&v).map_err(ApiError::internal)?;
            (status, body, false, location(&v))
        }
        Outcome::Replayed(stored) => (
            StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK),
            stored.response,
            true,
            None,
        ),
    };
    let mut res = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response();
    if replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(axum::http::header::LOCATION, loc);
    }
    Ok(res)
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(errors) => ApiError::invalid(errors),
            ServiceError::NotFound(detail) => ApiError::not_found(detail),
            ServiceError::Conflict { reason, detail } => ApiError::conflict(reason, detail),
            ServiceError::LotAlreadyCertified { existing, detail } => ApiError {
                typed: Some(Box::new(crate::http::error::Typed {
                    name: "lot_already_certified",
                    certificate: Some(existing.to_string()),
                })),
                ..ApiError::conflict("lot_already_certified", detail)
            },
            ServiceError::Unprocessable(detail) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
            }
            ServiceError::Unavailable(detail) => ApiError::unavailable(detail),
            ServiceError::Store(e) => ApiError::from(e),
            ServiceError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

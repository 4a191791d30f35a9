//! The officers' API (contract §3, "Officers"): brands, producers, rights of use, certificates
//! and the audit log. Every change runs in one transaction with its audit entry; status
//! changes bump the cache epoch in that transaction, so the next verdict on any node sees them.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::auth::Principal;
use super::error::ApiError;
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::idempotency::{self, Stored};

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

/// What a write produced: status, body, and whether statuses changed (cache invalidation).
pub struct Written<T> {
    pub status: StatusCode,
    pub body: T,
    pub statuses_changed: bool,
    pub location: Option<String>,
}

/// Runs a write in one transaction. With an `Idempotency-Key`, a retry of the same request
/// within 24 hours gets the stored answer (and `Idempotent-Replayed: true`); the same key with
/// a different request is a 422.
pub async fn write<T: Serialize, Fut>(
    state: &AppState,
    who: &Principal,
    headers: &HeaderMap,
    route: &str,
    request: &Value,
    work: impl Fn(Arc<DatabaseTransaction>) -> Fut,
) -> Result<Response, ApiError>
where
    Fut: Future<Output = Result<Written<T>, StoreError>>,
{
    let key = idempotency_key(headers)?;
    let hash = {
        let canonical = serde_json_canonicalizer::to_vec(request).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(route.as_bytes());
        h.update([0]);
        h.update(&canonical);
        hex::encode(h.finalize())
    };
    let (key, hash, work) = (&key, &hash, &work);
    let outcome = state
        .write(|tx| async move {
            let previous = match key {
                Some(k) => idempotency::get(&*tx, &who.actor, k).await?,
                None => None,
            };
            if let Some(stored) = previous {
                if stored.route != route || stored.request_hash != *hash {
                    return Err(StoreError::Unprocessable(
                        "this Idempotency-Key was already used with a different request; use a new key".into(),
                    ));
                }
                return Ok((stored, true, false, None));
            }
            let w = work(tx.clone()).await?;
            let stored = Stored {
                route: route.to_owned(),
                request_hash: hash.clone(),
                status: w.status.as_u16(),
                response: serde_json::to_string(&w.body)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            };
            if let Some(k) = key {
                idempotency::put(&*tx, &who.actor, k, &stored).await?;
            }
            Ok((stored, false, w.statuses_changed, w.location))
        })
        .await?;
    let (stored, replayed, changed, location) = outcome;
    if changed {
        state.statuses_changed();
    }
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut res = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        stored.response,
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

/// Collects field errors; a non-empty list is a 422.
#[derive(Default)]
pub struct Checks(pub Vec<crate::domain::values::FieldError>);

impl Checks {
    pub fn take<T>(&mut self, r: Result<T, crate::domain::values::FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(self.0))
        }
    }
}

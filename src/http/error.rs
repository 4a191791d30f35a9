//! The HTTP error type. Every API error is an RFC 9457 `application/problem+json` body with a
//! `detail` a person can act on. A 5xx never carries internals: the cause goes to the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::values::FieldError;
use crate::store::StoreError;

/// One field that was refused, as listed in a 422 body.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct InvalidField {
    pub field: String,
    pub message: String,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    /// A machine word for the rule that refused the request (409s).
    pub reason: Option<&'static str>,
    pub errors: Vec<InvalidField>,
    pub retry_after: Option<u64>,
    /// A problem type of our own, with its members (boxed: most errors have none).
    pub typed: Option<Box<Typed>>,
}

/// A problem type of our own (`docs/problems.md`) and the members it adds.
#[derive(Debug)]
pub struct Typed {
    /// The type's name, the last path segment of its URI.
    pub name: &'static str,
    /// The certificate the problem is about, e.g. the one a lot is already certified by.
    pub certificate: Option<String>,
}

/// Where the problem types of our own are documented; a type is this base and its name.
pub const PROBLEM_TYPE_BASE: &str = "https://tasdiq.ma/problems/";

/// An RFC 9457 problem document, as every error answer carries it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `about:blank` (the status code says what kind of problem it is), or one of the types
    /// of `docs/problems.md`, e.g. `https://tasdiq.ma/problems/lot_already_certified`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status code's reason phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, in words a person can act on.
    pub detail: String,
    /// For refusals by a rule (409), the rule's machine word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// For invalid input (422), every field that was refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InvalidField>,
    /// For `lot_already_certified`, the number (decimal string) of the certificate the lot
    /// already has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            reason: None,
            errors: Vec::new(),
            retry_after: None,
            typed: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    pub fn conflict(reason: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            reason: Some(reason),
            ..Self::new(StatusCode::CONFLICT, detail)
        }
    }

    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, detail)
    }

    pub fn too_many(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "too many requests for this API key; retry in {} s",
                    retry_after.max(1)
                ),
            )
        }
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        ApiError {
            retry_after: Some(5),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, detail)
        }
    }

    /// 422 listing every refused field.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            errors: errors
                .into_iter()
                .map(|e| InvalidField {
                    field: e.field.into_owned(),
                    message: e.message,
                })
                .collect(),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
        }
    }

    /// An unexpected failure: logged with its cause, answered without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "something went wrong on our side; it has been logged",
        )
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::invalid(vec![e])
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            tracing::warn!(error = %e, "database unavailable");
            return ApiError::unavailable(
                "the database is unavailable; try again in a few seconds",
            );
        }
        match e {
            StoreError::NotFound(detail) => ApiError::not_found(detail),
            StoreError::Conflict { reason, detail } => ApiError::conflict(reason, detail),
            StoreError::Unprocessable(detail) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = Problem {
            kind: self.typed.as_ref().map_or_else(
                || "about:blank".to_owned(),
                |t| format!("{PROBLEM_TYPE_BASE}{}", t.name),
            ),
            title: title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            reason: self.reason,
            errors: self.errors,
            certificate: self.typed.and_then(|t| t.certificate),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut res = (self.status, json).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"tasdiq\""),
            );
        }
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

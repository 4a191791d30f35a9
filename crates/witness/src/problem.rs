//! Response bodies: the specification's plain-text answers (cosignature lines, the 409 size) and,
//! for every refusal the specification leaves without a body, an RFC 9457 problem document, so
//! a person reading a failed request learns why; tlog clients only look at the status.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The RFC 9457 media type.
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// A problem+json response with a `detail` a person can act on.
pub(crate) fn problem(status: StatusCode, detail: &str) -> Response {
    let mut res = (status, problem_body(status, detail)).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    res
}

/// The problem document's bytes.
pub(crate) fn problem_body(status: StatusCode, detail: &str) -> Vec<u8> {
    serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    })
    .to_string()
    .into_bytes()
}

/// A body with the given content type.
pub(crate) fn text(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

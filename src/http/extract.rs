//! Extractors whose rejections are problem+json like every other error: malformed JSON, a
//! bad query string or a bad path segment get a 400/422 with a precise `detail`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;

use super::error::ApiError;

/// `axum::Json` with problem+json rejections.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with problem+json rejections. A query string whose percent-encoding
/// is not UTF-8 is refused rather than decoded with replacement characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        if percent_encoding::percent_decode_str(&raw.replace('+', " "))
            .decode_utf8()
            .is_err()
        {
            return Err(ApiError::bad_request("the query string is not valid UTF-8"));
        }
        let axum::extract::Query(v) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(v))
    }
}

/// `axum::extract::Path` with problem+json rejections.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = match r {
            JsonRejection::JsonDataError(_) => StatusCode::UNPROCESSABLE_ENTITY,
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            JsonRejection::BytesRejection(ref b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                // A chunked body found over the limit while it was read.
                return ApiError::too_large(format!(
                    "the request body is over this service's size limit; send less (a batch holds at most {} codes)",
                    crate::http::retail::MAX_BATCH
                ));
            }
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request(r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::bad_request(r.body_text())
    }
}

/// `limit` and `offset` of a listing.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct Paging {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl Paging {
    /// The limit (default 50, at most 500) and offset, or a 400 naming the bad one.
    pub fn resolve(&self) -> Result<(u64, u64), ApiError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and 500; got {limit}"
            )));
        }
        let offset = self.offset.unwrap_or(0);
        if offset > 1_000_000_000 {
            return Err(ApiError::bad_request("offset is at most 1000000000"));
        }
        Ok((limit, offset))
    }
}

// ----- typed officer path segments -------------------------------------------------------------

/// The route's path parameters by name, read once per extractor.
async fn path_param<S: Send + Sync>(
    parts: &mut axum::http::request::Parts,
    state: &S,
    names: &[&str],
) -> Result<String, ApiError> {
    let axum::extract::Path(params) = axum::extract::Path::<
        std::collections::HashMap<String, String>,
    >::from_request_parts(parts, state)
    .await?;
    names
        .iter()
        .find_map(|n| params.get(*n).cloned())
        .ok_or_else(|| ApiError::internal(format!("route has none of the parameters {names:?}")))
}

/// The `{number}` of a brand route, parsed: a bad one is a 400 naming it.
#[derive(Debug, Clone, Copy)]
pub struct BrandPath(pub crate::domain::values::BrandNumber);

impl<S: Send + Sync> FromRequestParts<S> for BrandPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let raw = path_param(parts, state, &["number"]).await?;
        crate::domain::values::BrandNumber::parse("number", &raw)
            .map(BrandPath)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }
}

/// The `{id}` or `{producer_id}` of a producer route: a positive number, else a 400.
#[derive(Debug, Clone, Copy)]
pub struct ProducerPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for ProducerPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let raw = path_param(parts, state, &["producer_id", "id"]).await?;
        raw.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(ProducerPath)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{:?} is not a producer id",
                    crate::domain::values::clip(&raw)
                ))
            })
    }
}

/// The `{number}` of a certificate route, in decimal: a bad one is a 400 naming it.
#[derive(Debug, Clone, Copy)]
pub struct CertificatePath(pub crate::domain::values::CertificateNumber);

impl<S: Send + Sync> FromRequestParts<S> for CertificatePath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let raw = path_param(parts, state, &["number"]).await?;
        crate::domain::values::CertificateNumber::parse("number", &raw)
            .map(CertificatePath)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }
}

/// The `{code}` segment of a label route, read once per request: the code as given (a bare
/// code, or a percent-encoded label URL cut down to its code) and what it parses to. A code
/// that does not parse is not a rejection: the API answers it with a 400 problem naming the
/// reason, the consumer page with a friendly page in the visitor's language.
#[derive(Debug, Clone)]
pub struct LabelCode {
    pub code: String,
    pub label: Result<crate::domain::code::Label, crate::domain::code::CodeError>,
}

impl<S: Send + Sync> FromRequestParts<S> for LabelCode {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state).await?;
        let code = crate::verify::code_from_input(&raw).to_owned();
        let label = crate::domain::code::Label::parse(&code);
        Ok(LabelCode { code, label })
    }
}

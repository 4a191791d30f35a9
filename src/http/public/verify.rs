//! `GET /api/v1/verify/{code}` and the published key set.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::code::Label;
use crate::domain::values::KeyStatus;
use crate::http::client::{Consumer, Peer};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, LabelCode};
use crate::state::AppState;
use crate::store::StoreError;
use crate::verify::risk::NetId;
use crate::verify::{Source, Verdict};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_code))
        .routes(routes!(keys))
}

/// The verdict for one label code (or label URL). Counts the scan.
#[utoipa::path(
    get, path = "/api/v1/verify/{code}", tag = "verification", operation_id = "verifyCode",
    params(("code" = String, Path, pattern = "^[0-9]{207}$", description = "The 207-digit label code (a percent-encoded label URL is accepted too)")),
    responses(
        (status = 200, description = "The verdict", body = Verdict),
        (status = 400, description = "Not a label code; `reason` says why (bad_length, non_digit, group_overflow, unknown_version)", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn verify_code(
    State(state): State<AppState>,
    Consumer(source): Consumer,
    Peer(ip): Peer,
    code: LabelCode,
) -> Result<Json<Verdict>, ApiError> {
    let label = code.label.map_err(|e| {
        state.metrics.observe_verdict("malformed");
        malformed(&e)
    })?;
    let net = NetId::of(&state.shortcodes, ip);
    Ok(Json(scan_from(&state, &label, &source, net).await?))
}

/// Verifies a label and records the scan: what the single-code routes do for a scanner.
pub async fn scan(state: &AppState, label: &Label, source: &Source) -> Result<Verdict, StoreError> {
    scan_from(state, label, source, None).await
}

/// [`scan`], counting the scan for the copy detector under the client's network.
pub async fn scan_from(
    state: &AppState,
    label: &Label,
    source: &Source,
    net: Option<NetId>,
) -> Result<Verdict, StoreError> {
    let checked = state.verifier.check(&state.db, label).await?;
    let verdict = state
        .verifier
        .record_visit(&state.db, checked, source, net)
        .await?;
    state.metrics.observe_verdict(verdict.status.as_str());
    Ok(verdict)
}

/// The 400 answer for a code that cannot be read.
pub fn malformed(e: &crate::domain::code::CodeError) -> ApiError {
    ApiError {
        reason: Some(e.reason()),
        ..ApiError::bad_request(format!("malformed label code: {e}"))
    }
}

/// One key of the published set (JWKS, RFC 7517, with Ed25519 as in RFC 8037).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub status: KeyStatus,
    pub created: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compromised_since: Option<DateTime<Utc>>,
    /// `status` for the key of the signed status list; absent (`label`) for label keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<&'static str>,
    /// The C2SP note verifier key, for keys that sign notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vkey: Option<String>,
}

/// The published key set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// Builds the key set from the ring: public halves only.
pub fn jwks(state: &AppState) -> Jwks {
    use base64::Engine;
    let ring = state.key_ring();
    Jwks {
        keys: ring
            .all()
            .iter()
            .map(|k| Jwk {
                kty: "OKP",
                crv: "Ed25519",
                x: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k.public.as_bytes()),
                kid: k.kid.to_string(),
                alg: "EdDSA",
                use_: "sig",
                status: k.status,
                created: k.created,
                compromised_since: k.compromised_since,
                purpose: None,
                org: None,
                vkey: None,
            })
            .chain(state.status_key.as_ref().map(|k| Jwk {
                kty: "OKP",
                crv: "Ed25519",
                x: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k.public().as_bytes()),
                kid: crate::domain::code::Kid::of(k.public()).to_string(),
                alg: "EdDSA",
                use_: "sig",
                status: KeyStatus::Active,
                created: k.created,
                compromised_since: None,
                purpose: Some("status"),
                org: Some("operator"),
                vkey: Some(k.vkey()),
            }))
            .collect(),
    }
}

/// The public keys that sign labels and credentials, with their status.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/keys.json", tag = "verification", operation_id = "getKeySet",
    responses((status = 200, description = "The key set (JWKS)", body = Jwks))
)]
async fn keys(State(state): State<AppState>) -> Response {
    let mut res = Json(jwks(&state)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    res
}

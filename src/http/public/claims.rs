//! `POST /api/v1/claims`: the buyer's one-time claim of an item of a lot issued with claim
//! codes (the same as the form on the verification page). Limited per client network and per
//! label (`service::claims`).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::code::Label;
use crate::http::client::{Consumer, Peer};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::Json;
use crate::service::claims::{self, ClaimError, Claimant, Claimed};
use crate::state::AppState;
use crate::verify::risk::NetId;
use crate::verify::{Source, code_from_input};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(claim))
}

/// The name of the cookie that tells a claimant's device apart (a random value; only its
/// hash is stored with the claim).
pub const DEVICE_COOKIE: &str = "tasdiq_device";

/// Body of `POST /api/v1/claims`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// The label's 207-digit code, or its URL.
    pub code: String,
    /// The claim code printed inside the pack (13 characters; dashes, spaces and case do not
    /// matter).
    pub claim: String,
}

/// An accepted claim.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimAnswer {
    /// `claimed` (just now) or `claimed_before` (by this same device).
    pub status: &'static str,
    pub claimed_at: DateTime<Utc>,
}

/// Claims an item with the code inside its pack.
#[utoipa::path(
    post, path = "/api/v1/claims", tag = "verification", operation_id = "claimItem",
    request_body = ClaimBody,
    responses(
        (status = 200, description = "Claimed (or claimed before from this device)", body = ClaimAnswer),
        (status = 400, description = "Not a label code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_claimed` (a second claim: refused, and the label is flagged) or `no_claim_codes`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`claim_mistyped` (the check character does not match), `claim_wrong`, or `not_genuine`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`claims_locked` (10 wrong codes for this label in a day) or too many tries from this network", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn claim(
    State(state): State<AppState>,
    Consumer(source): Consumer,
    Peer(ip): Peer,
    headers: HeaderMap,
    Json(body): Json<ClaimBody>,
) -> Result<Json<ClaimAnswer>, ApiError> {
    let label = Label::parse(code_from_input(&body.code)).map_err(|e| ApiError {
        reason: Some(e.reason()),
        ..ApiError::bad_request(format!("code: malformed label code: {e}"))
    })?;
    let checked = state.verifier.check(&state.db, &label).await?;
    let bucket = bucket(&source);
    let device = device(&headers).map(|d| claims::device_hash(&d));
    let who = Claimant {
        bucket: &bucket,
        net: NetId::of(&state.shortcodes, ip),
        device: device.as_deref(),
    };
    match claims::claim(&state, &checked, &body.claim, &who).await {
        Ok(Claimed::Now(at)) => Ok(Json(ClaimAnswer {
            status: "claimed",
            claimed_at: at,
        })),
        Ok(Claimed::Before(at)) => Ok(Json(ClaimAnswer {
            status: "claimed_before",
            claimed_at: at,
        })),
        Err(e) => Err(api_error(e)),
    }
}

/// The rate-limit bucket of a consumer: the salted hash of its network.
pub fn bucket(source: &Source) -> String {
    match source {
        Source::Consumer(Some(h)) => h.clone(),
        _ => "unknown".to_owned(),
    }
}

/// The device cookie's value, if the request carries one that looks like ours.
pub fn device(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == DEVICE_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A fresh device cookie value and its `Set-Cookie` header.
pub fn new_device() -> (String, String) {
    let value = hex::encode(rand::random::<[u8; 16]>());
    let header =
        format!("{DEVICE_COOKIE}={value}; Path=/; Max-Age=63072000; HttpOnly; SameSite=Lax");
    (value, header)
}

fn api_error(e: ClaimError) -> ApiError {
    let detail = e.to_string();
    let with = |status: StatusCode, reason: &'static str| ApiError {
        reason: Some(reason),
        ..ApiError::new(status, format!("claim: {detail}"))
    };
    match e {
        ClaimError::NotGenuine => with(StatusCode::UNPROCESSABLE_ENTITY, "not_genuine"),
        ClaimError::NoClaims => with(StatusCode::CONFLICT, "no_claim_codes"),
        ClaimError::Mistyped(_) => with(StatusCode::UNPROCESSABLE_ENTITY, "claim_mistyped"),
        ClaimError::Wrong { .. } => with(StatusCode::UNPROCESSABLE_ENTITY, "claim_wrong"),
        ClaimError::Taken(_) => with(StatusCode::CONFLICT, "already_claimed"),
        ClaimError::Locked { until } => {
            let secs = u64::try_from((until - Utc::now()).num_seconds()).unwrap_or(1);
            ApiError {
                reason: Some("claims_locked"),
                retry_after: Some(secs.max(1)),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, format!("claim: {detail}"))
            }
        }
        ClaimError::Limited(secs) => ApiError::too_many(secs),
        ClaimError::Service(s) => ApiError::from(s),
    }
}

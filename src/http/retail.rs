//! The retailers' API: batch verification of a delivery, and the lot behind a certificate.

use axum::extract::State;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Retailer;
use super::error::{ApiError, Problem};
use super::extract::{Json, Path};
use super::officer_api::certificates::certificate_number;
use crate::domain::verdict::{self, Status};
use crate::state::AppState;
use crate::store::certificates::CertView;
use crate::store::scans;
use crate::verify::{Source, Verdict};

/// The most codes one batch may carry.
pub const MAX_BATCH: usize = 1000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_batch))
        .routes(routes!(lot))
}

/// Body of `POST /api/v1/verify`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Label codes or label URLs, 1 to 1,000.
    #[schema(min_items = 1, max_items = 1000)]
    pub codes: Vec<String>,
    /// Records the delivery's custody (e.g. its receipt) for the genuine labels, in the same call.
    #[serde(default)]
    pub record: Option<super::events::RecordRequest>,
}

/// Answer of `POST /api/v1/verify`: one verdict per code, in the same order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResponse {
    pub results: Vec<Verdict>,
    /// With `record`: the custody event stored, if any label was genuine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded: Option<super::events::RecordedEvent>,
}

/// Verifies a delivery: up to 1,000 codes or label URLs.
///
/// Answered in the same order, one verdict per code. A code that cannot be read is that
/// item's `malformed` verdict. Counted as retailer checks. With `record`, the genuine labels'
/// custody (e.g. `receiving` at one of your locations) is recorded as one EPCIS event.
#[utoipa::path(
    post, path = "/api/v1/verify", tag = "verification", operation_id = "verifyBatch", request_body = BatchRequest,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "One verdict per code", body = BatchResponse),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API key, or an unknown or revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than 1,000 codes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body does not hold a list of codes", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn verify_batch(
    State(state): State<AppState>,
    Retailer(who): Retailer,
    Json(body): Json<BatchRequest>,
) -> Result<Json<BatchResponse>, ApiError> {
    if body.codes.len() > MAX_BATCH {
        return Err(ApiError::too_large(format!(
            "{} codes sent; a batch holds at most {MAX_BATCH} — split the delivery",
            body.codes.len()
        )));
    }
    if body.codes.is_empty() {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "codes must hold at least one code",
        ));
    }
    let plan = match &body.record {
        Some(r) => Some(super::events::check_record(&state, &who, r).await?),
        None => None,
    };
    let source = Source::Retailer(who.api_key.unwrap_or(0));
    let results = state
        .verifier
        .verify_many(&state.db, &body.codes, &source)
        .await?;
    for v in &results {
        state.metrics.observe_verdict(v.status.as_str());
    }
    let recorded = match plan {
        Some(p) => super::events::record_delivery(&state, &who, p, &body.codes, &results).await?,
        None => None,
    };
    Ok(Json(BatchResponse { results, recorded }))
}

/// What a retailer needs to know about a lot.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LotView {
    #[serde(flatten)]
    pub certificate: CertView,
    /// The verdict every genuine label of this lot gets today.
    pub verdict: LotVerdict,
    /// How the lot's labels have been checked so far.
    pub checks: scans::LotChecks,
}

/// The verdict of the lot's genuine labels.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LotVerdict {
    pub status: Status,
    pub reason: &'static str,
}

/// A lot as a retailer needs it.
///
/// Product, producer, brand, quantity, item range, status, and how its labels have been
/// checked.
#[utoipa::path(
    get, path = "/api/v1/lots/{number}", tag = "verification", operation_id = "getLot",
    params(("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The lot", body = LotView),
        (status = 400, description = "Not a certificate number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API key, or an unknown or revoked one", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key's role may not do this", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certificate", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests for this key", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn lot(
    State(state): State<AppState>,
    Retailer(_): Retailer,
    Path(number): Path<String>,
) -> Result<Json<LotView>, ApiError> {
    let number = certificate_number(&number)?;
    let rec = state
        .verifier
        .lookup(&state.db, number)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no certificate {number}")))?;
    let ring = state.key_ring();
    let d = verdict::decide_lot(&rec.facts, ring.get(rec.facts.kid), Utc::now().date_naive());
    let checks = scans::lot_checks(
        &state.db,
        number,
        state.verifier.scans.thresholds.distinct_clients,
        state.verifier.scans.thresholds.scans_per_day,
    )
    .await?;
    Ok(Json(LotView {
        certificate: rec.view.clone(),
        verdict: LotVerdict {
            status: d.status,
            reason: d.reason,
        },
        checks,
    }))
}

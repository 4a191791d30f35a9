//! The retailers' API: batch verification of a delivery, and the lot behind a certificate.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::auth::Retailer;
use super::error::ApiError;
use super::extract::{Json, Path};
use super::officer_api::certificates::certificate_number;
use crate::domain::verdict::{self, Status};
use crate::state::AppState;
use crate::store::certificates::CertView;
use crate::store::scans;
use crate::verify::{self, Source, Verdict};

/// The most codes one batch may carry.
pub const MAX_BATCH: usize = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/verify", post(verify_batch))
        .route("/api/v1/lots/{number}", get(lot))
}

/// Body of `POST /api/v1/verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Label codes or label URLs, at most 1,000.
    pub codes: Vec<String>,
}

/// Answer of `POST /api/v1/verify`: one verdict per code, in the same order.
#[derive(Debug, Serialize)]
pub struct BatchResponse {
    pub results: Vec<Verdict>,
}

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
    let source = Source::Retailer(who.api_key.unwrap_or(0));
    let results = verify::verify_many(&state, &body.codes, &source).await?;
    Ok(Json(BatchResponse { results }))
}

/// What a retailer needs to know about a lot.
#[derive(Debug, Serialize)]
pub struct LotView {
    #[serde(flatten)]
    pub certificate: CertView,
    /// The verdict every genuine label of this lot gets today.
    pub verdict: LotVerdict,
    /// How the lot's labels have been checked so far.
    pub checks: scans::LotChecks,
}

#[derive(Debug, Serialize)]
pub struct LotVerdict {
    pub status: Status,
    pub reason: &'static str,
}

async fn lot(
    State(state): State<AppState>,
    Retailer(_): Retailer,
    Path(number): Path<String>,
) -> Result<Json<LotView>, ApiError> {
    let number = certificate_number(&number)?;
    let rec = verify::lookup(&state, number)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no certificate {number}")))?;
    let ring = state.key_ring();
    let d = verdict::decide_lot(&rec.facts, ring.get(rec.facts.kid), Utc::now().date_naive());
    let checks = scans::lot_checks(
        &state.db,
        number,
        state.scans.thresholds.distinct_clients,
        state.scans.thresholds.scans_per_day,
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

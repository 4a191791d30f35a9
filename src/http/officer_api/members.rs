//! Rights of use: `POST /api/v1/brands/{number}/members` grants one (or renews an expired one),
//! `PATCH /api/v1/brands/{number}/members/{producer_id}` suspends, withdraws or reinstates it,
//! `POST /api/v1/brands/{number}/members/{producer_id}/renew` gives it a new period.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{answer, body, by};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{BrandPath, Json, ProducerPath};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::service::registry;
use crate::state::AppState;
use crate::store::memberships::{self, MembershipView};
use crate::views::registry::{ChangeBody, GrantBody, MembershipDetail, RenewBody};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(grant))
        .routes(routes!(one, change))
        .routes(routes!(renew))
}

/// Renews a right of use with a new period.
///
/// For an expired, expiring or suspended right; its status stays, and the history keeps the
/// renewal with its period. A withdrawn right cannot be renewed: grant a new one.
#[utoipa::path(
    post, path = "/api/v1/brands/{number}/members/{producer_id}/renew", tag = "officers", operation_id = "renewRightOfUse", request_body = RenewBody,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("producer_id" = i64, Path, minimum = 1, description = "The producer's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The right of use after the renewal", body = MembershipView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn renew(
    State(state): State<AppState>,
    Officer(who): Officer,
    BrandPath(brand): BrandPath,
    ProducerPath(producer): ProducerPath,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let b: RenewBody = body(raw.clone())?;
    let route = format!("POST /api/v1/brands/{brand}/members/{producer}/renew");
    let by = by(&who, &headers, &route, &raw, StatusCode::OK)?;
    let outcome = registry::renew(&state, &by, brand, producer, &b).await?;
    answer(outcome, StatusCode::OK, |_| None)
}

/// Grants a producer the right to use a brand for a period.
#[utoipa::path(
    post, path = "/api/v1/brands/{number}/members", tag = "officers", operation_id = "grantRightOfUse", request_body = GrantBody,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The right of use", body = MembershipView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn grant(
    State(state): State<AppState>,
    Officer(who): Officer,
    BrandPath(brand): BrandPath,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let g: GrantBody = body(raw.clone())?;
    let route = format!("POST /api/v1/brands/{brand}/members");
    let by = by(&who, &headers, &route, &raw, StatusCode::CREATED)?;
    let outcome = registry::grant(&state, &by, brand, &g).await?;
    answer(outcome, StatusCode::CREATED, |m| {
        Some(format!("/api/v1/brands/{brand}/members/{}", m.producer))
    })
}

/// Suspends, withdraws or reinstates a right of use, or changes its period.
///
/// Suspending or withdrawing needs a reason. The change shows in the very next verdict of
/// every label of that producer and brand.
#[utoipa::path(
    patch, path = "/api/v1/brands/{number}/members/{producer_id}", tag = "officers", operation_id = "changeRightOfUse", request_body = ChangeBody,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("producer_id" = i64, Path, minimum = 1, description = "The producer's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The right of use after the change", body = MembershipView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn change(
    State(state): State<AppState>,
    Officer(who): Officer,
    BrandPath(brand): BrandPath,
    ProducerPath(producer): ProducerPath,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let b: ChangeBody = body(raw.clone())?;
    let route = format!("PATCH /api/v1/brands/{brand}/members/{producer}");
    let by = by(&who, &headers, &route, &raw, StatusCode::OK)?;
    let outcome = registry::change_membership(&state, &by, brand, producer, &b).await?;
    answer(outcome, StatusCode::OK, |_| None)
}

/// A right of use and its history.
#[utoipa::path(
    get, path = "/api/v1/brands/{number}/members/{producer_id}", tag = "officers", operation_id = "getRightOfUse",
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("producer_id" = i64, Path, minimum = 1, description = "The producer's id"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The right of use", body = MembershipDetail),
        Guarded, NotFound,
    )
)]
async fn one(
    State(state): State<AppState>,
    Officer(_): Officer,
    BrandPath(brand): BrandPath,
    ProducerPath(producer): ProducerPath,
) -> Result<Json<MembershipDetail>, ApiError> {
    let (membership, history) = memberships::history(&state.db, brand, producer).await?;
    Ok(Json(MembershipDetail {
        membership,
        history,
    }))
}

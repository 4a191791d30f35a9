//! `POST /api/v1/brands` and `PATCH /api/v1/brands/{number}`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{answer, body, by};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{BrandPath, Json};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::service::registry;
use crate::state::AppState;
use crate::views::registry::{CreateBrand, PatchBrand};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(update))
}

/// Registers a brand.
#[utoipa::path(
    post, path = "/api/v1/brands", tag = "officers", operation_id = "createBrand", request_body = CreateBrand,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The new brand", body = crate::store::registry::BrandView),
        Guarded, JsonBody, Refused,
    )
)]
async fn create(
    State(state): State<AppState>,
    Officer(who): Officer,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let b: CreateBrand = body(raw.clone())?;
    let by = by(
        &who,
        &headers,
        "POST /api/v1/brands",
        &raw,
        StatusCode::CREATED,
    )?;
    let outcome = registry::create_brand(&state, &by, &b).await?;
    answer(outcome, StatusCode::CREATED, |v| {
        Some(format!("/api/v1/brands/{}", v.number))
    })
}

/// Updates a brand: any of its fields, or its status with a reason.
///
/// Status goes active ⇄ suspended → withdrawn. A status change shows in the very next verdict
/// of every label of the brand.
#[utoipa::path(
    patch, path = "/api/v1/brands/{number}", tag = "officers", operation_id = "updateBrand", request_body = PatchBrand,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The brand after the change", body = crate::store::registry::BrandView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn update(
    State(state): State<AppState>,
    Officer(who): Officer,
    BrandPath(number): BrandPath,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let p: PatchBrand = body(raw.clone())?;
    let route = format!("PATCH /api/v1/brands/{number}");
    let by = by(&who, &headers, &route, &raw, StatusCode::OK)?;
    let outcome = registry::update_brand(&state, &by, number, &p).await?;
    answer(outcome, StatusCode::OK, |_| None)
}

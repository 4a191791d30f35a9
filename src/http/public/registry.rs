//! `GET /api/v1/brands`, `/api/v1/brands/{number}` and `/api/v1/brands/{number}/members`.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use crate::domain::values::{BrandKind, BrandNumber, Category, Region, Standing};
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Path, Query};
use crate::state::AppState;
use crate::store::registry::{self, BrandFilter, BrandView, MemberView, Page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/brands", get(list))
        .route("/api/v1/brands/{number}", get(one))
        .route("/api/v1/brands/{number}/members", get(members))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandQuery {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub region: Option<String>,
    pub category: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<BrandQuery>,
) -> Result<Json<Page<BrandView>>, ApiError> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    if q.q.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::bad_request("q is at most 100 characters"));
    }
    let bad = |e: crate::domain::values::FieldError| ApiError::bad_request(e.to_string());
    let filter = BrandFilter {
        region: q
            .region
            .as_deref()
            .map(|s| Region::parse("region", s))
            .transpose()
            .map_err(bad)?,
        category: q
            .category
            .as_deref()
            .map(|s| Category::parse("category", s))
            .transpose()
            .map_err(bad)?,
        kind: q
            .kind
            .as_deref()
            .map(|s| BrandKind::parse("kind", s))
            .transpose()
            .map_err(bad)?,
        status: q
            .status
            .as_deref()
            .map(|s| Standing::parse("status", s))
            .transpose()
            .map_err(bad)?,
        q: q.q,
    };
    Ok(Json(
        registry::list_brands(&state.db, &filter, limit, offset).await?,
    ))
}

/// Reads the `{number}` path segment.
pub fn brand_number(raw: &str) -> Result<BrandNumber, ApiError> {
    BrandNumber::parse("number", raw).map_err(|e| ApiError::bad_request(e.to_string()))
}

async fn one(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<BrandView>, ApiError> {
    let number = brand_number(&number)?;
    Ok(Json(registry::get_brand(&state.db, number).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersQuery {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

async fn members(
    State(state): State<AppState>,
    Path(number): Path<String>,
    Query(q): Query<MembersQuery>,
) -> Result<Json<Page<MemberView>>, ApiError> {
    let number = brand_number(&number)?;
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    Ok(Json(
        registry::list_members(&state.db, number, limit, offset).await?,
    ))
}

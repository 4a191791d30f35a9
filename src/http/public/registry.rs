//! `GET /api/v1/brands`, `/api/v1/brands/{number}` and `/api/v1/brands/{number}/members`.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::values::{BrandKind, BrandNumber, Category, Region, Standing};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Paging, Path, Query};
use crate::state::AppState;
use crate::store::registry::{self, BrandFilter, BrandView, MemberView, Page};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(members))
}

/// Filters and paging of the brand list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BrandQuery {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Brands to skip.
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
    /// A region slug, e.g. `souss-massa`.
    #[param(value_type = Option<Region>)]
    pub region: Option<String>,
    #[param(value_type = Option<Category>)]
    pub category: Option<String>,
    #[param(value_type = Option<BrandKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<Standing>)]
    pub status: Option<String>,
    /// Text searched in the code and in the four names.
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// The public registry of brands.
#[utoipa::path(
    get, path = "/api/v1/brands", tag = "registry", operation_id = "listBrands", params(BrandQuery),
    responses(
        (status = 200, description = "A page of brands, by number", body = Page<BrandView>),
        (status = 400, description = "A bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
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
    if q.q
        .as_ref()
        .is_some_and(|s| s.chars().any(char::is_control))
    {
        return Err(ApiError::bad_request(
            "q must not contain control characters (such as %00)",
        ));
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

/// One brand.
#[utoipa::path(
    get, path = "/api/v1/brands/{number}", tag = "registry", operation_id = "getBrand",
    params(("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number")),
    responses(
        (status = 200, description = "The brand", body = BrandView),
        (status = 400, description = "Not a brand number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such brand", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn one(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<BrandView>, ApiError> {
    let number = brand_number(&number)?;
    Ok(Json(registry::get_brand(&state.db, number).await?))
}

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

/// The producers holding (or having held) the right to use a brand.
#[utoipa::path(
    get, path = "/api/v1/brands/{number}/members", tag = "registry", operation_id = "listBrandMembers",
    params(("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"), PageQuery),
    responses(
        (status = 200, description = "A page of members", body = Page<MemberView>),
        (status = 400, description = "A bad number or page", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such brand", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn members(
    State(state): State<AppState>,
    Path(number): Path<String>,
    Query(q): Query<PageQuery>,
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

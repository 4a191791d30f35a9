//! `GET /api/v1/reports`: consumer reports, newest first.

use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Query};
use crate::http::openapi::Guarded;
use crate::http::public::registry::PageQuery;
use crate::state::AppState;
use crate::store::registry::Page;
use crate::store::reports::{self, ReportView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// Consumer reports of suspicious products, newest first.
#[utoipa::path(
    get, path = "/api/v1/reports", tag = "audit", operation_id = "listReports", params(PageQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of reports", body = Page<ReportView>),
        Guarded,
    )
)]
async fn list(
    State(state): State<AppState>,
    Officer(_): Officer,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<ReportView>>, ApiError> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    Ok(Json(reports::list(&state.db, limit, offset).await?))
}

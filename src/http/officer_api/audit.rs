//! `GET /api/v1/audit`: the audit log, newest first.

use crate::http::openapi::Guarded;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Query};
use crate::state::AppState;
use crate::store::audit::{self, AuditView};
use crate::store::registry::Page;
use crate::views::audit::AuditQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// The audit log, newest first.
///
/// Who changed what, when, before and after; filtered by actor, action, target and day.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "audit", operation_id = "listAuditEntries", params(AuditQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditView>),
        (status = 422, description = "A parameter that does not parse, each named", body = crate::http::error::Problem, content_type = "application/problem+json"),
        Guarded,
    )
)]
async fn list(
    State(state): State<AppState>,
    Officer(_): Officer,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Page<AuditView>>, ApiError> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    let filter = q.filter().map_err(ApiError::invalid)?;
    Ok(Json(
        audit::search(&state.db, &filter, limit, offset).await?,
    ))
}

//! `GET /api/v1/audit`: the audit log, newest first.

use crate::http::openapi::Guarded;
use crate::http::public::registry::PageQuery;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Query};
use crate::state::AppState;
use crate::store::audit::{self, AuditView};
use crate::store::registry::Page;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

/// The audit log, newest first.
///
/// Who changed what, when, before and after.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "audit", operation_id = "listAuditEntries", params(PageQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditView>),
        Guarded,
    )
)]
async fn list(
    State(state): State<AppState>,
    Officer(_): Officer,
    Query(q): Query<PageQuery>,
) -> Result<Json<Page<AuditView>>, ApiError> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    Ok(Json(audit::list(&state.db, limit, offset).await?))
}

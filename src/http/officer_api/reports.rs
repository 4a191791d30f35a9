//! `GET /api/v1/reports`: consumer reports, newest first.

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::audit::AuditQuery as PageQuery;
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Query};
use crate::state::AppState;
use crate::store::registry::Page;
use crate::store::reports::{self, ReportView};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/reports", get(list))
}

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

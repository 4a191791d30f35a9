//! `GET /api/v1/audit`: the audit log, newest first.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Query};
use crate::state::AppState;
use crate::store::audit::{self, AuditView};
use crate::store::registry::Page;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/audit", get(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

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
    Ok(Json(audit::list(&state.db, limit, offset).await?))
}

//! Operations endpoints: liveness, readiness and metrics.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::error::ApiError;
use super::extract::Json;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
}

/// The process is up.
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can serve: the database answers and the issuance log passed its self-check.
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    if let Some(why) = state.log.refusal() {
        return Err(ApiError::unavailable(format!(
            "the issuance log refuses to sign: {why}"
        )));
    }
    match crate::store::ops::ping(&state.db).await {
        Ok(_) => Ok(Json(Health { status: "ready" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError::unavailable("the database does not answer"))
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

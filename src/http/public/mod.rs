//! Routes anyone may call: the brand registry, verification and published keys.

use axum::Router;

use crate::state::AppState;

pub mod registry;
pub mod verify;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(registry::router())
        .merge(verify::router())
}

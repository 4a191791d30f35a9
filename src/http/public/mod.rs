//! Routes anyone may call: the brand registry, verification and published keys.

use axum::Router;

use crate::state::AppState;

pub mod registry;

pub fn router() -> Router<AppState> {
    Router::new().merge(registry::router())
}

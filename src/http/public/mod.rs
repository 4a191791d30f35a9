//! Routes anyone may call: the brand registry, verification and published keys.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub mod registry;
pub mod verify;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(registry::router())
        .merge(verify::router())
}

//! Routes anyone may call: the brand registry, verification and published keys.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub mod credentials;
pub mod registry;
pub mod verify;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(credentials::router())
        .merge(registry::router())
        .merge(verify::router())
}

//! Routes anyone may call: the brand registry, verification and published keys.

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub mod claims;
pub mod credentials;
pub mod registry;
pub mod verify;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(claims::router())
        .merge(credentials::router())
        .merge(registry::router())
        .merge(verify::router())
}

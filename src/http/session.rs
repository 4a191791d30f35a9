//! Officer web sessions. The cookie-based sign-in arrives with the officer web interface; until
//! then no request carries a session and officers use API keys.

use axum::http::request::Parts;

use super::auth::Principal;
use super::error::ApiError;
use crate::state::AppState;

/// The officer signed in through the session cookie, if any.
pub async fn officer_from_cookie(
    _parts: &mut Parts,
    _state: &AppState,
) -> Result<Option<Principal>, ApiError> {
    Ok(None)
}

//! Officer web sessions: the `tasdiq_session` cookie (HttpOnly, SameSite=Strict, Secure when the
//! public URL is https), looked up in `officer_sessions`, ending after idle time, after an
//! absolute lifetime, or at once when the account is disabled. Below `auth`, which turns a
//! session into a caller: this module imports nothing of it.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};

use super::error::ApiError;
use crate::state::AppState;
use crate::store::sessions::{self, Lifetime, Session};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "tasdiq_session";

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the attributes every cookie of ours carries.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if state.config.secure_cookies() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Adds a `Set-Cookie` header.
pub fn add_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The session of the request, if its cookie names a live one. Cached in the request.
pub async fn current(parts: &mut Parts, state: &AppState) -> Result<Option<Session>, ApiError> {
    if let Some(s) = parts.extensions.get::<Option<Session>>() {
        return Ok(s.clone());
    }
    let found = match cookie(&parts.headers, COOKIE_NAME) {
        Some(token) => sessions::find(&state.db, token, lifetime(state)).await?,
        None => None,
    };
    parts.extensions.insert(found.clone());
    Ok(found)
}

/// How long sessions last, from the configuration.
pub fn lifetime(state: &AppState) -> Lifetime {
    Lifetime {
        idle: state.config.session_idle(),
        max: state.config.session_max(),
    }
}

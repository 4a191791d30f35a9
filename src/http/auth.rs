//! Who is calling, and may they? Callers authenticate with `Authorization: Bearer <api key>`
//! or, in the browser, the officer session cookie. Roles nest: admin ⊃ officer ⊃ retailer ⊃
//! anonymous. A route that needs a role answers 401 without credentials and 403 when the
//! caller's role is too low.
//!
//! A browser sends the session cookie on its own, so a write authenticated by the cookie alone
//! must also say it comes from our pages: its `Origin` (or, lacking one, its `Referer`) must be
//! the public URL's origin. SameSite=Strict and the JSON content type already stand in the way
//! of other sites; this check does not depend on either. Answers to authenticated API requests
//! are never stored by caches (`Cache-Control: no-store`).

use axum::extract::{FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, ORIGIN, REFERER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;
use crate::domain::values::Role;
use crate::state::AppState;
use crate::store;

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// How the audit log names the caller, e.g. `officer:amina@example.ma` or `apikey:3:Marjane`.
    pub actor: String,
    pub role: Role,
    pub api_key: Option<i64>,
    pub officer: Option<i64>,
}

/// The officer signed in through the session cookie, if any.
async fn officer_from_cookie(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<Principal>, ApiError> {
    Ok(super::session::current(parts, state)
        .await?
        .map(|s| Principal {
            actor: format!("officer:{}", s.officer.email),
            role: s.officer.role,
            api_key: None,
            officer: Some(s.officer.id),
        }))
}

/// Finds the caller of a request, if any. A bearer token that is not a valid key is a 401,
/// not an anonymous request: a typo in a key should not silently downgrade the caller.
pub async fn caller(parts: &mut Parts, state: &AppState) -> Result<Option<Principal>, ApiError> {
    if let Some(p) = parts.extensions.get::<Principal>() {
        return Ok(Some(p.clone()));
    }
    let found = match parts.headers.get(AUTHORIZATION) {
        Some(value) => {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .ok_or_else(|| {
                    ApiError::unauthorized("the Authorization header must be `Bearer <api key>`")
                })?;
            let key = crate::service::accounts::authenticate_api_key(&state.db, token)
                .await?
                .ok_or_else(|| ApiError::unauthorized("this API key is unknown or revoked"))?;
            let limit = store::rate_limits::Limit::per_second(
                state.config.api_rate,
                state.config.api_burst,
            );
            let now_ms = chrono::Utc::now().timestamp_millis();
            if let Some(wait_ms) =
                store::rate_limits::take(&state.db, &format!("apikey:{}", key.id), limit, now_ms)
                    .await?
            {
                return Err(ApiError::too_many(
                    u64::try_from(wait_ms).unwrap_or(1).div_ceil(1000),
                ));
            }
            Some(Principal {
                actor: format!("apikey:{}:{}", key.id, key.name),
                role: key.role,
                api_key: Some(key.id),
                officer: None,
            })
        }
        None => {
            let found = officer_from_cookie(parts, state).await?;
            if found.is_some()
                && !parts.method.is_safe()
                && !same_origin(&parts.headers, state.config.public_base())
            {
                return Err(ApiError::forbidden(format!(
                    "a write signed in with the session cookie must come from the officer pages \
                     at {}: this request's Origin is missing or another site's",
                    origin_of(state.config.public_base())
                )));
            }
            found
        }
    };
    if let Some(p) = &found {
        parts.extensions.insert(p.clone());
    }
    Ok(found)
}

/// `scheme://host[:port]` of a base URL.
fn origin_of(base: &str) -> &str {
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    }
}

/// Whether a request says it comes from a page of `public_base`.
fn same_origin(headers: &HeaderMap, public_base: &str) -> bool {
    let ours = origin_of(public_base);
    if let Some(origin) = headers.get(ORIGIN) {
        return origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(ours));
    }
    headers
        .get(REFERER)
        .and_then(|r| r.to_str().ok())
        .is_some_and(|r| {
            r.len() > ours.len()
                && r[..ours.len()].eq_ignore_ascii_case(ours)
                && r.as_bytes()[ours.len()] == b'/'
        })
}

/// Authenticated API answers (a bearer key or the session cookie) are private to their caller:
/// no cache, shared or not, may keep them.
pub async fn no_store(req: Request, next: Next) -> Response {
    let authenticated = req.uri().path().starts_with("/api/")
        && (req.headers().contains_key(AUTHORIZATION)
            || super::session::cookie(req.headers(), super::session::COOKIE_NAME).is_some());
    let mut res = next.run(req).await;
    if authenticated {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

async fn require(parts: &mut Parts, state: &AppState, role: Role) -> Result<Principal, ApiError> {
    let p = caller(parts, state).await?.ok_or_else(|| {
        ApiError::unauthorized(format!(
            "this route needs credentials with the {role} role: send `Authorization: Bearer <api key>`"
        ))
    })?;
    if p.role < role {
        return Err(ApiError::forbidden(format!(
            "this route needs the {role} role; these credentials have the {} role",
            p.role
        )));
    }
    Ok(p)
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub Principal);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
                require(parts, state, $role).await.map($name)
            }
        }
    };
}

role_extractor!(
    /// A caller with at least the retailer role.
    Retailer,
    Role::Retailer
);
role_extractor!(
    /// A caller with at least the officer role.
    Officer,
    Role::Officer
);
role_extractor!(
    /// An administrator.
    Admin,
    Role::Admin
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(origin_of("https://tasdiq.ma"), "https://tasdiq.ma");
        assert_eq!(origin_of("https://tasdiq.ma/base"), "https://tasdiq.ma");
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        let h = |name, value: &str| {
            let mut m = HeaderMap::new();
            m.insert(name, HeaderValue::from_str(value).unwrap());
            m
        };
        let base = "https://tasdiq.ma";
        assert!(same_origin(&h(ORIGIN, "https://tasdiq.ma"), base));
        assert!(!same_origin(&h(ORIGIN, "https://evil.example"), base));
        assert!(!same_origin(&h(ORIGIN, "null"), base));
        assert!(same_origin(&h(REFERER, "https://tasdiq.ma/officer"), base));
        assert!(!same_origin(
            &h(REFERER, "https://tasdiq.ma.evil.example/"),
            base
        ));
        assert!(!same_origin(&HeaderMap::new(), base));
    }
}

//! Who is calling, and may they? Callers authenticate with `Authorization: Bearer <api key>`
//! or, in the browser, the officer session cookie. Roles nest: admin ⊃ officer ⊃ retailer ⊃
//! anonymous. A route that needs a role answers 401 without credentials and 403 when the
//! caller's role is too low.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

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
            let key = store::api_keys::authenticate(&state.db, token)
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
        None => super::session::officer_from_cookie(parts, state).await?,
    };
    if let Some(p) = &found {
        parts.extensions.insert(p.clone());
    }
    Ok(found)
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

//! Who is asking: the salted client hash used to count distinct scanners. The address comes
//! from the socket, or from `X-Forwarded-For` when `TASDIQ_TRUST_FORWARDED` says a reverse
//! proxy sets it. The raw address is hashed at once and never stored.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use chrono::Utc;

use crate::state::AppState;
use crate::verify::Source;

/// The scan source of a public request.
pub struct Consumer(pub Source);

impl FromRequestParts<AppState> for Consumer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let ip = client_ip(parts, state.config.trust_forwarded);
        let ua = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let hash = state.scans.client_hash(Utc::now().date_naive(), &ip, ua);
        Ok(Consumer(Source::Consumer(hash)))
    }
}

/// The client's address as text ("unknown" in-process, where there is no socket).
pub fn client_ip(parts: &Parts, trust_forwarded: bool) -> String {
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|ip| trust_forwarded && !ip.is_empty() && ip.len() <= 64);
    if let Some(ip) = forwarded {
        return ip.to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

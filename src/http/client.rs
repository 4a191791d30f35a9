//! Who is asking. The client's address is the socket peer or, when `TASDIQ_TRUST_FORWARDED` says
//! a reverse proxy of ours sits in front, the right-most `X-Forwarded-For` entry: the one that
//! proxy appended, the only one a client cannot choose.
//!
//! Two keys come from it. Scans, copy signals and consumer limits count *networks* (IPv4 /24,
//! IPv6 /48), as a salted daily hash, so one host cannot pass for a crowd by changing its
//! User-Agent or its address within its network; the raw address is never stored. Sign-in limits
//! count *hosts* (the IPv4 address, or the IPv6 /64 a host is normally given).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::Utc;

use crate::state::AppState;
use crate::verify::Source;
pub use crate::verify::scans::Network;
use crate::verify::scans::unmapped as canonical;

/// The scan source of a public request: the salted hash of the client's network.
pub struct Consumer(pub Source);

impl FromRequestParts<AppState> for Consumer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let net = Network::of(peer_ip(parts, state.config.trust_forwarded));
        let hash = state
            .verifier
            .scans
            .client_hash(Utc::now().date_naive(), &net);
        Ok(Consumer(Source::Consumer(hash)))
    }
}

/// The client's address, as [`peer_ip`] finds it.
pub struct Peer(pub Option<IpAddr>);

impl FromRequestParts<AppState> for Peer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Peer(peer_ip(parts, state.config.trust_forwarded)))
    }
}

/// The client's address: with `trust_forwarded`, the right-most `X-Forwarded-For` entry that
/// parses as an address; otherwise (or if there is none) the socket peer. `None` in-process,
/// where there is no socket.
pub fn peer_ip(parts: &Parts, trust_forwarded: bool) -> Option<IpAddr> {
    let socket = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if !trust_forwarded {
        return socket;
    }
    // Several headers count as one comma-separated list, in order; our proxy appends last.
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(parse_ip);
    forwarded.or(socket)
}

/// An address as proxies write it: `1.2.3.4`, `2001:db8::1`, `1.2.3.4:5678` or `[2001:db8::1]:5678`.
fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    if t.len() > 64 {
        return None;
    }
    t.parse::<IpAddr>()
        .ok()
        .or_else(|| t.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// The host a sign-in attempt comes from, as a rate-limit key: the IPv4 address, or the IPv6
/// /64 (a host can pick any address in its /64). "unknown" without an address.
pub fn host_key(ip: Option<IpAddr>) -> String {
    match ip.map(canonical) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let prefix = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{prefix}/64")
        }
        None => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(xff: &[&str], socket: Option<&str>) -> Parts {
        let mut b = Request::builder();
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let (mut parts, ()) = b.body(()).unwrap().into_parts();
        if let Some(s) = socket {
            parts
                .extensions
                .insert(ConnectInfo(s.parse::<SocketAddr>().unwrap()));
        }
        parts
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn the_right_most_forwarded_entry_is_the_client() {
        let p = parts(&["6.6.6.6, 7.7.7.7", "203.0.113.9"], Some("10.0.0.2:4000"));
        assert_eq!(peer_ip(&p, true), ip("203.0.113.9"));
        assert_eq!(
            peer_ip(&p, false),
            ip("10.0.0.2"),
            "not trusted: the socket"
        );
        let p = parts(&["6.6.6.6,  198.51.100.7:5555"], Some("10.0.0.2:4000"));
        assert_eq!(peer_ip(&p, true), ip("198.51.100.7"));
        let p = parts(&["[2001:db8::1]:443"], None);
        assert_eq!(peer_ip(&p, true), ip("2001:db8::1"));
        // Garbage where our proxy's entry should be: the proxy itself is the client.
        let p = parts(&["1.2.3.4, not-an-address"], Some("10.0.0.2:4000"));
        assert_eq!(peer_ip(&p, true), ip("10.0.0.2"));
        assert_eq!(peer_ip(&parts(&[], None), true), None);
    }

    #[test]
    fn networks_and_hosts() {
        assert_eq!(Network::of(ip("192.0.2.1")), Network::of(ip("192.0.2.254")));
        assert_ne!(Network::of(ip("192.0.2.1")), Network::of(ip("192.0.3.1")));
        assert_eq!(
            Network::of(ip("2001:db8:1:2::1")),
            Network::of(ip("2001:db8:1:ffff::9"))
        );
        assert_ne!(
            Network::of(ip("2001:db8:1::1")),
            Network::of(ip("2001:db8:2::1"))
        );
        assert_eq!(
            Network::of(ip("::ffff:192.0.2.7")),
            Network::of(ip("192.0.2.9"))
        );
        assert_eq!(host_key(ip("192.0.2.7")), "192.0.2.7");
        assert_eq!(host_key(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
        assert_eq!(host_key(ip("::ffff:192.0.2.7")), "192.0.2.7");
        assert_eq!(host_key(None), "unknown");
    }
}

//! tasdiq: certification of products made under Morocco's collective brands, with signed QR
//! labels anyone can verify.
//!
//! Layers, imports running one way: `cli` → `http` → `service` → `state` → `verify` → `views` →
//! `store` → `domain`. `domain` is pure; `store` holds every query; `service` holds the officers'
//! use cases (rules, transaction, audit, cache epoch); `http` holds handlers and extractors.

pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod custody;
pub mod db;
pub mod domain;
pub mod entity;
pub mod http;
pub mod i18n;
pub mod keystore;
pub mod metrics;
pub mod printing;
pub mod seed;
pub mod service;
pub mod state;
pub mod status;
pub mod store;
pub mod telemetry;
pub mod translog;
pub mod verify;
pub mod views;

use std::future::Future;

pub use state::AppState;

/// The whole HTTP service as a router: what the tests call.
pub fn app(state: AppState) -> axum::Router {
    http::router(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then drains in-flight requests.
/// Connections that do not send their request headers in time are closed (`http::listen`).
pub async fn launch(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = state.config.header_timeout();
    http::listen::serve(listener, app(state), header_timeout, shutdown).await
}

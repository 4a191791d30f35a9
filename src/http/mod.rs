//! The HTTP layer: routers merged in one place, and the layers every route gets (metrics and
//! tracing by matched route, body limit, timeout, panic guard, problem+json fallbacks).

use std::time::Instant;

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

pub mod auth;
pub mod client;
pub mod csrf;
pub mod error;
pub mod events;
pub mod extract;
pub mod listen;
pub mod officer_api;
pub mod openapi;
pub mod ops;
pub mod pages;
pub mod public;
pub mod retail;
pub mod scan;
pub mod session;
pub mod status;
pub mod translog;

use error::ApiError;

/// The whole service. Tests call it in-process; `serve` binds it to a socket.
pub fn router(state: AppState) -> Router {
    let timeout = state.config.request_timeout();
    let body_limit = state.config.body_limit;
    let (api, mut doc) = api();
    openapi::finish(&mut doc, state.config.public_base());
    let doc = std::sync::Arc::new(doc);
    Router::new()
        .merge(api)
        .merge(openapi::router(doc))
        .merge(ops::router())
        .merge(translog::router())
        .merge(pages::consumer::router())
        .merge(pages::officer::router())
        .merge(scan::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // The body limit sits inside `problem_bodies`, so that its 413 (a `Content-Length` over
        // the limit, refused before reading) gets a problem body or a page like any other error.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            problem_bodies,
        ))
        .layer(middleware::from_fn(auth::no_store))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(pages::csp())
                .unwrap_or(HeaderValue::from_static("default-src 'none'")),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                // The matched route, never the raw path: a label code in every log line is
                // noise, and the route is what aggregates.
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", MatchedPath::as_str);
                tracing::debug_span!("request", method = %req.method(), route)
            }),
        )
        .layer(
            ServiceBuilder::new()
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::internal("a handler panicked").into_response()
                }))
                .layer(HandleErrorLayer::new(timed_out))
                .timeout(timeout),
        )
        .with_state(state)
}

/// The `/api/v1` routes and the OpenAPI document generated from them.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    use utoipa::OpenApi;
    let (router, mut doc) =
        utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
            .merge(public::router())
            .merge(officer_api::router())
            .merge(retail::router())
            .merge(events::router())
            .merge(translog::api())
            .merge(status::router())
            .split_for_parts();
    openapi::add_layer_responses(&mut doc);
    (router, doc)
}

async fn timed_out(err: BoxError) -> Response {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::unavailable("the request took too long and was stopped; try again")
            .into_response()
    } else {
        ApiError::internal(err).into_response()
    }
}

/// The longest request target accepted (path and query together).
pub const MAX_URI: usize = 4096;

/// Every API error is problem+json, whoever made it: errors produced by layers and axum's
/// extractors (a body over the limit, sent with a `Content-Length` or chunked; a URI too long)
/// get their body rewritten here. On pages, a body over the limit gets a page in the visitor's
/// language. Over-long URIs are refused first.
async fn problem_bodies(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = {
        let p = req.uri().path();
        p.starts_with("/api/") || p.starts_with("/.well-known/") || p == "/openapi.json"
    };
    let lang = (!api).then(|| {
        let query_lang = req
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v));
        pages::page_lang(query_lang.as_deref(), req.headers())
    });
    if req.uri().to_string().len() > MAX_URI {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {MAX_URI} bytes"),
        )
        .into_response();
    }
    let res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let limit = state.config.body_limit;
    if let Some(lang) = lang {
        let is_page = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if status == StatusCode::PAYLOAD_TOO_LARGE && !is_page {
            return pages::PageError::new(
                status,
                lang,
                "error-too-large-title",
                crate::i18n::I18n::global().t(lang, "error-too-large-body"),
            )
            .into_response();
        }
        return res;
    }
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let mut problem = ApiError::new(status, detail).into_response();
    for name in [header::RETRY_AFTER, header::ALLOW, header::WWW_AUTHENTICATE] {
        if let Some(v) = res.headers().get(&name) {
            problem.headers_mut().insert(name, v.clone());
        }
    }
    problem
}

/// What a client sending too much is told.
pub fn too_large(limit: usize) -> String {
    format!(
        "the request body is over this service's limit of {limit} bytes; send less (a batch holds at most {} codes)",
        retail::MAX_BATCH
    )
}

/// Records request count and latency under the matched route.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let res = next.run(req).await;
    state.metrics.observe_request(
        method.as_str(),
        route.as_deref().unwrap_or("unmatched"),
        res.status().as_u16(),
        start.elapsed(),
    );
    res
}

/// Unknown routes: problem+json under `/api` or for JSON clients, a friendly page otherwise.
async fn not_found(uri: Uri, headers: axum::http::HeaderMap) -> axum::response::Response {
    let path = uri.path();
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("json") && !a.contains("text/html"));
    if path.starts_with("/api/") || wants_json || !headers.contains_key(header::ACCEPT) {
        return ApiError::not_found(format!("there is nothing at {}", clip_path(path)))
            .into_response();
    }
    let query_lang = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "lang").map(|(_, v)| v));
    let lang = pages::page_lang(query_lang.as_deref(), &headers);
    pages::PageError::new(
        StatusCode::NOT_FOUND,
        lang,
        "error-not-found-title",
        crate::i18n::I18n::global().t(lang, "error-not-found-body"),
    )
    .into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not allowed on {}", clip_path(uri.path())),
    )
}

fn clip_path(p: &str) -> String {
    crate::domain::values::clip(p)
}

//! `/scan`: the installable scanner web app (`src/http/scan/README.md`), static files built into
//! the binary. Its responses carry the app's own CSP (scripts from our origin only, no inline
//! script); every other page keeps the site's script-free one.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http::error::ApiError;
use crate::state::AppState;

/// The app's CSP: `'self'` for what it loads, nothing else.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     font-src 'self'; connect-src 'self'; media-src 'none'; worker-src 'self'; \
     manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PERMISSIONS: &str = "camera=(self), microphone=(), geolocation=()";

const JS: &str = "text/javascript; charset=utf-8";
const TXT: &str = "text/plain; charset=utf-8";

macro_rules! file {
    ($name:literal, $type:expr) => {
        (
            $name,
            $type,
            include_bytes!(concat!("scan/", $name)) as &[u8],
        )
    };
}

/// Every served file: its path under `/scan/`, its type, its bytes.
pub const FILES: &[(&str, &str, &[u8])] = &[
    file!("index.html", "text/html; charset=utf-8"),
    file!("app.css", "text/css; charset=utf-8"),
    file!("app.js", JS),
    file!("crypto.js", JS),
    file!("label.js", JS),
    file!("messages.js", JS),
    file!("note.js", JS),
    file!("retail.js", JS),
    file!("scanner.js", JS),
    file!("status.js", JS),
    file!("store.js", JS),
    file!("sw.js", JS),
    file!("sync.js", JS),
    file!("verdict.js", JS),
    file!("vendor/jsqr.js", JS),
    file!("vendor/noble-ed25519.js", JS),
    file!("manifest.webmanifest", "application/manifest+json"),
    file!("icon-192.png", "image/png"),
    file!("icon-512.png", "image/png"),
    file!("tifinagh.ttf", "font/ttf"),
    file!("OFL-tifinagh.txt", TXT),
    file!("vendor/LICENSE-jsqr.txt", TXT),
    file!("vendor/LICENSE-noble-ed25519.txt", TXT),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scan", get(index))
        .route("/scan/", get(index))
        .route("/scan/{name}", get(top))
        .route("/scan/vendor/{name}", get(vendor))
}

fn serve(path: &str) -> Response {
    // `index.html` is served at `/scan` only, so that the app has one address.
    let wanted = match path {
        "" => "index.html",
        "index.html" => "",
        p => p,
    };
    let Some((name, kind, bytes)) = FILES.iter().find(|(name, _, _)| *name == wanted) else {
        return ApiError::not_found(format!(
            "the scanner app has no file {}",
            crate::domain::values::clip(path)
        ))
        .into_response();
    };
    let mut res = (StatusCode::OK, *bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The service worker keeps the app offline; the HTTP cache must let a new version through.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS),
    );
    if *name == "sw.js" {
        // Scope `/scan`, so that the worker controls the page `/scan` itself.
        h.insert(
            header::HeaderName::from_static("service-worker-allowed"),
            HeaderValue::from_static("/scan"),
        );
    }
    res
}

async fn index() -> Response {
    serve("")
}

async fn top(Path(name): Path<String>) -> Response {
    serve(&name)
}

async fn vendor(Path(name): Path<String>) -> Response {
    serve(&format!("vendor/{name}"))
}

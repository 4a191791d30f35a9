//! The signed status list (`docs/status-list.md`): `latest`, immutable snapshots, deltas.
//! Public and read-only: what a stranger gets is what every offline verifier needs (revoked
//! certificate numbers, brand and key lines, reason words), never an officer's free text.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Path, Query};
use crate::state::AppState;
use crate::status::format::{Delta, MAX_VERSION, Snapshot};
use crate::status::publish::DELTA_WINDOW;
use crate::store::status_list;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(latest))
        .routes(routes!(delta))
        .routes(routes!(snapshot))
}

/// A note as served: plain text, gzip-compressed for clients that ask (sizes measured in
/// docs/status-list.md §6).
fn note(body: Arc<str>, cache: &'static str, req: &HeaderMap) -> Response {
    let gzip = req
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let compressed = gzip
        .then(|| {
            use std::io::Write as _;
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            enc.write_all(body.as_bytes()).ok()?;
            enc.finish().ok()
        })
        .flatten();
    let mut res = match &compressed {
        Some(bytes) => (StatusCode::OK, bytes.clone()).into_response(),
        None => (StatusCode::OK, body.to_string()).into_response(),
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if compressed.is_some() {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    res
}

fn not_ready() -> ApiError {
    ApiError::unavailable("the status list is not made yet; try again in a minute")
}

/// A version as the path or query gives it: a canonical decimal number.
fn parse_version(s: &str) -> Result<u64, ApiError> {
    let ok = !s.is_empty()
        && s.len() <= 16
        && s.bytes().all(|b| b.is_ascii_digit())
        && !(s.len() > 1 && s.starts_with('0'));
    match s.parse::<u64>() {
        Ok(v) if ok && (1..=MAX_VERSION).contains(&v) => Ok(v),
        _ => Err(ApiError::bad_request(
            "a version is a decimal number from 1, without leading zeros",
        )),
    }
}

/// The current status list version, signed.
///
/// Its digest, `as_of` and `fresh_until`: a signed note, re-signed at least hourly and within
/// 60 s of a change.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/status/latest", tag = "verification",
    operation_id = "getStatusLatest",
    responses(
        (status = 200, description = "The signed `latest` note (docs/status-list.md §4)", body = String, content_type = "text/plain"),
        (status = 503, description = "The list is not made yet, or the database is out of reach", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn latest(State(state): State<AppState>, req: HeaderMap) -> Result<Response, ApiError> {
    let row = status_list::newest(&state.db).await?;
    let text = row.and_then(|r| r.latest).ok_or_else(not_ready)?;
    Ok(note(text.into(), "no-cache", &req))
}

/// One version's signed snapshot.
///
/// Every entry, signed, never changed.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/status/{version}", tag = "verification",
    operation_id = "getStatusSnapshot",
    params(("version" = String, Path, pattern = "^[1-9][0-9]{0,15}$", description = "The version")),
    responses(
        (status = 200, description = "The signed snapshot note (docs/status-list.md §3)", body = String, content_type = "text/plain"),
        (status = 400, description = "Not a version number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn snapshot(
    State(state): State<AppState>,
    Path(version): Path<String>,
    req: HeaderMap,
) -> Result<Response, ApiError> {
    let v = parse_version(&version)?;
    let row = status_list::get(&state.db, v)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no status list version {v}")))?;
    Ok(note(
        row.note.into(),
        "public, max-age=31536000, immutable",
        &req,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Since {
    /// The version the client holds.
    since: Option<String>,
}

/// The signed changes since a version.
///
/// From version `since` to the current one; applying them to `since` must give the current
/// digest.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/status/delta", tag = "verification",
    operation_id = "getStatusDelta",
    params(Since),
    responses(
        (status = 200, description = "The signed delta note (docs/status-list.md §5)", body = String, content_type = "text/plain"),
        (status = 400, description = "`since` is missing or not a version number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`since` was never a version", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`since` is older than the deltas kept (90 days): fetch the full snapshot", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The list is not made yet, this node cannot sign, or the database is out of reach", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn delta(
    State(state): State<AppState>,
    Query(q): Query<Since>,
    req: HeaderMap,
) -> Result<Response, ApiError> {
    let since = parse_version(
        q.since
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("give the version held: ?since=V"))?,
    )?;
    let key = state.status_key.as_ref().ok_or_else(not_ready)?;
    let newest = status_list::newest(&state.db)
        .await?
        .ok_or_else(not_ready)?;
    let memo_key = format!("status-delta:{since}");
    let memo_version = (newest.version, usize::MAX);
    if let Some(doc) = state.status_lists.get(&memo_key, memo_version) {
        return Ok(note(doc, "public, max-age=60", &req));
    }
    let none = || ApiError::not_found(format!("there is no status list version {since}"));
    let base = if since == newest.version as u64 {
        newest.clone()
    } else if since > newest.version as u64 {
        return Err(none());
    } else {
        status_list::get(&state.db, since).await?.ok_or_else(none)?
    };
    let gone = || {
        ApiError::new(
            StatusCode::GONE,
            format!(
                "version {since} is older than the deltas kept: fetch the full snapshot, /.well-known/tasdiq/status/{}",
                newest.version
            ),
        )
    };
    if base.created_at < Utc::now() - DELTA_WINDOW {
        return Err(gone());
    }
    let origin = key.name();
    // A snapshot made under another key name (the public URL changed): no delta from it.
    let (Ok(from), Ok(to)) = (
        Snapshot::parse(&base.body, origin),
        Snapshot::parse(&newest.body, origin),
    ) else {
        return Err(gone());
    };
    let body = Delta::between(&from, &to, origin).body(origin);
    if !key.can_sign() {
        return Err(ApiError::unavailable(
            "this node cannot sign deltas; fetch the full snapshot",
        ));
    }
    let signed: Arc<str> = key.sign(&body).map_err(ApiError::internal)?.into();
    state
        .status_lists
        .put(memo_key, memo_version, signed.clone());
    Ok(note(signed, "public, max-age=60", &req))
}

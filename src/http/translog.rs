//! The public issuance log over HTTP, at the paths of c2sp.org/tlog-tiles@v1 under `/log/`:
//! the checkpoint, tiles and entry bundles (what any C2SP client or monitor reads), plus the
//! log's policy and each certificate's tlog-proof.
//!
//! What a stranger gets: the public log, which commits to certificates without naming them, and
//! the proof (with its opening) only of a certificate whose number they already hold, the same
//! facts its verdict shows.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tasdiq_tlog::tiles::{Bundle, TilePath, WIDTH, encode_bundle};
use tasdiq_witness::policy::{Policy, PolicyLog};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, Problem};
use super::extract::Path;
use super::officer_api::certificates::certificate_number;
use crate::state::AppState;
use crate::store::translog as st;
use crate::translog::{self, proof::Answer};

/// Tiles and bundles never change once served: their paths name their width.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The C2SP routes, outside the OpenAPI document (their format is the specification's).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/tile/{*path}", get(tile))
}

/// The documented routes: the policy and the proofs.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(policy))
        .routes(routes!(certificate_proof))
}

fn text(body: impl Into<axum::body::Body>, cache: &'static str) -> Response {
    let mut res = (StatusCode::OK, body.into()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

async fn checkpoint(State(state): State<AppState>) -> Result<Response, ApiError> {
    let (_, note) = st::latest_checkpoint(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("the log has no signed checkpoint yet"))?;
    Ok(text(note, "public, max-age=2"))
}

/// The size of the newest checkpoint: tiles and bundles past it are not served.
async fn signed_size(state: &AppState) -> Result<u64, ApiError> {
    Ok(st::latest_checkpoint(&state.db)
        .await?
        .map_or(0, |(size, _)| size))
}

async fn tile(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, ApiError> {
    let parsed = TilePath::parse(&format!("tile/{path}"))
        .map_err(|e| ApiError::not_found(format!("no such tile: {e}")))?;
    let missing = || {
        ApiError::not_found(format!(
            "tile/{} is not in the log",
            crate::domain::values::clip(&path)
        ))
    };
    let size = signed_size(&state).await?;
    match parsed {
        TilePath::Tile(t) => {
            // Only tiles of the signed tree: hashes at this level the tree of `size` has.
            let have = size >> (8 * u32::from(t.level.min(7)));
            if t.level > 7 || !covered(t.index, t.width, have) {
                return Err(missing());
            }
            let data = translog::read_tiles(&state.db, &[t])
                .await?
                .pop()
                .flatten()
                .ok_or_else(missing)?;
            let mut res = text(data, IMMUTABLE);
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            Ok(res)
        }
        TilePath::Bundle(b) => {
            if !covered(b.index, b.width, size) {
                return Err(missing());
            }
            bundle(&state, b).await
        }
    }
}

/// Whether a tile `index` of `width` lies within `have` hashes at its level.
fn covered(index: u64, width: u16, have: u64) -> bool {
    let full = have / u64::from(WIDTH);
    if width == WIDTH {
        index < full
    } else {
        index == full && u64::from(width) <= have % u64::from(WIDTH)
    }
}

async fn bundle(state: &AppState, b: Bundle) -> Result<Response, ApiError> {
    let start = b.start();
    let rows = st::entries(&state.db, start, start + u64::from(b.width)).await?;
    if rows.len() != usize::from(b.width) {
        return Err(ApiError::internal("an entry of a signed bundle is missing"));
    }
    let entries: Vec<Vec<u8>> = rows.into_iter().map(|(_, d)| d).collect();
    let data = encode_bundle(&entries).map_err(ApiError::internal)?;
    let mut res = text(data, IMMUTABLE);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(res)
}

/// The log's policy.
///
/// In the c2sp.org/tlog-policy text format: the log's key (its name is the checkpoint origin)
/// and where it is served; the witnesses and the quorum verifiers should ask for. Verifiers pin
/// it on first use.
#[utoipa::path(
    get, path = "/.well-known/tasdiq/log-policy", tag = "log",
    operation_id = "getLogPolicy",
    responses(
        (status = 200, description = "The policy", content((String = "text/plain"))),
        (status = 503, description = "This node does not hold the log key", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn policy(State(state): State<AppState>) -> Result<Response, ApiError> {
    let key = state
        .log
        .verifier()
        .ok_or_else(|| ApiError::unavailable("this node does not hold the log key"))?;
    let url = format!("{}/log", state.config.public_base());
    let policy = Policy::threshold(
        vec![PolicyLog {
            key,
            url: Some(url),
        }],
        state
            .log
            .witnesses
            .iter()
            .map(|w| w.policy.clone())
            .collect(),
        state.log.quorum,
    )
    .map_err(ApiError::internal)?;
    Ok(text(policy.to_string(), "public, max-age=300"))
}

/// A certificate's proof of logging.
///
/// A `c2sp.org/tlog-proof@v1` proof that the certificate's issue entry is in the public
/// issuance log, against the newest signed checkpoint. Its `extra` line is the certificate's
/// opening (the facts the entry commits to, with its salt), from which a verifier rebuilds the
/// entry; `tasdiq verify CODE --proof FILE` checks it offline.
#[utoipa::path(
    get, path = "/api/v1/certificates/{number}/proof", tag = "log",
    operation_id = "getCertificateProof",
    params(("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal")),
    responses(
        (status = 200, description = "The proof", content((String = "text/plain"))),
        (status = 400, description = "Not a certificate number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certificate in the log", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The entry is not yet in a signed checkpoint (retry in a few seconds), or the database is out of reach", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn certificate_proof(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let number = certificate_number(&number)?;
    let not_logged = || ApiError::not_found(format!("certificate {number} is not in the log"));
    let id = number.to_db().ok_or_else(not_logged)?;
    let witnesses: Vec<_> = state.log.witnesses.iter().map(|w| w.key()).collect();
    match translog::proof::for_certificate(&state.db, id, &witnesses, state.log.quorum).await? {
        Answer::NotLogged => Err(not_logged()),
        Answer::Pending => {
            let mut res = ApiError::unavailable(format!(
                "certificate {number} is logged but not yet in a signed checkpoint; try again in a few seconds"
            ))
            .into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            Ok(res)
        }
        Answer::Proof(p) => Ok(text(p.to_string(), "public, max-age=60")),
    }
}

#[cfg(test)]
mod tests {
    use super::covered;

    #[test]
    fn only_tiles_of_the_signed_tree_are_covered() {
        assert!(covered(0, 256, 256));
        assert!(!covered(1, 256, 256));
        assert!(covered(1, 3, 259));
        assert!(!covered(1, 4, 259));
        assert!(!covered(0, 3, 259));
        assert!(!covered(0, 1, 0));
    }
}

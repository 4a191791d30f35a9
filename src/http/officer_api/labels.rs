//! Printing labels: one label as PNG or SVG, a range as a PDF of A4 sticker sheets or as CSV
//! for print shops. PDF and CSV stream from a worker thread through a small channel, so memory
//! stays bounded and the first bytes leave before the last label is drawn; a download that is
//! not read is stopped after the request timeout. Short codes are keyed with the short-code
//! secret every node holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::certificates::certificate_number;
use crate::domain::values::CertificateStatus;
use crate::http::auth::Officer;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Path, Query};
use crate::http::openapi::{Guarded, NotFound, Refused};
use crate::printing::{Job, PrintError, Range, RangeError};
use crate::state::AppState;
use tasdiq_label::{Ecc, SheetLayout};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(one))
        .routes(routes!(pdf))
        .routes(routes!(csv))
}

/// Options of one label.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OneQuery {
    /// PNG resolution, 72 to 1200 (default 300). Not for SVG.
    #[param(minimum = 72, maximum = 1200)]
    pub dpi: Option<u32>,
    /// QR error correction: `M` (default) or `Q`.
    #[param(pattern = "^[MmQq]$")]
    pub ecc: Option<String>,
}

/// A range of items.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CsvQuery {
    /// First item (default 1).
    #[param(minimum = 1)]
    pub from: Option<u32>,
    /// Last item (default: the lot's quantity). At most 10,000 labels per request.
    #[param(minimum = 1)]
    pub to: Option<u32>,
}

/// A range of items, and sheet options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First item (default 1).
    #[param(minimum = 1)]
    pub from: Option<u32>,
    /// Last item (default: the lot's quantity). At most 10,000 labels per request.
    #[param(minimum = 1)]
    pub to: Option<u32>,
    /// PDF only: `3x8` (24 labels of 70 × 37 mm, default) or `2x5` (10 of 105 × 57 mm);
    /// `inner` or `inner-2x5`: the inner labels of a lot issued with claim codes (item and
    /// claim code), on the same grid so item n sits in the same cell.
    #[param(pattern = "^(3x8|2x5|inner|inner-2x5)$")]
    pub layout: Option<String>,
    /// PDF only: QR error correction, `M` (default) or `Q`.
    #[param(pattern = "^[MmQq]$")]
    pub ecc: Option<String>,
}

fn ecc(raw: Option<&str>) -> Result<Ecc, ApiError> {
    match raw {
        None | Some("M") | Some("m") => Ok(Ecc::M),
        Some("Q") | Some("q") => Ok(Ecc::Q),
        Some(other) => Err(ApiError::bad_request(format!(
            "ecc is M (default) or Q; got {:?}",
            crate::domain::values::clip(other)
        ))),
    }
}

/// The print job of a certificate; revoked certificates print nothing.
async fn job(state: &AppState, number: &str, ecc: Ecc) -> Result<Job, ApiError> {
    let number = certificate_number(number)?;
    let cert = state
        .verifier
        .lookup(&state.db, number)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("there is no certificate {number}")))?;
    if cert.facts.status == CertificateStatus::Revoked {
        return Err(ApiError::conflict(
            "certificate_revoked",
            format!("certificate {number} is revoked; its labels must not be printed"),
        ));
    }
    let ring = state.key_ring();
    if ring
        .get(cert.facts.kid)
        .and_then(|k| k.secret.as_ref())
        .is_none()
    {
        return Err(ApiError::unavailable(
            "this node does not hold the key this certificate was issued under",
        ));
    }
    Ok(Job {
        ring,
        shortcodes: state.shortcodes.clone(),
        cert,
        url_prefix: format!("{}/v/", state.config.public_base()),
        ecc,
    })
}

fn print_error(e: PrintError) -> ApiError {
    match e {
        PrintError::Sign(s) => ApiError::not_found(s.to_string()),
        PrintError::Label(l) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, l.to_string()),
    }
}

fn range_error(e: RangeError) -> ApiError {
    match e {
        RangeError::TooMany { .. } => ApiError::too_large(e.to_string()),
        other => ApiError::bad_request(other.to_string()),
    }
}

/// One label: `{item}.png` (300 dpi by default) or `{item}.svg` (vector).
#[utoipa::path(
    get, path = "/api/v1/certificates/{number}/labels/{file}", tag = "certificates", operation_id = "getLabel",
    params(
        ("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal"),
        ("file" = String, Path, description = "`{item}.png` or `{item}.svg`", pattern = "^[0-9]+[.](png|svg)$"),
        OneQuery,
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The label", content(("image/png"), ("image/svg+xml"))),
        (status = 422, description = "Invalid fields, each named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database, or the key this needs, is not available on this node", body = Problem, content_type = "application/problem+json"),
        Guarded, NotFound, Refused,
    )
)]
async fn one(
    State(state): State<AppState>,
    Officer(_): Officer,
    Path((number, file)): Path<(String, String)>,
    Query(q): Query<OneQuery>,
) -> Result<Response, ApiError> {
    let (item, ext) = file
        .rsplit_once('.')
        .and_then(|(i, ext)| i.parse::<u32>().ok().map(|i| (i, ext)))
        .ok_or_else(|| {
            ApiError::not_found("labels are at …/labels/{item}.png or …/labels/{item}.svg")
        })?;
    let job = job(&state, &number, ecc(q.ecc.as_deref())?).await?;
    let quantity = job.cert.facts.quantity;
    if item == 0 || item > quantity {
        return Err(ApiError::not_found(format!(
            "the lot has items 1 to {quantity}; there is no item {item}"
        )));
    }
    let dpi = q.dpi.unwrap_or(300);
    let (content_type, bytes) = match ext {
        "png" => (
            "image/png",
            tokio::task::spawn_blocking(move || job.png(item, dpi))
                .await
                .map_err(ApiError::internal)?
                .map_err(print_error)?,
        ),
        "svg" => {
            if q.dpi.is_some() {
                return Err(ApiError::bad_request(
                    "dpi applies to PNG labels; an SVG is vector",
                ));
            }
            (
                "image/svg+xml",
                tokio::task::spawn_blocking(move || job.svg(item))
                    .await
                    .map_err(ApiError::internal)?
                    .map_err(print_error)?
                    .into_bytes(),
            )
        }
        _ => return Err(ApiError::not_found("labels come as .png or .svg")),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

/// Streams what a blocking producer emits, through a channel of two chunks. The producer waits
/// at most the request timeout for the client to take each chunk: a download nobody reads is
/// abandoned then, so it never holds a worker thread for longer, and a client that goes away
/// stops it at once. An abandoned or failed stream ends with an error after the chunks already
/// made, so the client sees a broken transfer rather than a short but plausible file.
fn stream<T: Into<bytes::Bytes> + Send + 'static>(
    state: &AppState,
    produce: impl FnOnce(&mut dyn FnMut(T, u32) -> bool) -> Result<(), PrintError> + Send + 'static,
) -> Body {
    let (tx, rx) = mpsc::channel::<bytes::Bytes>(2);
    let patience = state.config.request_timeout();
    let runtime = tokio::runtime::Handle::current();
    let broken = Arc::new(AtomicBool::new(false));
    let flag = broken.clone();
    let running = state.metrics.label_job();
    tokio::task::spawn_blocking(move || {
        let _running = running;
        let mut send = |chunk: T, _labels: u32| {
            match runtime.block_on(tokio::time::timeout(patience, tx.send(chunk.into()))) {
                Ok(Ok(())) => true,
                // The client went away: nobody to tell.
                Ok(Err(_)) => false,
                Err(_) => {
                    tracing::warn!("a label download was not read for {patience:?}; stopped");
                    flag.store(true, Ordering::Release);
                    false
                }
            }
        };
        if let Err(e) = produce(&mut send) {
            tracing::error!(error = %e, "label stream failed");
            flag.store(true, Ordering::Release);
        }
    });
    Body::from_stream(Chunks {
        rx,
        broken,
        done: false,
    })
}

/// The chunks of a label stream, then an error if the producer stopped before the end.
struct Chunks {
    rx: mpsc::Receiver<bytes::Bytes>,
    broken: Arc<AtomicBool>,
    done: bool,
}

impl tokio_stream::Stream for Chunks {
    type Item = Result<bytes::Bytes, std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        if self.done {
            return Poll::Ready(None);
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(chunk)) => Poll::Ready(Some(Ok(chunk))),
            Poll::Ready(None) => {
                self.done = true;
                if self.broken.load(Ordering::Acquire) {
                    Poll::Ready(Some(Err(std::io::Error::other(
                        "the label stream stopped before the end",
                    ))))
                } else {
                    Poll::Ready(None)
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

fn download(content_type: &'static str, filename: String, body: Body) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// A printable A4 PDF of sticker sheets for a range of items.
///
/// Streamed.
#[utoipa::path(
    get, path = "/api/v1/certificates/{number}/labels.pdf", tag = "certificates", operation_id = "getLabelSheet",
    params(("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal"), RangeQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 413, description = "More than 10,000 labels asked for", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database, or the key this needs, is not available on this node", body = Problem, content_type = "application/problem+json"),
        Guarded, NotFound, Refused,
    )
)]
async fn pdf(
    State(state): State<AppState>,
    Officer(_): Officer,
    Path(number): Path<String>,
    Query(q): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let inner = q.layout.as_deref().and_then(|l| match l {
        "inner" => Some(SheetLayout::A4_3x8),
        "inner-2x5" => Some(SheetLayout::A4_2x5),
        _ => None,
    });
    if let Some(layout) = inner {
        let job = job(&state, &number, Ecc::M).await?;
        let secret = crate::service::claims::lot_secret(&state, job.cert.facts.number)
            .await?
            .ok_or_else(|| {
                ApiError::conflict(
                    "no_claim_codes",
                    "this lot was issued without claim codes: it has no inner labels",
                )
            })?;
        let range = Range::check(q.from, q.to, job.cert.facts.quantity).map_err(range_error)?;
        let name = format!(
            "inner-{}-{}-{}.pdf",
            job.cert.view.number, range.from, range.to
        );
        let body = stream(&state, move |emit| {
            job.inner_pdf(range, layout, &secret, emit)
        });
        return Ok(download("application/pdf", name, body));
    }
    let layout = match q.layout.as_deref() {
        None => SheetLayout::A4_3x8,
        Some(name) => SheetLayout::parse(name).ok_or_else(|| {
            ApiError::bad_request(
                "layout is 3x8 (24 labels of 70 × 37 mm) or 2x5 (10 labels of 105 × 57 mm)",
            )
        })?,
    };
    let job = job(&state, &number, ecc(q.ecc.as_deref())?).await?;
    let range = Range::check(q.from, q.to, job.cert.facts.quantity).map_err(range_error)?;
    let name = format!(
        "labels-{}-{}-{}.pdf",
        job.cert.view.number, range.from, range.to
    );
    let body = stream(&state, move |emit| job.pdf(range, layout, emit));
    Ok(download("application/pdf", name, body))
}

/// The labels of a range, as CSV for print shops' variable-data software.
///
/// The header `item,url,human_code`, then one row per label. Streamed.
#[utoipa::path(
    get, path = "/api/v1/certificates/{number}/labels.csv", tag = "certificates", operation_id = "getLabelRows",
    params(("number" = String, Path, pattern = "^[0-9]{1,20}$", description = "The certificate number, in decimal"), CsvQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv"),
        (status = 413, description = "More than 10,000 labels asked for", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database, or the key this needs, is not available on this node", body = Problem, content_type = "application/problem+json"),
        Guarded, NotFound, Refused,
    )
)]
async fn csv(
    State(state): State<AppState>,
    Officer(_): Officer,
    Path(number): Path<String>,
    Query(q): Query<CsvQuery>,
) -> Result<Response, ApiError> {
    let job = job(&state, &number, Ecc::M).await?;
    let range = Range::check(q.from, q.to, job.cert.facts.quantity).map_err(range_error)?;
    let name = format!(
        "labels-{}-{}-{}.csv",
        job.cert.view.number, range.from, range.to
    );
    let claims = crate::service::claims::lot_secret(&state, job.cert.facts.number).await?;
    let body = stream(&state, move |emit| {
        job.csv_with_claims(range, claims.as_ref(), emit)
    });
    Ok(download("text/csv; charset=utf-8", name, body))
}

//! The consumer pages: the home page `GET /`, `GET /v/{code}` (and `/V/{code}`), the short-code check at
//! `GET /v?code=`, and `POST /v/{code}/report` (for a label code or a short code). Every answer
//! is in the visitor's language; `Accept: application/json` on `/v/{code}` gets the verdict JSON
//! instead.
//!
//! The short-code page computes its verdict from the certificate record and never holds a
//! signed code: not in the page, the report form or the language links, so typing short codes
//! cannot mint labels. Its lookups are limited per client network, across nodes.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{CSS, LangLink, PageError, html, lang_links, page_lang};
use crate::domain::code::Label;
use crate::domain::humancode::{HumanCode, HumanCodeError};
use crate::domain::values;
use crate::domain::verdict::Status;
use crate::http::client::{Consumer, Peer};
use crate::http::csrf;
use crate::http::error::ApiError;
use crate::http::extract::LabelCode;
use crate::http::public::verify::scan_from;
use crate::i18n::{Arg, I18n, Lang, date};
use crate::state::AppState;
use crate::store::rate_limits::{self, Limit};
use crate::verify::risk::NetId;
use crate::verify::{Source, Verdict};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(super::display::home))
        .route("/v", get(short_code))
        .route("/v/{code}", get(page))
        .route("/V/{code}", get(page))
        .route("/v/{code}/report", post(super::report::report))
        .route("/v/{code}/claim", post(super::claim::claim))
}

/// Query of a page: the language, and flags set by redirects.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub code: Option<String>,
    pub reported: Option<String>,
    pub claimed: Option<String>,
}

fn query(raw: Option<&str>) -> PageQuery {
    // Pages are lenient: tracking parameters or a mangled query must not break a scan.
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

async fn page(
    State(state): State<AppState>,
    Consumer(source): Consumer,
    Peer(ip): Peer,
    LabelCode { code, label }: LabelCode,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let q = query(raw.as_deref());
    let lang = page_lang(q.lang.as_deref(), &headers);
    let net = NetId::of(&state.shortcodes, ip);
    if wants_json(&headers) {
        let label = label.map_err(|e| {
            state.metrics.observe_verdict(Status::Malformed.as_str());
            crate::http::public::verify::malformed(&e).into_response()
        })?;
        let v = scan_from(&state, &label, &source, net)
            .await
            .map_err(|e| ApiError::from(e).into_response())?;
        return Ok(axum::Json(v).into_response());
    }
    let verdict = match &label {
        Ok(label) => scan_from(&state, label, &source, net)
            .await
            .map_err(|e| unavailable(lang, e))?,
        Err(e) => {
            state.metrics.observe_verdict(Status::Malformed.as_str());
            Verdict::malformed(e, Utc::now())
        }
    };
    let status = if verdict.status == Status::Malformed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(render_verdict(
        &state,
        lang,
        Subject::Label(&code, label.as_ref().ok()),
        &verdict,
        Extras {
            reported: q.reported.is_some(),
            claimed: q.claimed.is_some(),
            device: crate::http::public::claims::device(&headers)
                .map(|d| crate::service::claims::device_hash(&d)),
            ..Extras::default()
        },
        status,
    ))
}

/// What a verdict page is about: a scanned label code, or a typed short code. Links and the
/// report form name the subject as the visitor gave it, so the short-code page never names a
/// signed code.
#[derive(Clone, Copy)]
pub(super) enum Subject<'a> {
    /// The code as scanned, and the label it parsed to (`None` for a malformed code).
    Label(&'a str, Option<&'a Label>),
    Short(&'a str),
}

impl Subject<'_> {
    fn text(&self) -> &str {
        match self {
            Subject::Label(c, _) | Subject::Short(c) => c,
        }
    }

    fn links(&self, lang: Lang) -> Vec<LangLink> {
        match self {
            Subject::Label(code, _) => lang_links(lang, &format!("/v/{code}")),
            Subject::Short(short) => lang_links(lang, "/v")
                .into_iter()
                .map(|l| LangLink {
                    href: format!("/v?code={short}&lang={}", l.code),
                    ..l
                })
                .collect(),
        }
    }
}

pub(super) fn unavailable(lang: Lang, e: crate::store::StoreError) -> Response {
    let api = ApiError::from(e);
    PageError::new(
        api.status,
        lang,
        "error-unavailable-title",
        I18n::global().t(lang, "error-unavailable-body"),
    )
    .into_response()
}

/// What else a verdict page may show.
#[derive(Default)]
pub(super) struct Extras {
    pub(super) human_note: bool,
    pub(super) reported: bool,
    pub(super) report_error: Option<String>,
    pub(super) place: String,
    pub(super) comment: String,
    /// Just claimed (the redirect after the claim form).
    pub(super) claimed: bool,
    pub(super) claim_error: Option<String>,
    /// The hash of this device's cookie, for "you claimed this".
    pub(super) device: Option<String>,
}

#[derive(Serialize)]
struct ClaimView {
    action: String,
    token: String,
    error: Option<String>,
    /// "Claimed on DATE", or "You claimed this on DATE" for the claimant's device.
    claimed: Option<String>,
    just_claimed: bool,
}

#[derive(Serialize)]
struct VerdictView {
    status: &'static str,
    /// What the verdict box shows: the status, or "suspected_copy" for a genuine label whose
    /// scans say it was copied (the contract's status stays `authentic`).
    look: &'static str,
    class: &'static str,
    title: String,
    body: String,
    action: String,
    reason: String,
}

#[derive(Serialize)]
struct CertView {
    brand: String,
    brand_other: Option<String>,
    product: String,
    producer: String,
    region: String,
    province: String,
    lot: String,
    item_of: String,
    produced_on: String,
    expires_on: String,
    number: String,
    scans: String,
    first_scanned: Option<String>,
    /// "Women-led cooperative", "Association", … : the producer's kind, women-led and
    /// youth-led only for cooperatives (the only kind the registry records them for).
    badges: Vec<String>,
}

#[derive(Serialize)]
struct ReportForm {
    action: String,
    token: String,
    error: Option<String>,
    place: String,
    comment: String,
}

pub(super) fn render_verdict(
    state: &AppState,
    lang: Lang,
    subject: Subject<'_>,
    v: &Verdict,
    extras: Extras,
    status: StatusCode,
) -> Response {
    let code = subject.text();
    let i18n = I18n::global();
    let s = v.status.as_str();
    let expiry = v
        .certificate
        .as_ref()
        .map(|c| date(c.view.expires_on))
        .or_else(|| match subject {
            Subject::Label(_, label) => {
                label.map(|l| date(values::date_from_label_days(l.header.expiry_days)))
            }
            Subject::Short(_) => None,
        })
        .unwrap_or_default();
    let high_risk = v.risk == crate::verify::risk::RiskLevel::High;
    let suspected_copy = v.warnings.contains(&"suspected_copy") || high_risk;
    // A genuine signature on a label scanned far too often, or whose custody, claims or spread
    // say it was copied, is not a green light: the page turns amber and says what to check.
    // The status word itself does not change.
    let look = if v.status == Status::Authentic && suspected_copy {
        "suspected_copy"
    } else {
        s
    };
    // The copy detector's amber has its own words; the look (icon, colour) is the same.
    let words = if look == "suspected_copy" && high_risk {
        "copy_risk"
    } else {
        look
    };
    let view = VerdictView {
        status: s,
        look,
        class: match v.status {
            Status::Authentic if suspected_copy => "warn",
            Status::Authentic => "ok",
            Status::Counterfeit | Status::Revoked => "bad",
            Status::Expired | Status::Suspended => "warn",
            Status::Malformed | Status::Unconfirmed => "grey",
        },
        title: i18n.t(lang, &format!("verdict-{words}-title")),
        body: i18n.t_args(
            lang,
            &format!("verdict-{words}-body"),
            &[("date", Arg::Str(&expiry))],
        ),
        action: i18n.t(lang, &format!("verdict-{words}-action")),
        reason: i18n.t(lang, &format!("reason-{}", v.reason)),
    };
    let c = v.certificate.as_ref().map(|rec| {
        let c = &rec.view;
        let label = v.label.as_ref();
        let scans = label.map_or(0, |l| l.scans);
        CertView {
            brand: c.brand.names.get(lang.code()).to_owned(),
            brand_other: (lang != Lang::Ar).then(|| c.brand.names.ar.clone()),
            product: c.product.clone(),
            producer: c.producer.name.clone(),
            region: i18n.t(lang, &format!("region-{}", c.producer.region.as_str())),
            province: c.producer.province.clone(),
            lot: c.lot.clone(),
            item_of: i18n.t_args(
                lang,
                "item-of",
                &[
                    ("item", Arg::Num(i64::from(label.map_or(0, |l| l.item)))),
                    ("total", Arg::Num(i64::from(c.quantity))),
                ],
            ),
            produced_on: date(c.produced_on),
            expires_on: date(c.expires_on),
            number: c.number.clone(),
            scans: i18n.t_args(
                lang,
                "scans-count",
                &[("count", Arg::Num(i64::try_from(scans).unwrap_or(i64::MAX)))],
            ),
            first_scanned: label
                .and_then(|l| l.first_scanned_at)
                .map(|t| date(t.date_naive())),
            badges: super::display::badges(
                lang,
                &c.producer.kind,
                c.producer.women_led,
                c.producer.youth_led,
            ),
        }
    });
    // Anyone may report a label that parsed, genuine or not: fakes are what reports are for.
    let report = (v.status != Status::Malformed).then(|| ReportForm {
        action: format!("/v/{code}/report"),
        token: report_token(state, code),
        error: extras.report_error.clone(),
        place: extras.place.clone(),
        comment: extras.comment.clone(),
    });
    // "Publicly logged (entry N)", linking to the entry's proof.
    let log = v.log.as_ref().filter(|_| c.is_some()).map(|l| {
        let index = l.index.to_string();
        context! {
            text => i18n.t_args(lang, "verdict-logged", &[("index", Arg::Str(&index))]),
            proof => l.proof.clone(),
        }
    });
    // The claim form, for genuine labels of lots issued with claim codes.
    let claim = match (&v.claim, v.status) {
        (Some(state_), Status::Authentic | Status::Expired) => Some(ClaimView {
            action: format!("/v/{code}/claim"),
            token: form_token(state, "claim", code),
            error: extras.claim_error.clone(),
            claimed: state_.claimed_at.map(|at| {
                let mine = extras.device.is_some() && extras.device == v.claim_device;
                let key = if mine {
                    "claim-yours"
                } else {
                    "claim-claimed-on"
                };
                i18n.t_args(lang, key, &[("date", Arg::Str(&date(at.date_naive())))])
            }),
            just_claimed: extras.claimed,
        }),
        _ => None,
    };
    // Custody a retailer made public: "sold by … in … on …".
    let custody = v.custody.as_ref().map(|p| {
        let key = if p.step == "retail_selling" {
            "custody-sold"
        } else {
            "custody-received"
        };
        i18n.t_args(
            lang,
            key,
            &[
                ("name", Arg::Str(&p.name)),
                ("city", Arg::Str(&p.city)),
                ("date", Arg::Str(&date(p.at.date_naive()))),
            ],
        )
    });
    let ctx = context! {
        custody => custody,
        claim => claim,
        lang => lang.code(),
        dir => lang.dir(),
        langs => subject.links(lang),
        css => CSS,
        v => view,
        c => c,
        log => log,
        suspected_copy => suspected_copy,
        human_note => extras.human_note,
        reported => extras.reported,
        report => report,
    };
    html(status, "verify.html", ctx)
}

fn report_token(state: &AppState, code: &str) -> String {
    form_token(state, "report", code)
}

/// The token of a public form about `code`, keyed by the day's salt and the form's purpose.
fn form_token(state: &AppState, purpose: &str, code: &str) -> String {
    let today = Utc::now().date_naive();
    state
        .verifier
        .scans
        .salt(today)
        .map(|salt| csrf::token(&salt, purpose, code, today))
        .unwrap_or_default()
}

/// Short-code lookups per client network: 20 at once, then one every 3 seconds. Plenty for
/// shoppers typing codes; it also bounds guessing, though the keyed check already makes a guess
/// right once in 2^42.
const SHORT_CODE_LIMIT: Limit = Limit {
    interval_ms: 3_000,
    burst: 20,
};

/// `GET /v`: the short-code form; `GET /v?code=…`: the verdict for a typed short code.
async fn short_code(
    State(state): State<AppState>,
    Consumer(source): Consumer,
    Peer(ip): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let q = query(raw.as_deref());
    let lang = page_lang(q.lang.as_deref(), &headers);
    let i18n = I18n::global();
    let typed = q.code.unwrap_or_default();
    let form = |status: StatusCode, text: Option<String>| {
        let ctx = context! {
            lang => lang.code(),
            dir => lang.dir(),
            langs => lang_links(lang, "/v"),
            css => CSS,
            heading => i18n.t(lang, "humancode-title"),
            text => text,
            alert => status != StatusCode::OK,
            form => true,
            typed => values::clip(&typed),
            back => false,
        };
        html(status, "message.html", ctx)
    };
    if typed.trim().is_empty() {
        return Ok(form(StatusCode::OK, None));
    }
    let Source::Consumer(client) = &source else {
        return Err(StatusCode::BAD_REQUEST.into_response());
    };
    let bucket = format!("short:{}", client.as_deref().unwrap_or("unknown"));
    let now_ms = Utc::now().timestamp_millis();
    let wait = rate_limits::take(&state.db, &bucket, SHORT_CODE_LIMIT, now_ms)
        .await
        .map_err(|e| unavailable(lang, e))?;
    if let Some(wait_ms) = wait {
        let mut res = form(
            StatusCode::TOO_MANY_REQUESTS,
            Some(i18n.t(lang, "humancode-limited")),
        );
        let secs = u64::try_from(wait_ms).unwrap_or(1).div_ceil(1000).max(1);
        if let Ok(v) = header::HeaderValue::from_str(&secs.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Err(res);
    }
    let parsed = match HumanCode::parse(&typed, &state.shortcodes) {
        Ok(h) => h,
        Err(e) => {
            let (status, text) = match e {
                HumanCodeError::Mismatch => (StatusCode::NOT_FOUND, i18n.t(lang, "humancode-typo")),
                HumanCodeError::Length(_) => {
                    (StatusCode::BAD_REQUEST, i18n.t(lang, "humancode-length"))
                }
                HumanCodeError::Character(c) => (
                    StatusCode::BAD_REQUEST,
                    i18n.t_args(
                        lang,
                        "humancode-char",
                        &[("char", Arg::Str(&c.to_string()))],
                    ),
                ),
            };
            return Err(form(status, Some(text)));
        }
    };
    let Some(short) = HumanCode::normalise(&typed) else {
        return Err(form(
            StatusCode::BAD_REQUEST,
            Some(i18n.t(lang, "humancode-length")),
        ));
    };
    let checked = state
        .verifier
        .check_short(&state.db, parsed)
        .await
        .map_err(|e| unavailable(lang, e))?
        .ok_or_else(|| {
            form(
                StatusCode::NOT_FOUND,
                Some(i18n.t(lang, "humancode-unknown")),
            )
        })?;
    let verdict = state
        .verifier
        .record_visit(
            &state.db,
            checked,
            &source,
            NetId::of(&state.shortcodes, ip),
        )
        .await
        .map_err(|e| unavailable(lang, e))?;
    state.metrics.observe_verdict(verdict.status.as_str());
    Ok(render_verdict(
        &state,
        lang,
        Subject::Short(&short),
        &verdict,
        Extras {
            human_note: true,
            reported: q.reported.is_some(),
            ..Extras::default()
        },
        StatusCode::OK,
    ))
}

//! The officer web interface under `/officer`: sign-in, dashboard, brands, producers, rights of
//! use, certificates with label downloads, the audit log, and (for admins) officers, API keys
//! and signing keys. Server-rendered, no script needed; every form carries a CSRF token, and
//! the server enforces each role whatever the pages offer.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{FromRequestParts, RawForm, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Days, Utc};
use minijinja::{Value, context};
use serde::Serialize;
use subtle::ConstantTimeEq;

use super::{CSS, html, lang_links};
use crate::domain::lifecycle::{CertificateRequest, RawCertificateRequest};
use crate::domain::values::{
    self, BrandNumber, CertificateNumber, ProducerKind, Region, Role, Standing,
};
use crate::http::officer_api::producers::ProducerBody;
use crate::http::session::{self, COOKIE_NAME, add_cookie, cookie, set_cookie};
use crate::i18n::{I18n, Lang};
use crate::state::AppState;
use crate::store::brands::BrandPatch;
use crate::store::producers::ProducerFields;
use crate::store::registry::{self, BrandFilter};
use crate::store::sessions::Session;
use crate::store::{self as st, StoreError};
use crate::{keystore, verify};

const LANG_COOKIE: &str = "tasdiq_lang";
const LOGIN_CSRF_COOKIE: &str = "tasdiq_login";
const PAGE: u64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/officer", get(dashboard))
        .route("/officer/", get(dashboard))
        .route("/officer/login", get(login_page).post(login))
        .route("/officer/logout", post(logout))
        .route("/officer/brands", get(brands))
        .route("/officer/brands/{number}", get(brand))
        .route("/officer/brands/{number}/status", post(brand_status))
        .route("/officer/brands/{number}/members", post(grant))
        .route(
            "/officer/brands/{number}/members/{producer}",
            post(change_member),
        )
        .route("/officer/producers", get(producers).post(create_producer))
        .route("/officer/producers/new", get(new_producer))
        .route(
            "/officer/producers/{id}",
            get(producer).post(update_producer),
        )
        .route("/officer/certificates", get(certificates).post(issue))
        .route("/officer/certificates/new", get(new_certificate))
        .route("/officer/certificates/{number}", get(certificate))
        .route("/officer/certificates/{number}/revoke", post(revoke))
        .route("/officer/audit", get(audit))
        .route(
            "/officer/admin/officers",
            get(officers).post(create_officer),
        )
        .route("/officer/admin/apikeys", get(apikeys).post(create_apikey))
        .route("/officer/admin/apikeys/{id}/revoke", post(revoke_apikey))
        .route("/officer/admin/keys", get(keys))
        .route("/officer/admin/keys/rotate", post(rotate_key))
        .layer(axum::middleware::from_fn(remember_lang))
}

/// `?lang=` on any officer page is remembered in a cookie for the next pages.
async fn remember_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let chosen = req.uri().query().and_then(query_lang);
    let secure = req.uri().scheme_str() == Some("https");
    let mut res = next.run(req).await;
    if let Some(l) = chosen {
        let mut c = format!(
            "{LANG_COOKIE}={}; Path=/officer; SameSite=Strict; Max-Age=31536000",
            l.code()
        );
        if secure {
            c.push_str("; Secure");
        }
        if let Ok(v) = c.parse() {
            add_cookie(res.headers_mut(), v);
        }
    }
    res
}

fn query_lang(q: &str) -> Option<Lang> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::from_code(&v))
}

fn officer_lang(parts: &Parts) -> Lang {
    if let Some(l) = parts.uri.query().and_then(query_lang) {
        return l;
    }
    if let Some(l) = cookie(&parts.headers, LANG_COOKIE).and_then(Lang::from_code) {
        return l;
    }
    super::page_lang(None, &parts.headers)
}

/// A signed-in officer's request. Anonymous visitors are sent to the sign-in page.
pub struct Ui {
    pub session: Session,
    pub lang: Lang,
    pub path: String,
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = officer_lang(parts);
        let path = parts.uri.path().to_owned();
        match session::current(parts, state).await {
            Ok(Some(session)) => Ok(Ui {
                session,
                lang,
                path,
            }),
            Ok(None) => {
                let next = percent_encoding::utf8_percent_encode(
                    parts
                        .uri
                        .path_and_query()
                        .map_or("/officer", |p| p.as_str()),
                    percent_encoding::NON_ALPHANUMERIC,
                );
                Err(Redirect::to(&format!("/officer/login?next={next}")).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

impl Ui {
    fn t(&self, key: &str) -> String {
        I18n::global().t(self.lang, key)
    }

    fn admin(&self) -> bool {
        self.session.officer.role == Role::Admin
    }

    fn actor(&self) -> String {
        format!("officer:{}", self.session.officer.email)
    }

    /// The context every officer page gets, plus `extra`.
    fn ctx(&self, extra: Value) -> Value {
        context! {
            lang => self.lang.code(),
            dir => self.lang.dir(),
            langs => lang_links(self.lang, &self.path),
            css => CSS,
            me => context! {
                email => self.session.officer.email.clone(),
                role => self.session.officer.role.as_str(),
                admin => self.admin(),
            },
            csrf => self.session.csrf.clone(),
            ..extra
        }
    }

    fn page(&self, status: StatusCode, template: &str, extra: Value) -> Response {
        html(status, template, self.ctx(extra))
    }

    fn message(&self, status: StatusCode, heading_key: &str, text: String) -> Response {
        self.page(
            status,
            "officer/message.html",
            context! { heading => self.t(heading_key), text => text },
        )
    }

    fn not_found(&self) -> Response {
        self.message(
            StatusCode::NOT_FOUND,
            "error-not-found-title",
            String::new(),
        )
    }

    fn forbidden(&self) -> Response {
        self.message(StatusCode::FORBIDDEN, "o-forbidden", String::new())
    }

    fn csrf_ok(&self, form: &Form) -> bool {
        form.get("csrf")
            .is_some_and(|t| bool::from(t.as_bytes().ct_eq(self.session.csrf.as_bytes())))
    }

    fn csrf_failed(&self) -> Response {
        self.message(StatusCode::FORBIDDEN, "o-csrf-failed", String::new())
    }

    /// A store failure as a page: the problem's detail, in a sentence.
    fn failed(&self, e: StoreError) -> Response {
        let api = crate::http::error::ApiError::from(e);
        self.page(
            api.status,
            "officer/message.html",
            context! { heading => self.t("error-bad-request-title"), text => api.detail },
        )
    }
}

type Form = HashMap<String, String>;

/// A form posted by a signed-in officer, its CSRF token checked: a form without the session's
/// token is refused before any handler sees it.
pub struct Posted {
    pub ui: Ui,
    pub form: Form,
}

impl axum::extract::FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ui = Ui::from_request_parts(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let RawForm(bytes) = RawForm::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = parse_form(&bytes);
        if !ui.csrf_ok(&form) {
            return Err(ui.csrf_failed());
        }
        Ok(Posted { ui, form })
    }
}

fn parse_form(bytes: &[u8]) -> Form {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn field<'a>(form: &'a Form, name: &str) -> &'a str {
    form.get(name).map_or("", |s| s.trim())
}

fn query(raw: Option<&str>) -> Form {
    parse_form(raw.unwrap_or("").as_bytes())
}

fn flash(q: &Form, ui: &Ui) -> Option<String> {
    q.contains_key("saved").then(|| ui.t("o-saved"))
}

fn paging(q: &Form, base: &str, total: u64) -> (u64, Option<String>, Option<String>) {
    let page: u64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
        .min(100_000);
    let offset = page * PAGE;
    let sep = if base.contains('?') { '&' } else { '?' };
    let prev = (page > 0).then(|| format!("{base}{sep}page={}", page - 1));
    let next = (offset + PAGE < total).then(|| format!("{base}{sep}page={}", page + 1));
    (offset, prev, next)
}

// ----- sign-in -------------------------------------------------------------------------------

async fn login_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query(raw.as_deref());
    let lang = q
        .get("lang")
        .and_then(|l| Lang::from_code(l))
        .or_else(|| cookie(&headers, LANG_COOKIE).and_then(Lang::from_code))
        .unwrap_or_else(|| super::page_lang(None, &headers));
    login_form(
        &state,
        lang,
        q.get("next").map_or("/officer", String::as_str),
        "",
        None,
        StatusCode::OK,
    )
}

/// The sign-in form, with a fresh double-submit CSRF token in a cookie and a hidden field.
fn login_form(
    state: &AppState,
    lang: Lang,
    next: &str,
    email: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let token = hex::encode(rand::random::<[u8; 16]>());
    let ctx = context! {
        lang => lang.code(),
        dir => lang.dir(),
        langs => lang_links(lang, "/officer/login"),
        css => CSS,
        login_csrf => token.clone(),
        next => safe_next(next),
        email => email,
        error => error,
    };
    let mut res = html(status, "officer/login.html", ctx);
    add_cookie(
        res.headers_mut(),
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, Some(3600)),
    );
    res
}

/// Only local paths under /officer are followed after sign-in.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/officer") && !next.starts_with("//") && !next.contains("://") {
        next
    } else {
        "/officer"
    }
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = parse_form(&body);
    let lang = cookie(&headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .unwrap_or_else(|| super::page_lang(None, &headers));
    let i18n = I18n::global();
    let email = field(&form, "email").to_lowercase();
    let next = field(&form, "next").to_owned();
    let sent = field(&form, "csrf");
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if sent.is_empty()
        || expected.is_empty()
        || !bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
    {
        return login_form(
            &state,
            lang,
            &next,
            &email,
            Some(i18n.t(lang, "o-csrf-failed")),
            StatusCode::FORBIDDEN,
        );
    }
    // Failed sign-ins are limited per e-mail and per client: 5 at once, then one a minute.
    let limit = st::rate_limits::Limit {
        interval_ms: 60_000,
        burst: 5,
    };
    let now_ms = Utc::now().timestamp_millis();
    let ip = headers
        .get("x-forwarded-for")
        .filter(|_| state.config.trust_forwarded)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("direct")
        .to_owned();
    for bucket in [format!("login:{email}"), format!("login-ip:{ip}")] {
        match st::rate_limits::peek(&state.db, &bucket, limit, now_ms).await {
            Ok(None) => {}
            Ok(Some(_)) => {
                return login_form(
                    &state,
                    lang,
                    &next,
                    &email,
                    Some(i18n.t(lang, "o-login-limited")),
                    StatusCode::TOO_MANY_REQUESTS,
                );
            }
            Err(e) => return crate::http::error::ApiError::from(e).into_response(),
        }
    }
    let officer =
        match st::officers::authenticate(&state.db, &email, field(&form, "password")).await {
            Ok(o) => o,
            Err(e) => return crate::http::error::ApiError::from(e).into_response(),
        };
    let Some(officer) = officer else {
        for bucket in [format!("login:{email}"), format!("login-ip:{ip}")] {
            let _ = st::rate_limits::take(&state.db, &bucket, limit, now_ms).await;
        }
        tracing::info!("failed officer sign-in");
        return login_form(
            &state,
            lang,
            &next,
            &email,
            Some(i18n.t(lang, "o-login-failed")),
            StatusCode::UNAUTHORIZED,
        );
    };
    let token = match st::sessions::create(&state.db, officer.id).await {
        Ok(t) => t,
        Err(e) => return crate::http::error::ApiError::from(e).into_response(),
    };
    let _ = st::audit::record(
        &state.db,
        &format!("officer:{}", officer.email),
        "officer.sign_in",
        &format!("officer:{}", officer.id),
        None::<&()>,
        None::<&()>,
    )
    .await;
    let mut res = Redirect::to(safe_next(&next)).into_response();
    add_cookie(
        res.headers_mut(),
        set_cookie(&state, COOKIE_NAME, &token, None),
    );
    add_cookie(
        res.headers_mut(),
        set_cookie(&state, LOGIN_CSRF_COOKIE, "", Some(0)),
    );
    res
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted { ui, .. }: Posted,
) -> Response {
    if let Some(token) = cookie(&headers, COOKIE_NAME)
        && let Err(e) = st::sessions::delete(&state.db, token).await
    {
        return ui.failed(e);
    }
    let mut res = Redirect::to("/officer/login").into_response();
    add_cookie(
        res.headers_mut(),
        set_cookie(&state, COOKIE_NAME, "", Some(0)),
    );
    res
}

// ----- dashboard -----------------------------------------------------------------------------

#[derive(Serialize)]
struct Bar {
    x: f64,
    y: f64,
    h: f64,
    label: String,
    value: i64,
}

#[derive(Serialize)]
struct RegionShare {
    name: String,
    producers: i64,
    women_pct: i64,
    youth_pct: i64,
}

async fn dashboard(State(state): State<AppState>, ui: Ui) -> Response {
    let result = async {
        let today = Utc::now().date_naive();
        let from = today - Days::new(29);
        let counts = st::dashboard::counts(&state.db).await?;
        let inclusion = st::dashboard::inclusion(&state.db).await?;
        let per_day = st::scans::per_day(&state.db, from).await?;
        let t = state.scans.thresholds;
        let suspected = st::dashboard::suspected_copies(
            &state.db,
            t.distinct_clients,
            t.scans_per_day,
            today,
            10,
        )
        .await?;
        let recent = st::dashboard::recent_scans(&state.db, 10).await?;
        let reports = st::reports::list(&state.db, 5, 0).await?.items;
        Ok::<_, StoreError>((counts, inclusion, per_day, suspected, recent, reports, from))
    }
    .await;
    let (counts, inclusion, per_day, suspected, recent, reports, from) = match result {
        Ok(r) => r,
        Err(e) => return ui.failed(e),
    };
    // Scans per day: 30 bars, every day shown even without scans.
    let (width, height, bar) = (600.0, 160.0, 16.0);
    let by_day: HashMap<_, _> = per_day.iter().map(|(d, s, _)| (*d, *s)).collect();
    let max = by_day.values().copied().max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = (0..30u64)
        .map(|i| {
            let day = from + Days::new(i);
            let value = by_day.get(&day).copied().unwrap_or(0);
            let h = (value as f64 / max as f64) * (height - 20.0);
            Bar {
                x: 2.0 + i as f64 * 19.9,
                y: height - h,
                h,
                label: crate::i18n::date(day),
                value,
            }
        })
        .collect();
    let i18n = I18n::global();
    let shares: Vec<RegionShare> = inclusion
        .iter()
        .map(|r| RegionShare {
            name: i18n.t(ui.lang, &format!("region-{}", r.region)),
            producers: r.producers,
            women_pct: (r.women_led * 100).checked_div(r.producers).unwrap_or(0),
            youth_pct: (r.youth_led * 100).checked_div(r.producers).unwrap_or(0),
        })
        .collect();
    ui.page(StatusCode::OK, "officer/dashboard.html", context! {
        counts => counts,
        inclusion => shares,
        chart => context! { width => width, height => height, bar => bar, bars => bars, max => max,
            first => crate::i18n::date(from), last => crate::i18n::date(Utc::now().date_naive()) },
        suspected => suspected,
        recent => recent,
        reports => reports,
    })
}

// ----- brands and rights of use --------------------------------------------------------------

#[derive(Serialize)]
struct RegionOption {
    slug: &'static str,
    name: String,
}

fn region_options(lang: Lang) -> Vec<RegionOption> {
    Region::ALL
        .iter()
        .map(|r| RegionOption {
            slug: r.as_str(),
            name: I18n::global().t(lang, &format!("region-{}", r.as_str())),
        })
        .collect()
}

async fn brands(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> Response {
    let q = query(raw.as_deref());
    let text = field(&q, "q").chars().take(100).collect::<String>();
    let region = Region::parse("region", field(&q, "region")).ok();
    let filter = BrandFilter {
        region,
        q: Some(text.clone()),
        ..BrandFilter::default()
    };
    let total = match registry::list_brands(&state.db, &filter, 1, 0).await {
        Ok(p) => p.total,
        Err(e) => return ui.failed(e),
    };
    let base = format!(
        "/officer/brands?q={}&region={}",
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC),
        region.map_or("", |r| r.as_str())
    );
    let (offset, prev, next) = paging(&q, &base, total);
    let page = match registry::list_brands(&state.db, &filter, PAGE, offset).await {
        Ok(p) => p,
        Err(e) => return ui.failed(e),
    };
    let rows: Vec<Value> = page
        .items
        .iter()
        .map(|b| {
            context! {
                number => b.number, name => b.names.get(ui.lang.code()), kind => b.kind.as_str(),
                region => I18n::global().t(ui.lang, &format!("region-{}", b.region.as_str())),
                status => b.status.as_str(), members => b.members,
            }
        })
        .collect();
    ui.page(
        StatusCode::OK,
        "officer/brands.html",
        context! {
            brands => rows, total => page.total, prev => prev, next => next, q => text,
            region => region.map(|r| r.as_str()), regions => region_options(ui.lang),
        },
    )
}

fn brand_number(raw: &str) -> Option<BrandNumber> {
    BrandNumber::parse("number", raw).ok()
}

async fn brand(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(number): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    brand_page(&state, &ui, &number, flash(&q, &ui), None, Form::new()).await
}

async fn brand_page(
    state: &AppState,
    ui: &Ui,
    number: &str,
    flash: Option<String>,
    error: Option<String>,
    grant: Form,
) -> Response {
    let Some(number) = brand_number(number) else {
        return ui.not_found();
    };
    let brand = match registry::get_brand(&state.db, number).await {
        Ok(b) => b,
        Err(e) => return ui.failed(e),
    };
    let members = match registry::list_members(&state.db, number, 500, 0).await {
        Ok(m) => m.items,
        Err(e) => return ui.failed(e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    ui.page(status, "officer/brand.html", context! {
        brand => context! {
            number => brand.number, name => brand.names.get(ui.lang.code()), names => brand.names,
            kind => brand.kind.as_str(), category => brand.category.as_str(),
            region => I18n::global().t(ui.lang, &format!("region-{}", brand.region.as_str())),
            status => brand.status.as_str(), status_reason => brand.status_reason,
        },
        members => members,
        grant => grant,
        flash => flash,
        error => error,
    })
}

async fn brand_status(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Some(n) = brand_number(&number) else {
        return ui.not_found();
    };
    let status = Standing::parse("status", field(&form, "status"));
    let reason = values::text("reason", field(&form, "reason"), 500);
    let (Ok(status), Ok(reason)) = (status, reason) else {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some(ui.t("report-invalid").replace("200", "500")),
            Form::new(),
        )
        .await;
    };
    let patch = BrandPatch {
        status: Some((status, reason)),
        ..BrandPatch::default()
    };
    let actor = ui.actor();
    let (actor, patch) = (actor.as_str(), &patch);
    let result = state
        .write(|tx| async move { st::brands::update(&*tx, n, patch, actor).await })
        .await;
    after_brand_change(&state, &ui, &number, n, result, Form::new()).await
}

/// After a change on a brand's page: back to the page with "saved", or the page with the error.
async fn after_brand_change<T>(
    state: &AppState,
    ui: &Ui,
    number: &str,
    n: BrandNumber,
    result: Result<T, StoreError>,
    form: Form,
) -> Response {
    match result {
        Ok(_) => {
            state.statuses_changed();
            Redirect::to(&format!("/officer/brands/{n}?saved=1")).into_response()
        }
        Err(e) => {
            let detail = crate::http::error::ApiError::from(e).detail;
            brand_page(state, ui, number, None, Some(detail), form).await
        }
    }
}

async fn grant(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Some(n) = brand_number(&number) else {
        return ui.not_found();
    };
    let producer: Option<i64> = field(&form, "producer").parse().ok().filter(|p| *p > 0);
    let from = values::iso_date("valid_from", field(&form, "valid_from"));
    let until = values::iso_date("valid_until", field(&form, "valid_until"));
    let (Some(producer), Ok(from), Ok(until)) = (producer, from, until) else {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some(format!(
                "{}: {}",
                ui.t("o-grant-title"),
                ui.t("error-bad-request-title")
            )),
            form,
        )
        .await;
    };
    if until <= from {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some("valid_until: must be after valid_from".into()),
            form,
        )
        .await;
    }
    let actor = ui.actor();
    let actor = actor.as_str();
    let result = state
        .write(
            |tx| async move { st::memberships::grant(&*tx, n, producer, from, until, actor).await },
        )
        .await;
    after_brand_change(&state, &ui, &number, n, result, form).await
}

async fn change_member(
    State(state): State<AppState>,
    axum::extract::Path((number, producer)): axum::extract::Path<(String, String)>,
    Posted { ui, form }: Posted,
) -> Response {
    let (Some(n), Ok(producer)) = (brand_number(&number), producer.parse::<i64>()) else {
        return ui.not_found();
    };
    let Ok(status) = Standing::parse("status", field(&form, "status")) else {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some("status: active, suspended or withdrawn".into()),
            Form::new(),
        )
        .await;
    };
    let reason = field(&form, "reason").to_owned();
    if status != Standing::Active && reason.is_empty() {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some(format!("{}: {}", ui.t("o-reason"), "required")),
            Form::new(),
        )
        .await;
    }
    let actor = ui.actor();
    let (actor, reason) = (
        actor.as_str(),
        Some(reason.as_str()).filter(|r| !r.is_empty()),
    );
    let result = state
        .write(|tx| async move {
            st::memberships::set_status(&*tx, n, producer, status, reason, None, actor).await
        })
        .await;
    after_brand_change(&state, &ui, &number, n, result, Form::new()).await
}

// ----- producers -----------------------------------------------------------------------------

async fn producers(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> Response {
    let q = query(raw.as_deref());
    let text: String = field(&q, "q").chars().take(100).collect();
    let total = match st::producers::search(&state.db, Some(&text), None, 1, 0).await {
        Ok(p) => p.total,
        Err(e) => return ui.failed(e),
    };
    let base = format!(
        "/officer/producers?q={}",
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
    );
    let (offset, prev, next) = paging(&q, &base, total);
    match st::producers::search(&state.db, Some(&text), None, PAGE, offset).await {
        Ok(page) => {
            let rows: Vec<Value> = page
                .items
                .iter()
                .map(|p| context! {
                    id => p.id, name => p.name.clone(), kind => p.kind.as_str(), ice => p.ice.clone(),
                    region => I18n::global().t(ui.lang, &format!("region-{}", p.region.as_str())),
                    women_led => p.women_led, youth_led => p.youth_led,
                })
                .collect();
            ui.page(StatusCode::OK, "officer/producers.html", context! {
                producers => rows, total => page.total, prev => prev, next => next, q => text, flash => flash(&q, &ui),
            })
        }
        Err(e) => ui.failed(e),
    }
}

fn producer_form(
    ui: &Ui,
    p: Value,
    memberships: Value,
    errors: HashMap<String, String>,
    status: StatusCode,
    flash: Option<String>,
) -> Response {
    let kinds: Vec<&str> = ProducerKind::ALL.iter().map(|k| k.as_str()).collect();
    ui.page(
        status,
        "officer/producer.html",
        context! {
            p => p, memberships => memberships, errors => errors, kinds => kinds,
            regions => region_options(ui.lang), flash => flash,
        },
    )
}

async fn new_producer(ui: Ui) -> Response {
    producer_form(
        &ui,
        context! { kind => "cooperative", women_led => false, youth_led => false },
        Value::from(()),
        HashMap::new(),
        StatusCode::OK,
        None,
    )
}

/// Reads the producer form with the API's checks; errors are keyed by field for display next
/// to it.
fn read_producer(form: &Form) -> Result<ProducerFields, HashMap<String, String>> {
    let text = |name| Some(field(form, name).to_owned());
    ProducerBody {
        name: text("name"),
        kind: text("kind"),
        ice: text("ice"),
        register_number: text("register_number"),
        region: text("region"),
        province: text("province"),
        women_led: Some(field(form, "women_led") == "true"),
        youth_led: Some(field(form, "youth_led") == "true"),
    }
    .fields(None)
    .map_err(|errors| {
        errors
            .into_iter()
            .map(|e| (e.field.into_owned(), e.message))
            .collect()
    })
}

fn form_value(form: &Form, id: Option<i64>) -> Value {
    context! {
        id => id, name => field(form, "name"), kind => field(form, "kind"), ice => field(form, "ice"),
        register_number => field(form, "register_number"), region => field(form, "region"),
        province => field(form, "province"), women_led => field(form, "women_led") == "true",
        youth_led => field(form, "youth_led") == "true",
    }
}

async fn create_producer(State(state): State<AppState>, Posted { ui, form }: Posted) -> Response {
    save_producer(&state, &ui, &form, None).await
}

async fn producer(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(id): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    let (p, m) = match (
        st::producers::get(&state.db, id).await,
        st::memberships::of_producer(&state.db, id).await,
    ) {
        (Ok(p), Ok(m)) => (p, m),
        (Err(e), _) | (_, Err(e)) => return ui.failed(e),
    };
    producer_form(
        &ui,
        Value::from_serialize(&p),
        Value::from_serialize(&m),
        HashMap::new(),
        StatusCode::OK,
        flash(&q, &ui),
    )
}

async fn update_producer(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    save_producer(&state, &ui, &form, Some(id)).await
}

/// Registers a producer (`id` none) or replaces one's fields. Invalid fields, and an ICE that
/// another producer holds, come back as the form with the error next to its field.
async fn save_producer(state: &AppState, ui: &Ui, form: &Form, id: Option<i64>) -> Response {
    let again = |errors, status| {
        producer_form(
            ui,
            form_value(form, id),
            Value::from(()),
            errors,
            status,
            None,
        )
    };
    let fields = match read_producer(form) {
        Ok(f) => f,
        Err(errors) => return again(errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let actor = ui.actor();
    let (actor, f) = (actor.as_str(), &fields);
    let saved = state
        .write(|tx| async move {
            match id {
                Some(id) => st::producers::update(&*tx, id, f, actor).await,
                None => st::producers::create(&*tx, f, actor).await,
            }
        })
        .await;
    match saved {
        Ok(p) => {
            if id.is_some() {
                state.statuses_changed();
            }
            Redirect::to(&format!("/officer/producers/{}?saved=1", p.id)).into_response()
        }
        Err(StoreError::Conflict {
            reason: "ice_taken",
            detail,
        }) => again(
            HashMap::from([("ice".to_owned(), detail)]),
            StatusCode::CONFLICT,
        ),
        Err(e) => ui.failed(e),
    }
}

// ----- certificates --------------------------------------------------------------------------

async fn certificates(State(state): State<AppState>, ui: Ui) -> Response {
    let result = async {
        let numbers = st::certificates::recent(&state.db, 100).await?;
        st::certificates::records(&state.db, &numbers).await
    }
    .await;
    match result {
        Ok(recs) => {
            let mut recs: Vec<_> = recs.into_values().collect();
            recs.sort_by_key(|r| std::cmp::Reverse(r.facts.issued_at));
            let rows: Vec<Value> = recs
                .iter()
                .map(|r| context! {
                    number => r.view.number.clone(), brand => r.view.brand.names.get(ui.lang.code()),
                    product => r.view.product.clone(), lot => r.view.lot.clone(), quantity => r.view.quantity,
                    status => r.view.status.as_str(),
                })
                .collect();
            ui.page(
                StatusCode::OK,
                "officer/certificates.html",
                context! { certificates => rows },
            )
        }
        Err(e) => ui.failed(e),
    }
}

fn issue_form(
    ui: &Ui,
    f: Value,
    errors: HashMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    ui.page(
        status,
        "officer/issue.html",
        context! { f => f, errors => errors, error => error },
    )
}

async fn new_certificate(ui: Ui, RawQuery(raw): RawQuery) -> Response {
    let q = query(raw.as_deref());
    let today = Utc::now().date_naive();
    issue_form(
        &ui,
        context! {
            brand => field(&q, "brand"), producer => field(&q, "producer"),
            produced_on => today.to_string(), expires_on => (today + Days::new(730)).to_string(),
        },
        HashMap::new(),
        None,
        StatusCode::OK,
    )
}

async fn issue(State(state): State<AppState>, Posted { ui, form }: Posted) -> Response {
    let echo = context! {
        brand => field(&form, "brand"), producer => field(&form, "producer"), product => field(&form, "product"),
        lot => field(&form, "lot"), quantity => field(&form, "quantity"),
        produced_on => field(&form, "produced_on"), expires_on => field(&form, "expires_on"),
    };
    let number = |name: &str| field(&form, name).parse::<i64>().unwrap_or(-1);
    let now = Utc::now();
    let req = CertificateRequest::parse(
        &RawCertificateRequest {
            brand: number("brand"),
            producer: number("producer"),
            product: field(&form, "product"),
            lot: field(&form, "lot"),
            quantity: number("quantity"),
            produced_on: field(&form, "produced_on"),
            expires_on: field(&form, "expires_on"),
        },
        now.date_naive(),
    );
    let req = match req {
        Ok(r) => r,
        Err(errs) => {
            let errors = errs
                .into_iter()
                .map(|e| (e.field.into_owned(), e.message))
                .collect();
            return issue_form(&ui, echo, errors, None, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let Some(kid) = state.key_ring().signer().map(|k| k.kid) else {
        return issue_form(
            &ui,
            echo,
            HashMap::new(),
            Some(ui.t("error-unavailable-body")),
            StatusCode::SERVICE_UNAVAILABLE,
        );
    };
    let actor = ui.actor();
    let (actor, r) = (actor.as_str(), &req);
    match state
        .write(|tx| async move { st::certificates::issue_audited(&*tx, r, kid, actor, now).await })
        .await
    {
        Ok(rec) => Redirect::to(&format!(
            "/officer/certificates/{}?saved=1",
            rec.view.number
        ))
        .into_response(),
        Err(e) => {
            let api = crate::http::error::ApiError::from(e);
            issue_form(&ui, echo, HashMap::new(), Some(api.detail), api.status)
        }
    }
}

async fn certificate(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(number): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let Ok(n) = CertificateNumber::parse("number", &number) else {
        return ui.not_found();
    };
    match verify::lookup(&state, n).await {
        Ok(Some(rec)) => ui.page(
            StatusCode::OK,
            "officer/certificate.html",
            context! {
                c => Value::from_serialize(&rec.view),
                issued_by => rec.issued_by.clone(),
                revoked => rec.view.status.as_str() == "revoked",
                pdf_to => rec.view.quantity.min(crate::printing::MAX_LABELS),
                flash => flash(&q, &ui),
            },
        ),
        Ok(None) => ui.not_found(),
        Err(e) => ui.failed(e),
    }
}

async fn revoke(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Ok(n) = CertificateNumber::parse("number", &number) else {
        return ui.not_found();
    };
    let Ok(reason) = values::text("reason", field(&form, "reason"), 500) else {
        return ui.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request-title",
            format!("{}: 1-500", ui.t("o-reason")),
        );
    };
    let actor = ui.actor();
    let (actor, reason) = (actor.as_str(), reason.as_str());
    match state
        .write(|tx| async move { st::certificates::revoke_audited(&*tx, n, reason, actor).await })
        .await
    {
        Ok(_) => {
            state.statuses_changed();
            Redirect::to(&format!("/officer/certificates/{n}?saved=1")).into_response()
        }
        Err(e) => ui.failed(e),
    }
}

// ----- audit ---------------------------------------------------------------------------------

async fn audit(State(state): State<AppState>, ui: Ui, RawQuery(raw): RawQuery) -> Response {
    let q = query(raw.as_deref());
    let total = match st::audit::list(&state.db, 1, 0).await {
        Ok(p) => p.total,
        Err(e) => return ui.failed(e),
    };
    let (offset, prev, next) = paging(&q, "/officer/audit", total);
    match st::audit::list(&state.db, PAGE, offset).await {
        Ok(page) => {
            let short = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .map(|v| values::clip(&v.to_string()))
                    .unwrap_or_default()
            };
            let rows: Vec<Value> = page
                .items
                .iter()
                .map(|e| context! {
                    at => e.at.format("%d/%m/%Y %H:%M:%S").to_string(), actor => e.actor.clone(),
                    action => e.action.clone(), target => e.target.clone(),
                    before => short(&e.before), after => short(&e.after),
                })
                .collect();
            ui.page(
                StatusCode::OK,
                "officer/audit.html",
                context! { entries => rows, total => page.total, prev => prev, next => next },
            )
        }
        Err(e) => ui.failed(e),
    }
}

// ----- administration --------------------------------------------------------------------------

async fn officers(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    match st::officers::list(&state.db).await {
        Ok(rows) => ui.page(
            StatusCode::OK,
            "officer/admin.html",
            context! { section => "officers", heading => ui.t("o-nav-officers"), rows => rows },
        ),
        Err(e) => ui.failed(e),
    }
}

async fn create_officer(State(state): State<AppState>, Posted { ui, form }: Posted) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let role = Role::parse("role", field(&form, "role"))
        .ok()
        .filter(|r| *r != Role::Retailer);
    let email = values::email(field(&form, "email")).ok();
    let password = form.get("password").cloned().unwrap_or_default();
    let (Some(role), Some(email), true) = (role, email, password.chars().count() >= 12) else {
        return ui.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request-title",
            "e-mail, role, and a password of at least 12 characters".into(),
        );
    };
    let actor = ui.actor();
    let (actor, email, password) = (actor.as_str(), email.as_str(), password.as_str());
    let created = state
        .write(|tx| async move { st::officers::create(&*tx, email, password, role, actor).await })
        .await;
    match created {
        Ok(_) => Redirect::to("/officer/admin/officers").into_response(),
        Err(e) => ui.failed(e),
    }
}

async fn apikeys_page(state: &AppState, ui: &Ui, secret: Option<String>) -> Response {
    match st::api_keys::list(&state.db).await {
        Ok(rows) => ui.page(StatusCode::OK, "officer/admin.html", context! { section => "apikeys", heading => ui.t("o-nav-apikeys"), rows => rows, secret => secret }),
        Err(e) => ui.failed(e),
    }
}

async fn apikeys(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    apikeys_page(&state, &ui, None).await
}

async fn create_apikey(State(state): State<AppState>, Posted { ui, form }: Posted) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let role = Role::parse("role", field(&form, "role"))
        .ok()
        .filter(|r| *r != Role::Admin);
    let name = values::text("name", field(&form, "name"), 100).ok();
    let (Some(role), Some(name)) = (role, name) else {
        return ui.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request-title",
            "name, and role officer or retailer".into(),
        );
    };
    let actor = ui.actor();
    let (actor, name) = (actor.as_str(), name.as_str());
    let created = state
        .write(|tx| async move { st::api_keys::create(&*tx, name, role, actor).await })
        .await;
    match created {
        // Shown once, on this answer only; never stored in the clear.
        Ok((_, secret)) => apikeys_page(&state, &ui, Some(secret)).await,
        Err(e) => ui.failed(e),
    }
}

async fn revoke_apikey(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted { ui, .. }: Posted,
) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    let actor = ui.actor();
    let actor = actor.as_str();
    let done = state
        .write(|tx| async move { st::api_keys::revoke(&*tx, id, actor).await })
        .await;
    match done {
        Ok(_) => Redirect::to("/officer/admin/apikeys").into_response(),
        Err(e) => ui.failed(e),
    }
}

async fn keys(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let ring = state.key_ring();
    let rows: Vec<Value> = ring
        .all()
        .iter()
        .map(|k| context! {
            kid => k.kid.to_string(), status => k.status.as_str(), created => k.created.to_rfc3339(),
            compromised_since => k.compromised_since.map(|t| t.to_rfc3339()), secret => k.secret.is_some(),
        })
        .collect();
    ui.page(
        StatusCode::OK,
        "officer/admin.html",
        context! { section => "keys", heading => ui.t("o-nav-keys"), rows => rows },
    )
}

async fn rotate_key(State(state): State<AppState>, Posted { ui, .. }: Posted) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    match keystore::rotate(&state.db, &state.config.keys_dir, &ui.actor()).await {
        Ok(_) => {
            if let Err(e) = state.reload_keys().await {
                tracing::error!(error = %e, "key ring reload failed after rotation");
            }
            Redirect::to("/officer/admin/keys").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "key rotation failed");
            ui.message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-unavailable-title",
                String::new(),
            )
        }
    }
}

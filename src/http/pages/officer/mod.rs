//! The officer web interface under `/officer`: sign-in, dashboard, brands, producers, rights of
//! use, certificates with label downloads, the audit log, and (for admins) officers, API keys
//! and signing keys. Server-rendered, no script needed; every form carries a CSRF token, and
//! the server enforces each role whatever the pages offer. This module holds the router and what
//! every page shares (the signed-in request `Ui`, posted forms `Posted`, paging); each area has
//! its own file: `sign_in` (sign-in and the officer's own account), `dashboard` (and the audit
//! log), `brands`, `producers`, `certificates`, `admin`.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{FromRequestParts, RawForm, RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Days, Utc};
use minijinja::{Value, context};
use serde::Serialize;
use subtle::ConstantTimeEq;

use super::{CSS, html, lang_links};

mod admin;
mod brands;
mod certificates;
mod dashboard;
mod inclusion;
mod issue;
mod pickers;
mod producers;
mod rights;
mod sign_in;

use brands::{brand, brand_status, brands, change_member, grant};
use certificates::{certificate, certificates, confirm_revoke, revoke};
use dashboard::{audit, dashboard};
use issue::{issue, new_certificate};
use producers::{create_producer, new_producer, producer, producers, update_producer};

use crate::domain::values::{self, BrandNumber, CertificateNumber, ProducerKind, Region, Role};
use crate::http::session::{self, add_cookie, cookie};
use crate::i18n::{I18n, Lang};
pub use crate::service::accounts::account_delay;
use crate::service::{By, ServiceError};
use crate::state::AppState;
use crate::store::registry::{self, BrandFilter};
use crate::store::sessions::Session;
use crate::store::{self as st, StoreError};
pub use sign_in::safe_next;

const LANG_COOKIE: &str = "tasdiq_lang";
const LOGIN_CSRF_COOKIE: &str = "tasdiq_login";
const PAGE: u64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/officer", get(dashboard))
        .route("/officer/", get(dashboard))
        .route(
            "/officer/login",
            get(sign_in::login_page).post(sign_in::login),
        )
        .route("/officer/logout", post(sign_in::logout))
        .route("/officer/account", get(sign_in::account))
        .route("/officer/account/password", post(sign_in::change_password))
        .route("/officer/brands", get(brands))
        .route("/officer/brands/{number}", get(brand))
        .route("/officer/brands/{number}/status", post(brand_status))
        .route("/officer/brands/{number}/members", post(grant))
        .route(
            "/officer/brands/{number}/members/{producer}",
            post(change_member),
        )
        .route(
            "/officer/producers/{id}/rights/{brand}/status",
            post(rights::change),
        )
        .route(
            "/officer/producers/{id}/rights/{brand}/renew",
            post(rights::renew),
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
        .route(
            "/officer/certificates/{number}/revoke",
            get(confirm_revoke).post(revoke),
        )
        .route("/officer/audit", get(audit))
        .route("/officer/inclusion", get(inclusion::page))
        .route("/officer/inclusion.csv", get(inclusion::csv))
        .route(
            "/officer/admin/officers",
            get(admin::officers).post(admin::create_officer),
        )
        .route(
            "/officer/admin/officers/{id}/disable",
            post(admin::disable_officer),
        )
        .route(
            "/officer/admin/officers/{id}/enable",
            post(admin::enable_officer),
        )
        .route(
            "/officer/admin/apikeys",
            get(admin::apikeys).post(admin::create_apikey),
        )
        .route(
            "/officer/admin/apikeys/{id}/revoke",
            post(admin::revoke_apikey),
        )
        .route("/officer/admin/keys", get(admin::keys))
        .route(
            "/officer/admin/keys/rotate",
            get(admin::confirm_rotate).post(admin::rotate_key),
        )
        .route(
            "/officer/admin/keys/{kid}/compromise",
            get(admin::confirm_compromise).post(admin::compromise_key),
        )
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
                role_name => self.word("role", self.session.officer.role.as_str()),
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

    fn csrf_ok(&self, sent: &str) -> bool {
        bool::from(sent.as_bytes().ct_eq(self.session.csrf.as_bytes()))
    }

    fn csrf_failed(&self) -> Response {
        self.message(StatusCode::FORBIDDEN, "o-csrf-failed", String::new())
    }

    /// A machine word (`collective_mark`, `issued`…) of `family` in the officer's language;
    /// the word itself if it has no translation.
    fn word(&self, family: &str, word: &str) -> String {
        let key = format!("o-{family}-{word}");
        if I18n::global().has(Lang::Fr, &key) {
            self.t(&key)
        } else {
            word.to_owned()
        }
    }

    /// Rows for a template, each with `<field>_name`: the named field's word translated
    /// (`family` as in [`Self::word`]).
    fn named<T: Serialize>(&self, rows: &[T], field: &str, family: &str) -> Vec<Value> {
        rows.iter()
            .map(|row| {
                let mut v = serde_json::to_value(row).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    let word = o
                        .get(field)
                        .and_then(|w| w.as_str())
                        .unwrap_or("")
                        .to_owned();
                    o.insert(format!("{field}_name"), self.word(family, &word).into());
                }
                Value::from_serialize(&v)
            })
            .collect()
    }

    /// A failed query as a page.
    fn failed(&self, e: StoreError) -> Response {
        self.finish(Err(e.into()))
    }

    /// Who acts, for the service.
    fn by(&self) -> By {
        By::actor(self.actor())
    }

    /// A page handler's result: its page, or the error as a page in the officer's language.
    fn finish(&self, r: PageResult) -> Response {
        match r {
            Ok(res) => res,
            Err(PageError::NotFound) => self.not_found(),
            Err(PageError::Service(e)) => {
                let (status, text) = self.explain(&e);
                if matches!(e, ServiceError::NotFound(_)) {
                    return self.not_found();
                }
                self.message(status, "error-bad-request-title", text)
            }
        }
    }

    /// A refusal or failure of the service, in a sentence of the officer's language, with the
    /// status the page is answered with.
    fn explain(&self, e: &ServiceError) -> (StatusCode, String) {
        let i18n = I18n::global();
        match e {
            ServiceError::Invalid(errors) => {
                let text = self
                    .field_errors(errors)
                    .into_iter()
                    .map(|(field, message)| format!("{}: {message}", self.field_label(&field)))
                    .collect::<Vec<_>>()
                    .join(" · ");
                (StatusCode::UNPROCESSABLE_ENTITY, text)
            }
            ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, self.t("error-not-found-title")),
            ServiceError::Conflict { reason, .. } => {
                let key = format!("o-conflict-{reason}");
                let key = if i18n.has(Lang::Fr, &key) {
                    key
                } else {
                    "o-conflict".into()
                };
                (StatusCode::CONFLICT, self.t(&key))
            }
            ServiceError::LotAlreadyCertified { .. } => (
                StatusCode::CONFLICT,
                self.t("o-conflict-lot_already_certified"),
            ),
            ServiceError::Unprocessable(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                self.t("error-bad-request-title"),
            ),
            ServiceError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                self.t("error-unavailable-body"),
            ),
            ServiceError::Store(s) if s.is_unavailable() => {
                tracing::warn!(error = %s, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    self.t("error-unavailable-body"),
                )
            }
            ServiceError::Store(_) | ServiceError::Internal(_) => {
                tracing::error!(cause = %e, "officer page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    self.t("error-unavailable-body"),
                )
            }
        }
    }

    /// Refused fields, each with what the field takes, in the officer's language (keyed by
    /// the form field's name, for display next to it).
    fn field_errors(&self, errors: &[values::FieldError]) -> Vec<(String, String)> {
        let i18n = I18n::global();
        let mut out: Vec<(String, String)> = Vec::new();
        for e in errors {
            let field = e.field.replace('.', "-");
            if out.iter().any(|(f, _)| *f == field) {
                continue;
            }
            let key = format!("o-invalid-{field}");
            let key = if i18n.has(Lang::Fr, &key) {
                key
            } else {
                "o-invalid".into()
            };
            out.push((field, self.t(&key)));
        }
        out
    }

    /// A form field's label (the one its form shows), for messages that name it.
    fn field_label(&self, field: &str) -> String {
        let key = match field {
            "producer" => "field-producer".to_owned(),
            "brand" => "field-brand".to_owned(),
            "number" => "o-brand-number".to_owned(),
            "region" => "o-filter-region".to_owned(),
            f if f.starts_with("names-") => "o-name".to_owned(),
            f => format!("o-{}", f.replace('_', "-")),
        };
        if I18n::global().has(Lang::Fr, &key) {
            self.t(&key)
        } else {
            field.to_owned()
        }
    }
}

/// What a page handler's body returns, so that it can use `?`; [`Ui::finish`] turns it into
/// the page.
type PageResult = Result<Response, PageError>;

/// Why a page could not be shown.
enum PageError {
    NotFound,
    Service(ServiceError),
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::Service(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Service(e.into())
    }
}

/// Query strings, read as name → value.
type Form = HashMap<String, String>;

/// The CSRF field every officer form carries.
#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A form posted by a signed-in officer, read into `F` (a struct of the form's fields, each
/// defaulting to empty), its CSRF token checked: a form without the session's token is refused
/// before any handler sees it.
pub struct Posted<F = Form> {
    pub ui: Ui,
    pub form: F,
}

impl<F: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for Posted<F> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ui = Ui::from_request_parts(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let RawForm(bytes) = RawForm::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfField {
            csrf: String::new(),
        });
        if !ui.csrf_ok(&sent.csrf) {
            return Err(ui.csrf_failed());
        }
        let Ok(form) = serde_urlencoded::from_bytes::<F>(&bytes) else {
            return Err(ui.message(
                StatusCode::BAD_REQUEST,
                "error-bad-request-title",
                String::new(),
            ));
        };
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

/// A list page's address with its filters, for the paging links.
fn list_url(path: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let v = percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC);
            format!("{k}={v}")
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// A list's filter, or the default one with the refused fields to show next to them.
fn filter_or_errors<F: Default>(
    ui: &Ui,
    filter: Result<F, Vec<values::FieldError>>,
) -> (F, HashMap<String, String>) {
    match filter {
        Ok(f) => (f, HashMap::new()),
        Err(errs) => (F::default(), ui.field_errors(&errs).into_iter().collect()),
    }
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

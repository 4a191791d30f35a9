//! Administration, for admins only: officer accounts (create, disable, enable), API keys, and
//! signing keys.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

use serde::Deserialize;

use super::{Posted, Ui};
use crate::service::{ServiceError, accounts, keys};
use crate::state::AppState;
use crate::store as st;

async fn officers_page(
    state: &AppState,
    ui: &Ui,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    match st::officers::list(&state.db).await {
        Ok(rows) => {
            let rows: Vec<Value> = rows
                .iter()
                .map(|o| {
                    context! {
                        id => o.id, email => o.email.clone(), role => o.role.as_str(),
                        role_name => ui.word("role", o.role.as_str()),
                        disabled => o.disabled_at.is_some(), me => o.id == ui.session.officer.id,
                    }
                })
                .collect();
            ui.page(
                status,
                "officer/admin.html",
                context! { section => "officers", heading => ui.t("o-nav-officers"), rows => rows, error => error },
            )
        }
        Err(e) => ui.failed(e),
    }
}

pub(super) async fn officers(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    officers_page(&state, &ui, StatusCode::OK, None).await
}

/// Disables (`disable`) or re-enables an officer account. Disabling ends its sessions at once;
/// an admin cannot disable their own account from here, nor the last enabled admin.
async fn set_disabled(state: &AppState, ui: &Ui, id: &str, disable: bool) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    let me = Some(ui.session.officer.id);
    match accounts::set_disabled(state, &ui.by(), id, disable, me).await {
        Ok(_) => Redirect::to("/officer/admin/officers").into_response(),
        Err(e @ ServiceError::Conflict { .. }) => {
            let (status, text) = ui.explain(&e);
            officers_page(state, ui, status, Some(text)).await
        }
        Err(e) => ui.finish(Err(e.into())),
    }
}

pub(super) async fn disable_officer(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted { ui, .. }: Posted,
) -> Response {
    set_disabled(&state, &ui, &id, true).await
}

pub(super) async fn enable_officer(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted { ui, .. }: Posted,
) -> Response {
    set_disabled(&state, &ui, &id, false).await
}

/// The form that creates an officer account.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct OfficerForm {
    email: String,
    role: String,
    password: String,
}

pub(super) async fn create_officer(
    State(state): State<AppState>,
    Posted { ui, form }: Posted<OfficerForm>,
) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let created = accounts::create_officer(
        &state,
        &ui.by(),
        form.email.trim(),
        form.role.trim(),
        &form.password,
    )
    .await;
    match created {
        Ok(_) => Redirect::to("/officer/admin/officers").into_response(),
        Err(e) => {
            let (status, text) = ui.explain(&e);
            officers_page(&state, &ui, status, Some(text)).await
        }
    }
}

async fn apikeys_page(
    state: &AppState,
    ui: &Ui,
    secret: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let (status, error) = match error {
        Some((status, text)) => (status, Some(text)),
        None => (StatusCode::OK, None),
    };
    match st::api_keys::list(&state.db).await {
        Ok(rows) => {
            let rows = ui.named(&rows, "role", "role");
            ui.page(status, "officer/admin.html", context! { section => "apikeys", heading => ui.t("o-nav-apikeys"), rows => rows, secret => secret, error => error })
        }
        Err(e) => ui.failed(e),
    }
}

pub(super) async fn apikeys(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    apikeys_page(&state, &ui, None, None).await
}

/// The form that creates an API key.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct ApiKeyForm {
    name: String,
    role: String,
}

pub(super) async fn create_apikey(
    State(state): State<AppState>,
    Posted { ui, form }: Posted<ApiKeyForm>,
) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    match accounts::create_api_key(&state, &ui.by(), form.name.trim(), form.role.trim()).await {
        // Shown once, on this answer only; never stored in the clear.
        Ok((_, secret)) => apikeys_page(&state, &ui, Some(secret), None).await,
        Err(e) => {
            let error = ui.explain(&e);
            apikeys_page(&state, &ui, None, Some(error)).await
        }
    }
}

pub(super) async fn revoke_apikey(
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
    match accounts::revoke_api_key(&state, &ui.by(), id).await {
        Ok(_) => Redirect::to("/officer/admin/apikeys").into_response(),
        Err(e) => ui.finish(Err(e.into())),
    }
}

pub(super) async fn keys(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let ring = state.key_ring();
    let rows: Vec<Value> = ring
        .all()
        .iter()
        .map(|k| {
            context! {
                kid => k.kid.to_string(), status => k.status.as_str(), created => when(k.created),
                status_name => ui.word("key", k.status.as_str()),
                compromised_since => k.compromised_since.map(when), secret => k.secret.is_some(),
            }
        })
        .collect();
    ui.page(
        StatusCode::OK,
        "officer/admin.html",
        context! { section => "keys", heading => ui.t("o-nav-keys"), rows => rows },
    )
}

/// A moment as the officer pages show it: day and minute, in UTC.
fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{} {} UTC",
        crate::i18n::date(t.date_naive()),
        t.format("%H:%M")
    )
}

/// The confirmation of a key change, before it is made.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct ConfirmForm {
    confirm: String,
    since: String,
}

/// The second step of a rotation: which key stops signing, and that a new one starts.
pub(super) async fn confirm_rotate(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let ring = state.key_ring();
    let current = ring.signer().map(|k| k.kid.to_string()).unwrap_or_default();
    let effect = crate::i18n::I18n::global().t_args(
        ui.lang,
        "o-rotate-effect",
        &[("kid", crate::i18n::Arg::Str(&current))],
    );
    ui.page(
        StatusCode::OK,
        "officer/confirm.html",
        context! {
            heading => ui.t("o-rotate"), action => "/officer/admin/keys/rotate",
            cancel => "/officer/admin/keys", facts => Vec::<(String, String)>::new(),
            effect => effect, hidden => Vec::<(String, String)>::new(), button => ui.t("o-rotate-confirm"),
        },
    )
}

pub(super) async fn rotate_key(
    State(state): State<AppState>,
    Posted { ui, form }: Posted<ConfirmForm>,
) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    if form.confirm != "yes" {
        return confirm_rotate(State(state), ui).await;
    }
    match keys::rotate(&state, &ui.by()).await {
        Ok(_) => Redirect::to("/officer/admin/keys").into_response(),
        Err(e) => ui.finish(Err(e.into())),
    }
}

/// The moment a compromise starts from: a day (from its start, UTC), as the key page's form
/// sends it.
fn since(raw: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// The second step of marking a key compromised: how many certificates and labels issued under
/// it from that day on turn revoked.
pub(super) async fn confirm_compromise(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(kid): axum::extract::Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let q = super::query(raw.as_deref());
    compromise_page(&state, &ui, &kid, super::field(&q, "since")).await
}

async fn compromise_page(state: &AppState, ui: &Ui, kid: &str, since_raw: &str) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let Some(k) =
        crate::domain::code::Kid::parse(kid).filter(|k| state.key_ring().get(*k).is_some())
    else {
        return ui.not_found();
    };
    let Some(from) = since(since_raw) else {
        let text = ui.t("o-invalid-since");
        return ui.message(StatusCode::UNPROCESSABLE_ENTITY, "o-compromise", text);
    };
    let (certs, labels) = match st::certificates::count_under_key(&state.db, k, from).await {
        Ok(c) => c,
        Err(e) => return ui.failed(e),
    };
    let effect = crate::i18n::I18n::global().t_args(
        ui.lang,
        "o-compromise-effect",
        &[
            ("kid", crate::i18n::Arg::Str(kid)),
            ("since", crate::i18n::Arg::Str(&when(from))),
            (
                "certificates",
                crate::i18n::Arg::Num(i64::try_from(certs).unwrap_or(i64::MAX)),
            ),
            (
                "labels",
                crate::i18n::Arg::Num(i64::try_from(labels).unwrap_or(i64::MAX)),
            ),
        ],
    );
    ui.page(
        StatusCode::OK,
        "officer/confirm.html",
        context! {
            heading => ui.t("o-compromise"), action => format!("/officer/admin/keys/{kid}/compromise"),
            cancel => "/officer/admin/keys", facts => vec![("kid".to_owned(), kid.to_owned())],
            effect => effect, hidden => vec![("since".to_owned(), since_raw.trim().to_owned())],
            button => ui.t("o-compromise-confirm"),
        },
    )
}

pub(super) async fn compromise_key(
    State(state): State<AppState>,
    axum::extract::Path(kid): axum::extract::Path<String>,
    Posted { ui, form }: Posted<ConfirmForm>,
) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    let (Some(k), Some(from)) = (crate::domain::code::Kid::parse(&kid), since(&form.since)) else {
        return compromise_page(&state, &ui, &kid, &form.since).await;
    };
    if form.confirm != "yes" {
        return compromise_page(&state, &ui, &kid, &form.since).await;
    }
    match keys::compromise(&state, &ui.by(), k, from).await {
        Ok(()) => Redirect::to("/officer/admin/keys").into_response(),
        Err(e) => ui.finish(Err(e.into())),
    }
}

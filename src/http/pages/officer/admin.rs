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
        .map(|k| context! {
            kid => k.kid.to_string(), status => k.status.as_str(), created => k.created.to_rfc3339(),
            status_name => ui.word("key", k.status.as_str()),
            compromised_since => k.compromised_since.map(|t| t.to_rfc3339()), secret => k.secret.is_some(),
        })
        .collect();
    ui.page(
        StatusCode::OK,
        "officer/admin.html",
        context! { section => "keys", heading => ui.t("o-nav-keys"), rows => rows },
    )
}

pub(super) async fn rotate_key(
    State(state): State<AppState>,
    Posted { ui, .. }: Posted,
) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    match keys::rotate(&state, &ui.by()).await {
        Ok(_) => Redirect::to("/officer/admin/keys").into_response(),
        Err(e) => ui.finish(Err(e.into())),
    }
}

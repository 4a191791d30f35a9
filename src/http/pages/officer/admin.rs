//! Administration, for admins only: officer accounts (create, disable, enable), API keys, and
//! signing keys.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

use super::{Posted, Ui, field};
use crate::domain::values::{self, Role};
use crate::keystore;
use crate::state::AppState;
use crate::store::{self as st, StoreError};

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
    if disable && id == ui.session.officer.id {
        let text = ui.t("o-disable-self");
        return officers_page(state, ui, StatusCode::CONFLICT, Some(text)).await;
    }
    let actor = ui.actor();
    let actor = actor.as_str();
    match state
        .write(|tx| async move { st::officers::set_disabled(&*tx, id, disable, actor).await })
        .await
    {
        Ok(_) => Redirect::to("/officer/admin/officers").into_response(),
        Err(StoreError::NotFound(_)) => ui.not_found(),
        Err(e @ StoreError::Conflict { .. }) => {
            let detail = crate::http::error::ApiError::from(e).detail;
            officers_page(state, ui, StatusCode::CONFLICT, Some(detail)).await
        }
        Err(e) => ui.failed(e),
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

pub(super) async fn create_officer(
    State(state): State<AppState>,
    Posted { ui, form }: Posted,
) -> Response {
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
    let hashed = match st::officers::hash(&password).await {
        Ok(h) => h,
        Err(e) => return ui.failed(e),
    };
    let actor = ui.actor();
    let (actor, email, hashed) = (actor.as_str(), email.as_str(), &hashed);
    let created = state
        .write(|tx| async move { st::officers::create(&*tx, email, hashed, role, actor).await })
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

pub(super) async fn apikeys(State(state): State<AppState>, ui: Ui) -> Response {
    if !ui.admin() {
        return ui.forbidden();
    }
    apikeys_page(&state, &ui, None).await
}

pub(super) async fn create_apikey(
    State(state): State<AppState>,
    Posted { ui, form }: Posted,
) -> Response {
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

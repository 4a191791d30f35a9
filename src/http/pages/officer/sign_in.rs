//! Signing in and out, and the officer's own account (password change). The limits on
//! guessing (per host, per account) are `service::accounts`'; a host here is the IPv4 address
//! or IPv6 /64 (the proxy's first untrusted hop when trusted).

use axum::extract::{RawForm, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use subtle::ConstantTimeEq;

use super::{
    CSS, LANG_COOKIE, LOGIN_CSRF_COOKIE, Posted, Ui, field, html, lang_links, parse_form, query,
};
use crate::http::client::{Peer, host_key};
use crate::http::error::ApiError;
use crate::http::session::{COOKIE_NAME, add_cookie, cookie, set_cookie};
use crate::i18n::{I18n, Lang};
use crate::service::ServiceError;
use crate::service::accounts::{self, PasswordChange, SignIn};
use crate::state::AppState;
use crate::store as st;

pub(super) async fn login_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let q = query(raw.as_deref());
    let lang = q
        .get("lang")
        .and_then(|l| Lang::from_code(l))
        .or_else(|| cookie(&headers, LANG_COOKIE).and_then(Lang::from_code))
        .unwrap_or_else(|| super::super::page_lang(None, &headers));
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

/// Only local paths under /officer are followed after sign-in, and only if they are a valid
/// header value and URI path: no control characters, no backslashes, nothing that a browser
/// could read as another host.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with("/officer")
        && !next.starts_with("//")
        && !next.contains("://")
        && next.len() <= 1000
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok();
    if local { next } else { "/officer" }
}

fn limited(state: &AppState, lang: Lang, next: &str, email: &str, wait_ms: i64) -> Response {
    let mut res = login_form(
        state,
        lang,
        next,
        email,
        Some(I18n::global().t(lang, "o-login-limited")),
        StatusCode::TOO_MANY_REQUESTS,
    );
    let secs = u64::try_from(wait_ms).unwrap_or(1).div_ceil(1000).max(1);
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

pub(super) async fn login(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    RawForm(body): RawForm,
) -> Response {
    let form = parse_form(&body);
    let lang = cookie(&headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .unwrap_or_else(|| super::super::page_lang(None, &headers));
    let i18n = I18n::global();
    let email = crate::domain::values::clip(&field(&form, "email").to_lowercase());
    let next = safe_next(field(&form, "next")).to_owned();
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
    let host = host_key(peer).to_string();
    let password = field(&form, "password");
    let token = match accounts::sign_in(&state, &host, &email, password).await {
        Ok(SignIn::Done { token, .. }) => token,
        Ok(SignIn::Refused) => {
            tracing::info!("failed officer sign-in");
            return login_form(
                &state,
                lang,
                &next,
                &email,
                Some(i18n.t(lang, "o-login-failed")),
                StatusCode::UNAUTHORIZED,
            );
        }
        Ok(SignIn::Limited { wait_ms }) => {
            tracing::info!("officer sign-in refused: too many failures from this host");
            return limited(&state, lang, &next, &email, wait_ms);
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut res = Redirect::to(&next).into_response();
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

pub(super) async fn logout(
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

// ----- the officer's own account ---------------------------------------------------------------

fn account_page(
    ui: &Ui,
    status: StatusCode,
    error: Option<String>,
    flash: Option<String>,
) -> Response {
    ui.page(
        status,
        "officer/account.html",
        context! { heading => ui.t("o-account-title"), error => error, flash => flash },
    )
}

pub(super) async fn account(ui: Ui, RawQuery(raw): RawQuery) -> Response {
    let q = query(raw.as_deref());
    let flash = q.contains_key("saved").then(|| ui.t("o-password-changed"));
    account_page(&ui, StatusCode::OK, None, flash)
}

/// Changes the signed-in officer's password: the current one is required (and its checks count
/// against the host's sign-in allowance), the new one has at least 12 characters and is typed
/// twice, and every other session of the account ends.
pub(super) async fn change_password(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    Posted { ui, form }: Posted,
) -> Response {
    let current = form.get("current").map_or("", String::as_str);
    let new = form.get("new").map_or("", String::as_str);
    let again = form.get("again").map_or("", String::as_str);
    if new != again {
        return account_page(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(ui.t("o-password-mismatch")),
            None,
        );
    }
    let id = ui.session.officer.id;
    let host = host_key(peer).to_string();
    let keep = cookie(&headers, COOKIE_NAME);
    let changed = accounts::change_password(&state, &ui.by(), id, &host, current, new, keep).await;
    let (status, key) = match changed {
        Ok(PasswordChange::Done) => {
            return Redirect::to("/officer/account?saved=1").into_response();
        }
        Ok(PasswordChange::WrongPassword) => (StatusCode::UNAUTHORIZED, "o-password-wrong"),
        Ok(PasswordChange::Limited) => (StatusCode::TOO_MANY_REQUESTS, "o-login-limited"),
        Err(ServiceError::Invalid(_)) => (StatusCode::UNPROCESSABLE_ENTITY, "o-password-short"),
        Err(e) => return ui.finish(Err(e.into())),
    };
    account_page(&ui, status, Some(ui.t(key)), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_local_and_printable() {
        assert_eq!(
            safe_next("/officer/brands?q=a%20b"),
            "/officer/brands?q=a%20b"
        );
        for bad in [
            "/officer\nX: y",
            "/officer\u{7f}",
            "/officer\\..\\x",
            "//evil.example/officer",
            "https://evil.example/officer",
            "/officerévil",
            "/elsewhere",
            "",
        ] {
            assert_eq!(safe_next(bad), "/officer", "{bad:?}");
        }
    }
}

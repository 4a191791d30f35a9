//! Signing in and out, and the officer's own account (password change).
//!
//! Guessing is stopped without locking people out:
//! - each host (IPv4 address, IPv6 /64; the proxy's first untrusted hop when trusted) has 5
//!   attempts, then one a minute; a token is taken *before* the password is checked, in one
//!   atomic step, and given back when the password was right, so concurrent guesses cannot race
//!   past the limit and an officer who signs in often never runs out;
//! - an account that keeps failing is slowed, not locked: past 5 recent failures (a count that
//!   drops by one a minute) each attempt on it waits 0.5 s, 1 s, 2 s … up to 10 s before the
//!   password is checked. The right password from a host that has not failed still signs in.
//! - every failure is in the audit log (host and e-mail typed, never the password).

use std::time::Duration;

use axum::extract::{RawForm, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::context;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{
    CSS, LANG_COOKIE, LOGIN_CSRF_COOKIE, Posted, Ui, field, html, lang_links, parse_form, query,
};
use crate::http::client::{Peer, host_key};
use crate::http::error::ApiError;
use crate::http::session::{COOKIE_NAME, add_cookie, cookie, set_cookie};
use crate::i18n::{I18n, Lang};
use crate::state::AppState;
use crate::store::rate_limits::{self, Limit};
use crate::store::{self as st, StoreError};

/// Attempts per host: 5 at once, then one a minute.
const HOST_LIMIT: Limit = Limit {
    interval_ms: 60_000,
    burst: 5,
};
/// An account's failure count drops by one each minute, and counts at most an hour's worth.
const ACCOUNT_DECAY_MS: i64 = 60_000;
const ACCOUNT_CAP_MS: i64 = 3_600_000;
/// Failures an account takes before attempts on it are slowed.
const ACCOUNT_FREE_FAILURES: i64 = 5;

/// The wait before checking a password for an account with `failures` recent failures.
pub fn account_delay(failures: i64) -> Duration {
    if failures <= ACCOUNT_FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - ACCOUNT_FREE_FAILURES - 1).unwrap_or(u32::MAX);
    let ms = 500u64.saturating_mul(1u64.checked_shl(doublings.min(20)).unwrap_or(u64::MAX));
    Duration::from_millis(ms.min(10_000))
}

fn host_bucket(peer: Option<std::net::IpAddr>) -> String {
    format!("login-ip:{}", host_key(peer))
}

fn account_bucket(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    format!("login-acct:{}", hex::encode(&digest[..16]))
}

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
    let result = async {
        let now_ms = Utc::now().timestamp_millis();
        let host = host_bucket(peer);
        if let Some(wait) = rate_limits::take(&state.db, &host, HOST_LIMIT, now_ms).await? {
            return Ok(Err(wait));
        }
        let account = account_bucket(&email);
        let failures = rate_limits::pressure(&state.db, &account, ACCOUNT_DECAY_MS, now_ms).await?;
        tokio::time::sleep(account_delay(failures)).await;
        let officer =
            st::officers::authenticate(&state.db, &email, field(&form, "password")).await?;
        match &officer {
            Some(_) => rate_limits::refund(&state.db, &host, HOST_LIMIT).await?,
            None => {
                let now_ms = Utc::now().timestamp_millis();
                rate_limits::charge(
                    &state.db,
                    &account,
                    ACCOUNT_DECAY_MS,
                    ACCOUNT_CAP_MS,
                    now_ms,
                )
                .await?;
                st::audit::record(
                    &state.db,
                    &format!("sign-in:{}", host_key(peer)),
                    "officer.sign_in_failed",
                    &format!("officer:{email}"),
                    None::<&()>,
                    None::<&()>,
                )
                .await?;
            }
        }
        Ok::<_, StoreError>(Ok(officer))
    }
    .await;
    let officer = match result {
        Ok(Ok(o)) => o,
        Ok(Err(wait)) => {
            tracing::info!("officer sign-in refused: too many failures from this host");
            return limited(&state, lang, &next, &email, wait);
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(officer) = officer else {
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
        Err(e) => return ApiError::from(e).into_response(),
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
    if new.chars().count() < 12 {
        return account_page(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(ui.t("o-password-short")),
            None,
        );
    }
    if new != again {
        return account_page(
            &ui,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(ui.t("o-password-mismatch")),
            None,
        );
    }
    let id = ui.session.officer.id;
    let host = host_bucket(peer);
    let checked = async {
        let now_ms = Utc::now().timestamp_millis();
        if let Some(wait) = rate_limits::take(&state.db, &host, HOST_LIMIT, now_ms).await? {
            return Ok(Err(wait));
        }
        let ok = st::officers::password_is(&state.db, id, current).await?;
        if ok {
            rate_limits::refund(&state.db, &host, HOST_LIMIT).await?;
        } else {
            st::audit::record(
                &state.db,
                &ui.actor(),
                "officer.password_change_failed",
                &format!("officer:{id}"),
                None::<&()>,
                None::<&()>,
            )
            .await?;
        }
        Ok::<_, StoreError>(Ok(ok))
    }
    .await;
    match checked {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => {
            return account_page(
                &ui,
                StatusCode::UNAUTHORIZED,
                Some(ui.t("o-password-wrong")),
                None,
            );
        }
        Ok(Err(_)) => {
            return account_page(
                &ui,
                StatusCode::TOO_MANY_REQUESTS,
                Some(ui.t("o-login-limited")),
                None,
            );
        }
        Err(e) => return ui.failed(e),
    }
    let hashed = match st::officers::hash(new).await {
        Ok(h) => h,
        Err(e) => return ui.failed(e),
    };
    let keep = cookie(&headers, COOKIE_NAME).map(str::to_owned);
    let actor = ui.actor();
    let (actor, keep, hashed) = (actor.as_str(), keep.as_deref(), &hashed);
    match state
        .write(|tx| async move { st::officers::set_password(&*tx, id, hashed, keep, actor).await })
        .await
    {
        Ok(()) => Redirect::to("/officer/account?saved=1").into_response(),
        Err(e) => ui.failed(e),
    }
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

    #[test]
    fn accounts_are_slowed_more_and_more_but_never_locked() {
        assert_eq!(account_delay(0), Duration::ZERO);
        assert_eq!(account_delay(5), Duration::ZERO);
        assert_eq!(account_delay(6), Duration::from_millis(500));
        assert_eq!(account_delay(7), Duration::from_secs(1));
        assert_eq!(account_delay(9), Duration::from_secs(4));
        assert_eq!(account_delay(60), Duration::from_secs(10));
        assert_eq!(account_delay(i64::MAX), Duration::from_secs(10));
    }
}

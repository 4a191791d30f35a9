//! `POST /v/{code}/claim`: the verification page's "I bought this: enter the code inside"
//! form. A public form: its CSRF token is keyed by the day's salt, the purpose and the code, as
//! the report form's is; the claim itself is `service::claims::claim`.

use axum::extract::{RawForm, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;

use super::consumer::{Extras, Subject, render_verdict, unavailable};
use super::{PageError, page_lang};
use crate::http::client::{Consumer, Peer};
use crate::http::csrf;
use crate::http::extract::LabelCode;
use crate::http::public::claims::{bucket, device, new_device};
use crate::i18n::{Arg, I18n, date};
use crate::service::claims::{self, ClaimError, Claimant};
use crate::state::AppState;
use crate::verify::risk::NetId;

/// The claim form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct ClaimForm {
    pub csrf: Option<String>,
    pub lang: Option<String>,
    pub claim: Option<String>,
}

pub(super) async fn claim(
    State(state): State<AppState>,
    Consumer(source): Consumer,
    Peer(ip): Peer,
    LabelCode { code, label }: LabelCode,
    headers: HeaderMap,
    RawForm(form): RawForm,
) -> Result<Response, Response> {
    let body: ClaimForm = serde_urlencoded::from_bytes(&form).unwrap_or_default();
    let lang = page_lang(body.lang.as_deref(), &headers);
    let i18n = I18n::global();
    let Ok(label) = label else {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            lang,
            "verdict-malformed-title",
            i18n.t(lang, "verdict-malformed-body"),
        )
        .into_response());
    };
    let token_ok = body.csrf.as_deref().is_some_and(|t| {
        csrf::check(
            |day| state.verifier.scans.salt(day),
            "claim",
            &code,
            t,
            Utc::now().date_naive(),
        )
    });
    if !token_ok {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            lang,
            "error-bad-request-title",
            i18n.t(lang, "report-expired"),
        )
        .into_response());
    }
    let checked = state
        .verifier
        .check(&state.db, &label)
        .await
        .map_err(|e| unavailable(lang, e))?;
    // The device keeps one random cookie: a claimant re-checking from the same phone is not a
    // second buyer.
    let (cookie, set_cookie) = match device(&headers) {
        Some(c) => (c, None),
        None => {
            let (c, h) = new_device();
            (c, Some(h))
        }
    };
    let device_hash = claims::device_hash(&cookie);
    let bucket = bucket(&source);
    let who = Claimant {
        bucket: &bucket,
        net: NetId::of(&state.shortcodes, ip),
        device: Some(&device_hash),
    };
    let typed = body.claim.unwrap_or_default();
    let outcome = claims::claim(&state, &checked, &typed, &who).await;
    let refusal = match outcome {
        Ok(_) => None,
        Err(e) => Some(match e {
            ClaimError::NotGenuine => (
                StatusCode::UNPROCESSABLE_ENTITY,
                i18n.t(lang, "claim-not-genuine"),
            ),
            ClaimError::NoClaims => (StatusCode::CONFLICT, i18n.t(lang, "claim-none")),
            ClaimError::Mistyped(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                i18n.t(lang, "claim-mistyped"),
            ),
            ClaimError::Wrong { left } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                i18n.t_args(
                    lang,
                    "claim-wrong",
                    &[("left", Arg::Num(i64::try_from(left).unwrap_or(0)))],
                ),
            ),
            ClaimError::Taken(at) => (
                StatusCode::CONFLICT,
                i18n.t_args(
                    lang,
                    "claim-taken",
                    &[("date", Arg::Str(&date(at.date_naive())))],
                ),
            ),
            ClaimError::Locked { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, i18n.t(lang, "claim-locked"))
            }
            ClaimError::Limited(_) => {
                (StatusCode::TOO_MANY_REQUESTS, i18n.t(lang, "claim-limited"))
            }
            ClaimError::Service(e) => {
                return Err(unavailable(
                    lang,
                    match e {
                        crate::service::ServiceError::Store(s) => s,
                        other => crate::store::StoreError::Corrupt(other.to_string()),
                    },
                ));
            }
        }),
    };
    let mut res = match refusal {
        None => {
            Redirect::to(&format!("/v/{code}?lang={}&claimed=1#claim", lang.code())).into_response()
        }
        Some((status, text)) => {
            let verdict = state
                .verifier
                .without_scan(&state.db, checked)
                .await
                .map_err(|e| unavailable(lang, e))?;
            render_verdict(
                &state,
                lang,
                Subject::Label(&code, Some(&label)),
                &verdict,
                Extras {
                    claim_error: Some(text),
                    device: Some(device_hash),
                    ..Extras::default()
                },
                status,
            )
        }
    };
    if let Some(h) = set_cookie.and_then(|h| HeaderValue::from_str(&h).ok()) {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    Ok(res)
}

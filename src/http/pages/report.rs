//! `POST /v/{code}/report`: a consumer reports where a label (or a short code) was bought. A
//! report is not a scan: the verdict it is filed under shows the figures as they stand.

use axum::extract::{RawForm, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;

use super::{PageError, page_lang};
use crate::domain::code::Label;
use crate::domain::humancode::HumanCode;
use crate::domain::values;
use crate::http::client::Consumer;
use crate::http::csrf;
use crate::http::extract::LabelCode;
use crate::i18n::I18n;
use crate::state::AppState;
use crate::store::reports::{self, NewReport};
use crate::verify::Source;

use super::consumer::{Extras, Subject, render_verdict, unavailable};

/// The report form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct ReportBody {
    pub csrf: Option<String>,
    pub lang: Option<String>,
    pub website: Option<String>,
    pub place: Option<String>,
    pub comment: Option<String>,
}

/// What a report is about.
enum Reported {
    Label(Label),
    /// A short code and its canonical text.
    Short(HumanCode, String),
}

/// Reports allowed per client network per hour, across all nodes.
const REPORTS_PER_HOUR: u64 = 5;

pub(super) async fn report(
    State(state): State<AppState>,
    Consumer(source): Consumer,
    LabelCode { code, label }: LabelCode,
    headers: HeaderMap,
    RawForm(form): RawForm,
) -> Result<Response, Response> {
    let body: ReportBody = serde_urlencoded::from_bytes(&form).unwrap_or_default();
    let lang = page_lang(body.lang.as_deref(), &headers);
    let i18n = I18n::global();
    // A label code, or a short code whose keyed check passes; anything else cannot be reported.
    let subject = match label {
        Ok(label) => Reported::Label(label),
        Err(_) => match (
            HumanCode::parse(&code, &state.shortcodes),
            HumanCode::normalise(&code),
        ) {
            (Ok(h), Some(short)) => Reported::Short(h, short),
            _ => {
                return Err(PageError::new(
                    StatusCode::BAD_REQUEST,
                    lang,
                    "verdict-malformed-title",
                    i18n.t(lang, "verdict-malformed-body"),
                )
                .into_response());
            }
        },
    };
    let code = match &subject {
        Reported::Label(_) => code,
        Reported::Short(_, short) => short.clone(),
    };
    let token_ok = body.csrf.as_deref().is_some_and(|t| {
        csrf::check(
            |day| state.verifier.scans.salt(day),
            "report",
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
    let back = match &subject {
        Reported::Label(_) => format!("/v/{code}?lang={}&reported=1#report", lang.code()),
        Reported::Short(..) => format!("/v?code={code}&lang={}&reported=1#report", lang.code()),
    };
    // A bot filled the hidden field: answer as if it worked, store nothing.
    if body.website.as_deref().is_some_and(|w| !w.is_empty()) {
        return Ok(Redirect::to(&back).into_response());
    }
    let place = body.place.unwrap_or_default();
    let comment = body.comment.unwrap_or_default();
    let place_ok = values::text("place", &place, 200).ok();
    let comment_ok = comment.chars().count() <= 1000
        && !comment
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r');
    let Source::Consumer(client) = &source else {
        return Err(StatusCode::BAD_REQUEST.into_response());
    };
    let client = client.clone().unwrap_or_else(|| "unknown".into());
    // The verdict the report is filed under, and the page shown if the form is refused. A
    // report is not a scan: nothing is counted, and the figures are shown as they stand.
    let (checked, page_subject) = match &subject {
        Reported::Label(label) => (
            state
                .verifier
                .check(&state.db, label)
                .await
                .map_err(|e| unavailable(lang, e))?,
            Subject::Label(&code, Some(label)),
        ),
        Reported::Short(h, short) => (
            state
                .verifier
                .check_short(&state.db, *h)
                .await
                .map_err(|e| unavailable(lang, e))?
                .ok_or_else(|| {
                    PageError::new(
                        StatusCode::NOT_FOUND,
                        lang,
                        "humancode-title",
                        i18n.t(lang, "humancode-unknown"),
                    )
                    .into_response()
                })?,
            Subject::Short(short),
        ),
    };
    let (certificate, item) = (checked.certificate, checked.item);
    let verdict = state
        .verifier
        .without_scan(&state.db, checked)
        .await
        .map_err(|e| unavailable(lang, e))?;
    let (Some(place), true) = (place_ok, comment_ok) else {
        return Ok(render_verdict(
            &state,
            lang,
            page_subject,
            &verdict,
            Extras {
                report_error: Some(i18n.t(lang, "report-invalid")),
                place: values::clip(&place),
                comment: comment.chars().take(1000).collect(),
                ..Extras::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let since = Utc::now() - Duration::hours(1);
    let sent = reports::count_from(&state.db, &client, since)
        .await
        .map_err(|e| unavailable(lang, e))?;
    if sent >= REPORTS_PER_HOUR {
        let mut res = PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            lang,
            "report-title",
            i18n.t(lang, "report-rate-limited"),
        )
        .into_response();
        res.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static("3600"),
        );
        return Err(res);
    }
    reports::insert(
        &state.db,
        &NewReport {
            code: &code,
            certificate: Some(certificate),
            item: Some(item),
            verdict: verdict.status.as_str(),
            reason: verdict.reason,
            place: &place,
            comment: comment.trim(),
            client: &client,
        },
    )
    .await
    .map_err(|e| unavailable(lang, e))?;
    Ok(Redirect::to(&back).into_response())
}

//! Certificates: the recent ones, issuance, one certificate with its label downloads, and
//! revocation.

use serde::Deserialize;

use super::*;
use crate::service::{Outcome, issuance};
use crate::views::certificates::IssueBody;

// ----- certificates --------------------------------------------------------------------------

pub(super) async fn certificates(State(state): State<AppState>, ui: Ui) -> Response {
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
                    status => r.view.status.as_str(), status_name => ui.word("cert", r.view.status.as_str()),
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

pub(super) async fn new_certificate(ui: Ui, RawQuery(raw): RawQuery) -> Response {
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

/// The issuance form's fields, kept to show again after a refusal.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct IssueForm {
    brand: String,
    producer: String,
    product: String,
    lot: String,
    quantity: String,
    produced_on: String,
    expires_on: String,
    /// The "claim codes" checkbox: `on` when ticked.
    claims: String,
}

pub(super) async fn issue(
    State(state): State<AppState>,
    Posted { ui, form }: Posted<IssueForm>,
) -> Response {
    // A number field that is not a number reads as -1, which the domain refuses by name.
    let number = |v: &str| v.trim().parse::<i64>().unwrap_or(-1);
    let body = IssueBody {
        brand: number(&form.brand),
        producer: number(&form.producer),
        product: form.product.trim().to_owned(),
        lot: form.lot.trim().to_owned(),
        quantity: number(&form.quantity),
        produced_on: form.produced_on.trim().to_owned(),
        expires_on: form.expires_on.trim().to_owned(),
        claims: !form.claims.is_empty(),
    };
    let echo = Value::from_serialize(&form);
    match issuance::issue(&state, &ui.by(), &body)
        .await
        .and_then(Outcome::done)
    {
        Ok(cert) => {
            Redirect::to(&format!("/officer/certificates/{}?saved=1", cert.number)).into_response()
        }
        Err(ServiceError::Invalid(errs)) => {
            let errors = ui.field_errors(&errs).into_iter().collect();
            issue_form(&ui, echo, errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => {
            let (status, text) = ui.explain(&e);
            issue_form(&ui, echo, HashMap::new(), Some(text), status)
        }
    }
}

pub(super) async fn certificate(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(number): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let Ok(n) = CertificateNumber::parse("number", &number) else {
        return ui.not_found();
    };
    match state.verifier.lookup(&state.db, n).await {
        Ok(Some(rec)) => ui.page(
            StatusCode::OK,
            "officer/certificate.html",
            context! {
                c => Value::from_serialize(&rec.view),
                issued_by => rec.issued_by.clone(),
                revoked => rec.view.status.as_str() == "revoked",
                status_name => ui.word("cert", rec.view.status.as_str()),
                pdf_to => rec.view.quantity.min(crate::printing::MAX_LABELS),
                flash => flash(&q, &ui),
            },
        ),
        Ok(None) => ui.not_found(),
        Err(e) => ui.failed(e),
    }
}

/// The revocation form.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct RevokeForm {
    reason: String,
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted<RevokeForm>,
) -> Response {
    let (state, ui) = (&state, &ui);
    let page = async move {
        let n = CertificateNumber::parse("number", &number).map_err(|_| PageError::NotFound)?;
        issuance::revoke(state, &ui.by(), n, form.reason.trim())
            .await?
            .done()?;
        let done = Redirect::to(&format!("/officer/certificates/{n}?saved=1"));
        Ok::<_, PageError>(done.into_response())
    };
    ui.finish(page.await)
}

//! Certificates: the searchable list, one certificate with its label downloads, and
//! revocation in two steps (the second names what will happen). The issuance form is in
//! `issue`.

use serde::Deserialize;

use super::*;
use crate::service::issuance;
use crate::store::certificates::CertRecord;
use crate::views::certificates::CertQuery;

// ----- the list ------------------------------------------------------------------------------

pub(super) async fn certificates(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let text = |name: &str| field(&q, name).chars().take(100).collect::<String>();
    let (search, status, from, to) = (text("q"), text("status"), text("from"), text("to"));
    let cq = CertQuery {
        q: Some(search.clone()),
        status: Some(status.clone()),
        issued_from: Some(from.clone()),
        issued_to: Some(to.clone()),
        ..CertQuery::default()
    };
    let (filter, errors) = filter_or_errors(&ui, cq.filter());
    let base = list_url(
        "/officer/certificates",
        &[
            ("q", &search),
            ("status", &status),
            ("from", &from),
            ("to", &to),
        ],
    );
    let result = async {
        let (_, total) = st::certificates::search(&state.db, &filter, 0, 0).await?;
        let (offset, prev, next) = paging(&q, &base, total);
        let (numbers, _) = st::certificates::search(&state.db, &filter, PAGE, offset).await?;
        let mut recs = st::certificates::records(&state.db, &numbers).await?;
        let recs: Vec<CertRecord> = numbers.iter().filter_map(|n| recs.remove(&n.0)).collect();
        Ok::<_, StoreError>((recs, total, prev, next))
    }
    .await;
    let (recs, total, prev, next) = match result {
        Ok(r) => r,
        Err(e) => return ui.failed(e),
    };
    let rows: Vec<Value> = recs
        .iter()
        .map(|r| context! {
            number => r.view.number.clone(), brand => r.view.brand.names.get(ui.lang.code()),
            producer => r.view.producer.name.clone(),
            product => r.view.product.clone(), lot => r.view.lot.clone(), quantity => r.view.quantity,
            issued => crate::i18n::date(r.view.issued_at.date_naive()),
            status => r.view.status.as_str(), status_name => ui.word("cert", r.view.status.as_str()),
        })
        .collect();
    let statuses: Vec<Value> = crate::domain::values::CertificateStatus::ALL
        .iter()
        .map(|s| context! { value => s.as_str(), name => ui.word("cert", s.as_str()) })
        .collect();
    let status_code = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    ui.page(
        status_code,
        "officer/certificates.html",
        context! {
            certificates => rows, total => total, prev => prev, next => next,
            q => search, status => status, from => from, to => to, statuses => statuses,
            errors => errors,
        },
    )
}

// ----- one certificate -----------------------------------------------------------------------

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
    let flash = if q.contains_key("again") {
        Some(ui.t("o-form-again"))
    } else {
        flash(&q, &ui)
    };
    match state.verifier.lookup(&state.db, n).await {
        Ok(Some(rec)) => ui.page(
            StatusCode::OK,
            "officer/certificate.html",
            context! {
                c => Value::from_serialize(&rec.view),
                issued_by => rec.issued_by.clone(),
                issued => crate::i18n::date(rec.view.issued_at.date_naive()),
                revoked => rec.view.status.as_str() == "revoked",
                status_name => ui.word("cert", rec.view.status.as_str()),
                pdf_to => rec.view.quantity.min(crate::printing::MAX_LABELS),
                flash => flash,
            },
        ),
        Ok(None) => ui.not_found(),
        Err(e) => ui.failed(e),
    }
}

// ----- revocation, in two steps --------------------------------------------------------------

/// The revocation form: the reason, and (on the second step) the confirmation.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct RevokeForm {
    reason: String,
    confirm: String,
}

/// The second step: what revoking will do (the certificate, its lot, how many labels turn
/// `revoked`), with the button that does it. Reached by `GET …/revoke?reason=`.
pub(super) async fn confirm_revoke(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(number): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let Ok(n) = CertificateNumber::parse("number", &number) else {
        return ui.not_found();
    };
    confirm_page(&state, &ui, n, field(&q, "reason"), None).await
}

async fn confirm_page(
    state: &AppState,
    ui: &Ui,
    n: CertificateNumber,
    reason: &str,
    error: Option<String>,
) -> Response {
    let rec = match state.verifier.lookup(&state.db, n).await {
        Ok(Some(rec)) => rec,
        Ok(None) => return ui.not_found(),
        Err(e) => return ui.failed(e),
    };
    if rec.view.status.as_str() == "revoked" {
        let text = ui.t("o-conflict-already_revoked");
        return ui.message(StatusCode::CONFLICT, "o-revoke-title", text);
    }
    let (status, error) = match error {
        Some(e) => (StatusCode::UNPROCESSABLE_ENTITY, Some(e)),
        None if reason.is_empty() => (StatusCode::OK, Some(ui.t("o-invalid-reason"))),
        None => (StatusCode::OK, None),
    };
    let effect = I18n::global().t_args(
        ui.lang,
        "o-revoke-effect",
        &[("count", crate::i18n::Arg::Num(i64::from(rec.view.quantity)))],
    );
    ui.page(
        status,
        "officer/confirm.html",
        context! {
            heading => ui.t("o-revoke-title"),
            action => format!("/officer/certificates/{n}/revoke"),
            cancel => format!("/officer/certificates/{n}"),
            facts => vec![
                (ui.t("o-certificate"), rec.view.number.clone()),
                (ui.t("field-brand"), rec.view.brand.names.get(ui.lang.code()).to_owned()),
                (ui.t("field-producer"), rec.view.producer.name.clone()),
                (ui.t("o-product"), rec.view.product.clone()),
                (ui.t("o-lot"), rec.view.lot.clone()),
                (ui.t("o-reason"), reason.to_owned()),
            ],
            effect => effect,
            hidden => vec![("reason", reason.to_owned())],
            reason_field => reason.is_empty(),
            button => ui.t("o-revoke-confirm"),
            error => error,
        },
    )
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted<RevokeForm>,
) -> Response {
    let Ok(n) = CertificateNumber::parse("number", &number) else {
        return ui.not_found();
    };
    let reason = form.reason.trim();
    // Without the second step's confirmation, nothing is revoked: the officer is shown it.
    if form.confirm != "yes" || reason.is_empty() {
        return confirm_page(&state, &ui, n, reason, None).await;
    }
    match issuance::revoke(&state, &ui.by(), n, reason)
        .await
        .and_then(crate::service::Outcome::done)
    {
        Ok(_) => Redirect::to(&format!("/officer/certificates/{n}?saved=1")).into_response(),
        Err(ServiceError::Invalid(errs)) => {
            let text = ui
                .field_errors(&errs)
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join(" · ");
            confirm_page(&state, &ui, n, reason, Some(text)).await
        }
        Err(e) => ui.finish(Err(e.into())),
    }
}

//! Certificates: the recent ones, issuance, one certificate with its label downloads, and
//! revocation.

use super::*;

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
                    status => r.view.status.as_str(),
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

pub(super) async fn issue(State(state): State<AppState>, Posted { ui, form }: Posted) -> Response {
    let echo = context! {
        brand => field(&form, "brand"), producer => field(&form, "producer"), product => field(&form, "product"),
        lot => field(&form, "lot"), quantity => field(&form, "quantity"),
        produced_on => field(&form, "produced_on"), expires_on => field(&form, "expires_on"),
    };
    let number = |name: &str| field(&form, name).parse::<i64>().unwrap_or(-1);
    let now = Utc::now();
    let req = CertificateRequest::parse(
        &RawCertificateRequest {
            brand: number("brand"),
            producer: number("producer"),
            product: field(&form, "product"),
            lot: field(&form, "lot"),
            quantity: number("quantity"),
            produced_on: field(&form, "produced_on"),
            expires_on: field(&form, "expires_on"),
        },
        now.date_naive(),
    );
    let req = match req {
        Ok(r) => r,
        Err(errs) => {
            let errors = errs
                .into_iter()
                .map(|e| (e.field.into_owned(), e.message))
                .collect();
            return issue_form(&ui, echo, errors, None, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let Some(kid) = state.key_ring().signer().map(|k| k.kid) else {
        return issue_form(
            &ui,
            echo,
            HashMap::new(),
            Some(ui.t("error-unavailable-body")),
            StatusCode::SERVICE_UNAVAILABLE,
        );
    };
    let actor = ui.actor();
    let (actor, r) = (actor.as_str(), &req);
    match state
        .write(|tx| async move { st::certificates::issue_audited(&*tx, r, kid, actor, now).await })
        .await
    {
        Ok(rec) => Redirect::to(&format!(
            "/officer/certificates/{}?saved=1",
            rec.view.number
        ))
        .into_response(),
        Err(e) => {
            let api = crate::http::error::ApiError::from(e);
            issue_form(&ui, echo, HashMap::new(), Some(api.detail), api.status)
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
                pdf_to => rec.view.quantity.min(crate::printing::MAX_LABELS),
                flash => flash(&q, &ui),
            },
        ),
        Ok(None) => ui.not_found(),
        Err(e) => ui.failed(e),
    }
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Ok(n) = CertificateNumber::parse("number", &number) else {
        return ui.not_found();
    };
    let Ok(reason) = values::text("reason", field(&form, "reason"), 500) else {
        return ui.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request-title",
            format!("{}: 1-500", ui.t("o-reason")),
        );
    };
    let actor = ui.actor();
    let (actor, reason) = (actor.as_str(), reason.as_str());
    match state
        .write(|tx| async move { st::certificates::revoke_audited(&*tx, n, reason, actor).await })
        .await
    {
        Ok(_) => {
            state.statuses_changed();
            Redirect::to(&format!("/officer/certificates/{n}?saved=1")).into_response()
        }
        Err(e) => ui.failed(e),
    }
}

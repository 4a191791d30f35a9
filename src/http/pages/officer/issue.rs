//! The issuance form: brand and producer chosen by name (`pickers`), and a one-time token, so
//! that a double click or a re-sent form gives one certificate. The token is the form's
//! idempotency key (`service::run` stores the first answer under it in the issuance's
//! transaction): the same form sent again shows the certificate it issued; a changed form
//! under a used token is refused with a message, never issued twice. A lot that already has a
//! certificate is refused with a link to it.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::pickers::{self, PickErr, brand_choices, producer_choices};
use super::*;
use crate::service::{Idempotency, Outcome, issuance};
use crate::views::certificates::IssueBody;

const ROUTE: &str = "POST /officer/certificates";

/// A fresh one-time token for a form.
fn new_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// What the form page shows besides its fields.
#[derive(Default)]
struct Shown {
    errors: HashMap<String, String>,
    error: Option<String>,
    /// The certificate the lot already has, linked from the refusal.
    existing: Option<String>,
}

async fn issue_form(
    state: &AppState,
    ui: &Ui,
    f: &IssueForm,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let choices = async {
        Ok::<_, StoreError>((
            brand_choices(state, ui).await?,
            producer_choices(state, None).await?,
        ))
    };
    let (brands, producers) = match choices.await {
        Ok(c) => c,
        Err(e) => return ui.failed(e),
    };
    ui.page(
        status,
        "officer/issue.html",
        context! {
            f => Value::from_serialize(f), errors => shown.errors, refusal => shown.error,
            existing => shown.existing, brands => brands, producers => producers,
        },
    )
}

pub(super) async fn new_certificate(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let today = Utc::now().date_naive();
    // A link may name the brand and producer by number (e.g. from a right of use's row).
    let brand = pickers::brand_text(&state, &ui, field(&q, "brand")).await;
    let producer = pickers::producer_text(&state, field(&q, "producer")).await;
    let form = IssueForm {
        brand: brand.unwrap_or_default(),
        producer: producer.unwrap_or_default(),
        produced_on: today.to_string(),
        expires_on: (today + Days::new(730)).to_string(),
        once: new_token(),
        ..IssueForm::default()
    };
    issue_form(&state, &ui, &form, Shown::default(), StatusCode::OK).await
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
    /// The one-time token of this form.
    once: String,
}

impl IssueForm {
    /// What identifies this form's request under its token: every field but the token.
    fn digest(&self) -> String {
        let mut h = Sha256::new();
        for v in [
            ROUTE,
            &self.brand,
            &self.producer,
            &self.product,
            &self.lot,
            &self.quantity,
            &self.produced_on,
            &self.expires_on,
            &self.claims,
        ] {
            h.update(v.trim().as_bytes());
            h.update([0]);
        }
        hex::encode(h.finalize())
    }
}

/// The form's token, if it is one we issue (32 hex digits).
fn token(form: &IssueForm) -> Option<&str> {
    let t = form.once.trim();
    (t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())).then_some(t)
}

pub(super) async fn issue(
    State(state): State<AppState>,
    Posted { ui, mut form }: Posted<IssueForm>,
) -> Response {
    if token(&form).is_none() {
        form.once = new_token();
    }
    let mut errors = HashMap::new();
    let brand = match pickers::resolve_brand(&state, &ui, &form.brand).await {
        Ok(n) => i64::from(n),
        Err(PickErr::Pick(p)) => {
            errors.insert("brand".to_owned(), p.message(&ui, "brand"));
            0
        }
        Err(PickErr::Store(e)) => return ui.failed(e),
    };
    let producer = match pickers::resolve_producer(&state, &form.producer).await {
        Ok(id) => id,
        Err(PickErr::Pick(p)) => {
            errors.insert("producer".to_owned(), p.message(&ui, "producer"));
            0
        }
        Err(PickErr::Store(e)) => return ui.failed(e),
    };
    // A quantity that is not a number is refused by name, in the officer's language.
    let quantity = form.quantity.trim().parse::<i64>().unwrap_or(-1);
    let body = IssueBody {
        brand,
        producer,
        product: form.product.trim().to_owned(),
        lot: form.lot.trim().to_owned(),
        quantity,
        produced_on: form.produced_on.trim().to_owned(),
        expires_on: form.expires_on.trim().to_owned(),
        claims: !form.claims.is_empty(),
    };
    let mut by = ui.by();
    by.idempotency = token(&form).map(|t| Idempotency {
        key: format!("form:{t}"),
        route: ROUTE.to_owned(),
        request_hash: form.digest(),
        status: 303,
    });
    let result = issuance::issue(&state, &by, &body).await;
    let invalid = |mut errors: HashMap<String, String>, errs: &[values::FieldError]| {
        for (f, m) in ui.field_errors(errs) {
            errors.entry(f).or_insert(m);
        }
        errors
    };
    let shown = match result {
        Ok(Outcome::Done(cert)) if errors.is_empty() => {
            return Redirect::to(&format!("/officer/certificates/{}?saved=1", cert.number))
                .into_response();
        }
        // The same form sent again: the certificate its first sending issued.
        Ok(Outcome::Replayed(stored)) if errors.is_empty() => {
            let number = serde_json::from_str::<serde_json::Value>(&stored.response)
                .ok()
                .and_then(|v| v.get("number").and_then(|n| n.as_str()).map(str::to_owned));
            return match number {
                Some(n) => Redirect::to(&format!("/officer/certificates/{n}?again=1")),
                None => Redirect::to("/officer/certificates"),
            }
            .into_response();
        }
        // A picker named nothing: the service cannot have issued anything for brand or
        // producer 0, so its own refusals only add to the fields'.
        Ok(_) => Shown {
            errors,
            ..Shown::default()
        },
        Err(ServiceError::Invalid(errs)) => Shown {
            errors: invalid(errors, &errs),
            ..Shown::default()
        },
        Err(_) if !errors.is_empty() => Shown {
            errors,
            ..Shown::default()
        },
        Err(ServiceError::LotAlreadyCertified { existing, .. }) => Shown {
            error: Some(ui.t("o-conflict-lot_already_certified")),
            existing: Some(existing.to_string()),
            ..Shown::default()
        },
        // The token was used by a different form (sent, then changed and sent again).
        Err(ServiceError::Unprocessable(_)) => {
            form.once = new_token();
            Shown {
                error: Some(ui.t("o-form-used")),
                ..Shown::default()
            }
        }
        Err(e) => {
            let (status, text) = ui.explain(&e);
            return issue_form(
                &state,
                &ui,
                &form,
                Shown {
                    error: Some(text),
                    ..Shown::default()
                },
                status,
            )
            .await;
        }
    };
    let status = if shown.existing.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    issue_form(&state, &ui, &form, shown, status).await
}

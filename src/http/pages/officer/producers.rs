//! Producers: search, registration and edits, with the API's checks and errors by field.

use serde::Deserialize;

use super::brands::region_options;
use super::*;
use crate::service::{Outcome, registry as svc};
use crate::views::registry::ProducerBody;

// ----- producers -----------------------------------------------------------------------------

pub(super) async fn producers(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let text: String = field(&q, "q").chars().take(100).collect();
    let total = match st::producers::search(&state.db, Some(&text), None, 1, 0).await {
        Ok(p) => p.total,
        Err(e) => return ui.failed(e),
    };
    let base = format!(
        "/officer/producers?q={}",
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
    );
    let (offset, prev, next) = paging(&q, &base, total);
    match st::producers::search(&state.db, Some(&text), None, PAGE, offset).await {
        Ok(page) => {
            let rows: Vec<Value> = page
                .items
                .iter()
                .map(|p| context! {
                    id => p.id, name => p.name.clone(), kind => p.kind.as_str(),
                    kind_name => ui.word("producer", p.kind.as_str()), ice => p.ice.clone(),
                    region => I18n::global().t(ui.lang, &format!("region-{}", p.region.as_str())),
                    women_led => p.women_led, youth_led => p.youth_led,
                })
                .collect();
            ui.page(StatusCode::OK, "officer/producers.html", context! {
                producers => rows, total => page.total, prev => prev, next => next, q => text, flash => flash(&q, &ui),
            })
        }
        Err(e) => ui.failed(e),
    }
}

fn producer_form(
    ui: &Ui,
    p: Value,
    memberships: Value,
    errors: HashMap<String, String>,
    status: StatusCode,
    flash: Option<String>,
) -> Response {
    let kinds: Vec<Value> = ProducerKind::ALL
        .iter()
        .map(|k| context! { slug => k.as_str(), name => ui.word("producer", k.as_str()) })
        .collect();
    ui.page(
        status,
        "officer/producer.html",
        context! {
            p => p, memberships => memberships, errors => errors, kinds => kinds,
            regions => region_options(ui.lang), flash => flash,
        },
    )
}

pub(super) async fn new_producer(ui: Ui) -> Response {
    producer_form(
        &ui,
        context! { kind => "cooperative", women_led => false, youth_led => false },
        Value::from(()),
        HashMap::new(),
        StatusCode::OK,
        None,
    )
}

/// The producer form's fields, kept to show again after a refusal.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct ProducerForm {
    name: String,
    kind: String,
    ice: String,
    register_number: String,
    region: String,
    province: String,
    women_led: String,
    youth_led: String,
}

impl ProducerForm {
    /// The form as the API's body: every field sent, checked by the same rules.
    fn body(&self) -> ProducerBody {
        let text = |v: &str| Some(v.trim().to_owned());
        ProducerBody {
            name: text(&self.name),
            kind: text(&self.kind),
            ice: text(&self.ice),
            register_number: text(&self.register_number),
            region: text(&self.region),
            province: text(&self.province),
            women_led: Some(self.women_led == "true"),
            youth_led: Some(self.youth_led == "true"),
        }
    }

    fn value(&self, id: Option<i64>) -> Value {
        context! {
            id => id, name => self.name.trim(), kind => self.kind.trim(), ice => self.ice.trim(),
            register_number => self.register_number.trim(), region => self.region.trim(),
            province => self.province.trim(), women_led => self.women_led == "true",
            youth_led => self.youth_led == "true",
        }
    }
}

pub(super) async fn create_producer(
    State(state): State<AppState>,
    Posted { ui, form }: Posted<ProducerForm>,
) -> Response {
    save_producer(&state, &ui, &form, None).await
}

pub(super) async fn producer(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(id): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    let (p, m) = match (
        st::producers::get(&state.db, id).await,
        st::memberships::histories_of_producer(&state.db, id).await,
    ) {
        (Ok(p), Ok(m)) => (p, m),
        (Err(e), _) | (_, Err(e)) => return ui.failed(e),
    };
    producer_form(
        &ui,
        Value::from_serialize(&p),
        Value::from(super::rights::rows(&ui, &m)),
        HashMap::new(),
        StatusCode::OK,
        flash(&q, &ui),
    )
}

pub(super) async fn update_producer(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted { ui, form }: Posted<ProducerForm>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    save_producer(&state, &ui, &form, Some(id)).await
}

/// Registers a producer (`id` none) or replaces one's fields. Invalid fields, and an ICE that
/// another producer holds, come back as the form with the error next to its field.
async fn save_producer(
    state: &AppState,
    ui: &Ui,
    form: &ProducerForm,
    id: Option<i64>,
) -> Response {
    let again = |errors: HashMap<String, String>, status| {
        producer_form(ui, form.value(id), Value::from(()), errors, status, None)
    };
    let body = form.body();
    let by = ui.by();
    let saved = match id {
        Some(id) => svc::update_producer(state, &by, id, &body).await,
        None => svc::create_producer(state, &by, &body).await,
    };
    match saved.and_then(Outcome::done) {
        Ok(p) => Redirect::to(&format!("/officer/producers/{}?saved=1", p.id)).into_response(),
        Err(ServiceError::Invalid(errors)) => again(
            ui.field_errors(&errors).into_iter().collect(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(
            e @ ServiceError::Conflict {
                reason: "ice_taken",
                ..
            },
        ) => {
            let (status, text) = ui.explain(&e);
            again(HashMap::from([("ice".to_owned(), text)]), status)
        }
        Err(e) => ui.finish(Err(e.into())),
    }
}

//! Producers: search, registration and edits, with the API's checks and errors by field.

use super::brands::region_options;
use super::*;

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
                    id => p.id, name => p.name.clone(), kind => p.kind.as_str(), ice => p.ice.clone(),
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
    let kinds: Vec<&str> = ProducerKind::ALL.iter().map(|k| k.as_str()).collect();
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

/// Reads the producer form with the API's checks; errors are keyed by field for display next
/// to it.
fn read_producer(form: &Form) -> Result<ProducerFields, HashMap<String, String>> {
    let text = |name| Some(field(form, name).to_owned());
    ProducerBody {
        name: text("name"),
        kind: text("kind"),
        ice: text("ice"),
        register_number: text("register_number"),
        region: text("region"),
        province: text("province"),
        women_led: Some(field(form, "women_led") == "true"),
        youth_led: Some(field(form, "youth_led") == "true"),
    }
    .fields(None)
    .map_err(|errors| {
        errors
            .into_iter()
            .map(|e| (e.field.into_owned(), e.message))
            .collect()
    })
}

fn form_value(form: &Form, id: Option<i64>) -> Value {
    context! {
        id => id, name => field(form, "name"), kind => field(form, "kind"), ice => field(form, "ice"),
        register_number => field(form, "register_number"), region => field(form, "region"),
        province => field(form, "province"), women_led => field(form, "women_led") == "true",
        youth_led => field(form, "youth_led") == "true",
    }
}

pub(super) async fn create_producer(
    State(state): State<AppState>,
    Posted { ui, form }: Posted,
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
        st::memberships::of_producer(&state.db, id).await,
    ) {
        (Ok(p), Ok(m)) => (p, m),
        (Err(e), _) | (_, Err(e)) => return ui.failed(e),
    };
    producer_form(
        &ui,
        Value::from_serialize(&p),
        Value::from_serialize(&m),
        HashMap::new(),
        StatusCode::OK,
        flash(&q, &ui),
    )
}

pub(super) async fn update_producer(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return ui.not_found();
    };
    save_producer(&state, &ui, &form, Some(id)).await
}

/// Registers a producer (`id` none) or replaces one's fields. Invalid fields, and an ICE that
/// another producer holds, come back as the form with the error next to its field.
async fn save_producer(state: &AppState, ui: &Ui, form: &Form, id: Option<i64>) -> Response {
    let again = |errors, status| {
        producer_form(
            ui,
            form_value(form, id),
            Value::from(()),
            errors,
            status,
            None,
        )
    };
    let fields = match read_producer(form) {
        Ok(f) => f,
        Err(errors) => return again(errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let actor = ui.actor();
    let (actor, f) = (actor.as_str(), &fields);
    let saved = state
        .write(|tx| async move {
            match id {
                Some(id) => st::producers::update(&*tx, id, f, actor).await,
                None => st::producers::create(&*tx, f, actor).await,
            }
        })
        .await;
    match saved {
        Ok(p) => {
            if id.is_some() {
                state.statuses_changed();
            }
            Redirect::to(&format!("/officer/producers/{}?saved=1", p.id)).into_response()
        }
        Err(StoreError::Conflict {
            reason: "ice_taken",
            detail,
        }) => again(
            HashMap::from([("ice".to_owned(), detail)]),
            StatusCode::CONFLICT,
        ),
        Err(e) => ui.failed(e),
    }
}

//! Brands and rights of use: the list, a brand's page, its status, and granting or changing a
//! producer's right to use it.

use super::*;

// ----- brands and rights of use --------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct RegionOption {
    slug: &'static str,
    name: String,
}

pub(super) fn region_options(lang: Lang) -> Vec<RegionOption> {
    Region::ALL
        .iter()
        .map(|r| RegionOption {
            slug: r.as_str(),
            name: I18n::global().t(lang, &format!("region-{}", r.as_str())),
        })
        .collect()
}

pub(super) async fn brands(
    State(state): State<AppState>,
    ui: Ui,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    let text = field(&q, "q").chars().take(100).collect::<String>();
    let region = Region::parse("region", field(&q, "region")).ok();
    let filter = BrandFilter {
        region,
        q: Some(text.clone()),
        ..BrandFilter::default()
    };
    let total = match registry::list_brands(&state.db, &filter, 1, 0).await {
        Ok(p) => p.total,
        Err(e) => return ui.failed(e),
    };
    let base = format!(
        "/officer/brands?q={}&region={}",
        percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC),
        region.map_or("", |r| r.as_str())
    );
    let (offset, prev, next) = paging(&q, &base, total);
    let page = match registry::list_brands(&state.db, &filter, PAGE, offset).await {
        Ok(p) => p,
        Err(e) => return ui.failed(e),
    };
    let rows: Vec<Value> = page
        .items
        .iter()
        .map(|b| {
            context! {
                number => b.number, name => b.names.get(ui.lang.code()), kind => b.kind.as_str(),
                region => I18n::global().t(ui.lang, &format!("region-{}", b.region.as_str())),
                status => b.status.as_str(), members => b.members,
            }
        })
        .collect();
    ui.page(
        StatusCode::OK,
        "officer/brands.html",
        context! {
            brands => rows, total => page.total, prev => prev, next => next, q => text,
            region => region.map(|r| r.as_str()), regions => region_options(ui.lang),
        },
    )
}

fn brand_number(raw: &str) -> Option<BrandNumber> {
    BrandNumber::parse("number", raw).ok()
}

pub(super) async fn brand(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(number): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = query(raw.as_deref());
    brand_page(&state, &ui, &number, flash(&q, &ui), None, Form::new()).await
}

async fn brand_page(
    state: &AppState,
    ui: &Ui,
    number: &str,
    flash: Option<String>,
    error: Option<String>,
    grant: Form,
) -> Response {
    let Some(number) = brand_number(number) else {
        return ui.not_found();
    };
    let brand = match registry::get_brand(&state.db, number).await {
        Ok(b) => b,
        Err(e) => return ui.failed(e),
    };
    let members = match registry::list_members(&state.db, number, 500, 0).await {
        Ok(m) => m.items,
        Err(e) => return ui.failed(e),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    ui.page(status, "officer/brand.html", context! {
        brand => context! {
            number => brand.number, name => brand.names.get(ui.lang.code()), names => brand.names,
            kind => brand.kind.as_str(), category => brand.category.as_str(),
            region => I18n::global().t(ui.lang, &format!("region-{}", brand.region.as_str())),
            status => brand.status.as_str(), status_reason => brand.status_reason,
        },
        members => members,
        grant => grant,
        flash => flash,
        error => error,
    })
}

pub(super) async fn brand_status(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Some(n) = brand_number(&number) else {
        return ui.not_found();
    };
    let status = Standing::parse("status", field(&form, "status"));
    let reason = values::text("reason", field(&form, "reason"), 500);
    let (Ok(status), Ok(reason)) = (status, reason) else {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some(ui.t("report-invalid").replace("200", "500")),
            Form::new(),
        )
        .await;
    };
    let patch = BrandPatch {
        status: Some((status, reason)),
        ..BrandPatch::default()
    };
    let actor = ui.actor();
    let (actor, patch) = (actor.as_str(), &patch);
    let result = state
        .write(|tx| async move { st::brands::update(&*tx, n, patch, actor).await })
        .await;
    after_brand_change(&state, &ui, &number, n, result, Form::new()).await
}

/// After a change on a brand's page: back to the page with "saved", or the page with the error.
async fn after_brand_change<T>(
    state: &AppState,
    ui: &Ui,
    number: &str,
    n: BrandNumber,
    result: Result<T, StoreError>,
    form: Form,
) -> Response {
    match result {
        Ok(_) => {
            state.statuses_changed();
            Redirect::to(&format!("/officer/brands/{n}?saved=1")).into_response()
        }
        Err(e) => {
            let detail = crate::http::error::ApiError::from(e).detail;
            brand_page(state, ui, number, None, Some(detail), form).await
        }
    }
}

pub(super) async fn grant(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted,
) -> Response {
    let Some(n) = brand_number(&number) else {
        return ui.not_found();
    };
    let producer: Option<i64> = field(&form, "producer").parse().ok().filter(|p| *p > 0);
    let from = values::iso_date("valid_from", field(&form, "valid_from"));
    let until = values::iso_date("valid_until", field(&form, "valid_until"));
    let (Some(producer), Ok(from), Ok(until)) = (producer, from, until) else {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some(format!(
                "{}: {}",
                ui.t("o-grant-title"),
                ui.t("error-bad-request-title")
            )),
            form,
        )
        .await;
    };
    if until <= from {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some("valid_until: must be after valid_from".into()),
            form,
        )
        .await;
    }
    let actor = ui.actor();
    let actor = actor.as_str();
    let result = state
        .write(
            |tx| async move { st::memberships::grant(&*tx, n, producer, from, until, actor).await },
        )
        .await;
    after_brand_change(&state, &ui, &number, n, result, form).await
}

pub(super) async fn change_member(
    State(state): State<AppState>,
    axum::extract::Path((number, producer)): axum::extract::Path<(String, String)>,
    Posted { ui, form }: Posted,
) -> Response {
    let (Some(n), Ok(producer)) = (brand_number(&number), producer.parse::<i64>()) else {
        return ui.not_found();
    };
    let Ok(status) = Standing::parse("status", field(&form, "status")) else {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some("status: active, suspended or withdrawn".into()),
            Form::new(),
        )
        .await;
    };
    let reason = field(&form, "reason").to_owned();
    if status != Standing::Active && reason.is_empty() {
        return brand_page(
            &state,
            &ui,
            &number,
            None,
            Some(format!("{}: {}", ui.t("o-reason"), "required")),
            Form::new(),
        )
        .await;
    }
    let actor = ui.actor();
    let (actor, reason) = (
        actor.as_str(),
        Some(reason.as_str()).filter(|r| !r.is_empty()),
    );
    let result = state
        .write(|tx| async move {
            st::memberships::set_status(&*tx, n, producer, status, reason, None, actor).await
        })
        .await;
    after_brand_change(&state, &ui, &number, n, result, Form::new()).await
}

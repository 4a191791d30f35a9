//! Brands and rights of use: the list, a brand's page, its status, and granting or changing a
//! producer's right to use it.

use serde::Deserialize;

use super::*;
use crate::service::registry as svc;
use crate::views::registry::{ChangeBody, GrantBody, PatchBrand};

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
                number => b.number, name => b.names.get(ui.lang.code()), kind => b.kind.as_str(), kind_name => ui.word("kind", b.kind.as_str()),
                region => I18n::global().t(ui.lang, &format!("region-{}", b.region.as_str())),
                status => b.status.as_str(), status_name => ui.word("standing", b.status.as_str()),
                members => b.members,
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
    let page = brand_page(
        &state,
        &ui,
        &number,
        flash(&q, &ui),
        None,
        GrantForm::default(),
    )
    .await;
    ui.finish(page)
}

/// The fields of the form that grants a right of use, kept to show again after a refusal.
#[derive(Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct GrantForm {
    producer: String,
    valid_from: String,
    valid_until: String,
}

/// The fields of a status change (of a brand, or of a right of use).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct StatusForm {
    status: String,
    reason: String,
    /// `yes` on the second step of a suspension or withdrawal.
    confirm: String,
}

async fn brand_page(
    state: &AppState,
    ui: &Ui,
    number: &str,
    flash: Option<String>,
    error: Option<(StatusCode, String)>,
    grant: GrantForm,
) -> PageResult {
    brand_page_with(state, ui, number, flash, error, grant, None).await
}

/// [`brand_page`], with a refusal of the grant form's producer picker next to it.
async fn brand_page_with(
    state: &AppState,
    ui: &Ui,
    number: &str,
    flash: Option<String>,
    error: Option<(StatusCode, String)>,
    grant: GrantForm,
    grant_error: Option<String>,
) -> PageResult {
    let number = brand_number(number).ok_or(PageError::NotFound)?;
    let brand = registry::get_brand(&state.db, number).await?;
    let members = registry::list_members(&state.db, number, 500, 0)
        .await?
        .items;
    let (status, error) = match error {
        Some((status, text)) => (status, Some(text)),
        None => (StatusCode::OK, None),
    };
    let members = ui.named(&members, "status", "standing");
    let members = ui.named(&members, "effective_status", "right");
    let producers = super::pickers::producer_choices(state, None).await?;
    Ok(ui.page(status, "officer/brand.html", context! {
        brand => context! {
            number => brand.number, name => brand.names.get(ui.lang.code()), names => brand.names,
            kind => brand.kind.as_str(), category => brand.category.as_str(),
            kind_name => ui.word("kind", brand.kind.as_str()),
            category_name => ui.word("category", brand.category.as_str()),
            region => I18n::global().t(ui.lang, &format!("region-{}", brand.region.as_str())),
            status => brand.status.as_str(), status_name => ui.word("standing", brand.status.as_str()),
            status_reason => brand.status_reason,
        },
        members => members,
        producers => producers,
        grant => grant,
        grant_error => grant_error,
        flash => flash,
        error => error,
    }))
}

pub(super) async fn brand_status(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted<StatusForm>,
) -> Response {
    let (state, ui) = (&state, &ui);
    let page = async move {
        let n = brand_number(&number).ok_or(PageError::NotFound)?;
        // Suspending or withdrawing a brand turns every lot of it: the officer is shown what
        // will happen first, and nothing changes until that page's button is pressed.
        let destructive = matches!(form.status.as_str(), "suspended" | "withdrawn");
        if destructive && form.confirm != "yes" {
            return confirm_brand_status(state, ui, n, &form).await;
        }
        let patch = PatchBrand {
            status: Some(form.status),
            reason: Some(form.reason),
            ..PatchBrand::default()
        };
        let result = svc::update_brand(state, &ui.by(), n, &patch).await;
        after_brand_change(state, ui, &number, n, result, GrantForm::default()).await
    };
    ui.finish(page.await)
}

/// The second step of a brand's suspension or withdrawal: what it will do, and how many lots.
async fn confirm_brand_status(
    state: &AppState,
    ui: &Ui,
    n: BrandNumber,
    form: &StatusForm,
) -> PageResult {
    let brand = registry::get_brand(&state.db, n).await?;
    let today = Utc::now().date_naive();
    let lots = st::memberships::lots_in_force_of_brand(&state.db, n, today).await?;
    let name = brand.names.get(ui.lang.code()).to_owned();
    let key = if form.status == "withdrawn" {
        "o-brand-confirm-withdraw"
    } else {
        "o-brand-confirm-suspend"
    };
    let effect = I18n::global().t_args(
        ui.lang,
        key,
        &[
            ("brand", crate::i18n::Arg::Str(&name)),
            (
                "lots",
                crate::i18n::Arg::Num(i64::try_from(lots).unwrap_or(i64::MAX)),
            ),
        ],
    );
    let reason = form.reason.trim().to_owned();
    Ok(ui.page(
        StatusCode::OK,
        "officer/confirm.html",
        context! {
            heading => ui.t("o-brand-confirm-title"),
            action => format!("/officer/brands/{n}/status"),
            cancel => format!("/officer/brands/{n}"),
            facts => vec![
                (ui.t("field-brand"), format!("{n} · {name}")),
                (ui.t("o-status"), ui.word("standing", &form.status)),
                (ui.t("o-reason"), reason.clone()),
            ],
            effect => effect,
            hidden => vec![("status", form.status.clone()), ("reason", reason.clone())],
            reason_field => reason.is_empty(),
            button => ui.t("o-brand-confirm-button"),
        },
    ))
}

/// After a change on a brand's page: back to the page with "saved", or the page with the error.
async fn after_brand_change<T>(
    state: &AppState,
    ui: &Ui,
    number: &str,
    n: BrandNumber,
    result: Result<T, ServiceError>,
    form: GrantForm,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/officer/brands/{n}?saved=1")).into_response()),
        Err(ServiceError::NotFound(_)) => Err(PageError::NotFound),
        Err(e) => {
            let error = Some(ui.explain(&e));
            brand_page(state, ui, number, None, error, form).await
        }
    }
}

pub(super) async fn grant(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    Posted { ui, form }: Posted<GrantForm>,
) -> Response {
    let (state, ui) = (&state, &ui);
    let page = async move {
        let n = brand_number(&number).ok_or(PageError::NotFound)?;
        let producer = match super::pickers::resolve_producer(state, &form.producer).await {
            Ok(id) => id,
            Err(super::pickers::PickErr::Pick(p)) => {
                let text = p.message(ui, "producer");
                let error = Some((StatusCode::UNPROCESSABLE_ENTITY, text.clone()));
                return brand_page_with(state, ui, &number, None, error, form, Some(text)).await;
            }
            Err(super::pickers::PickErr::Store(e)) => return Err(e.into()),
        };
        let body = GrantBody {
            producer,
            valid_from: form.valid_from.trim().to_owned(),
            valid_until: form.valid_until.trim().to_owned(),
        };
        let result = svc::grant(state, &ui.by(), n, &body).await;
        after_brand_change(state, ui, &number, n, result, form).await
    };
    ui.finish(page.await)
}

pub(super) async fn change_member(
    State(state): State<AppState>,
    axum::extract::Path((number, producer)): axum::extract::Path<(String, String)>,
    Posted { ui, form }: Posted<StatusForm>,
) -> Response {
    let (state, ui) = (&state, &ui);
    let page = async move {
        let n = brand_number(&number).ok_or(PageError::NotFound)?;
        let producer: i64 = producer.parse().map_err(|_| PageError::NotFound)?;
        let reason = form.reason.trim();
        let body = ChangeBody {
            status: Some(form.status.trim().to_owned()),
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
            valid_from: None,
            valid_until: None,
        };
        let result = svc::change_membership(state, &ui.by(), n, producer, &body).await;
        after_brand_change(state, ui, &number, n, result, GrantForm::default()).await
    };
    ui.finish(page.await)
}

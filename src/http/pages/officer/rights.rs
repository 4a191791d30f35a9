//! The rows of rights of use on the producer's and the brand's pages: their timeline (status
//! today, the events under the row with each expiry shown), renewal with new dates, and status
//! changes whose destructive choices (suspend, withdraw) take a second step naming what will
//! happen: how many lots in force turn suspended or revoked.

use chrono::Months;
use serde::Deserialize;

use super::*;
use crate::i18n::Arg;
use crate::service::registry as svc;
use crate::store::memberships::{MembershipView, StatusEvent};
use crate::views::registry::{ChangeBody, RenewBody};

/// The rights of a producer as the producer page shows them: each with its status today, its
/// history, and the dates a renewal form starts with.
pub(super) fn rows(ui: &Ui, rights: &[(MembershipView, Vec<StatusEvent>)]) -> Vec<Value> {
    let today = Utc::now().date_naive();
    rights
        .iter()
        .map(|(m, history)| {
            let events: Vec<Value> = history
                .iter()
                .map(|e| {
                    context! {
                        at => crate::i18n::date(e.at.date_naive()),
                        kind => e.kind.as_str(),
                        kind_name => ui.word("right-event", e.kind.as_str()),
                        reason => e.reason.clone(),
                        actor => e.actor.clone(),
                        valid_from => e.valid_from.map(crate::i18n::date),
                        valid_until => e.valid_until.map(crate::i18n::date),
                    }
                })
                .collect();
            // A renewal starts the day after the period ends, or today if that has passed.
            let from = m.valid_until.succ_opt().unwrap_or(m.valid_until).max(today);
            let until = from.checked_add_months(Months::new(36)).unwrap_or(from);
            let state = m.effective_status.as_str();
            let expiring = m.valid_until >= today
                && m.valid_until <= today.checked_add_months(Months::new(3)).unwrap_or(today);
            context! {
                brand => m.brand, producer => m.producer,
                status => m.status.as_str(), state => state,
                state_name => ui.word("right", state),
                reason => m.reason.clone(),
                valid_from => m.valid_from.to_string(), valid_until => m.valid_until.to_string(),
                withdrawn => m.status == crate::domain::values::Standing::Withdrawn,
                renewable => m.status != crate::domain::values::Standing::Withdrawn,
                due => state == "expired" || expiring,
                renew_from => from.to_string(), renew_until => until.to_string(),
                events => events,
            }
        })
        .collect()
}

/// The fields of a status change of a right, from either page's row.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct RightStatusForm {
    status: String,
    reason: String,
    /// `yes` once the officer has seen what the change will do.
    confirm: String,
    /// `brand` to go back to the brand's page, else the producer's.
    back: String,
}

/// The fields of a renewal.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct RenewForm {
    valid_from: String,
    valid_until: String,
    back: String,
}

fn ids(producer: &str, brand: &str) -> Option<(i64, BrandNumber)> {
    let producer = producer.parse::<i64>().ok().filter(|p| *p > 0)?;
    let brand = BrandNumber::new(brand.parse().ok()?).ok()?;
    Some((producer, brand))
}

fn back_to(back: &str, producer: i64, brand: BrandNumber) -> String {
    if back == "brand" {
        format!("/officer/brands/{brand}?saved=1")
    } else {
        format!("/officer/producers/{producer}?saved=1")
    }
}

/// After a change: back to the page it came from, or the refusal in the officer's language.
fn done<T>(ui: &Ui, result: Result<T, ServiceError>, to: String) -> Response {
    match result {
        Ok(_) => Redirect::to(&to).into_response(),
        Err(ServiceError::NotFound(_)) => ui.not_found(),
        Err(e) => {
            let (status, text) = ui.explain(&e);
            ui.message(status, "o-right-refused", text)
        }
    }
}

/// `POST /officer/producers/{producer}/rights/{brand}/status`: reinstates at once; suspends or
/// withdraws after a confirmation page naming the lots the change turns.
pub(super) async fn change(
    State(state): State<AppState>,
    axum::extract::Path((producer, brand)): axum::extract::Path<(String, String)>,
    Posted { ui, form }: Posted<RightStatusForm>,
) -> Response {
    let Some((producer, brand)) = ids(&producer, &brand) else {
        return ui.not_found();
    };
    let status = form.status.trim();
    let reason = form.reason.trim();
    let back = if form.back == "brand" {
        "brand"
    } else {
        "producer"
    };
    if status.is_empty() {
        return ui.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "o-right-refused",
            ui.t("o-right-choose"),
        );
    }
    let destructive = matches!(status, "suspended" | "withdrawn");
    if destructive && form.confirm != "yes" {
        return confirm(&state, &ui, producer, brand, status, reason, back).await;
    }
    let body = ChangeBody {
        status: Some(status.to_owned()),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        valid_from: None,
        valid_until: None,
    };
    let result = svc::change_membership(&state, &ui.by(), brand, producer, &body).await;
    done(&ui, result, back_to(back, producer, brand))
}

/// The second step of a suspension or withdrawal: what it will do, with a button to do it.
async fn confirm(
    state: &AppState,
    ui: &Ui,
    producer: i64,
    brand: BrandNumber,
    status: &str,
    reason: &str,
    back: &str,
) -> Response {
    let today = Utc::now().date_naive();
    let facts = async {
        let p = st::producers::get(&state.db, producer).await?;
        let b = registry::get_brand(&state.db, brand).await?;
        let lots = st::memberships::lots_in_force(&state.db, brand, producer, today).await?;
        Ok::<_, StoreError>((p, b, lots))
    };
    let (p, b, lots) = match facts.await {
        Ok(f) => f,
        Err(StoreError::NotFound(_)) => return ui.not_found(),
        Err(e) => return ui.failed(e),
    };
    let brand_name = b.names.get(ui.lang.code()).to_owned();
    let lots = i64::try_from(lots).unwrap_or(i64::MAX);
    let key = if status == "withdrawn" {
        "o-right-confirm-withdraw"
    } else {
        "o-right-confirm-suspend"
    };
    let text = I18n::global().t_args(
        ui.lang,
        key,
        &[
            ("producer", Arg::Str(&p.name)),
            ("brand", Arg::Str(&brand_name)),
            ("lots", Arg::Num(lots)),
        ],
    );
    let cancel = if back == "brand" {
        format!("/officer/brands/{brand}")
    } else {
        format!("/officer/producers/{producer}")
    };
    ui.page(
        StatusCode::OK,
        "officer/right_confirm.html",
        context! {
            text => text, lots => lots, status => status,
            action_name => ui.word("right-action", status),
            reason => reason, back => back, cancel => cancel,
            action => format!("/officer/producers/{producer}/rights/{brand}/status"),
        },
    )
}

/// `POST /officer/producers/{producer}/rights/{brand}/renew`: a new period for the right.
pub(super) async fn renew(
    State(state): State<AppState>,
    axum::extract::Path((producer, brand)): axum::extract::Path<(String, String)>,
    Posted { ui, form }: Posted<RenewForm>,
) -> Response {
    let Some((producer, brand)) = ids(&producer, &brand) else {
        return ui.not_found();
    };
    let body = RenewBody {
        valid_from: form.valid_from.trim().to_owned(),
        valid_until: form.valid_until.trim().to_owned(),
    };
    let result = svc::renew(&state, &ui.by(), brand, producer, &body).await;
    done(&ui, result, back_to(&form.back, producer, brand))
}

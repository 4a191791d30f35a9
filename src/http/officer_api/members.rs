//! Rights of use: `POST /api/v1/brands/{number}/members` grants one, `PATCH
//! /api/v1/brands/{number}/members/{producer_id}` suspends, withdraws or reinstates it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::brands::status_with_reason;
use super::producers::producer_id;
use super::{Checks, Written, body, write};
use crate::domain::values::{self, FieldError, Standing};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Path};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::http::public::registry::brand_number;
use crate::state::AppState;
use crate::store::memberships::{self, MembershipView, StatusEvent};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(grant))
        .routes(routes!(one, change))
}

/// Body of a grant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    #[schema(minimum = 1)]
    pub producer: i64,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_until: String,
}

/// Body of a status change; the period may change with it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    /// Suspending or withdrawing needs a `reason`.
    #[schema(value_type = Option<Standing>)]
    pub status: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
    #[schema(format = Date)]
    pub valid_from: Option<String>,
    #[schema(format = Date)]
    pub valid_until: Option<String>,
}

fn period(c: &mut Checks, from: &str, until: &str) -> Option<(NaiveDate, NaiveDate)> {
    let from = c.take(values::iso_date("valid_from", from));
    let until = c.take(values::iso_date("valid_until", until));
    let (from, until) = (from?, until?);
    if until <= from {
        c.0.push(FieldError::new("valid_until", "must be after valid_from"));
        return None;
    }
    Some((from, until))
}

/// Grants a producer the right to use a brand for a period.
#[utoipa::path(
    post, path = "/api/v1/brands/{number}/members", tag = "officers", operation_id = "grantRightOfUse", request_body = GrantBody,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The right of use", body = MembershipView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn grant(
    State(state): State<AppState>,
    Officer(who): Officer,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let brand = brand_number(&number)?;
    let g: GrantBody = body(raw.clone())?;
    let mut c = Checks::default();
    if g.producer <= 0 {
        c.0.push(FieldError::new(
            "producer",
            "a producer id is a positive number",
        ));
    }
    let period = period(&mut c, &g.valid_from, &g.valid_until);
    c.finish()?;
    let Some((from, until)) = period else {
        return Err(ApiError::internal("a checked field went missing"));
    };
    let route = format!("POST /api/v1/brands/{brand}/members");
    let (actor, producer) = (who.actor.as_str(), g.producer);
    write(&state, &who, &headers, &route, &raw, |tx| async move {
        Ok(Written {
            status: StatusCode::CREATED,
            body: memberships::grant(&*tx, brand, producer, from, until, actor).await?,
            statuses_changed: true,
            location: Some(format!("/api/v1/brands/{brand}/members/{producer}")),
        })
    })
    .await
}

/// Suspends, withdraws or reinstates a right of use, or changes its period.
///
/// Suspending or withdrawing needs a reason. The change shows in the very next verdict of
/// every label of that producer and brand.
#[utoipa::path(
    patch, path = "/api/v1/brands/{number}/members/{producer_id}", tag = "officers", operation_id = "changeRightOfUse", request_body = ChangeBody,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("producer_id" = i64, Path, minimum = 1, description = "The producer's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The right of use after the change", body = MembershipView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn change(
    State(state): State<AppState>,
    Officer(who): Officer,
    Path((number, producer)): Path<(String, String)>,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let brand = brand_number(&number)?;
    let producer = producer_id(&producer)?;
    let b: ChangeBody = body(raw.clone())?;
    let mut c = Checks::default();
    let current = memberships::history(&state.db, brand, producer).await?.0;
    let status = match (&b.status, &b.reason) {
        (None, None) => None,
        (Some(s), None) if s == Standing::Active.as_str() => {
            Some((Standing::Active, String::new()))
        }
        _ => status_with_reason(&mut c, b.status.as_deref(), b.reason.as_deref()),
    };
    if b.status.is_none() && b.reason.is_some() {
        c.0.push(FieldError::new("status", "a reason goes with a status"));
    }
    let period = match (&b.valid_from, &b.valid_until) {
        (None, None) => None,
        (from, until) => {
            let from = from
                .clone()
                .unwrap_or_else(|| current.valid_from.to_string());
            let until = until
                .clone()
                .unwrap_or_else(|| current.valid_until.to_string());
            period(&mut c, &from, &until)
        }
    };
    if status.is_none() && period.is_none() && c.0.is_empty() {
        c.0.push(FieldError::new(
            "status",
            "send a status (with a reason) or a new period",
        ));
    }
    c.finish()?;
    let (status, reason) = match status {
        Some((s, r)) => (s, Some(r).filter(|r| !r.is_empty())),
        None => (current.status, None),
    };
    let route = format!("PATCH /api/v1/brands/{brand}/members/{producer}");
    let (actor, reason) = (who.actor.as_str(), reason.as_deref());
    write(&state, &who, &headers, &route, &raw, |tx| async move {
        Ok(Written {
            status: StatusCode::OK,
            body: memberships::set_status(&*tx, brand, producer, status, reason, period, actor)
                .await?,
            statuses_changed: true,
            location: None,
        })
    })
    .await
}

/// A right of use and its status history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipDetail {
    #[serde(flatten)]
    pub membership: MembershipView,
    pub history: Vec<StatusEvent>,
}

/// A right of use and its history.
#[utoipa::path(
    get, path = "/api/v1/brands/{number}/members/{producer_id}", tag = "officers", operation_id = "getRightOfUse",
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("producer_id" = i64, Path, minimum = 1, description = "The producer's id"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The right of use", body = MembershipDetail),
        Guarded, NotFound,
    )
)]
async fn one(
    State(state): State<AppState>,
    Officer(_): Officer,
    Path((number, producer)): Path<(String, String)>,
) -> Result<Json<MembershipDetail>, ApiError> {
    let brand = brand_number(&number)?;
    let producer = producer_id(&producer)?;
    let (membership, history) = memberships::history(&state.db, brand, producer).await?;
    Ok(Json(MembershipDetail {
        membership,
        history,
    }))
}

//! `POST /api/v1/producers`, and for the officer's work: search, read and update producers.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{answer, body, by};
use crate::domain::values::Region;
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, ProducerPath, Query};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::service::registry;
use crate::state::AppState;
use crate::store::memberships;
use crate::store::producers::{self, ProducerView};
use crate::store::registry::Page;
use crate::views::registry::{NewProducer, ProducerBody, ProducerDetail};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, search))
        .routes(routes!(one, update))
}

/// Registers a producer: a cooperative, association, company or artisan.
#[utoipa::path(
    post, path = "/api/v1/producers", tag = "officers", operation_id = "createProducer", request_body = NewProducer,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The new producer, with its id", body = ProducerView),
        Guarded, JsonBody, Refused,
    )
)]
async fn create(
    State(state): State<AppState>,
    Officer(who): Officer,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let p = ProducerBody::from(body::<NewProducer>(raw.clone())?);
    let by = by(
        &who,
        &headers,
        "POST /api/v1/producers",
        &raw,
        StatusCode::CREATED,
    )?;
    let outcome = registry::create_producer(&state, &by, &p).await?;
    answer(outcome, StatusCode::CREATED, |v| {
        Some(format!("/api/v1/producers/{}", v.id))
    })
}

/// One producer, with its rights of use.
#[utoipa::path(
    get, path = "/api/v1/producers/{id}", tag = "officers", operation_id = "getProducer",
    params(("id" = i64, Path, minimum = 1, description = "The producer's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The producer", body = ProducerDetail),
        Guarded, NotFound,
    )
)]
async fn one(
    State(state): State<AppState>,
    Officer(_): Officer,
    ProducerPath(id): ProducerPath,
) -> Result<Json<ProducerDetail>, ApiError> {
    let producer = producers::get(&state.db, id).await?;
    let memberships = memberships::of_producer(&state.db, id).await?;
    Ok(Json(ProducerDetail {
        producer,
        memberships,
    }))
}

/// Changes some of a producer's fields.
#[utoipa::path(
    patch, path = "/api/v1/producers/{id}", tag = "officers", operation_id = "updateProducer", request_body = ProducerBody,
    params(
        ("id" = i64, Path, minimum = 1, description = "The producer's id"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The producer after the change", body = ProducerView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn update(
    State(state): State<AppState>,
    Officer(who): Officer,
    ProducerPath(id): ProducerPath,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let patch: ProducerBody = body(raw.clone())?;
    let route = format!("PATCH /api/v1/producers/{id}");
    let by = by(&who, &headers, &route, &raw, StatusCode::OK)?;
    let outcome = registry::update_producer(&state, &by, id, &patch).await?;
    answer(outcome, StatusCode::OK, |_| None)
}

/// Search and paging of producers.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Text searched in the name, ICE, register number and province.
    #[param(max_length = 100)]
    pub q: Option<String>,
    #[param(value_type = Option<crate::domain::values::Region>)]
    pub region: Option<String>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

/// Searches producers.
#[utoipa::path(
    get, path = "/api/v1/producers", tag = "officers", operation_id = "searchProducers", params(SearchQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of producers, by name", body = Page<ProducerView>),
        Guarded,
    )
)]
async fn search(
    State(state): State<AppState>,
    Officer(_): Officer,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Page<ProducerView>>, ApiError> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .resolve()?;
    if q.q.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::bad_request("q is at most 100 characters"));
    }
    let region = q
        .region
        .as_deref()
        .map(|r| Region::parse("region", r))
        .transpose()
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Json(
        producers::search(&state.db, q.q.as_deref(), region, limit, offset).await?,
    ))
}

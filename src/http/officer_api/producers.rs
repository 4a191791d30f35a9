//! `POST /api/v1/producers`, and for the officer's work: search, read and update producers.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Checks, Written, body, write};
use crate::domain::values::{self, FieldError, Ice, ProducerKind, Region};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Path, Query};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::state::AppState;
use crate::store::memberships::{self, MembershipView};
use crate::store::producers::{self, ProducerFields, ProducerView};
use crate::store::registry::Page;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, search))
        .routes(routes!(one, update))
}

/// Body of `POST /api/v1/producers`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProducer {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(value_type = ProducerKind)]
    pub kind: String,
    /// Exactly 15 digits.
    #[schema(pattern = "^[0-9]{15}$")]
    pub ice: String,
    #[schema(min_length = 1, max_length = 64)]
    pub register_number: String,
    #[schema(value_type = Region)]
    pub region: String,
    #[schema(min_length = 1, max_length = 100)]
    pub province: String,
    #[serde(default)]
    pub women_led: bool,
    #[serde(default)]
    pub youth_led: bool,
}

impl From<NewProducer> for ProducerBody {
    fn from(p: NewProducer) -> Self {
        ProducerBody {
            name: Some(p.name),
            kind: Some(p.kind),
            ice: Some(p.ice),
            register_number: Some(p.register_number),
            region: Some(p.region),
            province: Some(p.province),
            women_led: Some(p.women_led),
            youth_led: Some(p.youth_led),
        }
    }
}

/// Body of `PATCH /api/v1/producers/{id}`: the fields to change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProducerBody {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(value_type = Option<ProducerKind>)]
    pub kind: Option<String>,
    #[schema(pattern = "^[0-9]{15}$")]
    pub ice: Option<String>,
    #[schema(min_length = 1, max_length = 64)]
    pub register_number: Option<String>,
    #[schema(value_type = Option<Region>)]
    pub region: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub province: Option<String>,
    pub women_led: Option<bool>,
    pub youth_led: Option<bool>,
}

impl ProducerBody {
    /// Fields missing from the body are taken from `base` (a PATCH), or are errors (a POST).
    pub fn check(&self, base: Option<&ProducerView>) -> Result<ProducerFields, ApiError> {
        self.fields(base).map_err(ApiError::invalid)
    }

    /// The checks behind [`Self::check`], shared with the officer's web form: every invalid
    /// or missing field, each named.
    pub fn fields(&self, base: Option<&ProducerView>) -> Result<ProducerFields, Vec<FieldError>> {
        let mut c = Checks::default();
        let need = |c: &mut Checks, field: &'static str, v: Option<String>| -> Option<String> {
            if v.is_none() {
                c.0.push(FieldError::new(field, "is required"));
            }
            v
        };
        let name = need(
            &mut c,
            "name",
            self.name.clone().or(base.map(|b| b.name.clone())),
        )
        .and_then(|s| c.take(values::text("name", &s, 200)));
        let kind = need(
            &mut c,
            "kind",
            self.kind.clone().or(base.map(|b| b.kind.to_string())),
        )
        .and_then(|s| c.take(ProducerKind::parse("kind", &s)));
        let ice = need(
            &mut c,
            "ice",
            self.ice.clone().or(base.map(|b| b.ice.clone())),
        )
        .and_then(|s| c.take(Ice::parse(&s)));
        let register_number = need(
            &mut c,
            "register_number",
            self.register_number
                .clone()
                .or(base.map(|b| b.register_number.clone())),
        )
        .and_then(|s| c.take(values::text("register_number", &s, 64)));
        let region = need(
            &mut c,
            "region",
            self.region.clone().or(base.map(|b| b.region.to_string())),
        )
        .and_then(|s| c.take(Region::parse("region", &s)));
        let province = need(
            &mut c,
            "province",
            self.province.clone().or(base.map(|b| b.province.clone())),
        )
        .and_then(|s| c.take(values::text("province", &s, 100)));
        let women_led = self
            .women_led
            .or(base.map(|b| b.women_led))
            .unwrap_or(false);
        let youth_led = self
            .youth_led
            .or(base.map(|b| b.youth_led))
            .unwrap_or(false);
        if !c.0.is_empty() {
            return Err(c.0);
        }
        match (name, kind, ice, register_number, region, province) {
            (
                Some(name),
                Some(kind),
                Some(ice),
                Some(register_number),
                Some(region),
                Some(province),
            ) => Ok(ProducerFields {
                name,
                kind,
                ice,
                register_number,
                region,
                province,
                women_led,
                youth_led,
            }),
            _ => Err(vec![FieldError::new(
                "producer",
                "a checked field went missing",
            )]),
        }
    }
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
    let fields = ProducerBody::from(body::<NewProducer>(raw.clone())?).check(None)?;
    let (actor, fields) = (who.actor.as_str(), &fields);
    write(
        &state,
        &who,
        &headers,
        "POST /api/v1/producers",
        &raw,
        |tx| async move {
            let view = producers::create(&*tx, fields, actor).await?;
            Ok(Written {
                status: StatusCode::CREATED,
                location: Some(format!("/api/v1/producers/{}", view.id)),
                body: view,
                statuses_changed: false,
            })
        },
    )
    .await
}

/// Reads the `{id}` path segment.
pub fn producer_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::bad_request(format!("{:?} is not a producer id", values::clip(raw)))
    })
}

/// A producer and its rights of use.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProducerDetail {
    #[serde(flatten)]
    pub producer: ProducerView,
    pub memberships: Vec<MembershipView>,
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
    Path(id): Path<String>,
) -> Result<Json<ProducerDetail>, ApiError> {
    let id = producer_id(&id)?;
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
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let id = producer_id(&id)?;
    let patch: ProducerBody = body(raw.clone())?;
    let current = producers::get(&state.db, id).await?;
    let fields = patch.check(Some(&current))?;
    let route = format!("PATCH /api/v1/producers/{id}");
    let (actor, fields) = (who.actor.as_str(), &fields);
    write(&state, &who, &headers, &route, &raw, |tx| async move {
        Ok(Written {
            status: StatusCode::OK,
            body: producers::update(&*tx, id, fields, actor).await?,
            statuses_changed: true,
            location: None,
        })
    })
    .await
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

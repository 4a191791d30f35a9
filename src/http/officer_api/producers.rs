//! `POST /api/v1/producers`, and for the officer's work: search, read and update producers.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Checks, Written, body, write};
use crate::domain::values::{self, FieldError, Ice, ProducerKind, Region};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Paging, Path, Query};
use crate::state::AppState;
use crate::store::memberships::{self, MembershipView};
use crate::store::producers::{self, ProducerFields, ProducerView};
use crate::store::registry::Page;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/producers", post(create).get(search))
        .route("/api/v1/producers/{id}", get(one).patch(update))
}

/// Body of `POST /api/v1/producers`; in a PATCH every field is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerBody {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub ice: Option<String>,
    pub register_number: Option<String>,
    pub region: Option<String>,
    pub province: Option<String>,
    pub women_led: Option<bool>,
    pub youth_led: Option<bool>,
}

impl ProducerBody {
    /// Fields missing from the body are taken from `base` (a PATCH), or are errors (a POST).
    pub fn check(&self, base: Option<&ProducerView>) -> Result<ProducerFields, ApiError> {
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
        c.finish()?;
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
            _ => Err(ApiError::internal("a checked field went missing")),
        }
    }
}

async fn create(
    State(state): State<AppState>,
    Officer(who): Officer,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let fields = body::<ProducerBody>(raw.clone())?.check(None)?;
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

#[derive(Debug, Serialize)]
pub struct ProducerDetail {
    #[serde(flatten)]
    pub producer: ProducerView,
    pub memberships: Vec<MembershipView>,
}

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub region: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

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

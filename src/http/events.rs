//! Chain of custody over HTTP: `POST /api/v1/events` takes GS1 EPCIS 2.0 documents from
//! retailers' and officers' keys, `GET /api/v1/events` answers EPCIS query-style (officers see
//! every event, retailers their own), and `POST`/`GET /api/v1/locations` register and list the
//! places a retailer records custody at. A stranger gets nothing here: every route needs a key.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::{Principal, Retailer};
use super::error::{ApiError, InvalidField};
use super::extract::{Json, Paging, Query};
use super::openapi::{Guarded, JsonBody, Refused};
use crate::custody::{self, CustodyError, Recorder};
use crate::domain::code::Label;
use crate::domain::values::{self, FieldError, Role};
use crate::state::AppState;
use crate::store::events::{self, EventQuery};
use crate::store::locations::{self, LocationView};
use crate::verify;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(capture, query))
        .routes(routes!(create_location, list_locations))
}

/// Who records, from the caller: events and places belong to the API key (or the officer)
/// that made them; officers may name any place.
pub fn recorder(p: &Principal) -> Recorder {
    let owner = match (p.api_key, p.officer) {
        (Some(k), _) => format!("apikey:{k}"),
        (None, Some(o)) => format!("officer:{o}"),
        (None, None) => p.actor.clone(),
    };
    Recorder {
        owner,
        any_location: p.role >= Role::Officer,
    }
}

impl From<CustodyError> for ApiError {
    fn from(e: CustodyError) -> Self {
        let (status, list) = match e {
            CustodyError::Malformed(path, detail) => {
                (StatusCode::BAD_REQUEST, vec![(path, detail)])
            }
            CustodyError::Refused(list) => (StatusCode::UNPROCESSABLE_ENTITY, list),
            CustodyError::Store(e) => return e.into(),
        };
        let detail = list
            .iter()
            .map(|(p, m)| format!("{}: {m}", if p.is_empty() { "document" } else { p }))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            errors: list
                .into_iter()
                .map(|(field, message)| InvalidField { field, message })
                .collect(),
            ..ApiError::new(status, detail)
        }
    }
}

/// A GS1 EPCIS 2.0 document (JSON or JSON-LD, `@context` naming the EPCIS 2.0 context) whose
/// `epcisBody.eventList` holds `ObjectEvent`s; a bare array of `ObjectEvent`s is accepted too.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EpcisDocument {
    /// The EPCIS 2.0 context, alone or in an array with prefix definitions of extensions.
    #[serde(rename = "@context")]
    pub context: Value,
    /// `EPCISDocument`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `2.0`.
    #[serde(rename = "schemaVersion", skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// When the document was made, with a zone offset.
    #[serde(rename = "creationDate", skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<DateTime<Utc>>,
    #[serde(rename = "epcisBody")]
    pub epcis_body: EpcisBody,
}

/// The body of an EPCIS document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EpcisBody {
    /// `ObjectEvent`s, 1 to 500: `eventTime` and `eventTimeZoneOffset`, `epcList` (label URLs,
    /// at most 1,000), `action`, `bizStep` (a CBV step, bare or `urn:epcglobal:cbv:bizstep:…`),
    /// and optionally `eventID`, `disposition`, `readPoint`, `bizLocation` (one of your
    /// registered locations), `sourceList`, `destinationList`, `bizTransactionList` and
    /// namespaced extensions.
    #[serde(rename = "eventList")]
    #[schema(value_type = Vec<Object>, min_items = 1, max_items = 500)]
    pub event_list: Vec<Value>,
}

/// What became of each event of a document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaptureResult {
    /// Events stored by this request.
    pub recorded: usize,
    /// Events already stored (replays), not stored again.
    pub duplicates: usize,
    /// Each event, in document order.
    pub events: Vec<CapturedEvent>,
}

/// One event of a captured document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CapturedEvent {
    /// The event's `eventID`: the one it gave, or its EPCIS 2.0 event hash
    /// (`ni:///sha-256;…?ver=CBV2.0`).
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// `recorded`, or `duplicate` for an event stored before.
    pub outcome: &'static str,
}

/// Records custody events from a GS1 EPCIS 2.0 document.
///
/// Each event's labels are verified (a counterfeit or unreadable label refuses the whole
/// document, naming its JSON path, and nothing is stored); a retailer's `bizLocation` must be
/// one of its registered locations. Events are stored under their `eventID`, or their EPCIS 2.0
/// event hash when they bring none, all in one transaction; a replay is answered but not
/// stored twice. Also accepts `application/ld+json`. Checking labels here is not a scan.
#[utoipa::path(
    post, path = "/api/v1/events", tag = "custody", operation_id = "captureEvents", request_body = EpcisDocument,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Each event recorded, or found already recorded", body = CaptureResult),
        (status = 409, description = "An eventID is already recorded for a different event", body = super::error::Problem, content_type = "application/problem+json"),
        Guarded, JsonBody,
    )
)]
async fn capture(
    State(state): State<AppState>,
    Retailer(who): Retailer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaptureResult>, ApiError> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v == "application/ld+json");
    if !json_type {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the EPCIS document as application/json or application/ld+json",
        ));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad_request("the document is not UTF-8 text"))?;
    let outcomes = custody::record_document(&state, &recorder(&who), text).await?;
    let recorded = outcomes.iter().filter(|o| o.recorded).count();
    Ok(Json(CaptureResult {
        recorded,
        duplicates: outcomes.len() - recorded,
        events: outcomes
            .into_iter()
            .map(|o| CapturedEvent {
                event_id: o.event_id,
                outcome: if o.recorded { "recorded" } else { "duplicate" },
            })
            .collect(),
    }))
}

/// Query of `GET /api/v1/events`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilter {
    /// A label URL or code: only the events naming it.
    #[param(max_length = 1024)]
    pub epc: Option<String>,
    /// Only events whose `eventTime` is at or after this (RFC 3339, or a date: its start, UTC).
    #[param(max_length = 64)]
    pub from: Option<String>,
    /// At most this many events (default 50, at most 500).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Skip this many.
    #[param(minimum = 0)]
    pub offset: Option<u64>,
}

/// An EPCIS 2.0 query answer (`EPCISQueryDocument`), as the EPCIS REST interface gives it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventQueryDocument {
    #[serde(rename = "@context")]
    pub context: Vec<&'static str>,
    /// `EPCISQueryDocument`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "schemaVersion")]
    pub schema_version: &'static str,
    #[serde(rename = "creationDate")]
    pub creation_date: DateTime<Utc>,
    #[serde(rename = "epcisBody")]
    pub epcis_body: QueryBody,
}

/// The body of a query answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueryBody {
    #[serde(rename = "queryResults")]
    pub query_results: QueryResults,
}

/// The results of a query.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueryResults {
    /// `SimpleEventQuery`.
    #[serde(rename = "queryName")]
    pub query_name: &'static str,
    #[serde(rename = "resultsBody")]
    pub results_body: ResultsBody,
}

/// The events found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultsBody {
    /// The events as recorded, each with its `eventID` and `recordTime`, in `eventTime` order.
    #[serde(rename = "eventList")]
    #[schema(value_type = Vec<Object>)]
    pub event_list: Vec<Value>,
}

/// Custody events, EPCIS query-style.
///
/// Officers see every recorder's events; retailers see the events their own key recorded.
#[utoipa::path(
    get, path = "/api/v1/events", tag = "custody", operation_id = "queryEvents",
    params(EventFilter),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The matching events", body = EventQueryDocument),
        Guarded,
    )
)]
async fn query(
    State(state): State<AppState>,
    Retailer(who): Retailer,
    Query(f): Query<EventFilter>,
) -> Result<Json<EventQueryDocument>, ApiError> {
    let (limit, offset) = Paging {
        limit: f.limit,
        offset: f.offset,
    }
    .resolve()?;
    let label = match f.epc.as_deref() {
        Some(epc) => {
            let l = Label::parse(verify::code_from_input(epc)).map_err(|e| {
                ApiError::bad_request(format!("epc is not a tasdiq label URL or code: {e}"))
            })?;
            Some((l.header.certificate, l.header.item))
        }
        None => None,
    };
    let from = f.from.as_deref().map(parse_from).transpose()?;
    let own = recorder(&who);
    let q = EventQuery {
        label,
        from,
        recorder: (who.role < Role::Officer).then_some(own.owner),
        limit,
        offset,
    };
    let found = events::query(&state.db, &q).await?;
    let event_list = found
        .into_iter()
        .map(|e| {
            let mut v: Value = serde_json::from_str(&e.json).map_err(|err| {
                ApiError::internal(format!("stored custody event {}: {err}", e.event_id))
            })?;
            v["recordTime"] = Value::String(e.recorded_at.to_rfc3339());
            Ok(v)
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(EventQueryDocument {
        context: vec![tasdiq_custody::epcis::EPCIS_CONTEXTS[0]],
        kind: "EPCISQueryDocument",
        schema_version: "2.0",
        creation_date: Utc::now(),
        epcis_body: QueryBody {
            query_results: QueryResults {
                query_name: "SimpleEventQuery",
                results_body: ResultsBody { event_list },
            },
        },
    }))
}

fn parse_from(s: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| {
            ApiError::bad_request(format!(
                "from must be an RFC 3339 date-time or a date (YYYY-MM-DD); got {:?}",
                values::clip(s)
            ))
        })
}

/// Body of `POST /api/v1/locations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLocation {
    /// The shop or warehouse's name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub city: String,
    /// Your own identifier for the place, a URI such as an SGLN
    /// (`urn:epc:id:sgln:6111234.00001.0`); without one, tasdiq makes `urn:tasdiq:location:…`.
    #[schema(max_length = 1024)]
    pub id: Option<String>,
    /// Let the verification page show custody recorded here to consumers ("sold by NAME in
    /// CITY on DATE"). Default: private.
    #[serde(default)]
    pub public: bool,
}

/// Registers a place where you record custody.
///
/// Give its `id` as `bizLocation.id` in your events, or as `record.bizLocation` when verifying
/// a delivery. One place has one owner.
#[utoipa::path(
    post, path = "/api/v1/locations", tag = "custody", operation_id = "createLocation", request_body = NewLocation,
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The location", body = LocationView),
        Guarded, JsonBody, Refused,
    )
)]
async fn create_location(
    State(state): State<AppState>,
    Retailer(who): Retailer,
    Json(body): Json<NewLocation>,
) -> Result<(StatusCode, Json<LocationView>), ApiError> {
    let mut errors = Vec::new();
    let name = values::text("name", &body.name, 200).map_err(|e| errors.push(e));
    let city = values::text("city", &body.city, 100).map_err(|e| errors.push(e));
    let uri = match body.id.as_deref().map(str::trim) {
        Some(id) if custody::is_location_uri(id) => id.to_owned(),
        Some(_) => {
            errors.push(FieldError::new(
                "id",
                "expected a URI of at most 1024 characters without spaces, e.g. urn:epc:id:sgln:6111234.00001.0",
            ));
            String::new()
        }
        None => format!(
            "urn:tasdiq:location:{}",
            hex::encode(rand::random::<[u8; 8]>())
        ),
    };
    let (Ok(name), Ok(city), true) = (name, city, errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let owner = recorder(&who).owner;
    let (owner, actor, uri, name, city) = (&owner, &who.actor, &uri, &name, &city);
    let public = body.public;
    let view =
        state
            .write(|tx| async move {
                locations::create(&*tx, owner, actor, uri, name, city, public).await
            })
            .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Your registered locations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationList {
    pub items: Vec<LocationView>,
    pub total: usize,
}

/// The places you registered.
#[utoipa::path(
    get, path = "/api/v1/locations", tag = "custody", operation_id = "listLocations",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Your locations, oldest first", body = LocationList),
        Guarded,
    )
)]
async fn list_locations(
    State(state): State<AppState>,
    Retailer(who): Retailer,
) -> Result<Json<LocationList>, ApiError> {
    let items = locations::list(&state.db, &recorder(&who).owner).await?;
    Ok(Json(LocationList {
        total: items.len(),
        items,
    }))
}

/// `record` of `POST /api/v1/verify`: records the delivery's custody in the same call.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    /// The CBV business step, e.g. `receiving` (bare or `urn:epcglobal:cbv:bizstep:…`).
    #[serde(rename = "bizStep")]
    #[schema(max_length = 64)]
    pub biz_step: String,
    /// One of your registered locations.
    #[serde(rename = "bizLocation", default)]
    #[schema(max_length = 1024)]
    pub biz_location: Option<String>,
}

/// The custody event a verify call with `record` stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordedEvent {
    /// Its EPCIS 2.0 event hash, as `GET /api/v1/events` shows it.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// How many labels it names: the genuine ones of the batch (counterfeit and unreadable
    /// codes are not recorded).
    pub labels: usize,
}

/// A verify call's `record`, checked before any code is verified.
pub struct RecordPlan<'a> {
    step: tasdiq_custody::epcis::BizStep,
    location: Option<&'a str>,
}

/// Checks `record` (its step and place) before the batch is verified.
pub async fn check_record<'a>(
    state: &AppState,
    who: &Principal,
    r: &'a RecordRequest,
) -> Result<RecordPlan<'a>, ApiError> {
    let location = r.biz_location.as_deref();
    let step = custody::check_record(state, &recorder(who), &r.biz_step, location).await?;
    Ok(RecordPlan { step, location })
}

/// Records one event naming the batch's genuine labels, once they are verified.
pub async fn record_delivery(
    state: &AppState,
    who: &Principal,
    plan: RecordPlan<'_>,
    codes: &[String],
    results: &[verify::Verdict],
) -> Result<Option<RecordedEvent>, ApiError> {
    let labels: Vec<(u64, u32, String)> = codes
        .iter()
        .zip(results)
        .filter(|(_, v)| v.certificate.is_some())
        .filter_map(|(code, v)| {
            let l = v.label.as_ref()?;
            Some((
                l.certificate.parse().ok()?,
                l.item,
                verify::code_from_input(code).to_owned(),
            ))
        })
        .collect();
    let outcome =
        custody::record_checked(state, &recorder(who), &plan.step, plan.location, &labels).await?;
    Ok(outcome.map(|o| RecordedEvent {
        event_id: o.event_id,
        labels: labels
            .iter()
            .map(|(c, i, _)| (*c, *i))
            .collect::<std::collections::HashSet<_>>()
            .len(),
    }))
}

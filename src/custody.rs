//! Chain of custody: recording GS1 EPCIS 2.0 custody events from retailers' and officers'
//! keys. A document is parsed and hashed by `tasdiq-custody`; here every label it names is
//! verified (signature, certificate, item: the verify path's rules, without counting a scan),
//! every `bizLocation` of a retailer is checked to be one it registered, and the new events are
//! stored in one transaction, each under its `eventID` or, lacking one, its standard event
//! hash. A replay (same `eventID`, same hash) is not stored twice.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use chrono::Utc;
use tasdiq_custody::epcis::{self, BizStep, ObjectEvent};
use tasdiq_custody::json::Json;

use crate::domain::code::Label;
use crate::domain::values::CertificateNumber;
use crate::domain::verdict::{self, Registry, Status};
use crate::state::AppState;
use crate::store::events::{self, NewEvent};
use crate::store::{StoreError, locations};
use crate::verify;

/// Who records: the owner of the events and locations (`apikey:ID` or `officer:ID`), and
/// whether it may name places it did not register (officers record seizures anywhere).
#[derive(Clone, Debug)]
pub struct Recorder {
    pub owner: String,
    pub any_location: bool,
}

/// Why a document, or a verify call's `record`, is refused.
#[derive(Debug)]
pub enum CustodyError {
    /// Not an EPCIS document custody takes (400): JSON Pointer and what is wrong.
    Malformed(String, String),
    /// Well formed, but naming labels that are not genuine or places the caller does not own
    /// (422): each culprit by JSON Pointer.
    Refused(Vec<(String, String)>),
    Store(StoreError),
}

impl From<StoreError> for CustodyError {
    fn from(e: StoreError) -> Self {
        CustodyError::Store(e)
    }
}

/// What became of one event of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub event_id: String,
    /// `false`: already recorded (a replay).
    pub recorded: bool,
}

/// The most culprits a refusal lists.
const MAX_REPORTED: usize = 100;

/// Records an EPCIS 2.0 document sent as text.
pub async fn record_document(
    state: &AppState,
    who: &Recorder,
    text: &str,
) -> Result<Vec<Outcome>, CustodyError> {
    let doc = epcis::parse_document(text).map_err(|e| CustodyError::Malformed(e.path, e.detail))?;
    // A bare array of events is accepted too; its paths start at the index.
    let base = if text.trim_start().starts_with('[') {
        ""
    } else {
        "/epcisBody/eventList"
    };
    let mut refused = Vec::new();
    let labels = check_events(state, who, &doc.events, base, &mut refused).await?;
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (i, e) in doc.events.iter().enumerate() {
        if let Some(h) = seen.insert(e.id(), &e.event_hash)
            && h != e.event_hash
        {
            refused.push((
                format!("{base}/{i}/eventID"),
                "this eventID is already used by another event of the document".into(),
            ));
        }
    }
    if !refused.is_empty() {
        refused.truncate(MAX_REPORTED);
        return Err(CustodyError::Refused(refused));
    }
    let new: Vec<NewEvent> = doc
        .events
        .iter()
        .zip(labels)
        .map(|(e, labels)| new_event(e, labels))
        .collect();
    store(state, who, new, base).await
}

/// Checks a verify call's `record` before the codes are verified: the step is a CBV step
/// custody takes, and the place is one the caller registered. Errors name the body fields.
pub async fn check_record(
    state: &AppState,
    who: &Recorder,
    step: &str,
    location: Option<&str>,
) -> Result<BizStep, CustodyError> {
    let mut refused = Vec::new();
    let parsed = BizStep::parse(step);
    if parsed.is_none() {
        refused.push((
            "record.bizStep".to_owned(),
            format!(
                "{step:?} is not a business step custody takes; one of: {}",
                BizStep::accepted().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if let Some(loc) = location {
        let ok = if who.any_location {
            is_location_uri(loc)
        } else {
            locations::owned(&state.db, &who.owner, &[loc])
                .await?
                .contains(loc)
        };
        if !ok {
            refused.push(("record.bizLocation".to_owned(), unregistered(loc)));
        }
    }
    match parsed {
        Some(s) if refused.is_empty() => Ok(s),
        _ => Err(CustodyError::Refused(refused)),
    }
}

/// Records one event for the genuine labels of a verified delivery (`POST /api/v1/verify`
/// with `record`), at the present time. `labels` are (certificate, item); their URLs are
/// written in the public URL's form. `None` when there is nothing genuine to record.
pub async fn record_checked(
    state: &AppState,
    who: &Recorder,
    step: &BizStep,
    location: Option<&str>,
    labels: &[(u64, u32, String)],
) -> Result<Option<Outcome>, CustodyError> {
    if labels.is_empty() {
        return Ok(None);
    }
    let base = state.config.public_base();
    let mut seen = std::collections::HashSet::new();
    let epcs: Vec<String> = labels
        .iter()
        .filter(|(c, i, _)| seen.insert((*c, *i)))
        .map(|(_, _, code)| format!("{base}/v/{code}"))
        .collect();
    let mut event = serde_json::json!({
        "type": "ObjectEvent",
        "eventTime": Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "eventTimeZoneOffset": "+00:00",
        "epcList": epcs,
        "action": "OBSERVE",
        "bizStep": step.as_str(),
    });
    if let Some(loc) = location {
        event["bizLocation"] = serde_json::json!({ "id": loc });
    }
    let doc = serde_json::json!({
        "@context": epcis::EPCIS_CONTEXTS[0],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": Utc::now().to_rfc3339(),
        "epcisBody": { "eventList": [event] },
    });
    let parsed = epcis::parse_document(&doc.to_string()).map_err(|e| {
        CustodyError::Store(StoreError::Corrupt(format!(
            "the receipt event built from a verify call is refused: {e}"
        )))
    })?;
    let labels: Vec<(u64, u32)> = seen.into_iter().collect();
    let new: Vec<NewEvent> = parsed
        .events
        .iter()
        .map(|e| new_event(e, labels.clone()))
        .collect();
    Ok(store(state, who, new, "/epcisBody/eventList")
        .await?
        .into_iter()
        .next())
}

/// Verifies every label of every event and checks the places; returns each event's labels as
/// (certificate, item), and adds each culprit to `refused`.
async fn check_events(
    state: &AppState,
    who: &Recorder,
    events: &[ObjectEvent],
    base: &str,
    refused: &mut Vec<(String, String)>,
) -> Result<Vec<Vec<(u64, u32)>>, StoreError> {
    let ring = state.key_ring();
    let today = Utc::now().date_naive();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let mut labels = Vec::with_capacity(e.epcs.len());
        let mut seen = std::collections::HashSet::new();
        for (j, epc) in e.epcs.iter().enumerate() {
            let path = format!("{base}/{i}/epcList/{j}");
            let label = match Label::parse(verify::code_from_input(epc)) {
                Ok(l) => l,
                Err(err) => {
                    refused.push((path, format!("not a tasdiq label URL or code: {err}")));
                    continue;
                }
            };
            let key = ring.get(label.header.kid);
            let signature_ok = key.is_some_and(|k| label.verify(&k.public));
            let record = if signature_ok {
                state
                    .verifier
                    .lookup(&state.db, CertificateNumber(label.header.certificate))
                    .await?
            } else {
                None
            };
            let d = verdict::decide(
                &label,
                key,
                signature_ok,
                Registry::Online(record.as_deref().map(|r| &r.facts)),
                today,
            );
            if d.status == Status::Counterfeit {
                refused.push((
                    path,
                    format!("not a genuine label ({}): nothing was recorded", d.reason),
                ));
                continue;
            }
            let key = (label.header.certificate, label.header.item);
            if seen.insert(key) {
                labels.push(key);
            }
        }
        out.push(labels);
    }
    if !who.any_location {
        let places: Vec<&str> = events
            .iter()
            .filter_map(|e| e.biz_location.as_deref())
            .collect();
        let owned = locations::owned(&state.db, &who.owner, &places).await?;
        for (i, e) in events.iter().enumerate() {
            if let Some(loc) = e.biz_location.as_deref()
                && !owned.contains(loc)
            {
                refused.push((format!("{base}/{i}/bizLocation/id"), unregistered(loc)));
            }
        }
    }
    Ok(out)
}

fn unregistered(loc: &str) -> String {
    format!(
        "{loc:?} is not one of your registered locations: register it with POST /api/v1/locations"
    )
}

/// Whether a location id is a URI custody takes: a scheme, then no spaces, at most
/// [`epcis::MAX_STRING`] bytes (an SGLN, `urn:tasdiq:location:…`, an `https:` URL).
pub fn is_location_uri(s: &str) -> bool {
    s.len() <= epcis::MAX_STRING
        && !s.contains(char::is_whitespace)
        && s.split_once(':').is_some_and(|(scheme, rest)| {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

fn new_event(e: &ObjectEvent, labels: Vec<(u64, u32)>) -> NewEvent {
    NewEvent {
        event_id: e.id().to_owned(),
        event_hash: e.event_hash.clone(),
        biz_step: e.biz_step.as_str(),
        action: e.action.as_str(),
        disposition: e.disposition,
        event_time: e.event_time.with_timezone(&Utc),
        time_zone_offset: e.event_time_zone_offset.clone(),
        read_point: e.read_point.clone(),
        biz_location: e.biz_location.clone(),
        json: with_event_id(&e.json, e.id()),
        labels,
    }
}

/// Stores the events that are not yet recorded, in one transaction. An `eventID` already
/// recorded for a different event refuses the whole document.
async fn store(
    state: &AppState,
    who: &Recorder,
    new: Vec<NewEvent>,
    base: &str,
) -> Result<Vec<Outcome>, CustodyError> {
    let new = Arc::new(new);
    let owner = Arc::new(who.owner.clone());
    let base = Arc::new(base.to_owned());
    let outcomes = state
        .write(|tx| {
            let (new, owner, base) = (new.clone(), owner.clone(), base.clone());
            async move {
                let ids: Vec<&str> = new.iter().map(|e| e.event_id.as_str()).collect();
                let mut known = events::existing(&*tx, &ids).await?;
                let mut out = Vec::with_capacity(new.len());
                for (i, e) in new.iter().enumerate() {
                    match known.get(&e.event_id) {
                        Some(h) if *h == e.event_hash => out.push(Outcome {
                            event_id: e.event_id.clone(),
                            recorded: false,
                        }),
                        Some(_) => {
                            return Err(StoreError::conflict(
                                "event_id_taken",
                                format!(
                                    "{base}/{i}/eventID: the eventID {:?} is already recorded for a different event; nothing was recorded",
                                    e.event_id
                                ),
                            ));
                        }
                        None => {
                            events::insert(&*tx, &owner, e).await?;
                            known.insert(e.event_id.clone(), e.event_hash.clone());
                            out.push(Outcome {
                                event_id: e.event_id.clone(),
                                recorded: true,
                            });
                        }
                    }
                }
                Ok(out)
            }
        })
        .await?;
    // This node judges these labels on their new custody at once; others within the TTL.
    let keys: Vec<crate::store::scans::LabelKey> = new
        .iter()
        .flat_map(|e| e.labels.iter())
        .map(|(c, i)| crate::store::scans::LabelKey {
            certificate: i64::try_from(*c).unwrap_or(i64::MAX),
            item: i32::try_from(*i).unwrap_or(i32::MAX),
        })
        .collect();
    state.verifier.risk.forget(&keys);
    Ok(outcomes)
}

/// The event as JSON text in its member order, with `eventID` set (after `type`) when it
/// came without one.
fn with_event_id(event: &Json, id: &str) -> String {
    let mut e = event.clone();
    if let Json::Object(members) = &mut e
        && !members.iter().any(|(k, _)| k == "eventID")
    {
        let at = usize::from(members.first().is_some_and(|(k, _)| k == "type"));
        members.insert(at, ("eventID".into(), Json::String(id.to_owned())));
    }
    let mut out = String::new();
    write_json(&e, &mut out);
    out
}

fn write_json(j: &Json, out: &mut String) {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Json::String(s) => out.push_str(&quoted(s)),
        Json::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&quoted(k));
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_event_keeps_its_order_and_gains_its_id() {
        let e = Json::parse(r#"{"type":"ObjectEvent","z":[1,2.5,null,true],"a":"é\"x"}"#).unwrap();
        assert_eq!(
            with_event_id(&e, "ni:///sha-256;ab?ver=CBV2.0"),
            r#"{"type":"ObjectEvent","eventID":"ni:///sha-256;ab?ver=CBV2.0","z":[1,2.5,null,true],"a":"é\"x"}"#
        );
        let given = Json::parse(r#"{"eventID":"urn:uuid:1","type":"ObjectEvent"}"#).unwrap();
        assert_eq!(
            with_event_id(&given, "other"),
            r#"{"eventID":"urn:uuid:1","type":"ObjectEvent"}"#
        );
    }
}

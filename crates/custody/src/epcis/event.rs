//! One `ObjectEvent`: the fields custody reads are parsed into types; the other standard
//! fields and namespaced user extensions are checked for shape and size and kept in the raw
//! JSON, since the event hash covers them.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};

use super::vocab::{Action, BizStep, disposition, is_cbv_step};
use super::{EpcisError, MAX_EPCS, MAX_EVENT_DEPTH, MAX_STRING, Path};
use crate::json::Json;

/// A validated custody event.
#[derive(Clone, Debug)]
pub struct ObjectEvent {
    /// `eventID` as given, if any.
    pub event_id: Option<String>,
    /// The EPCIS 2.0 event hash (`ni:///sha-256;…?ver=CBV2.0`) of the event as sent.
    pub event_hash: String,
    /// `eventTime`, with the offset it was written in.
    pub event_time: DateTime<FixedOffset>,
    /// `eventTimeZoneOffset` as written (`+01:00`).
    pub event_time_zone_offset: String,
    /// `epcList`, in document order, without duplicates: the label URLs (or codes) to check.
    pub epcs: Vec<String>,
    /// `action`.
    pub action: Action,
    /// `bizStep`, required here: a custody event without a step says nothing about custody.
    pub biz_step: BizStep,
    /// `disposition` as its bare CBV word, if given.
    pub disposition: Option<&'static str>,
    /// `readPoint.id`, if given.
    pub read_point: Option<String>,
    /// `bizLocation.id`, if given.
    pub biz_location: Option<String>,
    /// The event exactly as sent (member order kept), for storage and EPCIS query answers.
    pub json: Json,
}

impl ObjectEvent {
    /// The event's identity for idempotency: its `eventID`, or else its event hash.
    pub fn id(&self) -> &str {
        self.event_id.as_deref().unwrap_or(&self.event_hash)
    }

    /// Whether this event, as custody reads it, records a return (`returning`, or CBV's own
    /// spelling: `receiving` with disposition `returned`).
    pub fn is_return(&self) -> bool {
        self.biz_step == BizStep::Returning
            || (self.biz_step == BizStep::Receiving && self.disposition == Some("returned"))
    }

    pub(crate) fn from_json(
        json: &Json,
        path: &Path,
        prefixes: &BTreeSet<String>,
    ) -> Result<ObjectEvent, EpcisError> {
        let Json::Object(members) = json else {
            return Err(EpcisError::at(
                path,
                format!("expected an event object, found {}", json.kind()),
            ));
        };
        let mut seen = BTreeSet::new();
        for (k, _) in members {
            if !seen.insert(k.as_str()) {
                return Err(EpcisError::at(&path.join(k), "appears twice in the event"));
            }
        }
        match json.get("type") {
            Some(Json::String(t)) if t == "ObjectEvent" => {}
            Some(Json::String(t)) => {
                return Err(EpcisError::at(
                    &path.join("type"),
                    format!(
                        "{t:?} is not accepted: custody events are ObjectEvents about labelled items"
                    ),
                ));
            }
            _ => {
                return Err(EpcisError::at(
                    &path.join("type"),
                    "\"ObjectEvent\" is required",
                ));
            }
        }
        let text = |key: &str| -> Result<Option<&str>, EpcisError> {
            match json.get(key) {
                None => Ok(None),
                Some(Json::String(s)) if s.len() <= MAX_STRING && !s.trim().is_empty() => {
                    Ok(Some(s))
                }
                Some(Json::String(_)) => Err(EpcisError::at(
                    &path.join(key),
                    format!("must be a non-empty string of at most {MAX_STRING} bytes"),
                )),
                Some(other) => Err(EpcisError::at(
                    &path.join(key),
                    format!("expected a string, found {}", other.kind()),
                )),
            }
        };
        let required = |key: &str, what: &str| -> Result<&str, EpcisError> {
            text(key)?
                .ok_or_else(|| EpcisError::at(&path.join(key), format!("is required ({what})")))
        };

        let time_text = required("eventTime", "a date-time with a zone offset")?;
        let event_time = DateTime::parse_from_rfc3339(time_text).map_err(|_| {
            EpcisError::at(
                &path.join("eventTime"),
                format!("{time_text:?} is not a date-time with a zone offset, e.g. 2026-11-05T10:30:00+01:00"),
            )
        })?;
        let offset = required("eventTimeZoneOffset", "the local offset, e.g. +01:00")?;
        if !valid_offset(offset) {
            return Err(EpcisError::at(
                &path.join("eventTimeZoneOffset"),
                format!("{offset:?} is not an offset between -14:00 and +14:00 written ±hh:mm"),
            ));
        }
        let action_text = required("action", "ADD, OBSERVE or DELETE")?;
        let action = Action::parse(action_text).ok_or_else(|| {
            EpcisError::at(
                &path.join("action"),
                format!("{action_text:?} is not ADD, OBSERVE or DELETE"),
            )
        })?;
        let step_text = required("bizStep", "the CBV business step, e.g. receiving")?;
        let biz_step = BizStep::parse(step_text).ok_or_else(|| {
            let word = step_text.rsplit([':', '-']).next().unwrap_or(step_text);
            let why = if is_cbv_step(word) {
                "is a CBV step custody does not take"
            } else {
                "is not a known CBV business step"
            };
            EpcisError::at(
                &path.join("bizStep"),
                format!(
                    "{step_text:?} {why}; accepted: {}",
                    BizStep::accepted().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let disposition = match text("disposition")? {
            None => None,
            Some(d) => Some(disposition(d).ok_or_else(|| {
                EpcisError::at(
                    &path.join("disposition"),
                    format!("{d:?} is not a CBV 2.0 disposition"),
                )
            })?),
        };
        let event_id = text("eventID")?
            .map(|id| {
                if id.contains(':') {
                    Ok(id.to_owned())
                } else {
                    Err(EpcisError::at(
                        &path.join("eventID"),
                        "must be a URI (e.g. urn:uuid:… or ni:///sha-256;…)",
                    ))
                }
            })
            .transpose()?;
        let epcs = epc_list(json.get("epcList"), &path.join("epcList"))?;
        let read_point = place(json.get("readPoint"), &path.join("readPoint"), prefixes)?;
        let biz_location = place(json.get("bizLocation"), &path.join("bizLocation"), prefixes)?;

        for (key, value) in members {
            let p = path.join(key);
            match key.as_str() {
                "type"
                | "eventTime"
                | "eventTimeZoneOffset"
                | "action"
                | "bizStep"
                | "disposition"
                | "eventID"
                | "epcList"
                | "readPoint"
                | "bizLocation" => {}
                "recordTime" => {
                    value
                        .as_str()
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                        .ok_or_else(|| {
                            EpcisError::at(&p, "expected a date-time with a zone offset")
                        })?;
                }
                "bizTransactionList" => pairs(value, &p, "bizTransaction")?,
                "sourceList" => pairs(value, &p, "source")?,
                "destinationList" => pairs(value, &p, "destination")?,
                "quantityList"
                | "persistentDisposition"
                | "ilmd"
                | "sensorElementList"
                | "certificationInfo" => check_bounded(value, &p, 0)?,
                "errorDeclaration" => {
                    return Err(EpcisError::at(
                        &p,
                        "error declarations are not accepted: send the corrected event instead",
                    ));
                }
                k if is_extension(k, prefixes) => check_bounded(value, &p, 0)?,
                k => {
                    return Err(EpcisError::at(
                        &p,
                        format!(
                            "{k:?} is not an ObjectEvent field; extensions need a prefix defined in @context"
                        ),
                    ));
                }
            }
        }
        Ok(ObjectEvent {
            event_id,
            event_hash: String::new(),
            event_time,
            event_time_zone_offset: offset.to_owned(),
            epcs,
            action,
            biz_step,
            disposition,
            read_point,
            biz_location,
            json: json.clone(),
        })
    }
}

fn valid_offset(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 6 || !matches!(b[0], b'+' | b'-') || b[3] != b':' {
        return false;
    }
    let (Ok(h), Ok(m)) = (s[1..3].parse::<u32>(), s[4..6].parse::<u32>()) else {
        return false;
    };
    b[1..3].iter().chain(&b[4..6]).all(u8::is_ascii_digit)
        && m < 60
        && (h < 14 || (h == 14 && m == 0))
}

fn epc_list(value: Option<&Json>, path: &Path) -> Result<Vec<String>, EpcisError> {
    let items = match value {
        Some(Json::Array(items)) if !items.is_empty() => items,
        Some(Json::Array(_)) | None => {
            return Err(EpcisError::at(
                path,
                "is required and must name at least one label",
            ));
        }
        Some(other) => {
            return Err(EpcisError::at(
                path,
                format!("expected an array, found {}", other.kind()),
            ));
        }
    };
    if items.len() > MAX_EPCS {
        return Err(EpcisError::at(
            path,
            format!("names {} labels; at most {MAX_EPCS} per event", items.len()),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = path.join(i);
        let s = item
            .as_str()
            .filter(|s| !s.is_empty() && s.len() <= MAX_STRING && !s.contains(char::is_whitespace))
            .ok_or_else(|| {
                EpcisError::at(
                    &p,
                    format!("expected a label URL without spaces, of at most {MAX_STRING} bytes"),
                )
            })?;
        if !seen.insert(s) {
            return Err(EpcisError::at(
                &p,
                "this label is already listed in the event",
            ));
        }
        out.push(s.to_owned());
    }
    Ok(out)
}

/// `readPoint` / `bizLocation`: an object whose `id` is a URI (SGLN, `urn:tasdiq:location:…`,
/// any scheme), plus optional namespaced extensions.
fn place(
    value: Option<&Json>,
    path: &Path,
    prefixes: &BTreeSet<String>,
) -> Result<Option<String>, EpcisError> {
    let Some(value) = value else { return Ok(None) };
    let Json::Object(members) = value else {
        return Err(EpcisError::at(
            path,
            format!("expected an object with an id, found {}", value.kind()),
        ));
    };
    let mut id = None;
    for (k, v) in members {
        let p = path.join(k);
        if k == "id" {
            let s = v.as_str().filter(|s| uri_like(s)).ok_or_else(|| {
                EpcisError::at(
                    &p,
                    "expected a location URI, e.g. urn:epc:id:sgln:0614141.00888.0",
                )
            })?;
            id = Some(s.to_owned());
        } else if is_extension(k, prefixes) {
            check_bounded(v, &p, 1)?;
        } else {
            return Err(EpcisError::at(
                &p,
                format!("{k:?} is not a field of a location"),
            ));
        }
    }
    id.map(Some)
        .ok_or_else(|| EpcisError::at(&path.join("id"), "is required"))
}

fn uri_like(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && s.len() <= MAX_STRING
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !s.contains(char::is_whitespace)
}

/// `bizTransactionList` / `sourceList` / `destinationList`: entries of exactly an identifier
/// and its `type`. The standard lets a business transaction omit its type, but the reference
/// event hash fails on such an entry, so one is required here.
fn pairs(value: &Json, path: &Path, id_key: &str) -> Result<(), EpcisError> {
    let Json::Array(items) = value else {
        return Err(EpcisError::at(
            path,
            format!("expected an array, found {}", value.kind()),
        ));
    };
    if items.len() > 100 {
        return Err(EpcisError::at(path, "at most 100 entries"));
    }
    for (i, item) in items.iter().enumerate() {
        let p = path.join(i);
        let ok = matches!(item, Json::Object(m) if m.len() == 2)
            && item
                .get(id_key)
                .and_then(Json::as_str)
                .is_some_and(uri_like)
            && item
                .get("type")
                .and_then(Json::as_str)
                .is_some_and(|t| !t.is_empty() && t.len() <= MAX_STRING);
        if !ok {
            return Err(EpcisError::at(
                &p,
                format!("expected {{\"type\": …, \"{id_key}\": URI}} and nothing else"),
            ));
        }
    }
    Ok(())
}

/// Whether a key is a user extension: `prefix:name` with a prefix the document defines, or a
/// full `http(s)://` IRI.
pub(crate) fn is_extension(key: &str, prefixes: &BTreeSet<String>) -> bool {
    if key.starts_with("http://") || key.starts_with("https://") {
        return key.len() <= MAX_STRING;
    }
    match key.split_once(':') {
        Some((prefix, name)) => {
            prefixes.contains(prefix) && !name.is_empty() && key.len() <= MAX_STRING
        }
        None => false,
    }
}

/// Any JSON value within the size bounds: strings ≤ [`MAX_STRING`], nesting ≤
/// [`MAX_EVENT_DEPTH`], at most 1000 members or items per level.
pub(crate) fn check_bounded(value: &Json, path: &Path, depth: usize) -> Result<(), EpcisError> {
    if depth > MAX_EVENT_DEPTH {
        return Err(EpcisError::at(
            path,
            format!("nested deeper than {MAX_EVENT_DEPTH} levels"),
        ));
    }
    match value {
        Json::String(s) if s.len() > MAX_STRING => Err(EpcisError::at(
            path,
            format!("a string of {} bytes; at most {MAX_STRING}", s.len()),
        )),
        Json::Array(items) if items.len() > 1000 => {
            Err(EpcisError::at(path, "more than 1000 items"))
        }
        Json::Object(members) if members.len() > 1000 => {
            Err(EpcisError::at(path, "more than 1000 members"))
        }
        Json::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_bounded(v, &path.join(i), depth + 1)),
        Json::Object(members) => members.iter().try_for_each(|(k, v)| {
            if k.len() > MAX_STRING {
                return Err(EpcisError::at(
                    path,
                    "a member name longer than the string limit",
                ));
            }
            check_bounded(v, &path.join(k), depth + 1)
        }),
        Json::Number(n) if n.as_f64().is_none_or(|f| !f.is_finite()) => {
            Err(EpcisError::at(path, "a number out of range"))
        }
        _ => Ok(()),
    }
}

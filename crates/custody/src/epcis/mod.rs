//! GS1 EPCIS 2.0 JSON / JSON-LD documents of custody events: parsing, validation and the
//! event hash of each event.
//!
//! [`parse_document`] takes the request body as text and returns the `ObjectEvent`s with what
//! custody needs (labels, step, time, place) and each event's standard hash; it refuses what
//! it does not understand with an [`EpcisError`] naming the JSON Pointer of the culprit
//! (`/epcisBody/eventList/3/bizStep`), so the service can answer problem+json with it. The
//! labels in `epcList` are returned as written: checking that each is a genuine tasdiq label
//! is the service's job.

mod event;
mod vocab;

pub use event::ObjectEvent;
pub use vocab::{Action, BizStep, OTHER_STEPS, disposition};

use std::collections::BTreeSet;

use crate::hash;
use crate::json::Json;

/// Largest body [`parse_document`] reads, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;
/// Most events in one document.
pub const MAX_EVENTS: usize = 500;
/// Most labels in one event's `epcList`.
pub const MAX_EPCS: usize = 1000;
/// Longest string anywhere in a document, in bytes (a label URL is about 240).
pub const MAX_STRING: usize = 1024;
/// Deepest nesting inside one event (the standard's deepest, sensor reports, is 4).
pub const MAX_EVENT_DEPTH: usize = 8;

/// The JSON-LD contexts of EPCIS 2.0 a document may name: the two the reference
/// implementation ships, and the unversioned alias of the first.
pub const EPCIS_CONTEXTS: &[&str] = &[
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
];

/// A refused document: where (a JSON Pointer, `""` for the whole body) and what is wrong, in a
/// sentence a developer can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {detail}", if path.is_empty() { "document" } else { path.as_str() })]
pub struct EpcisError {
    /// JSON Pointer (RFC 6901) of the offending value.
    pub path: String,
    /// What is wrong and what is expected.
    pub detail: String,
}

impl EpcisError {
    pub(crate) fn at(path: &Path, detail: impl Into<String>) -> EpcisError {
        EpcisError {
            path: path.pointer(),
            detail: detail.into(),
        }
    }
}

/// A validated EPCIS document: its events, in document order.
#[derive(Clone, Debug)]
pub struct Document {
    /// The `ObjectEvent`s, each with its event hash.
    pub events: Vec<ObjectEvent>,
}

/// A JSON Pointer under construction.
#[derive(Clone, Debug, Default)]
pub(crate) struct Path(Vec<String>);

impl Path {
    pub(crate) fn join(&self, segment: impl ToString) -> Path {
        let mut p = self.0.clone();
        p.push(segment.to_string());
        Path(p)
    }
    pub(crate) fn pointer(&self) -> String {
        self.0
            .iter()
            .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
            .collect()
    }
}

/// Parses and validates an EPCIS 2.0 document: an `EPCISDocument` object whose
/// `epcisBody.eventList` holds `ObjectEvent`s, or, for convenience, a bare JSON array of
/// `ObjectEvent`s (paths then start at the index: `/3/bizStep`), hashed as if wrapped in a
/// document with the standard context alone.
pub fn parse_document(text: &str) -> Result<Document, EpcisError> {
    let root = Path::default();
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(EpcisError::at(
            &root,
            format!(
                "the document has {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted",
                text.len()
            ),
        ));
    }
    let json =
        Json::parse(text).map_err(|e| EpcisError::at(&root, format!("not valid JSON ({e})")))?;
    match json {
        Json::Array(_) => {
            let doc = Json::Object(vec![
                ("@context".into(), Json::String(EPCIS_CONTEXTS[0].into())),
                ("type".into(), Json::String("EPCISDocument".into())),
                (
                    "epcisBody".into(),
                    Json::Object(vec![("eventList".into(), json)]),
                ),
            ]);
            let prefixes = BTreeSet::new();
            let events = events_of(&doc, &root, &prefixes)?;
            finish(&doc, events)
        }
        Json::Object(_) => {
            let prefixes = check_header(&json)?;
            let body_path = root.join("epcisBody");
            let events = events_of(&json, &body_path.join("eventList"), &prefixes)?;
            finish(&json, events)
        }
        other => Err(EpcisError::at(
            &root,
            format!("expected an EPCISDocument object, found {}", other.kind()),
        )),
    }
}

/// Checks the document's own members and returns the extension prefixes its `@context` defines.
fn check_header(doc: &Json) -> Result<BTreeSet<String>, EpcisError> {
    let root = Path::default();
    let Json::Object(members) = doc else {
        unreachable!("checked by the caller")
    };
    let mut prefixes = BTreeSet::new();
    match doc.get("type").and_then(Json::as_str) {
        Some("EPCISDocument") => {}
        Some(t) => {
            return Err(EpcisError::at(
                &root.join("type"),
                format!("expected \"EPCISDocument\", found {t:?}"),
            ));
        }
        None => {
            return Err(EpcisError::at(
                &root.join("type"),
                "\"EPCISDocument\" is required",
            ));
        }
    }
    let context_path = root.join("@context");
    let named = |s: &str| EPCIS_CONTEXTS.contains(&s);
    match doc.get("@context") {
        Some(Json::String(s)) if named(s) => {}
        Some(Json::Array(items)) => {
            let mut standard = false;
            for (i, item) in items.iter().enumerate() {
                let p = context_path.join(i);
                match item {
                    Json::String(s) if named(s) => standard = true,
                    Json::Object(defs) => {
                        for (prefix, ns) in defs {
                            let ok = ns
                                .as_str()
                                .is_some_and(|n| n.contains(':') && n.len() <= MAX_STRING)
                                && !prefix.is_empty()
                                && !prefix.contains(':')
                                && !prefix.starts_with('@');
                            if !ok {
                                return Err(EpcisError::at(
                                    &p.join(prefix),
                                    "a context entry must map a prefix to a namespace IRI",
                                ));
                            }
                            prefixes.insert(prefix.clone());
                        }
                    }
                    _ => {
                        return Err(EpcisError::at(
                            &p,
                            "only the EPCIS 2.0 context and prefix definitions are accepted",
                        ));
                    }
                }
            }
            if !standard {
                return Err(EpcisError::at(
                    &context_path,
                    format!("must include the EPCIS 2.0 context {}", EPCIS_CONTEXTS[0]),
                ));
            }
        }
        Some(_) | None => {
            return Err(EpcisError::at(
                &context_path,
                format!(
                    "must be (or include) the EPCIS 2.0 context {}",
                    EPCIS_CONTEXTS[0]
                ),
            ));
        }
    }
    for (key, value) in members {
        let p = root.join(key);
        match key.as_str() {
            "type" | "@context" | "epcisBody" => {}
            "schemaVersion" => match value.as_str() {
                Some(v) if v == "2.0" || v.starts_with("2.0.") => {}
                _ => return Err(EpcisError::at(&p, "expected \"2.0\" (EPCIS 2.0 JSON)")),
            },
            "creationDate" => {
                value
                    .as_str()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                    .ok_or_else(|| EpcisError::at(&p, "expected a date-time with a zone offset"))?;
            }
            "instanceIdentifier" | "sender" | "receiver" | "epcisHeader" => {
                event::check_bounded(value, &p, 0)?;
            }
            k if event::is_extension(k, &prefixes) => event::check_bounded(value, &p, 0)?,
            k => {
                return Err(EpcisError::at(
                    &p,
                    format!("{k:?} is not an EPCISDocument field"),
                ));
            }
        }
    }
    Ok(prefixes)
}

/// The document's event list, validated.
fn events_of(
    doc: &Json,
    list_path: &Path,
    prefixes: &BTreeSet<String>,
) -> Result<Vec<ObjectEvent>, EpcisError> {
    let body = doc
        .get("epcisBody")
        .ok_or_else(|| EpcisError::at(&Path::default().join("epcisBody"), "is required"))?;
    let Json::Object(members) = body else {
        return Err(EpcisError::at(
            &Path::default().join("epcisBody"),
            "expected an object",
        ));
    };
    if let Some((k, _)) = members.iter().find(|(k, _)| k != "eventList") {
        return Err(EpcisError::at(
            &Path::default().join("epcisBody").join(k),
            "only eventList is accepted in epcisBody",
        ));
    }
    let list = match body.get("eventList") {
        Some(Json::Array(list)) => list,
        Some(other) => {
            return Err(EpcisError::at(
                list_path,
                format!("expected an array, found {}", other.kind()),
            ));
        }
        None => return Err(EpcisError::at(list_path, "is required")),
    };
    if list.is_empty() {
        return Err(EpcisError::at(list_path, "holds no event"));
    }
    if list.len() > MAX_EVENTS {
        return Err(EpcisError::at(
            list_path,
            format!(
                "holds {} events; at most {MAX_EVENTS} per document",
                list.len()
            ),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, e)| ObjectEvent::from_json(e, &list_path.join(i), prefixes))
        .collect()
}

fn finish(doc: &Json, mut events: Vec<ObjectEvent>) -> Result<Document, EpcisError> {
    let hashes = hash::document_hashes(doc).map_err(|e| {
        EpcisError::at(
            &Path::default(),
            format!("cannot compute the event hash: {e}"),
        )
    })?;
    for (event, h) in events.iter_mut().zip(hashes) {
        event.event_hash = h;
    }
    Ok(Document { events })
}

#[cfg(test)]
mod tests;

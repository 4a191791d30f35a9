//! The EPCIS event hash of CBV 2.0 (§8.9, "EPCIS Event Hash ID"): a canonical pre-hash string
//! of the whole event, hashed with SHA-256 into `ni:///sha-256;<hex>?ver=CBV2.0`.
//!
//! The standard's text leaves corners open, so this follows the reference implementation
//! (`epcis-event-hash-generator` 1.9.3) step for step, and the crate's interop test checks the
//! two agree: the document becomes a tree of (name, text, children) as the reference builds it
//! from JSON, lists are renamed to their XML element names, then fields are emitted in the
//! canonical property order, lists sorted, values canonicalised (CBV URNs and bare words to
//! web vocabulary, EPC URIs to Digital Link, numbers, timestamps in UTC with milliseconds), and
//! user extensions appended in sorted order with their namespace in braces.

mod canon;
mod dl;
pub(crate) mod vocab;

use std::collections::BTreeMap;
use std::fmt::Write;

use sha2::{Digest, Sha256};

use crate::json::Json;

/// Why an event hash cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// The document has no `epcisBody.eventList` (or `epcisBody.event`).
    #[error("the document has no epcisBody.eventList")]
    NoEvents,
    /// A shape the reference implementation fails on, so no hash can be agreed.
    #[error("{0}")]
    Unsupported(String),
}

/// One node of the reference's "simple python object": name, text, children.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Node {
    name: String,
    text: String,
    children: Vec<Item>,
}

/// A child: a node, or the (type, identifier) pair the reference makes of a `sourceList`,
/// `destinationList` or `bizTransactionList` entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Node(Node),
    Pair(Node, Node),
}

impl Node {
    fn new(name: &str, text: &str, children: Vec<Item>) -> Node {
        Node {
            name: name.to_owned(),
            text: text.to_owned(),
            children,
        }
    }
}

/// The canonical property order; `Never` stands for the reference's tuple-keyed entries,
/// which never match a child and leave those lists to the generic pass.
enum Order {
    Leaf(&'static str),
    Parent(&'static str, &'static [Order]),
    Never,
}
use Order::{Leaf, Never, Parent};

const QUANTITY: &[Order] = &[Parent(
    "quantityElement",
    &[Leaf("epcClass"), Leaf("quantity"), Leaf("uom")],
)];
const EPC: &[Order] = &[Leaf("epc")];
const PROP_ORDER: &[Order] = &[
    Leaf("eventTime"),
    Leaf("eventTimeZoneOffset"),
    Leaf("certificationInfo"),
    Leaf("parentID"),
    Parent("epcList", EPC),
    Parent("inputEPCList", EPC),
    Parent("childEPCs", EPC),
    Parent("quantityList", QUANTITY),
    Parent("childQuantityList", QUANTITY),
    Parent("inputQuantityList", QUANTITY),
    Parent("outputEPCList", EPC),
    Parent("outputQuantityList", QUANTITY),
    Leaf("action"),
    Leaf("transformationID"),
    Leaf("bizStep"),
    Leaf("disposition"),
    Parent("persistentDisposition", &[Leaf("set"), Leaf("unset")]),
    Parent("readPoint", &[Leaf("id")]),
    Parent("bizLocation", &[Leaf("id")]),
    Parent("bizTransactionList", &[Never]),
    Parent("sourceList", &[Never]),
    Parent("destinationList", &[Never]),
    Parent(
        "sensorElementList",
        &[Parent(
            "sensorElement",
            &[
                Parent(
                    "sensorMetadata",
                    &[
                        Leaf("time"),
                        Leaf("startTime"),
                        Leaf("endTime"),
                        Leaf("deviceID"),
                        Leaf("deviceMetadata"),
                        Leaf("rawData"),
                        Leaf("dataProcessingMethod"),
                        Leaf("bizRules"),
                    ],
                ),
                Parent(
                    "sensorReport",
                    &[
                        Leaf("type"),
                        Leaf("exception"),
                        Leaf("deviceID"),
                        Leaf("deviceMetadata"),
                        Leaf("rawData"),
                        Leaf("dataProcessingMethod"),
                        Leaf("time"),
                        Leaf("microorganism"),
                        Leaf("chemicalSubstance"),
                        Leaf("value"),
                        Leaf("component"),
                        Leaf("stringValue"),
                        Leaf("booleanValue"),
                        Leaf("hexBinaryValue"),
                        Leaf("uriValue"),
                        Leaf("minValue"),
                        Leaf("maxValue"),
                        Leaf("meanValue"),
                        Leaf("sDev"),
                        Leaf("percRank"),
                        Leaf("percValue"),
                        Leaf("uom"),
                        Leaf("coordinateReferenceSystem"),
                    ],
                ),
            ],
        )],
    ),
];

/// The event hash of every event of an EPCIS document, in document order.
pub fn document_hashes(doc: &Json) -> Result<Vec<String>, HashError> {
    Ok(document_prehashes(doc)?
        .iter()
        .map(|p| ni_sha256(p))
        .collect())
}

/// The pre-hash strings of every event of a document (what [`document_hashes`] hashes), for
/// debugging a disagreement with another implementation.
pub fn document_prehashes(doc: &Json) -> Result<Vec<String>, HashError> {
    let doc = vocab::replace_bare_strings(doc);
    let mut ns = Namespaces::default();
    if let Some(Json::Array(context)) = doc.get("@context") {
        for entry in context {
            match entry {
                Json::String(s) => {
                    ns.0.insert(s.clone(), format!("{{{s}}}"));
                }
                Json::Object(members) => {
                    for (k, v) in members {
                        let v = v.as_str().ok_or_else(|| {
                            HashError::Unsupported(format!(
                                "@context entry {k:?} must map a prefix to a namespace string"
                            ))
                        })?;
                        ns.0.insert(k.clone(), format!("{{{v}}}"));
                    }
                }
                _ => {}
            }
        }
    }
    let body = doc.get("epcisBody").ok_or(HashError::NoEvents)?;
    let events: Vec<&Json> = match (body.get("eventList"), body.get("event")) {
        (Some(Json::Array(list)), _) => list.iter().collect(),
        (Some(_), _) => return Err(HashError::NoEvents),
        (None, Some(event)) => vec![event],
        (None, None) => return Err(HashError::NoEvents),
    };
    events
        .into_iter()
        .map(|event| {
            let node = correct(to_node(event, &mut ns)?)?;
            prehash(node)
        })
        .collect()
}

/// `ni:///sha-256;<lowercase hex>?ver=CBV2.0` of a pre-hash string.
pub fn ni_sha256(prehash: &str) -> String {
    let digest = Sha256::digest(prehash.as_bytes());
    let mut out = String::with_capacity(90);
    out.push_str("ni:///sha-256;");
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out.push_str("?ver=CBV2.0");
    out
}

/// Namespace prefixes → `{namespace}`, from the document's `@context` and `@xmlns` keys.
#[derive(Default)]
struct Namespaces(BTreeMap<String, String>);

impl Namespaces {
    fn replace(&self, text: &str, is_value: bool) -> String {
        if let Some((prefix, rest)) = text.split_once(':')
            && let Some(ns) = self.0.get(prefix)
        {
            return if is_value {
                format!("{}{rest}", ns.replace(['{', '}'], ""))
            } else {
                format!("{ns}{rest}")
            };
        }
        text.to_owned()
    }
}

/// Python's `str()` of a JSON scalar, as the reference's converter writes it.
fn scalar_text(value: &Json, ns: &Namespaces) -> String {
    match value {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(n) if n.is_f64() => canon::python_repr(n.as_f64().unwrap_or(0.0)),
        Json::Number(n) => n.to_string(),
        Json::String(s) => ns.replace(s, true),
        Json::Array(_) | Json::Object(_) => String::new(),
    }
}

const UNSORTED: [&str; 3] = ["bizTransaction", "source", "destination"];

/// The reference's `_json_to_py`.
fn to_node(value: &Json, ns: &mut Namespaces) -> Result<Node, HashError> {
    let mut node = Node::new("", "", Vec::new());
    let keep_order = match value {
        Json::Array(items) => {
            for item in items {
                node.children.push(Item::Node(to_node(item, ns)?));
            }
            items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| UNSORTED.contains(&s)))
        }
        Json::Object(raw) => {
            // A repeated key keeps its first position and its last value, as in a Python dict.
            let mut members: Vec<(&String, &Json)> = Vec::with_capacity(raw.len());
            for (k, v) in raw {
                match members.iter_mut().find(|(mk, _)| *mk == k) {
                    Some(slot) => slot.1 = v,
                    None => members.push((k, v)),
                }
            }
            if let Some((_, t)) = members.iter().find(|(k, _)| *k == "type") {
                node.name = t
                    .as_str()
                    .ok_or_else(|| HashError::Unsupported("\"type\" must be a string".into()))?
                    .to_owned();
            }
            if let Some((_, t)) = members.iter().find(|(k, _)| *k == "#text") {
                node.text = t
                    .as_str()
                    .ok_or_else(|| HashError::Unsupported("\"#text\" must be a string".into()))?
                    .to_owned();
            }
            for (key, val) in &members {
                if matches!(key.as_str(), "#text" | "rdfs:comment" | "comment") {
                    continue;
                }
                if let Some(prefix) = key.strip_prefix("@xmlns") {
                    let url = val.as_str().ok_or_else(|| {
                        HashError::Unsupported(format!("{key:?} must be a namespace string"))
                    })?;
                    ns.0.insert(
                        prefix.get(1..).unwrap_or("").to_owned(),
                        format!("{{{url}}}"),
                    );
                    node.name = ns.replace(&node.name, false);
                    continue;
                }
                let child = to_node(val, ns)?;
                let key = ns.replace(key, false);
                if matches!(val, Json::Array(_)) {
                    for element in child.children {
                        if let Item::Node(e) = element {
                            node.children.push(Item::Node(Node {
                                name: key.clone(),
                                ..e
                            }));
                        }
                    }
                } else {
                    node.children.push(Item::Node(Node { name: key, ..child }));
                }
            }
            members.iter().any(|(k, _)| UNSORTED.contains(&k.as_str()))
        }
        scalar => return Ok(Node::new("", &scalar_text(scalar, ns), Vec::new())),
    };
    if !keep_order {
        node.children.sort();
    }
    Ok(node)
}

const PAIR_LISTS: [&str; 3] = ["sourceList", "destinationList", "bizTransactionList"];

/// The reference's `deep_structure_correction`: JSON lists to their XML shape.
fn correct(node: Node) -> Result<Node, HashError> {
    let mut level: Vec<Item> = Vec::with_capacity(node.children.len());
    let mut lists: Vec<(String, Vec<Node>)> = Vec::new();
    let mut child_epcs: Vec<Item> = Vec::new();
    for item in node.children {
        match item {
            Item::Node(n) if n.name.ends_with("List") => {
                let list = n.name.clone();
                let element = Node {
                    name: list[..list.len() - 4].to_owned(),
                    ..n
                };
                match lists.iter_mut().find(|(name, _)| *name == list) {
                    Some((_, elements)) => elements.push(element),
                    None => lists.push((list, vec![element])),
                }
            }
            other => level.push(other),
        }
    }
    for (name, elements) in lists {
        let children = if PAIR_LISTS.contains(&name.as_str()) {
            elements
                .into_iter()
                .map(|e| {
                    match <[Item; 2]>::try_from(e.children.into_iter().take(2).collect::<Vec<_>>())
                    {
                        Ok([Item::Node(a), Item::Node(b)]) => Ok(Item::Pair(a, b)),
                        _ => Err(HashError::Unsupported(format!(
                            "each {name} entry needs its identifier and its type"
                        ))),
                    }
                })
                .collect::<Result<_, _>>()?
        } else {
            elements.into_iter().map(Item::Node).collect()
        };
        level.push(Item::Node(Node::new(&name, "", children)));
    }
    level.retain(|item| match item {
        Item::Node(n) if n.name == "childEPCs" => {
            child_epcs.push(Item::Node(Node::new("epc", &n.text, Vec::new())));
            false
        }
        _ => true,
    });
    if !child_epcs.is_empty() {
        level.push(Item::Node(Node::new("childEPCs", "", child_epcs)));
    }
    let mut children = Vec::with_capacity(level.len());
    for item in level {
        children.push(match item {
            Item::Node(n) if !PAIR_LISTS.contains(&n.name.as_str()) => Item::Node(correct(n)?),
            other => other,
        });
    }
    let mut name = node.name;
    if name == "inputEPC" || name == "outputEPC" {
        name = "epc".into();
    }
    if matches!(
        name.as_str(),
        "inputQuantity" | "outputQuantity" | "childQuantity"
    ) || (name == "quantity" && !children.is_empty())
    {
        name = "quantityElement".into();
    }
    Ok(Node {
        name,
        text: node.text,
        children,
    })
}

fn prehash(mut event: Node) -> Result<String, HashError> {
    let ordered = in_order(&mut event.children, PROP_ORDER)?;
    let rest: Vec<Item> = event
        .children
        .into_iter()
        .filter(|i| {
            !matches!(i, Item::Node(n)
                if matches!(n.name.as_str(), "recordTime" | "eventID" | "type" | "errorDeclaration"))
        })
        .collect();
    let rest = if rest.is_empty() {
        String::new()
    } else {
        generic(&rest)?
    };
    Ok(format!("eventType={}{ordered}{rest}", event.name))
}

fn canonical(text: &str) -> Result<String, HashError> {
    let t = canon::numeric(&canon::web_vocabulary(text))
        .map_err(|_| HashError::Unsupported(format!("{text:?} is an infinite number")))?;
    Ok(dl::normalise(&t).unwrap_or(t))
}

/// The reference's `_child_to_pre_hash_string`.
fn child_prehash(child: &mut Node, sub: Option<&[Order]>) -> Result<String, HashError> {
    let grand = match sub {
        Some(order) => in_order(&mut child.children, order)?,
        None => String::new(),
    };
    let mut text = String::new();
    if !child.text.is_empty() {
        let t = child.text.trim();
        let lower = child.name.to_lowercase();
        text = if lower.contains("time") && !lower.contains("offset") {
            canon::timestamp(t)
        } else {
            canonical(t)?
        };
        if !text.is_empty() {
            text.insert(0, '=');
        }
    }
    if text.is_empty() && grand.is_empty() {
        return Ok(String::new());
    }
    Ok(format!("{}{text}{grand}", child.name))
}

/// The reference's `_recurse_through_children_in_order`: consumes what it emits.
fn in_order(children: &mut Vec<Item>, order: &[Order]) -> Result<String, HashError> {
    let extensions = take_extensions(children);
    let mut out = String::new();
    for entry in order {
        let (name, sub) = match entry {
            Leaf(n) => (*n, None),
            Parent(n, s) => (*n, Some(*s)),
            Never => continue,
        };
        let mut values = Vec::new();
        let mut i = 0;
        while i < children.len() {
            if let Item::Node(child) = &mut children[i]
                && child.name == name
            {
                let s = child_prehash(child, sub)?;
                if !s.is_empty() {
                    values.push(s);
                }
                if child.children.is_empty() {
                    children.remove(i);
                    continue;
                }
            }
            i += 1;
        }
        values.sort();
        out.extend(values);
    }
    if !extensions.is_empty() {
        out.push_str(&generic(&extensions)?);
    }
    Ok(out)
}

/// The reference's `_gather_user_extensions`: namespaced elements inside a standard field
/// (`{ns/}name`), taken out to be appended after that field's own members. Not at event level.
fn take_extensions(children: &mut Vec<Item>) -> Vec<Item> {
    if children.len() <= 1 {
        return Vec::new();
    }
    let top = children.iter().any(
        |c| matches!(c, Item::Node(n) if n.name.contains("eventTime") || n.name.contains("action")),
    );
    if top {
        return Vec::new();
    }
    let (ext, keep): (Vec<Item>, Vec<Item>) = std::mem::take(children)
        .into_iter()
        .partition(|c| matches!(c, Item::Node(n) if n.name.contains('{') && n.name.contains("/}")));
    *children = keep;
    ext
}

/// The reference's `_generic_child_list_to_prehash_string`.
fn generic(children: &[Item]) -> Result<String, HashError> {
    let mut values = Vec::with_capacity(children.len());
    for child in children {
        match child {
            Item::Pair(a, b) => {
                values.push(generic(&[Item::Node(a.clone()), Item::Node(b.clone())])?)
            }
            Item::Node(n) => {
                let t = n.text.trim();
                let text = if t.is_empty() {
                    String::new()
                } else {
                    format!("={}", canonical(t)?)
                };
                values.push(format!("{}{text}{}", n.name, generic(&n.children)?));
            }
        }
    }
    let sort = children.len() > 1
        && !children
            .iter()
            .any(|c| matches!(c, Item::Node(n) if UNSORTED.contains(&n.name.as_str())));
    if sort {
        values.sort();
    }
    Ok(values.concat())
}

#[cfg(test)]
mod tests;

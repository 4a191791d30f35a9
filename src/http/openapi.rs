//! The OpenAPI 3.1 document, generated from the handlers themselves: every `/api/v1` route is
//! registered through `utoipa_axum::OpenApiRouter`, which records its `#[utoipa::path]` as it
//! routes it, so the document cannot drift from what is served. `GET /openapi.json` serves it
//! and `GET /api/docs` renders it as a self-contained HTML reference.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::Html;
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response as ApiResponse, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::state::AppState;

/// Common parts of the document; the paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "tasdiq",
        description = "Certification of products made under Morocco's collective brands, and verification of their signed QR labels. Errors are RFC 9457 problem documents.",
        license(name = "GNU Affero General Public License v3.0 or later", identifier = "AGPL-3.0-or-later"),
    ),
    components(schemas(crate::http::error::Problem, crate::http::error::InvalidField)),
    modifiers(&BearerKeys),
    tags(
        (name = "verification", description = "Verify label codes: one at a time, or a retailer's whole delivery."),
        (name = "registry", description = "The public registry of collective brands and their members."),
        (name = "certificates", description = "Certificates of lots, their labels and their credentials."),
        (name = "officers", description = "Producers, brands and rights of use, for certification officers."),
        (name = "audit", description = "The append-only audit log and consumer reports."),
        (name = "custody", description = "Chain of custody: GS1 EPCIS 2.0 events from retailers and officers, and the places they record them at."),
        (name = "log", description = "The public issuance log (C2SP tlog-tiles at /log/): its policy and each certificate's proof of logging."),
    )
)]
pub struct ApiDoc;

/// Declares the bearer API key scheme that protected routes name.
struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "An API key, `tsq_…`, created with `tasdiq apikey create`. Officer routes also accept the officer web session.".into(),
        );
        components.add_security_scheme("api_key", SecurityScheme::Http(bearer));
    }
}

/// A response carrying a problem document, as every error of the API does.
fn problem(description: &str) -> RefOr<ApiResponse> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn problems(list: &[(u16, &str)]) -> BTreeMap<String, RefOr<ApiResponse>> {
    list.iter()
        .map(|(status, description)| (status.to_string(), problem(description)))
        .collect()
}

/// The answers of any route behind an API key: a bad request, no or a bad key, a role that
/// may not, and the key's rate limit. Named in `#[utoipa::path(responses(...))]`.
pub struct Guarded;

impl IntoResponses for Guarded {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        problems(&[
            (400, "A bad path, query or JSON syntax"),
            (401, "No credentials, or an unknown or revoked API key"),
            (403, "The caller's role may not do this"),
            (429, "Too many requests for this API key; see Retry-After"),
        ])
    }
}

/// The answers of a route that takes a JSON body: not JSON, or invalid fields.
pub struct JsonBody;

impl IntoResponses for JsonBody {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        problems(&[
            (415, "Not sent as application/json"),
            (422, "Invalid fields, each named in `errors`"),
        ])
    }
}

/// The answer of a route whose path names something that does not exist.
pub struct NotFound;

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        problems(&[(404, "No such resource")])
    }
}

/// The answer of a change a rule of the registry refuses.
pub struct Refused;

impl IntoResponses for Refused {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        problems(&[(
            409,
            "A rule of the registry refuses it; `reason` names the rule",
        )])
    }
}

/// The refusals of an issuance: a rule of the registry, or a lot that is already certified
/// (one lot, one certificate; `docs/problems.md`).
pub struct LotAlreadyCertified;

impl IntoResponses for LotAlreadyCertified {
    fn responses() -> BTreeMap<String, RefOr<ApiResponse>> {
        problems(&[(
            409,
            "A rule of the registry refuses it; `reason` names the rule. A lot (brand, producer, \
             lot code) that already has a certificate is refused with `type` \
             `https://tasdiq.ma/problems/lot_already_certified`, `reason` \
             `lot_already_certified` and `certificate`, the number of the lot's certificate",
        )])
    }
}

/// Documents, on every operation, the answers the layers in front of the handlers can give:
/// 414 for a request target over the limit, 503 when the request times out or the database
/// is out of reach, and 413 for a body over the limit where there is a body.
pub fn add_layer_responses(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.put,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            let responses = &mut op.responses.responses;
            responses
                .entry("414".into())
                .or_insert_with(|| problem("The request target is too long"));
            responses.entry("503".into()).or_insert_with(|| {
                problem("The request took too long, or the database is out of reach; retry")
            });
            if op.request_body.is_some() {
                responses
                    .entry("413".into())
                    .or_insert_with(|| problem("The body is too large"));
            }
        }
    }
}

/// Request and response examples of the retailer and officer operations, by `operationId`:
/// `{"request": EXAMPLE, "responses": {"201": EXAMPLE}}`. Kept apart from the handlers so that
/// they stay readable, and checked against the served schemas by the test suite.
const EXAMPLES: &str = include_str!("openapi-examples.json");

/// Completes the generated document: the server it is served from, `security: []` on the
/// operations anyone may call (every protected one names its scheme), the examples, and no
/// component that nothing refers to.
pub fn finish(doc: &mut utoipa::openapi::OpenApi, public_base: &str) {
    doc.servers = Some(vec![
        utoipa::openapi::server::ServerBuilder::new()
            .url(public_base)
            .description(Some("This tasdiq service"))
            .build(),
    ]);
    let examples: serde_json::Value = serde_json::from_str(EXAMPLES).unwrap_or_default();
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.put,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            op.security.get_or_insert_with(Vec::new);
            let Some(ex) = op.operation_id.as_deref().and_then(|id| examples.get(id)) else {
                continue;
            };
            if let (Some(RefOr::T(body)), Some(example)) =
                (op.request_body.as_mut(), ex.get("request"))
            {
                for content in body.content.values_mut() {
                    if let RefOr::T(content) = content {
                        content.example = Some(example.clone());
                    }
                }
            }
            for (code, example) in ex
                .get("responses")
                .and_then(|r| r.as_object())
                .into_iter()
                .flatten()
            {
                if let Some(RefOr::T(response)) = op.responses.responses.get_mut(code) {
                    for content in response.content.values_mut() {
                        if let RefOr::T(content) = content {
                            content.example = Some(example.clone());
                        }
                    }
                }
            }
        }
    }
    prune_components(doc);
}

/// Drops the schemas no operation reaches (utoipa registers the parameter of a generic even
/// when it inlines it).
fn prune_components(doc: &mut utoipa::openapi::OpenApi) {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => {
                            out.extend(r.strip_prefix("#/components/schemas/").map(str::to_owned))
                        }
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let schemas = serde_json::to_value(&components.schemas).unwrap_or_default();
    let mut todo = Vec::new();
    refs(
        &serde_json::to_value(&doc.paths).unwrap_or_default(),
        &mut todo,
    );
    let mut used = std::collections::BTreeSet::new();
    while let Some(name) = todo.pop() {
        if used.insert(name.clone()) {
            refs(&schemas[&name], &mut todo);
        }
    }
    components.schemas.retain(|name, _| used.contains(name));
}

/// `GET /openapi.json` and `GET /api/docs`, serving the document built with the routes.
pub fn router(doc: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    let json: Arc<str> = doc.to_json().unwrap_or_else(|_| "{}".to_owned()).into();
    let page: Arc<str> = reference_page(&doc).into();
    Router::new()
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        json.to_string(),
                    )
                }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let page = page.clone();
                async move { Html(page.to_string()) }
            }),
        )
}

/// The API reference as one self-contained HTML page: every operation with its parameters,
/// body fields, examples, a `curl` line and its answers, rendered on the server from the same
/// document. No script, no CDN: a retailer can call the batch route from this page alone.
fn reference_page(doc: &utoipa::openapi::OpenApi) -> String {
    use serde_json::{Value, json};
    let value = serde_json::to_value(doc).unwrap_or_default();
    let server = value
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let schemas = value
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    let mut ops = Vec::new();
    for (path, item) in value
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in ["get", "post", "patch", "put", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let params: Vec<Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| {
                    json!({
                        "name": p.get("name"),
                        "in": p.get("in"),
                        "required": p.get("required").and_then(Value::as_bool).unwrap_or(false),
                        "description": p.get("description"),
                    })
                })
                .collect();
            let responses: Vec<Value> = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(code, r)| json!({"code": code, "description": r.get("description")}))
                .collect();
            let body = op.pointer("/requestBody/content/application~1json");
            let body_ref = body
                .and_then(|b| b.pointer("/schema/$ref"))
                .and_then(Value::as_str)
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned());
            let fields = body_ref
                .as_deref()
                .map(|name| schema_fields(&schemas, name))
                .unwrap_or_default();
            let body_example = body.and_then(|b| b.get("example"));
            let answer_example = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(code, _)| code.starts_with('2'))
                .find_map(|(_, r)| r.pointer("/content/application~1json/example"));
            let secured = op
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty());
            ops.push(json!({
                "id": op.get("operationId"),
                "method": method.to_uppercase(),
                "path": path,
                "summary": op.get("summary"),
                "description": op.get("description"),
                "secured": secured,
                "params": params,
                "body": body_ref,
                "fields": fields,
                "body_example": body_example.map(pretty),
                "answer_example": answer_example.map(pretty),
                "curl": curl(&server, method, path, secured, body_example),
                "responses": responses,
            }));
        }
    }
    let ctx = minijinja::context! {
        lang => "en",
        dir => "ltr",
        langs => Vec::<()>::new(),
        css => crate::http::pages::CSS,
        title => value.pointer("/info/title"),
        version => value.pointer("/info/version"),
        description => value.pointer("/info/description"),
        server => server,
        ops => ops,
    };
    crate::http::pages::env()
        .get_template("apidocs.html")
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| format!("reference unavailable: {e}"))
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The fields of a body schema, one line each: name, type, whether required, constraints.
fn schema_fields(schemas: &serde_json::Value, name: &str) -> Vec<serde_json::Value> {
    use serde_json::{Value, json};
    let schema = &schemas[name];
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let kind = |p: &Value| -> String {
        if let Some(r) = p.get("$ref").and_then(Value::as_str) {
            let target = r.rsplit('/').next().unwrap_or(r);
            return match schemas[target].get("enum").and_then(Value::as_array) {
                Some(words) => words
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" | "),
                None => target.to_owned(),
            };
        }
        if let Some(any) = p.get("oneOf").and_then(Value::as_array) {
            return any
                .iter()
                .filter_map(|s| s.get("$ref").and_then(Value::as_str))
                .map(|r| r.rsplit('/').next().unwrap_or(r))
                .collect::<Vec<_>>()
                .join(" | ");
        }
        let ty = match &p["type"] {
            Value::Array(t) => t
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" | "),
            Value::String(t) => t.clone(),
            _ => "any".into(),
        };
        match p.pointer("/items/type").and_then(Value::as_str) {
            Some(item) => format!("{ty} of {item}"),
            None => ty,
        }
    };
    schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(field, p)| {
            let limits: Vec<String> = [
                "format",
                "pattern",
                "minimum",
                "maximum",
                "minLength",
                "maxLength",
                "minItems",
                "maxItems",
            ]
            .iter()
            .filter_map(|k| {
                p.get(*k)
                    .map(|v| format!("{k} {}", v.to_string().trim_matches('"')))
            })
            .collect();
            json!({
                "name": field,
                "type": kind(p),
                "required": required.contains(&field.as_str()),
                "limits": limits.join(", "),
                "description": p.get("description"),
            })
        })
        .collect()
}

/// A `curl` line for an operation, with its example body when it has one.
fn curl(
    server: &str,
    method: &str,
    path: &str,
    secured: bool,
    body: Option<&serde_json::Value>,
) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = format!(
        "curl -X {} {}",
        method.to_uppercase(),
        quote(&format!("{server}{path}"))
    );
    if secured {
        line.push_str(" -H \"Authorization: Bearer $TASDIQ_API_KEY\"");
    }
    if let Some(body) = body {
        line.push_str(" -H 'Content-Type: application/json' -d ");
        line.push_str(&quote(&body.to_string()));
    }
    line
}

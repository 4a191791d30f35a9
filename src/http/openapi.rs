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
        license(name = "AGPL-3.0-or-later"),
    ),
    components(schemas(crate::http::error::Problem, crate::http::error::InvalidField)),
    modifiers(&BearerKeys),
    tags(
        (name = "verification", description = "Verify label codes: one at a time, or a retailer's whole delivery."),
        (name = "registry", description = "The public registry of collective brands and their members."),
        (name = "certificates", description = "Certificates of lots, their labels and their credentials."),
        (name = "officers", description = "Producers, brands and rights of use, for certification officers."),
        (name = "audit", description = "The append-only audit log and consumer reports."),
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
/// body and answers, rendered on the server from the same document. No script, no CDN.
fn reference_page(doc: &utoipa::openapi::OpenApi) -> String {
    let value = serde_json::to_value(doc).unwrap_or_default();
    let mut ops = Vec::new();
    if let Some(paths) = value.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            for method in ["get", "post", "patch", "put", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let params: Vec<serde_json::Value> = op
                    .get("parameters")
                    .and_then(|p| p.as_array())
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| {
                        serde_json::json!({
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": p.get("required").and_then(|r| r.as_bool()).unwrap_or(false),
                            "description": p.get("description"),
                        })
                    })
                    .collect();
                let responses: Vec<serde_json::Value> = op
                    .get("responses")
                    .and_then(|r| r.as_object())
                    .map(|r| {
                        r.iter()
                            .map(|(code, resp)| serde_json::json!({"code": code, "description": resp.get("description")}))
                            .collect()
                    })
                    .unwrap_or_default();
                let body = op
                    .pointer("/requestBody/content/application~1json/schema/$ref")
                    .and_then(|r| r.as_str())
                    .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned());
                ops.push(serde_json::json!({
                    "method": method.to_uppercase(),
                    "path": path,
                    "summary": op.get("summary").or_else(|| op.get("description")),
                    "description": op.get("description"),
                    "secured": op.get("security").is_some(),
                    "params": params,
                    "body": body,
                    "responses": responses,
                }));
            }
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
        ops => ops,
    };
    crate::http::pages::env()
        .get_template("apidocs.html")
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| format!("reference unavailable: {e}"))
}

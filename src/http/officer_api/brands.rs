//! `POST /api/v1/brands` and `PATCH /api/v1/brands/{number}`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Checks, Written, body, write};
use crate::domain::values::{self, BrandKind, BrandNumber, Category, Region, Standing};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::{Json, Path};
use crate::http::openapi::{Guarded, JsonBody, NotFound, Refused};
use crate::http::public::registry::brand_number;
use crate::state::AppState;
use crate::store::brands::{self, BrandPatch, NewBrand};
use crate::store::registry::Names;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(update))
}

/// A name in the four languages, each in its own script.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamesBody {
    /// In Arabic script.
    #[schema(min_length = 1, max_length = 200)]
    pub ar: String,
    #[schema(min_length = 1, max_length = 200)]
    pub fr: String,
    #[schema(min_length = 1, max_length = 200)]
    pub en: String,
    /// In Tifinagh.
    #[schema(min_length = 1, max_length = 200)]
    pub zgh: String,
}

/// Body of `POST /api/v1/brands`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBrand {
    #[schema(minimum = 1, maximum = 65535)]
    pub number: i64,
    #[schema(pattern = "^[a-z0-9-]{2,64}$")]
    pub code: String,
    pub names: NamesBody,
    #[schema(value_type = BrandKind)]
    pub kind: String,
    #[schema(value_type = Category)]
    pub category: String,
    #[schema(value_type = Region)]
    pub region: String,
    #[schema(min_length = 1, max_length = 200)]
    pub holder: String,
    #[schema(min_length = 1, max_length = 64)]
    pub registration_number: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub rules_ref: String,
    #[schema(min_length = 1, max_length = 32)]
    pub rules_version: String,
    #[serde(default)]
    pub illustrative: bool,
}

/// Body of `PATCH /api/v1/brands/{number}`: any subset of fields, and a status with a reason.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBrand {
    pub names: Option<NamesBody>,
    #[schema(value_type = Option<BrandKind>)]
    pub kind: Option<String>,
    #[schema(value_type = Option<Category>)]
    pub category: Option<String>,
    #[schema(value_type = Option<Region>)]
    pub region: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub holder: Option<String>,
    #[schema(min_length = 1, max_length = 64)]
    pub registration_number: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub rules_ref: Option<String>,
    #[schema(min_length = 1, max_length = 32)]
    pub rules_version: Option<String>,
    pub illustrative: Option<bool>,
    /// A new status; it needs a `reason`.
    #[schema(value_type = Option<Standing>)]
    pub status: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

fn names(c: &mut Checks, n: &NamesBody) -> Option<Names> {
    let ar = c.take(values::arabic_name("names.ar", &n.ar));
    let fr = c.take(values::text("names.fr", &n.fr, 200));
    let en = c.take(values::text("names.en", &n.en, 200));
    let zgh = c.take(values::tifinagh_name("names.zgh", &n.zgh));
    Some(Names {
        ar: ar?,
        fr: fr?,
        en: en?,
        zgh: zgh?,
    })
}

/// Checks a status change: a known status, and a reason saying why.
pub fn status_with_reason(
    c: &mut Checks,
    status: Option<&str>,
    reason: Option<&str>,
) -> Option<(Standing, String)> {
    let status = c.take(Standing::parse("status", status?))?;
    let reason = c.take(values::text("reason", reason.unwrap_or(""), 500))?;
    Some((status, reason))
}

/// Registers a brand.
#[utoipa::path(
    post, path = "/api/v1/brands", tag = "officers", operation_id = "createBrand", request_body = CreateBrand,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "The new brand", body = crate::store::registry::BrandView),
        Guarded, JsonBody, Refused,
    )
)]
async fn create(
    State(state): State<AppState>,
    Officer(who): Officer,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let b: CreateBrand = body(raw.clone())?;
    let mut c = Checks::default();
    let number = c.take(
        u16::try_from(b.number)
            .map_err(|_| values::FieldError::new("number", "between 1 and 65535"))
            .and_then(BrandNumber::new),
    );
    let code = c.take(values::brand_code(&b.code));
    let names = names(&mut c, &b.names);
    let kind = c.take(BrandKind::parse("kind", &b.kind));
    let category = c.take(Category::parse("category", &b.category));
    let region = c.take(Region::parse("region", &b.region));
    let holder = c.take(values::text("holder", &b.holder, 200));
    let registration_number = b
        .registration_number
        .as_deref()
        .and_then(|r| c.take(values::text("registration_number", r, 64)));
    let rules_ref = c.take(values::text("rules_ref", &b.rules_ref, 200));
    let rules_version = c.take(values::text("rules_version", &b.rules_version, 32));
    c.finish()?;
    let (
        Some(number),
        Some(code),
        Some(names),
        Some(kind),
        Some(category),
        Some(region),
        Some(holder),
        Some(rules_ref),
        Some(rules_version),
    ) = (
        number,
        code,
        names,
        kind,
        category,
        region,
        holder,
        rules_ref,
        rules_version,
    )
    else {
        return Err(ApiError::internal("a checked field went missing"));
    };
    let new = NewBrand {
        number,
        code,
        names,
        kind,
        category,
        region,
        holder,
        registration_number,
        rules_ref,
        rules_version,
        illustrative: b.illustrative,
    };
    let (actor, new) = (who.actor.as_str(), &new);
    write(
        &state,
        &who,
        &headers,
        "POST /api/v1/brands",
        &raw,
        |tx| async move {
            let view = brands::create(&*tx, new, actor).await?;
            Ok(Written {
                status: StatusCode::CREATED,
                location: Some(format!("/api/v1/brands/{}", view.number)),
                body: view,
                statuses_changed: false,
            })
        },
    )
    .await
}

/// Updates a brand: any of its fields, or its status with a reason.
///
/// Status goes active ⇄ suspended → withdrawn. A status change shows in the very next verdict
/// of every label of the brand.
#[utoipa::path(
    patch, path = "/api/v1/brands/{number}", tag = "officers", operation_id = "updateBrand", request_body = PatchBrand,
    params(
        ("number" = u16, Path, minimum = 1, maximum = 65535, description = "The brand's registry number"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retry within 24 hours return the first answer"),
    ),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The brand after the change", body = crate::store::registry::BrandView),
        Guarded, JsonBody, NotFound, Refused,
    )
)]
async fn update(
    State(state): State<AppState>,
    Officer(who): Officer,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(raw): Json<Value>,
) -> Result<Response, ApiError> {
    let number = brand_number(&number)?;
    let p: PatchBrand = body(raw.clone())?;
    let mut c = Checks::default();
    let patch = BrandPatch {
        names: p.names.as_ref().and_then(|n| names(&mut c, n)),
        kind: p
            .kind
            .as_deref()
            .and_then(|k| c.take(BrandKind::parse("kind", k))),
        category: p
            .category
            .as_deref()
            .and_then(|k| c.take(Category::parse("category", k))),
        region: p
            .region
            .as_deref()
            .and_then(|k| c.take(Region::parse("region", k))),
        holder: p
            .holder
            .as_deref()
            .and_then(|h| c.take(values::text("holder", h, 200))),
        registration_number: p
            .registration_number
            .as_deref()
            .map(|r| c.take(values::text("registration_number", r, 64))),
        rules_ref: p
            .rules_ref
            .as_deref()
            .and_then(|r| c.take(values::text("rules_ref", r, 200))),
        rules_version: p
            .rules_version
            .as_deref()
            .and_then(|r| c.take(values::text("rules_version", r, 32))),
        illustrative: p.illustrative,
        status: if p.status.is_some() || p.reason.is_some() {
            if p.status.is_none() {
                c.0.push(values::FieldError::new(
                    "status",
                    "a reason goes with a status",
                ));
            }
            status_with_reason(&mut c, p.status.as_deref(), p.reason.as_deref())
        } else {
            None
        },
    };
    c.finish()?;
    let changes_status = patch.status.is_some();
    let route = format!("PATCH /api/v1/brands/{number}");
    let (actor, patch) = (who.actor.as_str(), &patch);
    write(&state, &who, &headers, &route, &raw, |tx| async move {
        Ok(Written {
            status: StatusCode::OK,
            body: brands::update(&*tx, number, patch, actor).await?,
            statuses_changed: changes_status,
            location: None,
        })
    })
    .await
}

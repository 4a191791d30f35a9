//! Request and answer shapes of the registry's officer routes: brands, producers, rights of
//! use. The JSON API reads its bodies into these; the pages fill the same ones from their forms,
//! so both go through the same checks in `service::registry`.

use serde::{Deserialize, Serialize};

use crate::domain::values::{BrandKind, Category, ProducerKind, Region, Standing};
use crate::store::memberships::{MembershipView, StatusEvent};
use crate::store::producers::ProducerView;

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

/// Body of a grant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    #[schema(minimum = 1)]
    pub producer: i64,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_until: String,
}

/// Body of a renewal: the new period. The right keeps its status; the history keeps the old
/// period.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewBody {
    #[schema(format = Date)]
    pub valid_from: String,
    /// At least today.
    #[schema(format = Date)]
    pub valid_until: String,
}

/// Body of a status change; the period may change with it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    /// Suspending or withdrawing needs a `reason`.
    #[schema(value_type = Option<Standing>)]
    pub status: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
    #[schema(format = Date)]
    pub valid_from: Option<String>,
    #[schema(format = Date)]
    pub valid_until: Option<String>,
}

/// A right of use and its status history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MembershipDetail {
    #[serde(flatten)]
    pub membership: MembershipView,
    pub history: Vec<StatusEvent>,
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

/// A producer and its rights of use.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProducerDetail {
    #[serde(flatten)]
    pub producer: ProducerView,
    pub memberships: Vec<MembershipView>,
}

//! Request shapes of the certificate routes.

use serde::Deserialize;

/// Body of `POST /api/v1/certificates`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    #[schema(minimum = 1, maximum = 65535)]
    pub brand: i64,
    #[schema(minimum = 1)]
    pub producer: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub product: String,
    #[schema(min_length = 1, max_length = 64)]
    pub lot: String,
    #[schema(minimum = 1, maximum = 1000000)]
    pub quantity: i64,
    #[schema(format = Date)]
    pub produced_on: String,
    #[schema(format = Date)]
    pub expires_on: String,
    /// Give every item a one-time claim code for an inner label (issue 17).
    #[serde(default)]
    pub claims: bool,
}

/// Body of a revocation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

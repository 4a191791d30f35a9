//! Request shapes of the certificate routes.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::values::{CertificateStatus, FieldError};
use crate::store::certificates::CertFilter;

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

/// Filters and paging of `GET /api/v1/certificates` (the officers' certificate list fills the
/// same from its search form). Text is matched ignoring accents and case.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CertQuery {
    /// Text found in the lot code, the product, the brand's code or names or the producer's
    /// name; all digits, it also finds the certificate of that number.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Text found in the lot code.
    #[param(max_length = 64)]
    pub lot: Option<String>,
    /// The brand's registry number.
    #[param(value_type = Option<u16>, minimum = 1, maximum = 65535)]
    pub brand: Option<String>,
    /// The producer's id.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub producer: Option<String>,
    #[param(value_type = Option<crate::domain::values::CertificateStatus>)]
    pub status: Option<String>,
    /// Issued on or after this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub issued_from: Option<String>,
    /// Issued on or before this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub issued_to: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    /// Certificates to skip.
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

/// A parameter's text, trimmed; absent when empty.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl CertQuery {
    /// The store's filter, or every refused parameter. Empty parameters are absent.
    pub fn filter(&self) -> Result<CertFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        fn keep<T>(errors: &mut Vec<FieldError>, r: Result<Option<T>, FieldError>) -> Option<T> {
            r.unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        }
        let text = |field: &'static str, v: &Option<String>| match given(v) {
            Some(t) if t.chars().count() > 100 => {
                Err(FieldError::new(field, "at most 100 characters"))
            }
            t => Ok(t),
        };
        let day = |field: &'static str, v: &Option<String>| {
            given(v)
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|_| FieldError::new(field, "a date, YYYY-MM-DD"))
                })
                .transpose()
        };
        let q = keep(&mut errors, text("q", &self.q));
        let lot = keep(&mut errors, text("lot", &self.lot));
        let brand = keep(
            &mut errors,
            given(&self.brand)
                .map(|b| {
                    b.parse::<u16>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        FieldError::new("brand", "a brand number between 1 and 65535")
                    })
                })
                .transpose(),
        );
        let producer = keep(
            &mut errors,
            given(&self.producer)
                .map(|p| {
                    p.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        FieldError::new("producer", "a producer id, a positive number")
                    })
                })
                .transpose(),
        );
        let status = keep(
            &mut errors,
            given(&self.status)
                .map(|s| CertificateStatus::parse("status", &s))
                .transpose(),
        );
        let issued_from = keep(&mut errors, day("issued_from", &self.issued_from));
        let issued_to = keep(&mut errors, day("issued_to", &self.issued_to));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CertFilter {
            q,
            lot,
            brand,
            producer,
            status,
            issued_from,
            issued_to,
        })
    }
}

//! Filters of the audit log (`GET /api/v1/audit`, and the officers' audit page).

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::values::FieldError;
use crate::store::audit::AuditFilter;

/// Filters and paging of `GET /api/v1/audit`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Text found in who acted (`officer:<e-mail>`, `apikey:<id>`, `cli:<command>`); accents
    /// and case are ignored.
    #[param(max_length = 100)]
    pub actor: Option<String>,
    /// The action, e.g. `certificate.issue`, or all of an area with a final dot, e.g.
    /// `certificate.`.
    #[param(max_length = 100)]
    pub action: Option<String>,
    /// Text found in what was acted on, e.g. `certificate:123`.
    #[param(max_length = 100)]
    pub target: Option<String>,
    /// On or after this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// On or before this day (UTC), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1000000000)]
    pub offset: Option<u64>,
}

impl AuditQuery {
    /// The store's filter, or every refused parameter. Empty parameters are absent.
    pub fn filter(&self) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut text = |field: &'static str, v: &Option<String>| match given(v) {
            Some(t) if t.chars().count() > 100 => {
                errors.push(FieldError::new(field, "at most 100 characters"));
                None
            }
            t => t,
        };
        let (actor, action, target) = (
            text("actor", &self.actor),
            text("action", &self.action),
            text("target", &self.target),
        );
        let mut day = |field: &'static str, v: &Option<String>| {
            given(v).and_then(|d| match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError::new(field, "a date, YYYY-MM-DD"));
                    None
                }
            })
        };
        let (from, to) = (day("from", &self.from), day("to", &self.to));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditFilter {
            actor,
            action,
            target,
            from,
            to,
        })
    }
}

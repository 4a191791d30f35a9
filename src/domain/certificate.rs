//! What the registry knows about a certificate, as far as signing its labels and deciding their
//! verdict need it. Its own module so that `keys` (which signs labels from these facts) and
//! `verdict` (which judges labels against them) both depend on it, and not on each other.

use chrono::{DateTime, NaiveDate, Utc};

use super::code::Kid;
use super::values::{CertificateStatus, Standing};

/// What the registry knows about a certificate, as far as the verdict needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    pub number: u64,
    pub brand: u16,
    pub kid: Kid,
    pub quantity: u32,
    pub expires_on: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub status: CertificateStatus,
    pub brand_status: Standing,
    /// The producer's right to use the brand; `None` if there is no such membership.
    pub membership: Option<Standing>,
    /// When that right was last withdrawn for cause: a lot issued before it stays revoked,
    /// whatever the right's status now (a later grant does not revive it).
    pub member_withdrawn_at: Option<DateTime<Utc>>,
}

//! sea-orm entities: the shape of each table, nothing more. Statuses are plain strings here;
//! `store` turns them into domain types.

pub mod api_key;
pub mod audit_log;
pub mod brand;
pub mod certificate;
pub mod custody_event;
pub mod custody_event_label;
pub mod idempotency_key;
pub mod label_scan;
pub mod location;
pub mod membership;
pub mod membership_event;
pub mod officer;
pub mod producer;
pub mod region;
pub mod report;
pub mod setting;
pub mod signing_key;
pub mod status_version;

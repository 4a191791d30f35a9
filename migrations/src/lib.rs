//! Database migrations for tasdiq. One file per change; a landed migration is never edited.
//!
//! The schema is written with SeaQuery so the same code produces it on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_registry;
mod m20261129_000002_scans_and_cache;
mod m20261129_000003_idempotency;
mod m20261129_000004_reports;
mod m20261129_000005_rate_limits;
mod m20261129_000006_sessions_and_daily_scans;
mod m20261201_000001_service_secrets;
mod m20261202_000001_credential_status;
mod m20261203_000003_settings;
mod m20261203_000004_status_list;
mod m20261203_000005_translog;
mod m20261203_000006_region_names;
mod m20261203_000007_custody;
mod m20261204_000001_lot_unique;
mod m20261204_000002_rights_timeline;
mod m20261204_000003_claims;

/// Every migration, in the order it is applied.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_registry::Migration),
            Box::new(m20261129_000002_scans_and_cache::Migration),
            Box::new(m20261129_000003_idempotency::Migration),
            Box::new(m20261129_000004_reports::Migration),
            Box::new(m20261129_000005_rate_limits::Migration),
            Box::new(m20261129_000006_sessions_and_daily_scans::Migration),
            Box::new(m20261201_000001_service_secrets::Migration),
            Box::new(m20261202_000001_credential_status::Migration),
            Box::new(m20261203_000003_settings::Migration),
            Box::new(m20261203_000004_status_list::Migration),
            Box::new(m20261203_000005_translog::Migration),
            Box::new(m20261203_000006_region_names::Migration),
            Box::new(m20261203_000007_custody::Migration),
            Box::new(m20261204_000001_lot_unique::Migration),
            Box::new(m20261204_000002_rights_timeline::Migration),
            Box::new(m20261204_000003_claims::Migration),
        ]
    }
}

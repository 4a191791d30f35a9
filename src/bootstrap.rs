//! Bringing a database to a servable state. On an empty database, `serve` runs all of it:
//! migrations, the signing key, the seed data, the demo certificates and the admin officer.
//! Each step is idempotent, so a restart runs them again harmlessly.

use migration::{Migrator, MigratorTrait};
use rand::distr::{Alphanumeric, SampleString};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::config::Config;
use crate::domain::values::{self, Role};
use crate::entity::brand;
use crate::seed;
use crate::store::{self, seed::SeedSummary};

/// What the bootstrap did, for `serve` to print.
#[derive(Debug, Default)]
pub struct BootReport {
    pub seeded: Option<SeedSummary>,
    /// Set when the admin account was created just now.
    pub admin_created: Option<AdminCreated>,
}

/// The admin account made on first start. The password is shown only if it was generated.
#[derive(Debug)]
pub struct AdminCreated {
    pub email: String,
    pub generated_password: Option<String>,
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// Runs every bootstrap step on an open database.
pub async fn run(db: &DatabaseConnection, config: &Config) -> anyhow::Result<BootReport> {
    let mut report = BootReport::default();
    migrate(db).await?;
    // Signing key: see `keystore::ensure_key` (issue 3 wires it here).
    if brand::Entity::find().count(db).await? == 0 {
        let set = seed::load_dir(&config.seeds_dir).map_err(anyhow::Error::msg)?;
        report.seeded = Some(store::seed::apply(db, &set, "bootstrap").await?);
    }
    if store::officers::count(db).await? == 0 {
        let email = values::email(&config.admin_email)?;
        let (password, generated) = match &config.admin_password {
            Some(p) => (p.expose().to_owned(), None),
            None => {
                let p = Alphanumeric.sample_string(&mut rand::rng(), 20);
                (p.clone(), Some(p))
            }
        };
        store::officers::create(db, &email, &password, Role::Admin).await?;
        report.admin_created = Some(AdminCreated {
            email,
            generated_password: generated,
        });
    }
    Ok(report)
}

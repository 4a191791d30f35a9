//! Bringing a database to a servable state. On an empty database, `serve` runs all of it:
//! migrations, the signing key, the short-code secret, the seed data, the demo certificates and
//! the admin officer.
//! Each step is idempotent, so a restart runs them again harmlessly.

use chrono::{Days, Utc};
use migration::{Migrator, MigratorTrait};
use rand::distr::{Alphanumeric, SampleString};
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::domain::code::Kid;
use crate::domain::lifecycle::CertificateRequest;
use crate::domain::values::{self, Role};
use crate::domain::verdict::Status;
use crate::keystore;
use crate::seed;
use crate::service::{self, By, ServiceError, issuance};
use crate::state::{App, AppState};
use crate::store::{self, seed::SeedSummary};

/// What the bootstrap did, for `serve` to print.
#[derive(Debug, Default)]
pub struct BootReport {
    pub key_created: Option<Kid>,
    /// Whether the short-code secret was made just now.
    pub shortcode_created: bool,
    /// Whether the status-list key was made just now.
    pub status_key_created: bool,
    pub seeded: Option<SeedSummary>,
    pub demo_certificates: usize,
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
    store::settings::ensure_public_url(db, config.public_base()).await?;
    report.key_created = keystore::ensure_signer(db, &config.keys_dir).await?;
    report.shortcode_created = keystore::ensure_shortcode_key(db, &config.keys_dir).await?;
    report.status_key_created = crate::status::key::ensure(db, &config.keys_dir).await?;
    let log_origin = crate::translog::origin(config.public_base());
    keystore::ensure_log_signer(db, &config.keys_dir, &log_origin).await?;
    let app = AppState::offline(db.clone(), config.clone()).await?;
    if store::brands::count(db).await? == 0 {
        let set = seed::load_dir(&config.seeds_dir).map_err(anyhow::Error::msg)?;
        report.seeded = Some(store::seed::apply(db, &set, "bootstrap").await?);
        report.demo_certificates = issue_demo_certificates(&app).await?;
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
        let by = By::actor("bootstrap");
        service::accounts::create_officer(&app, &by, &email, Role::Admin.as_str(), &password)
            .await?;
        report.admin_created = Some(AdminCreated {
            email,
            generated_password: generated,
        });
    }
    Ok(report)
}

/// A demo lot: brand, product, lot, quantity, years of validity, and a revocation reason.
type DemoLot = (
    u16,
    &'static str,
    &'static str,
    u32,
    u64,
    Option<&'static str>,
);

const DEMO: &[DemoLot] = &[
    (
        1,
        "Huile d'argan alimentaire 250 ml",
        "DEMO-ARG-2026-11",
        500,
        2,
        None,
    ),
    (
        2,
        "Safran en filaments 1 g",
        "DEMO-SAF-2026-10",
        200,
        3,
        None,
    ),
    (
        3,
        "Tapis Beni Ouarain 200 × 300 cm",
        "DEMO-BOU-2026-09",
        12,
        20,
        None,
    ),
    (
        1,
        "Huile d'argan cosmétique 100 ml",
        "DEMO-ARG-2026-08",
        100,
        2,
        Some("Démonstration : lot rappelé après contrôle"),
    ),
];

/// Issues the demo certificates, each to the first member of its brand whose right of use is
/// active and valid today. Skipped quietly for a brand without one (edited seeds).
async fn issue_demo_certificates(app: &App) -> anyhow::Result<usize> {
    if store::certificates::any(&app.db).await? {
        return Ok(0);
    }
    let Some(signer) = app.key_ring().signer().map(|k| k.kid) else {
        return Ok(0);
    };
    let now = Utc::now();
    let today = now.date_naive();
    let issued = app
        .write(|tx| async move {
            let mut issued = 0;
            for (brand_number, product, lot, quantity, years, revoked) in DEMO {
                let member = store::memberships::first_active(&*tx, *brand_number, today).await?;
                let Some(producer) = member else { continue };
                let req = CertificateRequest {
                    brand: *brand_number,
                    producer,
                    product: (*product).to_owned(),
                    lot: (*lot).to_owned(),
                    quantity: *quantity,
                    produced_on: today - Days::new(20),
                    expires_on: today + Days::new(365 * years),
                };
                let rec = issuance::issue_in(&*tx, &req, signer, "bootstrap", now).await?;
                if let Some(reason) = revoked {
                    let number = values::CertificateNumber(rec.facts.number);
                    issuance::revoke_in(&*tx, number, reason, "bootstrap").await?;
                }
                issued += 1;
            }
            Ok::<_, ServiceError>(issued)
        })
        .await?;
    Ok(issued)
}

/// A few verification URLs to try: an authentic label, a revoked one, and a forgery.
pub async fn sample_urls(state: &AppState) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    let ring = state.key_ring();
    let base = state.config.public_base();
    let numbers = store::certificates::recent(&state.db, 20).await?;
    let records = store::certificates::records(&state.db, &numbers).await?;
    let mut recs: Vec<_> = records.values().collect();
    recs.sort_by_key(|r| r.facts.issued_at);
    // Chosen by today's verdict, not by the certificate's own status: after a restart the
    // first issued certificate may belong to a suspended producer or brand.
    let today = Utc::now().date_naive();
    let verdict = |r: &&&store::certificates::CertRecord| {
        crate::domain::verdict::decide_lot(&r.facts, ring.get(r.facts.kid), today).status
    };
    let authentic = recs.iter().find(|r| verdict(r) == Status::Authentic);
    let revoked = recs.iter().find(|r| verdict(r) == Status::Revoked);
    if let Some(label) = authentic.and_then(|r| ring.sign_label(&r.facts, 1).ok()) {
        let code = label.to_code();
        out.push(("authentic", format!("{base}/v/{code}")));
        // One digit of the signature changed: a forgery.
        let mut fake = code.into_bytes();
        let last = fake.len() - 4;
        fake[last] = if fake[last] == b'9' {
            b'8'
        } else {
            fake[last] + 1
        };
        out.push((
            "counterfeit",
            format!("{base}/v/{}", String::from_utf8_lossy(&fake)),
        ));
    }
    if let Some(label) = revoked.and_then(|r| ring.sign_label(&r.facts, 1).ok()) {
        out.push(("revoked", format!("{base}/v/{}", label.to_code())));
    }
    if let Some(label) = authentic.and_then(|r| ring.sign_label(&r.facts, 1).ok()) {
        out.push(("JSON", format!("{base}/api/v1/verify/{}", label.to_code())));
    }
    Ok(out)
}

//! `tasdiq settings show` and `tasdiq settings public-url URL`: the settings of a deployment,
//! stored once in its database. Also the one rule every command that prints or links a label
//! follows: the public URL is the stored one, and a run given another is refused.

use std::process::ExitCode;

use clap::Subcommand;
use sea_orm::DatabaseConnection;

use crate::config::{Config, PublicUrlArg, parse_public_url};
use crate::store;

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Print the stored settings.
    Show,
    /// Change the public URL that labels and links point to (audited). Labels printed before
    /// keep the old address: keep it served, or redirect it, for as long as they are in shops.
    PublicUrl {
        /// The new public base URL, e.g. https://tasdiq.example.ma
        url: String,
    },
}

pub async fn run(config: Config, cmd: SettingsCommand) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    match cmd {
        SettingsCommand::Show => {
            let url = store::settings::public_url(&db).await?;
            println!(
                "public URL   {}",
                url.as_deref()
                    .unwrap_or("(none yet: the first `tasdiq serve` records it)")
            );
        }
        SettingsCommand::PublicUrl { url } => {
            let url = match parse_public_url(&url) {
                Ok(u) => u,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            // The change and its audit entry, in one transaction.
            let url_ref = url.as_str();
            let before = store::tx::Writer::new(db.clone())
                .write(|tx| async move {
                    store::settings::set_public_url(&*tx, url_ref, "cli:settings").await
                })
                .await?;
            match before {
                Some(old) if old == url => println!("the public URL is already {url}"),
                Some(old) => println!("public URL changed from {old} to {url}"),
                None => println!("public URL set to {url}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The public URL a run must use: the one stored in the database. `given` (TASDIQ_PUBLIC_URL
/// or --public-url) may repeat it but not contradict it; without a stored value the run is
/// refused, since any address it guessed could be one nobody serves.
pub async fn public_url(
    db: &DatabaseConnection,
    config: &Config,
    given: &PublicUrlArg,
) -> anyhow::Result<String> {
    let stored = store::settings::public_url(db).await?;
    let Some(stored) = stored else {
        anyhow::bail!(
            "the database at {} records no public URL yet, so labels cannot be addressed; \
             start `tasdiq serve` once (it records TASDIQ_PUBLIC_URL), or set it with \
             `tasdiq settings public-url URL`",
            config.database_url
        );
    };
    agree(&stored, given)?;
    Ok(stored)
}

/// Refuses a given public URL that differs from the stored one.
pub fn agree(stored: &str, given: &PublicUrlArg) -> anyhow::Result<()> {
    let Some(given) = &given.public_url else {
        return Ok(());
    };
    let given = parse_public_url(given).map_err(anyhow::Error::msg)?;
    if given != stored {
        anyhow::bail!(
            "TASDIQ_PUBLIC_URL (or --public-url) is {given}, but this deployment's public URL \
             is {stored}: labels printed with {given} would point where the service is not. \
             Unset TASDIQ_PUBLIC_URL to use {stored}; if the service has moved, an admin \
             changes it with `tasdiq settings public-url {given}`"
        );
    }
    Ok(())
}

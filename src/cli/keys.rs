//! `tasdiq keys list|generate|rotate|revoke`.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Subcommand;

use crate::config::Config;
use crate::domain::code::Kid;
use crate::keystore;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List keys: kid, status, creation, compromise, and whether this node holds the secret.
    List,
    /// Generate a spare key (retired until rotated to; active if there is no active key).
    Generate,
    /// Make a new key the signer of new certificates and retire the current one.
    Rotate,
    /// Mark a key compromised: certificates issued under it from that instant are revoked.
    Revoke {
        /// The key id (8 hex digits).
        kid: String,
        /// RFC 3339 instant from which the key is no longer trusted.
        #[arg(long)]
        compromised_since: String,
    },
}

pub async fn run(config: Config, cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    let dir = &config.keys_dir;
    match cmd {
        KeysCommand::List => {
            let ring = keystore::load_ring(&db, dir).await?;
            println!(
                "{:<10} {:<12} {:<26} {:<26} secret",
                "kid", "status", "created", "compromised since"
            );
            for k in ring.all() {
                println!(
                    "{:<10} {:<12} {:<26} {:<26} {}",
                    k.kid.to_string(),
                    k.status.as_str(),
                    k.created.to_rfc3339(),
                    k.compromised_since
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_else(|| "-".into()),
                    if k.secret.is_some() {
                        "here"
                    } else {
                        "elsewhere"
                    },
                );
            }
        }
        KeysCommand::Generate => {
            let kid =
                keystore::generate(&crate::store::tx::Writer::new(db.clone()), dir, "cli:keys")
                    .await?;
            println!("generated key {kid} in {}", dir.display());
        }
        KeysCommand::Rotate => {
            let kid = keystore::rotate(&crate::store::tx::Writer::new(db.clone()), dir, "cli:keys")
                .await?;
            println!(
                "key {kid} now signs new certificates; the previous key is retired and still verifies"
            );
        }
        KeysCommand::Revoke {
            kid,
            compromised_since,
        } => {
            let Some(kid) = Kid::parse(&kid) else {
                eprintln!("error: {kid:?} is not a key id (8 hex digits)");
                return Ok(ExitCode::from(2));
            };
            let since = match DateTime::parse_from_rfc3339(&compromised_since) {
                Ok(t) => t.with_timezone(&Utc),
                Err(e) => {
                    eprintln!(
                        "error: --compromised-since must be RFC 3339, e.g. 2026-11-29T10:00:00Z ({e})"
                    );
                    return Ok(ExitCode::from(2));
                }
            };
            keystore::revoke(
                &crate::store::tx::Writer::new(db.clone()),
                kid,
                since,
                "cli:keys",
            )
            .await?;
            println!(
                "key {kid} marked compromised since {}; certificates issued under it from then on are revoked",
                since.to_rfc3339()
            );
            println!(
                "offline verifiers cannot confirm labels of this key any more: they must check online"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

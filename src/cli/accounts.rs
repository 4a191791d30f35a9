//! `tasdiq apikey create` and `tasdiq officer create|disable|enable`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::Subcommand;
use sea_orm::TransactionTrait;

use crate::config::Config;
use crate::domain::values::{self, Role};
use crate::store;

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key; it is printed once, alone on the last line, and only its hash is kept.
    Create {
        /// `officer` or `retailer`.
        #[arg(long)]
        role: String,
        /// Who the key is for, e.g. the retailer's name.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OfficerCommand {
    /// Create an officer account; the password is read from a prompt, or from stdin.
    Create {
        /// The officer's e-mail, used to sign in.
        #[arg(long)]
        email: String,
        /// `admin` or `officer`.
        #[arg(long, default_value = "officer")]
        role: String,
    },
    /// Disable an account: it cannot sign in, and its sessions end at once.
    Disable {
        /// The e-mail of the account to disable.
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The e-mail of the account to enable.
        #[arg(long)]
        email: String,
    },
}

fn usage(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {msg}");
    Ok(ExitCode::from(2))
}

pub async fn apikey(config: Config, cmd: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    let ApiKeyCommand::Create { role, name } = cmd;
    let role = match Role::parse("role", &role) {
        Ok(r @ (Role::Officer | Role::Retailer)) => r,
        _ => return usage("--role is officer or retailer"),
    };
    let name = match values::text("name", &name, 100) {
        Ok(n) => n,
        Err(e) => return usage(e),
    };
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    let tx = db.begin().await?;
    let (key, secret) = store::api_keys::create(&tx, &name, role, "cli:apikey").await?;
    tx.commit().await?;
    println!(
        "created {} key {:?} ({}); it is shown once, keep it now:",
        key.role, key.name, key.prefix
    );
    println!("{secret}");
    Ok(ExitCode::SUCCESS)
}

pub async fn officer(config: Config, cmd: OfficerCommand) -> anyhow::Result<ExitCode> {
    let (email, role) = match cmd {
        OfficerCommand::Create { email, role } => (email, role),
        OfficerCommand::Disable { email } => return set_disabled(config, &email, true).await,
        OfficerCommand::Enable { email } => return set_disabled(config, &email, false).await,
    };
    let role = match Role::parse("role", &role) {
        Ok(r @ (Role::Officer | Role::Admin)) => r,
        _ => return usage("--role is admin or officer"),
    };
    let email = match values::email(&email) {
        Ok(e) => e,
        Err(e) => return usage(e),
    };
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("password: ")?;
        let again = rpassword::prompt_password("again: ")?;
        if first != again {
            return usage("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if password.chars().count() < 12 {
        return usage("the password must have at least 12 characters");
    }
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    let hashed = store::officers::hash(&password).await?;
    let tx = db.begin().await?;
    let officer = store::officers::create(&tx, &email, &hashed, role, "cli:officer").await?;
    tx.commit().await?;
    println!("created {} account {}", officer.role, officer.email);
    Ok(ExitCode::SUCCESS)
}

/// `officer disable|enable --email E`: one transaction for the account, its sessions and the
/// audit entry.
async fn set_disabled(config: Config, email: &str, disabled: bool) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    let Some(found) = store::officers::by_email(&db, email).await? else {
        return usage(format!("there is no officer account {email}"));
    };
    let tx = db.begin().await?;
    let changed = match store::officers::set_disabled(&tx, found.id, disabled, "cli:officer").await
    {
        Ok(o) => o,
        Err(e @ store::StoreError::Conflict { .. }) => return usage(e),
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    if changed.disabled_at.is_some() {
        println!("disabled {}; its sessions have ended", changed.email);
    } else {
        println!("enabled {}", changed.email);
    }
    Ok(ExitCode::SUCCESS)
}

//! `tasdiq apikey create` and `tasdiq officer create|disable|enable`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::Subcommand;

use crate::config::Config;
use crate::service::{By, ServiceError, accounts};
use crate::state::AppState;

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

/// A refusal of the service (bad input, a rule) is a usage error (exit 2); a failure is an
/// error.
fn refused<T>(r: Result<T, ServiceError>) -> anyhow::Result<Result<T, ExitCode>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => usage(e).map(Err),
        Err(e) => Err(e.into()),
    }
}

async fn state(config: Config) -> anyhow::Result<AppState> {
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    AppState::offline(db, config).await
}

pub async fn apikey(config: Config, cmd: ApiKeyCommand) -> anyhow::Result<ExitCode> {
    let ApiKeyCommand::Create { role, name } = cmd;
    let state = state(config).await?;
    let by = By::actor("cli:apikey");
    let (key, secret) = match refused(accounts::create_api_key(&state, &by, &name, &role).await)? {
        Ok(k) => k,
        Err(code) => return Ok(code),
    };
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
    let state = state(config).await?;
    let by = By::actor("cli:officer");
    let created = accounts::create_officer(&state, &by, &email, &role, &password).await;
    let officer = match refused(created)? {
        Ok(o) => o,
        Err(code) => return Ok(code),
    };
    println!("created {} account {}", officer.role, officer.email);
    Ok(ExitCode::SUCCESS)
}

/// `officer disable|enable --email E`: one transaction for the account, its sessions and the
/// audit entry.
async fn set_disabled(config: Config, email: &str, disabled: bool) -> anyhow::Result<ExitCode> {
    let state = state(config).await?;
    let Some(found) = accounts::officer_by_email(&state, email).await? else {
        return usage(format!("there is no officer account {email}"));
    };
    let by = By::actor("cli:officer");
    let changed = accounts::set_disabled(&state, &by, found.id, disabled, None).await;
    let changed = match refused(changed)? {
        Ok(o) => o,
        Err(code) => return Ok(code),
    };
    if changed.disabled_at.is_some() {
        println!("disabled {}; its sessions have ended", changed.email);
    } else {
        println!("enabled {}", changed.email);
    }
    Ok(ExitCode::SUCCESS)
}

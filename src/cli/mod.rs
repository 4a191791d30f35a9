//! Subcommands of the `tasdiq` binary (contract §1).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

mod accounts;
mod backup;
mod keys;
mod labels;
mod logproof;
mod serve;
pub mod sync;
pub mod verify;

/// Certifies products of Morocco's collective brands with signed QR labels.
#[derive(Debug, Parser)]
#[command(name = "tasdiq", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP service; on an empty database, bootstrap it first.
    Serve,
    /// Apply pending migrations, then exit.
    Migrate,
    /// Load the seed data (idempotent).
    Seed {
        /// Folder holding the seed files.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
    /// Manage API keys.
    Apikey {
        #[command(subcommand)]
        command: accounts::ApiKeyCommand,
    },
    /// Manage officer accounts.
    Officer {
        #[command(subcommand)]
        command: accounts::OfficerCommand,
    },
    /// Back up a SQLite database online into a new file.
    Backup {
        /// The backup file to create.
        #[arg(long)]
        to: PathBuf,
    },
    /// Export a certificate's labels for printing.
    Labels {
        #[command(subcommand)]
        command: labels::LabelsCommand,
    },
    /// Verify a label offline from a published key set and the synced status list; exit 0
    /// authentic, 1 not, 2 bad input, 3 cannot decide offline.
    Verify {
        /// A label code, a label URL, or the path of a PNG label.
        input: String,
        /// The key set: a JWKS file, or a URL (default: the synced one, else the public URL's).
        #[arg(long)]
        keys: Option<String>,
        /// Also check that the certificate is in the public issuance log, from a tlog-proof file
        /// (`GET /api/v1/certificates/{n}/proof`).
        #[arg(long)]
        proof: Option<String>,
        /// The log policy for --proof: a file or URL (default: the public URL's log-policy).
        #[arg(long, requires = "proof")]
        log_policy: Option<String>,
        /// The folder `tasdiq sync` wrote (default: its default folder, when it exists).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// How old the status list may be: 30s, 12h, 7d; never past its fresh_until.
        #[arg(long, default_value = "7d")]
        max_status_age: String,
        /// Exit 3 when no status list is held.
        #[arg(long)]
        require_status: bool,
        /// Decide as at this time (RFC 3339) instead of now.
        #[arg(long)]
        now: Option<String>,
    },
    /// Fetch the key set and the signed status list for offline verification.
    Sync {
        /// The service (default: the public URL).
        #[arg(long)]
        from: Option<String>,
        /// Where to keep them (default: $TASDIQ_SYNC_DIR, else ~/.local/share/tasdiq/offline).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    crate::telemetry::init();
    // The offline check needs no runtime, no database and no server.
    match &cli.command {
        Command::Verify {
            input,
            keys,
            dir,
            max_status_age,
            require_status,
            now,
            proof,
            log_policy,
        } => {
            let opts = verify::Options {
                keys: keys.clone(),
                dir: dir.clone(),
                max_status_age: Some(max_status_age.clone()),
                require_status: *require_status,
                now: now.clone(),
                proof: proof.clone().map(|p| (p, log_policy.clone())),
            };
            return verify::run(&cli.config, input, &opts);
        }
        Command::Sync { from, dir } => {
            return sync::run(&cli.config, from.as_deref(), dir.as_deref());
        }
        _ => {}
    }
    // On one core a single-threaded runtime avoids handing every wake-up to a second
    // scheduler thread; on more cores the work-stealing runtime uses them all.
    // TASDIQ_WORKERS overrides the count.
    let workers = std::env::var("TASDIQ_WORKERS")
        .ok()
        .and_then(|w| w.parse::<usize>().ok())
        .filter(|w| *w > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let built = if workers == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
    };
    let rt = match built {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match rt.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config;
    match cli.command {
        Command::Serve => serve::serve(config).await,
        Command::Migrate => {
            let db = crate::db::connect(&config).await?;
            crate::bootstrap::migrate(&db).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { dir } => seed(config, dir).await,
        Command::Keys { command } => keys::run(config, command).await,
        Command::Apikey { command } => accounts::apikey(config, command).await,
        Command::Officer { command } => accounts::officer(config, command).await,
        Command::Labels { command } => labels::run(config, command).await,
        Command::Backup { to } => backup::run(config, &to).await,
        // Handled in `run` before any runtime starts; never reaches here.
        Command::Verify { .. } | Command::Sync { .. } => Ok(ExitCode::from(2)),
    }
}

async fn seed(config: Config, dir: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dir = dir.unwrap_or_else(|| config.seeds_dir.clone());
    let set = crate::seed::load_dir(&dir).map_err(anyhow::Error::msg)?;
    let db = crate::db::connect(&config).await?;
    crate::bootstrap::migrate(&db).await?;
    let s = crate::store::seed::apply(&db, &set, "cli:seed").await?;
    for (table, r) in [
        ("regions", s.regions),
        ("brands", s.brands),
        ("producers", s.producers),
        ("memberships", s.memberships),
    ] {
        println!(
            "{table:<12} inserted {:>4}  updated {:>4}  unchanged {:>4}",
            r.inserted, r.updated, r.unchanged
        );
    }
    Ok(ExitCode::SUCCESS)
}

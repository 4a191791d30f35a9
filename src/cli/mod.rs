//! Subcommands of the `tasdiq` binary (contract §1).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, DatabaseArg, KeysDirArg, PublicUrlArg};

mod accounts;
mod backup;
mod keys;
mod labels;
mod logproof;
mod monitor;
mod serve;
mod settings;
pub mod sync;
pub mod verify;
mod witness;

/// Certifies products of Morocco's collective brands with signed QR labels.
#[derive(Debug, Parser)]
#[command(name = "tasdiq", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Each subcommand takes only the settings it uses, so its `--help` lists nothing else; every
/// setting is also read from its `TASDIQ_*` variable.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP service; on an empty database, bootstrap it first.
    Serve {
        #[command(flatten)]
        config: Box<Config>,
        #[command(flatten)]
        public: PublicUrlArg,
    },
    /// Apply pending migrations, then exit.
    Migrate {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Load the seed data (idempotent).
    Seed {
        /// Folder holding the seed files.
        #[arg(long, env = "TASDIQ_SEEDS_DIR", default_value = "seeds")]
        dir: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        keys: KeysDirArg,
    },
    /// Manage API keys.
    Apikey {
        #[command(subcommand)]
        command: accounts::ApiKeyCommand,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Manage officer accounts.
    Officer {
        #[command(subcommand)]
        command: accounts::OfficerCommand,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Back up a SQLite database online into a new file.
    Backup {
        /// The backup file to create.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Export a certificate's labels for printing.
    Labels {
        #[command(subcommand)]
        command: labels::LabelsCommand,
    },
    /// Show or change the settings of this deployment (admin): the public URL labels point to.
    Settings {
        #[command(subcommand)]
        command: settings::SettingsCommand,
        #[command(flatten)]
        db: DatabaseArg,
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
        #[command(flatten)]
        public: PublicUrlArg,
    },
    /// Replay the public issuance log since the last run, check it is consistent, and print
    /// the entries of one brand as JSON lines; exit 4 on an inconsistent log.
    Monitor {
        /// The brand number.
        #[arg(long)]
        brand: u16,
        /// The service (default: the public URL).
        #[arg(long)]
        from: Option<String>,
        /// Where the pinned log policy and the last checkpoint are kept.
        #[arg(long)]
        dir: Option<PathBuf>,
        #[command(flatten)]
        public: PublicUrlArg,
    },
    /// Run a witness of a transparency log (c2sp.org/tlog-witness).
    Witness {
        #[command(subcommand)]
        command: witness::WitnessCommand,
    },
    /// Fetch the key set and the signed status list for offline verification.
    Sync {
        /// The service (default: the public URL).
        #[arg(long)]
        from: Option<String>,
        /// Where to keep them (default: $TASDIQ_SYNC_DIR, else ~/.local/share/tasdiq/offline).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[command(flatten)]
        public: PublicUrlArg,
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
            public,
        } => {
            let opts = verify::Options {
                keys: keys.clone(),
                dir: dir.clone(),
                max_status_age: Some(max_status_age.clone()),
                require_status: *require_status,
                now: now.clone(),
                proof: proof.clone().map(|p| (p, log_policy.clone())),
            };
            return verify::run(public, input, &opts);
        }
        Command::Sync { from, dir, public } => {
            return sync::run(public, from.as_deref(), dir.as_deref());
        }
        Command::Monitor {
            brand,
            from,
            dir,
            public,
        } => {
            let base = from
                .clone()
                .or_else(|| public.public_url.clone())
                .unwrap_or_else(|| crate::config::DEFAULT_PUBLIC_URL.to_owned());
            let dir = dir.clone().unwrap_or_else(monitor::default_dir);
            return monitor::run(&base, *brand, &dir);
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
    match cli.command {
        Command::Serve { config, public } => serve::serve(*config, public).await,
        Command::Migrate { db } => {
            let db = crate::db::connect(&Config::for_command(&db, None)).await?;
            crate::bootstrap::migrate(&db).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { dir, db } => seed(Config::for_command(&db, None), dir).await,
        Command::Keys { command, db, keys } => {
            let config = existing(Config::for_command(&db, Some(&keys)))?;
            keys::run(config, command).await
        }
        Command::Apikey { command, db } => {
            accounts::apikey(existing(Config::for_command(&db, None))?, command).await
        }
        Command::Officer { command, db } => {
            accounts::officer(existing(Config::for_command(&db, None))?, command).await
        }
        Command::Labels { command } => labels::run(command).await,
        Command::Witness { command } => witness::run(command).await,
        Command::Settings { command, db } => {
            settings::run(existing(Config::for_command(&db, None))?, command).await
        }
        Command::Backup { to, db } => {
            backup::run(existing(Config::for_command(&db, None))?, &to).await
        }
        // Handled in `run` before any runtime starts; never reaches here.
        Command::Verify { .. } | Command::Sync { .. } | Command::Monitor { .. } => {
            Ok(ExitCode::from(2))
        }
    }
}

/// `config` if its database already exists. Only `serve`, `migrate` and `seed` may create a
/// database; any other command run from the wrong folder would otherwise make an empty one and
/// fail later with "no such table". PostgreSQL databases are never created by connecting.
fn existing(config: Config) -> anyhow::Result<Config> {
    if let Some(path) = crate::db::sqlite_file(&config.database_url)
        && !std::path::Path::new(path).is_file()
    {
        anyhow::bail!(
            "there is no database at {} (the file {path} does not exist, relative to {}); \
             run this command where the service runs, set TASDIQ_DATABASE_URL or \
             --database-url, or create the database with `tasdiq serve` or `tasdiq migrate`",
            config.database_url,
            std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|_| "the current folder".into()),
        );
    }
    Ok(config)
}

async fn seed(config: Config, dir: PathBuf) -> anyhow::Result<ExitCode> {
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every subcommand, with its path: `("labels export", command)`.
    fn all(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            let p = format!("{path} {}", sub.get_name()).trim().to_owned();
            out.push((p.clone(), sub.clone()));
            all(sub, &p, out);
        }
    }

    #[test]
    fn each_subcommand_takes_only_its_flags_and_describes_each() {
        let mut cli = super::Cli::command();
        cli.build();
        let mut subs = Vec::new();
        all(&cli, "", &mut subs);
        assert!(subs.len() >= 15, "{}", subs.len());
        for (path, cmd) in &subs {
            let ids: Vec<&str> = cmd.get_arguments().map(|a| a.get_id().as_str()).collect();
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(
                    arg.get_help().is_some(),
                    "`tasdiq {path}`: {id} has no description"
                );
            }
            // The server's settings belong to `serve` alone.
            if path != "serve" {
                for server_only in ["body_limit", "addr", "api_rate", "session_idle_minutes"] {
                    assert!(
                        !ids.contains(&server_only),
                        "`tasdiq {path}` offers {server_only}"
                    );
                }
            }
        }
        let export = &subs.iter().find(|(p, _)| p == "labels export").unwrap().1;
        let ids: Vec<&str> = export
            .get_arguments()
            .map(|a| a.get_id().as_str())
            .collect();
        for needed in [
            "database_url",
            "keys_dir",
            "public_url",
            "pdf",
            "from",
            "to",
        ] {
            assert!(
                ids.contains(&needed),
                "labels export lacks {needed}: {ids:?}"
            );
        }
        assert!(!ids.contains(&"admin_email"), "{ids:?}");
    }
}

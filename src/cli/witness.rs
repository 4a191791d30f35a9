//! `tasdiq witness serve`: runs a C2SP tlog-witness (`crates/witness`) so that brand holders, a
//! ministry or OMPIC can cosign the issuance log (issue 20 item 3). Configured by a JSON file
//! (`tasdiq_witness::Config::from_json`), or by flags for the common case: one folder for the
//! key and the database, and the logs to witness by their vkeys (the name of a log key is its
//! checkpoint origin, as in the log policy).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Run a witness until SIGINT or SIGTERM, after printing its vkey for log policies.
    Serve {
        /// The witness's JSON configuration file (instead of --name, --dir and --log).
        #[arg(long, env = "TASDIQ_WITNESS_CONFIG", conflicts_with_all = ["name", "dir", "log"])]
        config: Option<PathBuf>,
        /// The witness's key name, e.g. `witness.example.org/w1`.
        #[arg(long, env = "TASDIQ_WITNESS_NAME")]
        name: Option<String>,
        /// The folder for the witness's key file (mode 0600) and its SQLite database.
        #[arg(long, env = "TASDIQ_WITNESS_DIR", default_value = "witness")]
        dir: PathBuf,
        /// A log to witness, by its vkey (`{host}/log+hex8+base64`); may be repeated.
        #[arg(long)]
        log: Vec<String>,
        /// The address to listen on.
        #[arg(long, env = "TASDIQ_WITNESS_ADDR", default_value = "127.0.0.1:2026")]
        listen: String,
    },
}

pub async fn run(command: WitnessCommand) -> anyhow::Result<ExitCode> {
    let WitnessCommand::Serve {
        config,
        name,
        dir,
        log,
        listen,
    } = command;
    let config = match config {
        Some(path) => tasdiq_witness::Config::load(&path)?,
        None => {
            let name = name.ok_or_else(|| anyhow::anyhow!("give --config, or --name and --log"))?;
            if log.is_empty() {
                anyhow::bail!("give at least one --log VKEY to witness");
            }
            let mut logs = Vec::new();
            for vkey in &log {
                let key = tasdiq_tlog::note::VerifierKey::parse(vkey)
                    .map_err(|e| anyhow::anyhow!("--log {vkey}: {e}"))?;
                let origin = key.name().as_str().to_owned();
                logs.push(serde_json::json!({"origin": origin, "vkeys": [vkey]}));
            }
            std::fs::create_dir_all(&dir)?;
            let json = serde_json::json!({
                "name": name,
                "key_file": dir.join("witness.key"),
                "database": dir.join("witness.db"),
                "logs": logs,
            });
            tasdiq_witness::Config::from_json(&json.to_string())?
        }
    };
    let witness = tasdiq_witness::Witness::open(config).await?;
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("vkey {}", witness.vkey());
    println!("listening on http://{}", listener.local_addr()?);
    witness
        .serve(listener, super::serve::shutdown_signal())
        .await?;
    Ok(ExitCode::SUCCESS)
}

//! `tasdiq-witness --config witness.json [--listen 127.0.0.1:2026]`: runs the witness of a JSON
//! configuration ([`tasdiq_witness::Config::from_json`]) until Ctrl-C or SIGTERM, after printing
//! its vkey for verifier policies. The service's `tasdiq witness serve` does the same in-process.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tasdiq_witness::{Config, Witness};

#[derive(Parser)]
#[command(about = "A C2SP tlog-witness on SQLite")]
struct Args {
    /// The JSON configuration file.
    #[arg(long, env = "TASDIQ_WITNESS_CONFIG")]
    config: PathBuf,
    /// The address to listen on.
    #[arg(long, env = "TASDIQ_WITNESS_ADDR", default_value = "127.0.0.1:2026")]
    listen: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "tasdiq_witness=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tasdiq-witness: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::load(&args.config)?;
    let witness = Witness::open(config).await?;
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    println!("vkey {}", witness.vkey());
    println!("listening on http://{}", listener.local_addr()?);
    witness.serve(listener, shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

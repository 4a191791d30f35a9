//! `tasdiq backup --to FILE`: an online backup of a SQLite database (`VACUUM INTO`), consistent
//! while the service keeps running. PostgreSQL is backed up with `pg_dump` (docs/operations.md).

use std::path::Path;
use std::process::ExitCode;

use crate::config::Config;

pub async fn run(config: Config, to: &Path) -> anyhow::Result<ExitCode> {
    if config.is_postgres() {
        eprintln!("error: back up PostgreSQL with pg_dump (see docs/operations.md)");
        return Ok(ExitCode::from(2));
    }
    if to.exists() {
        eprintln!("error: {} exists; choose a new file", to.display());
        return Ok(ExitCode::from(2));
    }
    let db = crate::db::connect(&config).await?;
    crate::store::ops::backup_sqlite(&db, to).await?;
    println!("backed up to {}", to.display());
    Ok(ExitCode::SUCCESS)
}

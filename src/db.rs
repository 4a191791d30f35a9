//! Opening the database: one place that knows the differences between SQLite and PostgreSQL.

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::Config;

/// Opens a pool on `config.database_url`.
///
/// SQLite runs in WAL mode with `synchronous=NORMAL`: a committed transaction survives a
/// process crash (`kill -9`), readers never block the writer, and a busy writer is waited for
/// rather than failed. Acquiring a connection gives up after a few seconds, so an outage turns
/// into a 503 instead of a hung request.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let url = &config.database_url;
    let dir = sqlite_file(url).and_then(|p| Path::new(p).parent());
    if let Some(dir) = dir.filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            DbErr::Custom(format!("cannot create the folder {}: {e}", dir.display()))
        })?;
    }
    let mut opts = ConnectOptions::new(url.clone());
    opts.max_connections(config.db_pool.max(1))
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(3))
        .idle_timeout(Duration::from_secs(300))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    if url.starts_with("postgres") {
        opts.statement_timeout(Duration::from_secs(20));
    }
    Database::connect(opts).await
}

/// The file path of a `sqlite://` URL, if it names a file.
pub fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.contains(":memory:")).then_some(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_paths() {
        assert_eq!(
            super::sqlite_file("sqlite://data/tasdiq.db?mode=rwc"),
            Some("data/tasdiq.db")
        );
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://x/y"), None);
    }
}

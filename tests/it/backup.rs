//! Backup and restore, through `scripts/backup-restore.sh`, on SQLite (online, while serving)
//! and on PostgreSQL (pg_dump and pg_restore).

use std::process::Command;

use crate::process::Server;
use crate::support::{TestDb, repo};

#[test]
fn a_backup_restores_into_a_working_service() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::new());
    let mut config = db.config.clone();
    let server = Server::start(&mut config);
    let code = server.sample("JSON").rsplit('/').next().unwrap().to_owned();
    let out = Command::new(repo().join("scripts/backup-restore.sh"))
        .args([&server.base, &code])
        .env("TASDIQ_DATABASE_URL", &config.database_url)
        .env("TASDIQ_KEYS_DIR", &config.keys_dir)
        .env("TASDIQ_SEEDS_DIR", &config.seeds_dir)
        .env("TASDIQ_ADMIN_PASSWORD", "correct horse battery staple")
        .env("TASDIQ_BIN", env!("CARGO_BIN_EXE_tasdiq"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("restored:") && stdout.contains("authentic"),
        "{stdout}"
    );
    server.stop();
}

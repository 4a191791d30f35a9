//! Operations on the database as a whole: the readiness ping and SQLite's online backup.

use std::path::Path;

use sea_orm::ConnectionTrait;

use super::StoreError;

/// Whether the database answers a trivial query.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

/// Copies a SQLite database to `to` with `VACUUM INTO`: consistent while others keep writing.
pub async fn backup_sqlite(db: &impl ConnectionTrait, to: &Path) -> Result<(), StoreError> {
    let target = to.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'"))
        .await?;
    Ok(())
}

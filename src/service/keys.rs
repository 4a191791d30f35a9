//! Signing keys: rotation, a spare key, marking one compromised. The key files and their rows
//! are written by `keystore` (which opens its own transaction: the file must exist before the
//! row that names it commits, so it cannot run inside [`App::write`]'s retries); this layer
//! makes the serving node use the new ring at once and drops its status cache.

use chrono::{DateTime, Utc};

use super::{By, ServiceError};
use crate::domain::code::Kid;
use crate::keystore;
use crate::state::App;

fn failed(what: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("{what}: {e}"))
}

/// Makes a new key the signer of new certificates and retires the current one, which still
/// verifies.
pub async fn rotate(app: &App, by: &By) -> Result<Kid, ServiceError> {
    let kid = keystore::rotate(app.writer(), &app.config.keys_dir, &by.actor)
        .await
        .map_err(|e| failed("key rotation", e))?;
    reload(app).await;
    Ok(kid)
}

/// Generates a spare key (retired until rotated to; active if there is no active key).
pub async fn generate(app: &App, by: &By) -> Result<Kid, ServiceError> {
    let kid = keystore::generate(app.writer(), &app.config.keys_dir, &by.actor)
        .await
        .map_err(|e| failed("key generation", e))?;
    reload(app).await;
    Ok(kid)
}

/// Marks a key compromised from `since`: certificates issued under it from then on are revoked.
pub async fn compromise(
    app: &App,
    by: &By,
    kid: Kid,
    since: DateTime<Utc>,
) -> Result<(), ServiceError> {
    keystore::revoke(app.writer(), kid, since, &by.actor)
        .await
        .map_err(|e| failed("key revocation", e))?;
    reload(app).await;
    Ok(())
}

/// The key ring changed in the database: this node reloads it now (others follow the cache
/// epoch that `keystore` bumped) and drops its cached statuses.
async fn reload(app: &App) {
    if let Err(e) = app.reload_keys().await {
        tracing::error!(error = %e, "key ring reload failed after a key change");
    }
    app.statuses_changed();
}

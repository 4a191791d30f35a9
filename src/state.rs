//! The shared state every handler sees: one clonable handle around the database pool, the
//! configuration and the in-memory parts of the service.

use std::ops::Deref;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::metrics::Metrics;

/// Everything the service holds while it runs.
pub struct App {
    pub db: DatabaseConnection,
    pub config: Config,
    pub metrics: Metrics,
}

/// A cheap handle on [`App`].
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    /// Builds the state on an open database.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        AppState(Arc::new(App {
            db,
            config,
            metrics: Metrics::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

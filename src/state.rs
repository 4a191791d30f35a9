//! The shared state every handler sees: one clonable handle around the database pool, the
//! configuration and the in-memory parts of the service (the verifier: key ring, status cache,
//! scan tally, signature batcher).

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::domain::humancode::ShortCodeKey;
use crate::domain::keys::KeyRing;
use crate::keystore;
use crate::metrics::Metrics;
use crate::store::signing_keys;
pub use crate::store::tx::{TxError, Writer};
use crate::verify::Verifier;
use crate::verify::scans::{CopyThresholds, Scans};

/// Everything the service holds while it runs.
pub struct App {
    pub db: DatabaseConnection,
    pub config: Config,
    pub metrics: Metrics,
    /// Key ring, status cache, scan tally, cache epoch and signature batcher.
    pub verifier: Verifier,
    /// The signed credential status lists, remade when statuses or keys change.
    pub status_lists: Memo,
    /// Keys the check of short codes; every node holds the same one.
    pub shortcodes: ShortCodeKey,
    /// The public issuance log: origin, key, self-check outcome.
    pub log: crate::translog::Log,
    /// The status-list key (`None` before bootstrap made it).
    pub status_key: Option<crate::status::key::StatusKey>,
    /// Opens every write transaction of this process.
    writer: Writer,
}

/// Documents derived from statuses, each kept with the version it was made at (the cache
/// epoch, which every status change on any node bumps, and the key ring it was signed with):
/// a reader passing a newer version gets nothing and makes the document again.
#[derive(Default)]
pub struct Memo(std::sync::Mutex<std::collections::HashMap<String, (MemoVersion, Arc<str>)>>);

/// The cache epoch and the key ring's address.
pub type MemoVersion = (i64, usize);

impl Memo {
    pub fn get(&self, key: &str, version: MemoVersion) -> Option<Arc<str>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, doc)| doc.clone())
    }

    pub fn put(&self, key: String, version: MemoVersion, doc: Arc<str>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(key, (version, doc));
    }
}

/// A cheap handle on [`App`].
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl AppState {
    /// Builds the state on a migrated database: loads the key ring, the short-code secret and
    /// the scan salts.
    pub async fn build(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let ring = keystore::load_ring(&db, &config.keys_dir).await?;
        let shortcodes = keystore::load_shortcode_key(&db, &config.keys_dir).await?;
        let status_key =
            crate::status::key::load(&db, &config.keys_dir, &config.public_url).await?;
        let epoch = signing_keys::epoch(&db).await?;
        let scans = Scans::new(CopyThresholds {
            distinct_clients: config.copy_distinct_clients,
            scans_per_day: config.copy_scans_per_day,
        });
        scans.refresh_salts(&db, Utc::now().date_naive()).await?;
        let log = crate::translog::Log::open(&db, &config).await?;
        let published = (log, status_key);
        Ok(Self::assemble(
            db, config, ring, shortcodes, epoch, scans, published,
        ))
    }

    /// A state for one command-line change (accounts, keys) on a migrated database: the key
    /// ring as stored, but a throwaway short-code key, since such a command verifies nothing
    /// and must work before `serve` has made the real one.
    pub async fn offline(db: DatabaseConnection, config: Config) -> anyhow::Result<Self> {
        let ring = keystore::load_ring(&db, &config.keys_dir).await?;
        let epoch = signing_keys::epoch(&db).await?;
        let scans = Scans::new(CopyThresholds {
            distinct_clients: u32::MAX,
            scans_per_day: u32::MAX,
        });
        let shortcodes = ShortCodeKey::generate();
        let log = crate::translog::Log::open(&db, &config).await?;
        Ok(Self::assemble(
            db,
            config,
            ring,
            shortcodes,
            epoch,
            scans,
            (log, None),
        ))
    }

    fn assemble(
        db: DatabaseConnection,
        config: Config,
        ring: KeyRing,
        shortcodes: ShortCodeKey,
        epoch: i64,
        scans: Scans,
        (log, status_key): (crate::translog::Log, Option<crate::status::key::StatusKey>),
    ) -> Self {
        let max_batch = config.verify_batch;
        AppState(Arc::new(App {
            writer: Writer::new(db.clone()),
            db,
            config,
            metrics: Metrics::default(),
            verifier: Verifier::new(ring, epoch, scans, max_batch),
            status_lists: Memo::default(),
            shortcodes,
            log,
            status_key,
        }))
    }
}

impl App {
    /// Runs `work` in one transaction: all of it is written, or none; a lost race runs it
    /// again ([`Writer::write`]).
    pub async fn write<T, E, F, Fut>(&self, work: F) -> Result<T, E>
    where
        E: TxError,
        F: Fn(Arc<DatabaseTransaction>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.writer.write(work).await
    }

    /// The process's transaction writer (shared by the scan writer and the key store).
    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// The current key ring.
    pub fn key_ring(&self) -> Arc<KeyRing> {
        self.verifier.key_ring()
    }

    /// Reloads the key ring from the table and the key folder.
    pub async fn reload_keys(&self) -> anyhow::Result<()> {
        let ring = keystore::load_ring(&self.db, &self.config.keys_dir).await?;
        self.verifier.set_key_ring(ring);
        Ok(())
    }

    /// Drops every cached status. Called after this node commits a status change; other nodes
    /// see the change through `cache_epoch`.
    pub fn statuses_changed(&self) {
        self.verifier.statuses_changed();
    }

    /// Polls `cache_epoch`; on a change, drops cached statuses and reloads the key ring.
    pub async fn poll_epoch(&self) -> anyhow::Result<bool> {
        let now = signing_keys::epoch(&self.db).await?;
        if !self.verifier.epoch_seen(now) {
            return Ok(false);
        }
        self.reload_keys().await?;
        Ok(true)
    }
}

/// An error a transaction of [`App::write`] may end with: a store error converts into it, and
/// it says whether running the transaction again may succeed.
impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// The background tasks of a serving node: the scan writer and the cache-epoch poller.
pub struct Background {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl Background {
    /// Starts the tasks.
    pub fn start(state: AppState) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let witnesses = tokio::spawn(crate::translog::witness::run(
            state.clone(),
            stop.subscribe(),
        ));
        let handle = tokio::spawn(async move {
            let mut flush =
                tokio::time::interval(Duration::from_millis(state.config.scan_flush_ms));
            let mut poll = tokio::time::interval(Duration::from_millis(250));
            let mut daily = tokio::time::interval(Duration::from_secs(600));
            let mut log = tokio::time::interval(Duration::from_millis(500));
            log.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut status = tokio::time::interval(crate::status::publish::POLL);
            let mut publisher = crate::status::publish::Publisher::default();
            flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = flush.tick() => flush_scans(&state).await,
                    _ = log.tick() => {
                        if let Err(e) = crate::translog::integrate(&state).await {
                            tracing::warn!(error = %e, "log integration failed; will retry");
                        }
                    }
                    _ = poll.tick() => {
                        if let Err(e) = state.poll_epoch().await {
                            tracing::debug!(error = %e, "cache epoch poll failed");
                        }
                    }
                    _ = daily.tick() => {
                        let today = Utc::now().date_naive();
                        if let Err(e) = state.verifier.scans.refresh_salts(&state.db, today).await {
                            tracing::warn!(error = %e, "could not refresh scan salts");
                        }
                        let keep_from = today.pred_opt().unwrap_or(today);
                        if let Err(e) = crate::store::scans::forget_before(&state.db, keep_from).await {
                            tracing::warn!(error = %e, "could not forget old scan salts");
                        }
                        let life = crate::store::sessions::Lifetime {
                            idle: state.config.session_idle(),
                            max: state.config.session_max(),
                        };
                        if let Err(e) = crate::store::sessions::purge(&state.db, life).await {
                            tracing::warn!(error = %e, "could not purge ended sessions");
                        }
                        let now_ms = Utc::now().timestamp_millis();
                        if let Err(e) = crate::store::rate_limits::purge(&state.db, now_ms).await {
                            tracing::warn!(error = %e, "could not purge spent rate limits");
                        }
                    }
                    _ = status.tick() => publisher.tick(&state).await,
                    _ = stopped.changed() => break,
                }
            }
            // Last flush on the way out: scans taken before shutdown are kept.
            flush_scans(&state).await;
            let _ = witnesses.await;
        });
        Background { stop, handle }
    }

    /// Stops the tasks after a final flush.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

async fn flush_scans(state: &AppState) {
    match state.verifier.scans.flush(state.writer()).await {
        Ok(n) => state.metrics.observe_flush(n),
        Err(e) => {
            tracing::warn!(error = %e, backlog = state.verifier.scans.backlog(), "scan flush failed; will retry")
        }
    }
    // The copy detector's scans by network (issue 17).
    if let Err(e) = state.verifier.risk.flush(&state.db).await {
        tracing::warn!(error = %e, "network scan flush failed; will retry");
    }
}

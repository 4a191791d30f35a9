//! The witness's state in SQLite: per log, the size and root of the latest checkpoint it
//! cosigned and that checkpoint's note (log signature and our cosignature, for the monitoring
//! path); and the refused-but-validly-signed requests, kept as possible evidence of a fork.
//!
//! The schema is the crate's own, made at start (`CREATE TABLE IF NOT EXISTS`), with one row per
//! configured log seeded at size 0, so that every advance is the same single-statement
//! compare-and-swap, `UPDATE … WHERE origin = ? AND size = ? AND root = ?`: the check of the old
//! size and the write of the new one are one atomic step, and of two requests that start from
//! the same state only one changes a row. The database runs in WAL mode with
//! `synchronous=FULL`: a cosigned state must survive a power cut, or the witness could later
//! cosign a fork of what it already vouched for.

use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter, Schema,
};
use tasdiq_tlog::Hash;

mod witness_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "witness_log")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub origin: String,
        pub size: i64,
        pub root: Vec<u8>,
        /// `None` until the first cosignature.
        pub checkpoint: Option<String>,
        pub updated_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod witness_evidence {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "witness_evidence")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub origin: String,
        pub received_at: i64,
        pub reason: String,
        pub request: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Evidence rows kept per log: only the log's key can produce such requests, but a broken log
/// could still send them in a loop.
const MAX_EVIDENCE_PER_LOG: u64 = 1000;

/// What the witness holds for one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogState {
    /// Size of the latest cosigned checkpoint (0 if none).
    pub size: u64,
    /// Its root (the empty tree's if none).
    pub root: Hash,
    /// The cosigned checkpoint note, if any.
    pub checkpoint: Option<String>,
}

/// The state store.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    db: DatabaseConnection,
}

fn corrupt(what: &str) -> DbErr {
    DbErr::Custom(format!("the witness database holds a bad {what}"))
}

impl Store {
    /// Opens (creating if needed) the database at `url` and seeds a row for each origin.
    pub async fn open(url: &str, origins: &[&str]) -> Result<Store, DbErr> {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(4)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(5))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
            });
        let db = Database::connect(opts).await?;
        let schema = Schema::new(db.get_database_backend());
        let mut t = schema.create_table_from_entity(witness_log::Entity);
        db.execute(t.if_not_exists()).await?;
        let mut t = schema.create_table_from_entity(witness_evidence::Entity);
        db.execute(t.if_not_exists()).await?;
        let store = Store { db };
        for origin in origins {
            store.seed(origin).await?;
        }
        Ok(store)
    }

    async fn seed(&self, origin: &str) -> Result<(), DbErr> {
        let row = witness_log::ActiveModel {
            origin: Set(origin.to_owned()),
            size: Set(0),
            root: Set(Hash::EMPTY.0.to_vec()),
            checkpoint: Set(None),
            updated_at: Set(0),
        };
        witness_log::Entity::insert(row)
            .on_conflict_do_nothing_on([witness_log::Column::Origin])
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The state of a configured log.
    pub async fn latest(&self, origin: &str) -> Result<LogState, DbErr> {
        let row = witness_log::Entity::find_by_id(origin.to_owned())
            .one(&self.db)
            .await?
            .ok_or_else(|| corrupt("log list: a configured log has no row"))?;
        Ok(LogState {
            size: u64::try_from(row.size).map_err(|_| corrupt("size"))?,
            root: Hash::from_slice(&row.root).ok_or_else(|| corrupt("root"))?,
            checkpoint: row.checkpoint,
        })
    }

    /// Moves the log from `from` to `to` if it is still at `from`; false if another request
    /// moved it first.
    pub async fn advance(
        &self,
        origin: &str,
        from: (u64, Hash),
        to: (u64, Hash),
        checkpoint: &str,
        now: u64,
    ) -> Result<bool, DbErr> {
        let size = |n: u64| i64::try_from(n).map_err(|_| corrupt("size to store"));
        use witness_log::Column as C;
        let res = witness_log::Entity::update_many()
            .col_expr(C::Size, Expr::value(size(to.0)?))
            .col_expr(C::Root, Expr::value(to.1.0.to_vec()))
            .col_expr(C::Checkpoint, Expr::value(checkpoint.to_owned()))
            .col_expr(C::UpdatedAt, Expr::value(now.min(i64::MAX as u64) as i64))
            .filter(C::Origin.eq(origin))
            .filter(C::Size.eq(size(from.0)?))
            .filter(C::Root.eq(from.1.0.to_vec()))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Keeps a validly signed request that was refused as inconsistent, up to a bound per log.
    pub async fn record_evidence(
        &self,
        origin: &str,
        reason: &str,
        request: &str,
        now: u64,
    ) -> Result<(), DbErr> {
        use witness_evidence::Column as C;
        let kept = witness_evidence::Entity::find()
            .filter(C::Origin.eq(origin))
            .count(&self.db)
            .await?;
        if kept >= MAX_EVIDENCE_PER_LOG {
            return Ok(());
        }
        let row = witness_evidence::ActiveModel {
            origin: Set(origin.to_owned()),
            received_at: Set(now.min(i64::MAX as u64) as i64),
            reason: Set(reason.to_owned()),
            request: Set(request.to_owned()),
            ..Default::default()
        };
        witness_evidence::Entity::insert(row)
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The evidence kept for a log, oldest first: (reason, request).
    #[cfg(test)]
    pub async fn evidence(&self, origin: &str) -> Result<Vec<(String, String)>, DbErr> {
        use sea_orm::QueryOrder;
        use witness_evidence::Column as C;
        Ok(witness_evidence::Entity::find()
            .filter(C::Origin.eq(origin))
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.reason, r.request))
            .collect())
    }

    /// Closes the pool (so a test can reopen the file).
    #[cfg(test)]
    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn advance_is_a_compare_and_swap_and_state_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display());
        let store = Store::open(&url, &["a", "b"]).await.unwrap();
        let zero = store.latest("a").await.unwrap();
        assert_eq!(
            (zero.size, zero.root, zero.checkpoint),
            (0, Hash::EMPTY, None)
        );
        let r5 = Hash([5; 32]);
        let from = (0, Hash::EMPTY);
        assert!(store.advance("a", from, (5, r5), "cp5", 1).await.unwrap());
        // A second request from the same old state loses.
        assert!(
            !store
                .advance("a", from, (7, Hash([7; 32])), "cp7", 2)
                .await
                .unwrap()
        );
        // So does one from the right size but another root.
        assert!(
            !store
                .advance("a", (5, Hash([9; 32])), (8, r5), "x", 3)
                .await
                .unwrap()
        );
        assert_eq!(store.latest("b").await.unwrap().size, 0);
        store.close().await.unwrap();

        let store = Store::open(&url, &["a", "b", "c"]).await.unwrap();
        let a = store.latest("a").await.unwrap();
        assert_eq!(
            (a.size, a.root, a.checkpoint.as_deref()),
            (5, r5, Some("cp5"))
        );
        assert_eq!(store.latest("c").await.unwrap().size, 0);
        assert!(store.latest("unknown").await.is_err());
    }

    #[tokio::test]
    async fn evidence_is_kept_per_log() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display());
        let store = Store::open(&url, &["a"]).await.unwrap();
        store.record_evidence("a", "fork", "body", 1).await.unwrap();
        assert_eq!(
            store.evidence("a").await.unwrap(),
            [("fork".to_owned(), "body".to_owned())]
        );
    }
}

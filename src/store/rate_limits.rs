//! Token buckets kept in the database so every node enforces the same limit: per API key, per
//! signing-in host, per client network for short-code lookups; and decaying counts that slow
//! sign-ins to an account under attack.
//!
//! It is the GCRA form of a token bucket (what `governor` implements in memory): each bucket
//! stores a "theoretical arrival time" (TAT). A request at `now` is allowed when
//! `max(TAT, now) - now <= burst tolerance`, and then moves the TAT one emission interval on.
//! Allowing and advancing is one conditional upsert, atomic on SQLite and PostgreSQL alike.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, ReturningClause};

use super::StoreError;

/// A limit: one token every `interval_ms`, at most `burst` at once.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub interval_ms: i64,
    pub burst: u32,
}

impl Limit {
    /// `per_second` sustained, `burst` at once.
    pub fn per_second(per_second: u32, burst: u32) -> Limit {
        Limit {
            interval_ms: Ord::max(1000 / i64::from(Ord::max(per_second, 1)), 1),
            burst,
        }
    }

    fn interval_ms(&self) -> i64 {
        Ord::max(self.interval_ms, 1)
    }

    fn tolerance_ms(&self) -> i64 {
        self.interval_ms() * i64::from(Ord::max(self.burst, 1) - 1)
    }
}

/// Takes one token from `bucket` at `now_ms`. `Ok(None)` if allowed, `Ok(Some(ms))` with the
/// wait before the next token otherwise.
pub async fn take(
    db: &impl ConnectionTrait,
    bucket: &str,
    limit: Limit,
    now_ms: i64,
) -> Result<Option<i64>, StoreError> {
    let (t, tau) = (limit.interval_ms(), limit.tolerance_ms());
    let table = Alias::new("rate_limits");
    let tat = || Expr::col((Alias::new("rate_limits"), Alias::new("tat_ms")));
    // max(tat, now), written with CASE: GREATEST is PostgreSQL-only, MAX(a, b) SQLite-only.
    let start = || Expr::case(tat().gt(now_ms), tat()).finally(Expr::val(now_ms));
    let mut q = Query::insert();
    q.into_table(table.clone())
        .columns([Alias::new("bucket"), Alias::new("tat_ms")])
        .values_panic([bucket.into(), (now_ms + t).into()])
        .on_conflict(
            OnConflict::column(Alias::new("bucket"))
                .value(Alias::new("tat_ms"), Expr::expr(start()).add(t))
                .action_and_where(Expr::expr(start()).sub(now_ms).lte(tau))
                .to_owned(),
        )
        .returning(ReturningClause::Columns(vec![Alias::new("tat_ms").into()]));
    if db.query_one(&q).await?.is_some() {
        return Ok(None);
    }
    // Refused: say how long until a token frees up.
    let q = Query::select()
        .column(Alias::new("tat_ms"))
        .from(table)
        .and_where(Expr::col(Alias::new("bucket")).eq(bucket))
        .to_owned();
    let current: i64 = match db.query_one(&q).await? {
        Some(row) => row.try_get("", "tat_ms")?,
        None => now_ms,
    };
    Ok(Some(Ord::max(current - now_ms - tau, 1)))
}

/// Gives back the token a request took, when what it guarded went well (a sign-in with the
/// right password): only failures should use up a client's allowance.
pub async fn refund(
    db: &impl ConnectionTrait,
    bucket: &str,
    limit: Limit,
) -> Result<(), StoreError> {
    let q = Query::update()
        .table(Alias::new("rate_limits"))
        .value(
            Alias::new("tat_ms"),
            Expr::col(Alias::new("tat_ms")).sub(limit.interval_ms()),
        )
        .and_where(Expr::col(Alias::new("bucket")).eq(bucket))
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// Adds one event to a decaying count, for pressure that slows rather than refuses: every call
/// moves the bucket's time one `interval_ms` on (from `now_ms` at least), capped at `cap_ms`
/// ahead, so the count drops by one each interval. Returns the count after this event.
pub async fn charge(
    db: &impl ConnectionTrait,
    bucket: &str,
    interval_ms: i64,
    cap_ms: i64,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let t = Ord::max(interval_ms, 1);
    let tat = || Expr::col((Alias::new("rate_limits"), Alias::new("tat_ms")));
    let start = || Expr::case(tat().gt(now_ms), tat()).finally(Expr::val(now_ms));
    let next = Expr::case(
        Expr::expr(start()).add(t).gt(now_ms + cap_ms),
        Expr::val(now_ms + cap_ms),
    )
    .finally(Expr::expr(start()).add(t));
    let mut q = Query::insert();
    q.into_table(Alias::new("rate_limits"))
        .columns([Alias::new("bucket"), Alias::new("tat_ms")])
        .values_panic([bucket.into(), (now_ms + t).into()])
        .on_conflict(
            OnConflict::column(Alias::new("bucket"))
                .value(Alias::new("tat_ms"), next)
                .to_owned(),
        )
        .returning(ReturningClause::Columns(vec![Alias::new("tat_ms").into()]));
    let tat_ms: i64 = match db.query_one(&q).await? {
        Some(row) => row.try_get("", "tat_ms")?,
        None => now_ms + t,
    };
    Ok(count(tat_ms, t, now_ms))
}

/// The decaying count of [`charge`] at `now_ms`, without adding to it.
pub async fn pressure(
    db: &impl ConnectionTrait,
    bucket: &str,
    interval_ms: i64,
    now_ms: i64,
) -> Result<i64, StoreError> {
    let q = Query::select()
        .column(Alias::new("tat_ms"))
        .from(Alias::new("rate_limits"))
        .and_where(Expr::col(Alias::new("bucket")).eq(bucket))
        .to_owned();
    let Some(row) = db.query_one(&q).await? else {
        return Ok(0);
    };
    let tat_ms: i64 = row.try_get("", "tat_ms")?;
    Ok(count(tat_ms, Ord::max(interval_ms, 1), now_ms))
}

fn count(tat_ms: i64, interval_ms: i64, now_ms: i64) -> i64 {
    let ahead = Ord::max(tat_ms - now_ms, 0);
    (ahead + interval_ms - 1) / interval_ms
}

/// Deletes buckets that are full again (their time has passed): a missing bucket and a full one
/// allow the same.
pub async fn purge(db: &impl ConnectionTrait, now_ms: i64) -> Result<u64, StoreError> {
    let q = Query::delete()
        .from_table(Alias::new("rate_limits"))
        .and_where(Expr::col(Alias::new("tat_ms")).lt(now_ms))
        .to_owned();
    Ok(db.execute(&q).await?.rows_affected())
}

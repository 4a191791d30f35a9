//! A token bucket per API key, kept in the database so every node enforces the same limit.
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

/// Whether `bucket` has a token left at `now_ms`, without taking it: `Ok(Some(ms))` if not.
/// Sign-in uses it so that only failed attempts spend tokens.
pub async fn peek(
    db: &impl ConnectionTrait,
    bucket: &str,
    limit: Limit,
    now_ms: i64,
) -> Result<Option<i64>, StoreError> {
    let q = Query::select()
        .column(Alias::new("tat_ms"))
        .from(Alias::new("rate_limits"))
        .and_where(Expr::col(Alias::new("bucket")).eq(bucket))
        .to_owned();
    let Some(row) = db.query_one(&q).await? else {
        return Ok(None);
    };
    let tat: i64 = row.try_get("", "tat_ms")?;
    let wait = Ord::max(tat, now_ms) - now_ms - limit.tolerance_ms();
    Ok((wait > 0).then_some(wait))
}

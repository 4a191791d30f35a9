//! Scan aggregates: one row per label in `label_scans`, today's distinct clients in
//! `label_clients`, retailer checks per API key in `label_checks`, and the daily salt.
//!
//! Writes are batched: the caller hands over what accumulated in memory and each statement
//! carries many rows. Counters are added (`scans = scans + excluded.scans`), so any number of
//! nodes can write the same labels and the totals stay exact.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, ReturningClause};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::StoreError;

/// A label: its certificate and item numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelKey {
    pub certificate: i64,
    pub item: i32,
}

/// The stored totals of one label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ScanTotals {
    pub certificate: i64,
    pub item: i32,
    pub scans: i64,
    pub first_at: DateTime<Utc>,
    pub distinct_clients: i32,
    pub day: NaiveDate,
    pub day_scans: i32,
}

/// What one node gathered for one label since its last flush.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanDelta {
    pub key: LabelKey,
    pub scans: i64,
    pub retailer_checks: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub day: NaiveDate,
    pub day_scans: i32,
    /// Salted client hashes seen on `day`, each once.
    pub clients: Vec<String>,
    /// Retailer checks by API key id.
    pub checks: Vec<(i64, i64)>,
}

const CHUNK: usize = 200;

fn t(name: &str) -> Alias {
    Alias::new(name)
}

fn excluded(col: &str) -> Expr {
    Expr::col((t("excluded"), t(col)))
}

fn current(col: &str) -> Expr {
    Expr::col((t("label_scans"), t(col)))
}

/// Writes a batch of deltas and returns the new totals of every label in it.
/// Call it inside a transaction.
pub async fn apply(
    db: &impl ConnectionTrait,
    deltas: &[ScanDelta],
) -> Result<Vec<ScanTotals>, StoreError> {
    // 1. Today's clients: rows that were not there yet are new distinct clients.
    let mut new_clients: HashMap<LabelKey, i32> = HashMap::new();
    let rows: Vec<(LabelKey, NaiveDate, &String)> = deltas
        .iter()
        .flat_map(|d| d.clients.iter().map(move |c| (d.key, d.day, c)))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(t("label_clients")).columns([
            t("certificate"),
            t("item"),
            t("day"),
            t("client"),
        ]);
        for (key, day, client) in chunk {
            q.values_panic([
                key.certificate.into(),
                key.item.into(),
                (*day).into(),
                (*client).clone().into(),
            ]);
        }
        q.on_conflict(OnConflict::new().do_nothing().to_owned())
            .returning(ReturningClause::Columns(vec![
                t("certificate").into(),
                t("item").into(),
            ]));
        for row in db.query_all(&q).await.map_err(StoreError::from)? {
            let key = LabelKey {
                certificate: row.try_get("", "certificate")?,
                item: row.try_get("", "item")?,
            };
            *new_clients.entry(key).or_default() += 1;
        }
    }

    // 2. Totals per label.
    let mut out = Vec::with_capacity(deltas.len());
    for chunk in deltas.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(t("label_scans")).columns([
            t("certificate"),
            t("item"),
            t("scans"),
            t("retailer_checks"),
            t("distinct_clients"),
            t("first_at"),
            t("last_at"),
            t("day"),
            t("day_scans"),
        ]);
        for d in chunk {
            q.values_panic([
                d.key.certificate.into(),
                d.key.item.into(),
                d.scans.into(),
                d.retailer_checks.into(),
                new_clients.get(&d.key).copied().unwrap_or(0).into(),
                d.first_at.into(),
                d.last_at.into(),
                d.day.into(),
                d.day_scans.into(),
            ]);
        }
        let add = |c: &str| current(c).add(excluded(c));
        let newer_day = excluded("day").gt(current("day"));
        let same_day = excluded("day").eq(current("day"));
        q.on_conflict(
            OnConflict::columns([t("certificate"), t("item")])
                .value(t("scans"), add("scans"))
                .value(t("retailer_checks"), add("retailer_checks"))
                .value(t("distinct_clients"), add("distinct_clients"))
                .value(
                    t("first_at"),
                    Expr::case(
                        excluded("first_at").lt(current("first_at")),
                        excluded("first_at"),
                    )
                    .finally(current("first_at")),
                )
                .value(
                    t("last_at"),
                    Expr::case(
                        excluded("last_at").gt(current("last_at")),
                        excluded("last_at"),
                    )
                    .finally(current("last_at")),
                )
                .value(
                    t("day_scans"),
                    Expr::case(newer_day.clone(), excluded("day_scans"))
                        .case(same_day, add("day_scans"))
                        .finally(current("day_scans")),
                )
                .value(
                    t("day"),
                    Expr::case(newer_day, excluded("day")).finally(current("day")),
                )
                .to_owned(),
        )
        .returning(ReturningClause::Columns(
            [
                "certificate",
                "item",
                "scans",
                "first_at",
                "distinct_clients",
                "day",
                "day_scans",
            ]
            .into_iter()
            .map(|c| t(c).into())
            .collect(),
        ));
        for row in db.query_all(&q).await? {
            out.push(ScanTotals::from_query_result(&row, "")?);
        }
    }

    // 3. Scans per day, for the dashboard.
    let mut days: HashMap<NaiveDate, (i64, i64)> = HashMap::new();
    for d in deltas {
        let e = days.entry(d.day).or_default();
        e.0 += d.scans;
        e.1 += d.retailer_checks;
    }
    if !days.is_empty() {
        let mut q = Query::insert();
        q.into_table(t("scan_days"))
            .columns([t("day"), t("scans"), t("retailer_checks")]);
        for (day, (scans, retailer)) in &days {
            q.values_panic([(*day).into(), (*scans).into(), (*retailer).into()]);
        }
        let cur = |c: &str| Expr::col((t("scan_days"), t(c)));
        q.on_conflict(
            OnConflict::column(t("day"))
                .value(t("scans"), cur("scans").add(excluded("scans")))
                .value(
                    t("retailer_checks"),
                    cur("retailer_checks").add(excluded("retailer_checks")),
                )
                .to_owned(),
        );
        db.execute(&q).await?;
    }

    // 4. Retailer checks, tied to the API key that made them.
    let checks: Vec<(&ScanDelta, i64, i64)> = deltas
        .iter()
        .flat_map(|d| d.checks.iter().map(move |(k, n)| (d, *k, *n)))
        .collect();
    for chunk in checks.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(t("label_checks")).columns([
            t("certificate"),
            t("item"),
            t("api_key"),
            t("checks"),
            t("first_at"),
            t("last_at"),
        ]);
        for (d, key, n) in chunk {
            q.values_panic([
                d.key.certificate.into(),
                d.key.item.into(),
                (*key).into(),
                (*n).into(),
                d.first_at.into(),
                d.last_at.into(),
            ]);
        }
        let cur = |c: &str| Expr::col((t("label_checks"), t(c)));
        q.on_conflict(
            OnConflict::columns([t("certificate"), t("item"), t("api_key")])
                .value(t("checks"), cur("checks").add(excluded("checks")))
                .value(
                    t("last_at"),
                    Expr::case(excluded("last_at").gt(cur("last_at")), excluded("last_at"))
                        .finally(cur("last_at")),
                )
                .to_owned(),
        );
        db.execute(&q).await?;
    }
    Ok(out)
}

/// The stored totals of some labels; labels never scanned are absent.
pub async fn totals(
    db: &impl ConnectionTrait,
    keys: &[LabelKey],
) -> Result<Vec<ScanTotals>, StoreError> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let mut q = Query::select();
        q.columns(
            [
                "certificate",
                "item",
                "scans",
                "first_at",
                "distinct_clients",
                "day",
                "day_scans",
            ]
            .map(t),
        )
        .from(t("label_scans"))
        .and_where(
            Expr::tuple([Expr::col(t("certificate")), Expr::col(t("item"))])
                .in_tuples(chunk.iter().map(|k| (k.certificate, k.item))),
        );
        for row in db.query_all(&q).await? {
            out.push(ScanTotals::from_query_result(&row, "")?);
        }
    }
    Ok(out)
}

/// Scans per day from `from` on, oldest first: (day, scans, retailer checks).
pub async fn per_day(
    db: &impl ConnectionTrait,
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, i64)>, StoreError> {
    let q = Query::select()
        .columns([t("day"), t("scans"), t("retailer_checks")])
        .from(t("scan_days"))
        .and_where(Expr::col(t("day")).gte(from))
        .order_by(t("day"), sea_orm::Order::Asc)
        .to_owned();
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        out.push((
            row.try_get("", "day")?,
            row.try_get("", "scans")?,
            row.try_get("", "retailer_checks")?,
        ));
    }
    Ok(out)
}

/// How a lot's labels have been checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct LotChecks {
    /// Labels checked at least once.
    pub labels_checked: u64,
    /// Checks of all its labels, consumers and retailers together.
    pub scans: u64,
    /// Checks made by retailers' batch verification.
    pub retailer_checks: u64,
    /// Labels past the copy thresholds.
    pub suspected_copies: u64,
}

/// Totals over a lot's labels.
pub async fn lot_checks(
    db: &impl ConnectionTrait,
    certificate: crate::domain::values::CertificateNumber,
    copy_clients: u32,
    copy_day_scans: u32,
) -> Result<LotChecks, StoreError> {
    let Some(number) = certificate.to_db() else {
        return Ok(LotChecks::default());
    };
    let q = Query::select()
        .columns(
            [
                "scans",
                "retailer_checks",
                "distinct_clients",
                "day",
                "day_scans",
            ]
            .map(t),
        )
        .from(t("label_scans"))
        .and_where(Expr::col(t("certificate")).eq(number))
        .to_owned();
    let today = chrono::Utc::now().date_naive();
    let mut c = LotChecks::default();
    for row in db.query_all(&q).await? {
        let scans: i64 = row.try_get("", "scans")?;
        let retailer: i64 = row.try_get("", "retailer_checks")?;
        let clients: i32 = row.try_get("", "distinct_clients")?;
        let day: NaiveDate = row.try_get("", "day")?;
        let day_scans: i32 = row.try_get("", "day_scans")?;
        c.labels_checked += 1;
        c.scans += u64::try_from(scans).unwrap_or(0);
        c.retailer_checks += u64::try_from(retailer).unwrap_or(0);
        let today_scans = if day == today {
            u32::try_from(day_scans).unwrap_or(0)
        } else {
            0
        };
        if u32::try_from(clients).unwrap_or(0) >= copy_clients || today_scans >= copy_day_scans {
            c.suspected_copies += 1;
        }
    }
    Ok(c)
}

/// The salts of `days`, creating any that do not exist yet. Every node reads the same salt for
/// a day, so a client scanning through two nodes counts once.
pub async fn salts(
    db: &impl ConnectionTrait,
    days: &[NaiveDate],
) -> Result<Vec<(NaiveDate, String)>, StoreError> {
    let mut q = Query::insert();
    q.into_table(t("scan_salts")).columns([t("day"), t("salt")]);
    for d in days {
        q.values_panic([(*d).into(), hex::encode(rand::random::<[u8; 32]>()).into()]);
    }
    q.on_conflict(OnConflict::new().do_nothing().to_owned());
    db.execute(&q).await?;
    let q = Query::select()
        .columns([t("day"), t("salt")])
        .from(t("scan_salts"))
        .and_where(Expr::col(t("day")).is_in(days.iter().copied()))
        .to_owned();
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        out.push((row.try_get("", "day")?, row.try_get("", "salt")?));
    }
    Ok(out)
}

/// Forgets salts and client hashes of days before `keep_from`: once a day's salt is gone, its
/// hashes cannot be linked to anyone, and the distinct counts are already in `label_scans`.
pub async fn forget_before(
    db: &impl ConnectionTrait,
    keep_from: NaiveDate,
) -> Result<(), StoreError> {
    for table in ["scan_salts", "label_clients"] {
        let q = Query::delete()
            .from_table(t(table))
            .and_where(Expr::col(t("day")).lt(keep_from))
            .to_owned();
        db.execute(&q).await?;
    }
    Ok(())
}

//! Figures for the officers' dashboard.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use super::StoreError;

fn t(name: &str) -> Alias {
    Alias::new(name)
}

/// Headline counts.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Counts {
    pub brands_active: i64,
    pub members_active: i64,
    pub certificates_issued: i64,
}

async fn count_where(
    db: &impl ConnectionTrait,
    table: &str,
    status: &str,
) -> Result<i64, StoreError> {
    let q = Query::select()
        .expr_as(Func::count(Expr::col(t("status"))), t("n"))
        .from(t(table))
        .and_where(Expr::col(t("status")).eq(status))
        .to_owned();
    Ok(match db.query_one(&q).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    })
}

/// Rights of use in force on `today`: active and within their period (an expired right is
/// not active, issue #15).
fn rights_in_force(today: NaiveDate) -> sea_orm::sea_query::Condition {
    sea_orm::sea_query::Cond::all()
        .add(Expr::col(t("status")).eq("active"))
        .add(Expr::col(t("valid_from")).lte(today))
        .add(Expr::col(t("valid_until")).gte(today))
}

/// Active brands, rights of use in force today, and issued certificates.
pub async fn counts(db: &impl ConnectionTrait) -> Result<Counts, StoreError> {
    let today = Utc::now().date_naive();
    let q = Query::select()
        .expr_as(Func::count(Expr::col(t("id"))), t("n"))
        .from(t("memberships"))
        .cond_where(rights_in_force(today))
        .to_owned();
    let members_active = match db.query_one(&q).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(Counts {
        brands_active: count_where(db, "brands", "active").await?,
        members_active,
        certificates_issued: count_where(db, "certificates", "issued").await?,
    })
}

/// Producers holding at least one active right of use in a region, and how many of them are
/// led by women or by young people.
#[derive(Clone, Debug, Serialize, FromQueryResult)]
pub struct Inclusion {
    pub region: String,
    pub producers: i64,
    pub women_led: i64,
    pub youth_led: i64,
}

/// Inclusion figures by region.
pub async fn inclusion(db: &impl ConnectionTrait) -> Result<Vec<Inclusion>, StoreError> {
    let active = Query::select()
        .column(t("producer"))
        .from(t("memberships"))
        .cond_where(rights_in_force(Utc::now().date_naive()))
        .to_owned();
    let flag = |c: &str| Func::sum(Expr::case(Expr::col(t(c)).eq(true), 1).finally(0));
    let q = Query::select()
        .column(t("region"))
        .expr_as(Func::count(Expr::col(t("id"))), t("producers"))
        .expr_as(flag("women_led"), t("women_led"))
        .expr_as(flag("youth_led"), t("youth_led"))
        .from(t("producers"))
        .and_where(Expr::col(t("id")).in_subquery(active))
        .group_by_col(t("region"))
        .order_by(t("region"), sea_orm::Order::Asc)
        .to_owned();
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        let region: String = row.try_get("", "region")?;
        let producers: i64 = row.try_get("", "producers")?;
        // SUM comes back as a big integer on PostgreSQL and an integer on SQLite.
        let women: i64 = row.try_get::<i64>("", "women_led").or_else(|_| {
            row.try_get::<sea_orm::prelude::Decimal>("", "women_led")
                .map(|d| d.try_into().unwrap_or(0))
        })?;
        let youth: i64 = row.try_get::<i64>("", "youth_led").or_else(|_| {
            row.try_get::<sea_orm::prelude::Decimal>("", "youth_led")
                .map(|d| d.try_into().unwrap_or(0))
        })?;
        out.push(Inclusion {
            region,
            producers,
            women_led: women,
            youth_led: youth,
        });
    }
    Ok(out)
}

/// A label's scan figures.
#[derive(Clone, Debug, Serialize, FromQueryResult)]
pub struct LabelActivity {
    pub certificate: i64,
    pub item: i32,
    pub scans: i64,
    pub distinct_clients: i32,
    pub day: NaiveDate,
    pub day_scans: i32,
    pub last_at: DateTime<Utc>,
}

fn activity() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .columns(
            [
                "certificate",
                "item",
                "scans",
                "distinct_clients",
                "day",
                "day_scans",
                "last_at",
            ]
            .map(t),
        )
        .from(t("label_scans"))
        .order_by(t("last_at"), sea_orm::Order::Desc)
        .to_owned()
}

/// The labels scanned most recently.
pub async fn recent_scans(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<LabelActivity>, StoreError> {
    let q = activity().limit(limit).to_owned();
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        out.push(LabelActivity::from_query_result(&row, "")?);
    }
    Ok(out)
}

/// Labels past the copy thresholds.
pub async fn suspected_copies(
    db: &impl ConnectionTrait,
    clients: u32,
    day_scans: u32,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<LabelActivity>, StoreError> {
    let q = activity()
        .cond_where(
            sea_orm::Condition::any()
                .add(Expr::col(t("distinct_clients")).gte(i64::from(clients)))
                .add(
                    Expr::col(t("day"))
                        .eq(today)
                        .and(Expr::col(t("day_scans")).gte(i64::from(day_scans))),
                ),
        )
        .limit(limit)
        .to_owned();
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        out.push(LabelActivity::from_query_result(&row, "")?);
    }
    Ok(out)
}

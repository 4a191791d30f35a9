//! Consumer reports of suspicious products.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::StoreError;
use super::registry::Page;
use crate::entity::report;

/// A report as officers see it (the client hash stays internal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub code: String,
    pub certificate: Option<String>,
    pub item: Option<i32>,
    pub verdict: String,
    pub reason: String,
    pub place: String,
    pub comment: String,
}

/// A new report.
#[derive(Clone, Debug)]
pub struct NewReport<'a> {
    pub code: &'a str,
    pub certificate: Option<u64>,
    pub item: Option<u32>,
    pub verdict: &'a str,
    pub reason: &'a str,
    pub place: &'a str,
    pub comment: &'a str,
    pub client: &'a str,
}

/// How many reports this client sent since `since`: the per-client limit, shared by all nodes.
pub async fn count_from(
    db: &impl ConnectionTrait,
    client: &str,
    since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(report::Entity::find()
        .filter(report::Column::Client.eq(client))
        .filter(report::Column::CreatedAt.gte(since))
        .count(db)
        .await?)
}

/// Stores a report.
pub async fn insert(db: &impl ConnectionTrait, r: &NewReport<'_>) -> Result<i64, StoreError> {
    let row = report::ActiveModel {
        created_at: Set(Utc::now()),
        code: Set(r.code.chars().take(255).collect()),
        certificate: Set(r.certificate.and_then(|c| i64::try_from(c).ok())),
        item: Set(r.item.and_then(|i| i32::try_from(i).ok())),
        verdict: Set(r.verdict.to_owned()),
        reason: Set(r.reason.to_owned()),
        place: Set(r.place.to_owned()),
        comment: Set(r.comment.to_owned()),
        client: Set(r.client.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Reports, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    limit: u64,
    offset: u64,
) -> Result<Page<ReportView>, StoreError> {
    let total = report::Entity::find().count(db).await?;
    let items = report::Entity::find()
        .order_by_desc(report::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?
        .into_iter()
        .map(|r| ReportView {
            id: r.id,
            created_at: r.created_at,
            code: r.code,
            certificate: r.certificate.map(|c| c.to_string()),
            item: r.item,
            verdict: r.verdict,
            reason: r.reason,
            place: r.place,
            comment: r.comment,
        })
        .collect();
    Ok(Page { items, total })
}

/// The per-client limit's window.
pub const WINDOW: Duration = Duration::hours(1);

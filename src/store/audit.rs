//! The append-only audit log. This module only inserts and reads: no code path updates or
//! deletes an entry.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::StoreError;
use super::registry::Page;
use crate::entity::audit_log;

/// Records one change. Call it inside the transaction that makes the change, so the entry
/// exists exactly when the change does.
pub async fn record<B: Serialize, A: Serialize>(
    db: &impl ConnectionTrait,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), StoreError> {
    let before = before
        .map(serde_json::to_string)
        .transpose()
        .map_err(corrupt)?;
    let after = after
        .map(serde_json::to_string)
        .transpose()
        .map_err(corrupt)?;
    audit_log::Entity::insert(audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        before: Set(before),
        after: Set(after),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("audit value: {e}"))
}

/// An audit entry as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

/// What the log is filtered by; every field is optional, and all given must match.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Text found in the actor (`officer:…`, `apikey:…`), accents and case ignored.
    pub actor: Option<String>,
    /// The action, exactly (`certificate.issue`), or its area with a dot (`certificate.`).
    pub action: Option<String>,
    /// Text found in the target (`certificate:123`, `brand:4`).
    pub target: Option<String>,
    /// On or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// On or before this day (UTC).
    pub to: Option<NaiveDate>,
}

/// The log, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    limit: u64,
    offset: u64,
) -> Result<Page<AuditView>, StoreError> {
    search(db, &AuditFilter::default(), limit, offset).await
}

/// The entries matching `filter`, newest first.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    limit: u64,
    offset: u64,
) -> Result<Page<AuditView>, StoreError> {
    let mut query = audit_log::Entity::find();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let none = || {
        Ok(Page {
            items: Vec::new(),
            total: 0,
        })
    };
    for (col, text) in [
        (audit_log::Column::Actor, given(&filter.actor)),
        (audit_log::Column::Target, given(&filter.target)),
    ] {
        if let Some(text) = text {
            let Some(c) = super::search::any_contains([Expr::col(col)], &text) else {
                return none();
            };
            query = query.filter(c);
        }
    }
    if let Some(action) = given(&filter.action) {
        query = if action.ends_with('.') {
            query.filter(audit_log::Column::Action.starts_with(action.as_str()))
        } else {
            query.filter(audit_log::Column::Action.eq(action))
        };
    }
    if let Some(d) = filter.from {
        query = query.filter(audit_log::Column::At.gte(d.and_time(NaiveTime::MIN).and_utc()));
    }
    if let Some(d) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(audit_log::Column::At.lt(d.and_time(NaiveTime::MIN).and_utc()));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let items = rows
        .into_iter()
        .map(|r| AuditView {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            before: parse(r.before),
            after: parse(r.after),
        })
        .collect();
    Ok(Page { items, total })
}

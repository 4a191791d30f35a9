//! The append-only audit log. This module only inserts and reads: no code path updates or
//! deletes an entry.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
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

/// The log, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    limit: u64,
    offset: u64,
) -> Result<Page<AuditView>, StoreError> {
    let total = audit_log::Entity::find().count(db).await?;
    let rows = audit_log::Entity::find()
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

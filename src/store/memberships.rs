//! Rights of use: a producer's membership of a brand, with its validity period, its status and
//! the history of every status it has had.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::StoreError;
use crate::domain::values::{BrandNumber, Standing};
use crate::entity::{membership, membership_event};

/// A membership as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MembershipView {
    pub brand: i32,
    pub producer: i64,
    pub status: Standing,
    pub reason: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// One past status of a membership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusEvent {
    pub at: chrono::DateTime<Utc>,
    pub status: Standing,
    pub reason: Option<String>,
    pub actor: String,
}

fn view(m: &membership::Model) -> Result<MembershipView, StoreError> {
    Ok(MembershipView {
        brand: m.brand,
        producer: m.producer,
        status: super::word(Standing::parse, "status", &m.status)?,
        reason: m.status_reason.clone(),
        valid_from: m.valid_from,
        valid_until: m.valid_until,
    })
}

/// A membership's row id and view, if the producer ever held a right to use the brand.
pub async fn find(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
) -> Result<Option<(i64, MembershipView)>, StoreError> {
    find_row(db, brand, producer_id)
        .await?
        .map(|m| Ok((m.id, view(&m)?)))
        .transpose()
}

async fn find_row(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
) -> Result<Option<membership::Model>, StoreError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::Brand.eq(i32::from(brand.get())))
        .filter(membership::Column::Producer.eq(producer_id))
        .one(db)
        .await?)
}

/// Adds one event to a membership's status history.
pub async fn add_event(
    db: &impl ConnectionTrait,
    membership_id: i64,
    status: Standing,
    reason: Option<&str>,
    actor: &str,
) -> Result<(), StoreError> {
    membership_event::Entity::insert(membership_event::ActiveModel {
        membership: Set(membership_id),
        at: Set(Utc::now()),
        status: Set(status.as_str().to_owned()),
        reason: Set(reason.map(str::to_owned)),
        actor: Set(actor.to_owned()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Inserts an active membership for a period; returns its row id and view.
pub async fn insert(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
    (valid_from, valid_until): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> Result<(i64, MembershipView), StoreError> {
    let row = membership::ActiveModel {
        brand: Set(i32::from(brand.get())),
        producer: Set(producer_id),
        valid_from: Set(valid_from),
        valid_until: Set(valid_until),
        status: Set(Standing::Active.as_str().to_owned()),
        status_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((row.id, view(&row)?))
}

/// What [`set`] writes: the status, the reason if `Some`, the period if `Some`.
#[derive(Clone, Debug)]
pub struct Change {
    pub status: Standing,
    pub reason: Option<Option<String>>,
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// Writes a change to membership `id`; returns the view after it.
pub async fn set(
    db: &impl ConnectionTrait,
    id: i64,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<MembershipView, StoreError> {
    let m = membership::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no membership {id}")))?;
    let mut a = m.into_active_model();
    a.status = Set(change.status.as_str().to_owned());
    if let Some(reason) = &change.reason {
        a.status_reason = Set(reason.clone());
    }
    if let Some((from, until)) = change.period {
        a.valid_from = Set(from);
        a.valid_until = Set(until);
    }
    a.updated_at = Set(now);
    view(&a.update(db).await?)
}

/// A membership and its status history, oldest event first.
pub async fn history(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
) -> Result<(MembershipView, Vec<StatusEvent>), StoreError> {
    let m = find_row(db, brand, producer_id).await?.ok_or_else(|| {
        StoreError::NotFound(format!(
            "producer {producer_id} has no right to use brand {brand}"
        ))
    })?;
    let events = membership_event::Entity::find()
        .filter(membership_event::Column::Membership.eq(m.id))
        .order_by_asc(membership_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            Ok(StatusEvent {
                at: e.at,
                status: super::word(Standing::parse, "status", &e.status)?,
                reason: e.reason,
                actor: e.actor,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((view(&m)?, events))
}

/// The rights of use a producer holds, by brand.
pub async fn of_producer(
    db: &impl ConnectionTrait,
    producer_id: i64,
) -> Result<Vec<MembershipView>, StoreError> {
    membership::Entity::find()
        .filter(membership::Column::Producer.eq(producer_id))
        .order_by_asc(membership::Column::Brand)
        .all(db)
        .await?
        .iter()
        .map(view)
        .collect()
}

/// The first producer (by id) whose right to use `brand` is active and valid on `day`.
pub async fn first_active(
    db: &impl ConnectionTrait,
    brand: u16,
    day: NaiveDate,
) -> Result<Option<i64>, StoreError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::Brand.eq(i32::from(brand)))
        .filter(membership::Column::Status.eq(Standing::Active.as_str()))
        .filter(membership::Column::ValidFrom.lte(day))
        .filter(membership::Column::ValidUntil.gte(day))
        .order_by_asc(membership::Column::Producer)
        .one(db)
        .await?
        .map(|m| m.producer))
}

//! Rights of use: a producer's membership of a brand, with its validity period, its status and
//! the history of every status it has had.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::{StoreError, audit, signing_keys};
use crate::domain::values::{BrandNumber, Standing};
use crate::entity::{brand, membership, membership_event, producer};

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

async fn find(
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

async fn event(
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

/// Grants a producer the right to use a brand for a period. A producer whose earlier right
/// was withdrawn may be granted a new one; an active or suspended right is a conflict.
pub async fn grant(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    actor: &str,
) -> Result<MembershipView, StoreError> {
    if brand::Entity::find_by_id(i32::from(brand.get()))
        .one(db)
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!(
            "there is no brand number {brand}"
        )));
    }
    if producer::Entity::find_by_id(producer_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(StoreError::conflict(
            "unknown_producer",
            format!("there is no producer {producer_id}"),
        ));
    }
    let now = Utc::now();
    let existing = find(db, brand, producer_id).await?;
    let (row, before) = match existing {
        Some(m) if m.status != Standing::Withdrawn.as_str() => {
            return Err(StoreError::conflict(
                "already_member",
                format!(
                    "producer {producer_id} already holds a {} right to use brand {brand}; change it with PATCH",
                    m.status
                ),
            ));
        }
        Some(m) => {
            let before = view(&m)?;
            let mut a = m.into_active_model();
            a.valid_from = Set(valid_from);
            a.valid_until = Set(valid_until);
            a.status = Set(Standing::Active.as_str().to_owned());
            a.status_reason = Set(None);
            a.updated_at = Set(now);
            (a.update(db).await?, Some(before))
        }
        None => (
            membership::ActiveModel {
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
            .await?,
            None,
        ),
    };
    event(db, row.id, Standing::Active, None, actor).await?;
    crate::translog::append(
        db,
        crate::translog::Entry::member(brand.get(), producer_id, Standing::Active),
    )
    .await?;
    signing_keys::bump_epoch(db).await?;
    let after = view(&row)?;
    audit::record(
        db,
        actor,
        "membership.grant",
        &format!("brand:{brand}/producer:{producer_id}"),
        before.as_ref(),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Changes a membership's status (suspend, withdraw, reinstate) and, optionally, its period.
pub async fn set_status(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
    status: Standing,
    reason: Option<&str>,
    period: Option<(NaiveDate, NaiveDate)>,
    actor: &str,
) -> Result<MembershipView, StoreError> {
    let m = find(db, brand, producer_id).await?.ok_or_else(|| {
        StoreError::NotFound(format!(
            "producer {producer_id} has no right to use brand {brand}"
        ))
    })?;
    let before = view(&m)?;
    let status_changes = before.status != status;
    if status_changes && !before.status.can_become(status) {
        return Err(StoreError::conflict(
            "bad_transition",
            format!(
                "a {} right of use cannot become {status}; grant a new one instead",
                before.status
            ),
        ));
    }
    if !status_changes && period.is_none() {
        return Err(StoreError::conflict(
            "no_change",
            format!("the right of use is already {status}"),
        ));
    }
    let id = m.id;
    let mut a = m.into_active_model();
    a.status = Set(status.as_str().to_owned());
    if status_changes {
        a.status_reason = Set(reason.map(str::to_owned));
    }
    if let Some((from, until)) = period {
        a.valid_from = Set(from);
        a.valid_until = Set(until);
    }
    a.updated_at = Set(Utc::now());
    let after = view(&a.update(db).await?)?;
    if status_changes {
        event(db, id, status, reason, actor).await?;
        crate::translog::append(
            db,
            crate::translog::Entry::member(brand.get(), producer_id, status),
        )
        .await?;
    }
    signing_keys::bump_epoch(db).await?;
    audit::record(
        db,
        actor,
        &format!("membership.{}", verb(status, status_changes)),
        &format!("brand:{brand}/producer:{producer_id}"),
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

fn verb(status: Standing, changed: bool) -> &'static str {
    match (status, changed) {
        (_, false) => "update",
        (Standing::Active, true) => "reinstate",
        (Standing::Suspended, true) => "suspend",
        (Standing::Withdrawn, true) => "withdraw",
    }
}

/// A membership and its status history, oldest event first.
pub async fn history(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
) -> Result<(MembershipView, Vec<StatusEvent>), StoreError> {
    let m = find(db, brand, producer_id).await?.ok_or_else(|| {
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

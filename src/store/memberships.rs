//! Rights of use: a producer's membership of a brand, with its validity period, its status, when
//! it was last withdrawn for cause, and the history of what happened to it (each event with the
//! period in force after it). The rules of the timeline are in `domain::rights`.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::Serialize;

use super::StoreError;
use crate::domain::rights;
use crate::domain::values::{BrandNumber, CertificateStatus, RightEvent, RightState, Standing};
use crate::entity::{certificate, membership, membership_event};

/// A membership as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MembershipView {
    pub brand: i32,
    pub producer: i64,
    pub status: Standing,
    pub reason: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// What the right is today: its status, or `expired` (`pending`) when an active right's
    /// period has ended (not begun).
    pub effective_status: RightState,
    /// When the right was last withdrawn for cause; lots issued before it stay revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// One event in a membership's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusEvent {
    pub at: chrono::DateTime<Utc>,
    /// What happened; `expired` is derived from the period, never stored.
    pub kind: RightEvent,
    /// The status after the event.
    pub status: Standing,
    pub reason: Option<String>,
    pub actor: String,
    /// The period in force after the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

fn view(m: &membership::Model) -> Result<MembershipView, StoreError> {
    let status = super::word(Standing::parse, "status", &m.status)?;
    Ok(MembershipView {
        brand: m.brand,
        producer: m.producer,
        status,
        reason: m.status_reason.clone(),
        valid_from: m.valid_from,
        valid_until: m.valid_until,
        effective_status: rights::state(
            status,
            m.valid_from,
            m.valid_until,
            Utc::now().date_naive(),
        ),
        withdrawn_at: m.withdrawn_at,
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

/// One event to add to a membership's history: what happened, the status and period after it.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    /// When it happened: the same instant the change records (e.g. `withdrawn_at`).
    pub at: DateTime<Utc>,
    pub kind: RightEvent,
    pub status: Standing,
    pub reason: Option<&'a str>,
    pub period: (NaiveDate, NaiveDate),
}

/// Adds one event to a membership's history.
pub async fn add_event(
    db: &impl ConnectionTrait,
    membership_id: i64,
    e: &NewEvent<'_>,
    actor: &str,
) -> Result<(), StoreError> {
    membership_event::Entity::insert(membership_event::ActiveModel {
        membership: Set(membership_id),
        at: Set(e.at),
        status: Set(e.status.as_str().to_owned()),
        reason: Set(e.reason.map(str::to_owned)),
        actor: Set(actor.to_owned()),
        kind: Set(e.kind.as_str().to_owned()),
        valid_from: Set(Some(e.period.0)),
        valid_until: Set(Some(e.period.1)),
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
        withdrawn_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((row.id, view(&row)?))
}

/// What [`set`] writes: the status, the reason if `Some`, the period if `Some`, and the time of
/// a withdrawal for cause if `Some` (never cleared: a new grant keeps it).
#[derive(Clone, Debug)]
pub struct Change {
    pub status: Standing,
    pub reason: Option<Option<String>>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub withdrawn_at: Option<DateTime<Utc>>,
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
    if let Some(at) = change.withdrawn_at {
        a.withdrawn_at = Set(Some(at));
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
                kind: super::word(RightEvent::parse, "event kind", &e.kind)?,
                status: super::word(Standing::parse, "status", &e.status)?,
                reason: e.reason,
                actor: e.actor,
                valid_from: e.valid_from,
                valid_until: e.valid_until,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((view(&m)?, with_expiries(events, Utc::now().date_naive())))
}

/// The history with an `expired` event wherever a period ended before the next event (or today).
fn with_expiries(events: Vec<StatusEvent>, today: NaiveDate) -> Vec<StatusEvent> {
    let marks: Vec<_> = events
        .iter()
        .map(|e| (e.at, e.status, e.valid_until))
        .collect();
    let mut lapses = rights::expiries(&marks, today).into_iter().peekable();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        let lapse = lapses.next_if(|(at, _)| *at == i);
        out.push(e.clone());
        if let Some((_, day)) = lapse {
            out.push(StatusEvent {
                at: day.and_time(chrono::NaiveTime::MIN).and_utc(),
                kind: RightEvent::Expired,
                reason: None,
                actor: String::new(),
                ..e
            });
        }
    }
    out
}

/// The histories of all of a producer's rights, by brand number.
pub async fn histories_of_producer(
    db: &impl ConnectionTrait,
    producer_id: i64,
) -> Result<Vec<(MembershipView, Vec<StatusEvent>)>, StoreError> {
    let mut out = Vec::new();
    for m in of_producer(db, producer_id).await? {
        let brand = u16::try_from(m.brand)
            .ok()
            .and_then(|b| BrandNumber::new(b).ok())
            .ok_or_else(|| StoreError::Corrupt(format!("membership brand {}", m.brand)))?;
        out.push(history(db, brand, producer_id).await?);
    }
    Ok(out)
}

/// How many lots of the producer under the brand are good today (issued, not revoked, not
/// expired): the lots a suspension or a withdrawal would turn.
pub async fn lots_in_force(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    producer_id: i64,
    today: NaiveDate,
) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Brand.eq(i32::from(brand.get())))
        .filter(certificate::Column::Producer.eq(producer_id))
        .filter(certificate::Column::Status.eq(CertificateStatus::Issued.as_str()))
        .filter(certificate::Column::ExpiresOn.gte(today))
        .count(db)
        .await?)
}

/// How many lots of the brand, every producer's, are good today: the lots a suspension or a
/// withdrawal of the brand would turn.
pub async fn lots_in_force_of_brand(
    db: &impl ConnectionTrait,
    brand: BrandNumber,
    today: NaiveDate,
) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Brand.eq(i32::from(brand.get())))
        .filter(certificate::Column::Status.eq(CertificateStatus::Issued.as_str()))
        .filter(certificate::Column::ExpiresOn.gte(today))
        .count(db)
        .await?)
}

/// Rows of rights in force on `day` (active, and within their period), for counts elsewhere.
pub fn in_force_on(day: NaiveDate) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(membership::Column::Status.eq(Standing::Active.as_str()))
        .add(membership::Column::ValidFrom.lte(day))
        .add(membership::Column::ValidUntil.gte(day))
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

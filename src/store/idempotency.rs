//! Stored answers of POSTs made with an `Idempotency-Key`, for 24 hours.

use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::StoreError;
use crate::entity::idempotency_key;

/// How long an answer is kept.
pub const KEEP: Duration = Duration::hours(24);

/// A stored answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub route: String,
    pub request_hash: String,
    pub status: u16,
    pub response: String,
}

/// The answer stored under (actor, key), if it is younger than 24 hours. Older ones are
/// deleted on the way.
pub async fn get(
    db: &impl ConnectionTrait,
    actor: &str,
    key: &str,
) -> Result<Option<Stored>, StoreError> {
    let cutoff = Utc::now() - KEEP;
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Actor.eq(actor))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(
        idempotency_key::Entity::find_by_id((actor.to_owned(), key.to_owned()))
            .one(db)
            .await?
            .map(|r| Stored {
                route: r.route,
                request_hash: r.request_hash,
                status: u16::try_from(r.status).unwrap_or(500),
                response: r.response,
            }),
    )
}

/// Stores an answer. A concurrent request that stored first makes this fail with
/// [`StoreError::Retry`]: the caller's transaction rolls back, and its retry replays the answer.
pub async fn put(
    db: &impl ConnectionTrait,
    actor: &str,
    key: &str,
    stored: &Stored,
) -> Result<(), StoreError> {
    let res = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        actor: Set(actor.to_owned()),
        key: Set(key.to_owned()),
        route: Set(stored.route.clone()),
        request_hash: Set(stored.request_hash.clone()),
        status: Set(i32::from(stored.status)),
        response: Set(stored.response.clone()),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await;
    match res {
        Ok(_) => Ok(()),
        Err(e) if super::is_unique_violation(&e) => Err(StoreError::Retry),
        Err(e) => Err(e.into()),
    }
}

/// Deletes answers older than 24 hours.
pub async fn purge(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(Utc::now() - KEEP))
        .exec(db)
        .await?
        .rows_affected)
}

//! The `signing_keys` table: public halves and statuses of every key, the source of truth for
//! what verifies. Private halves never reach the database.

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};

use super::StoreError;
use crate::domain::code::Kid;
use crate::domain::values::KeyStatus;
use crate::entity::signing_key;

/// A key as the table records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    pub kid: Kid,
    pub public: VerifyingKey,
    pub status: KeyStatus,
    pub created: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    pub compromised_since: Option<DateTime<Utc>>,
}

fn from_row(m: signing_key::Model) -> Result<KeyRow, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("signing key {}", m.kid));
    let kid = Kid::parse(&m.kid).ok_or_else(corrupt)?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(&m.public_key, &mut bytes).map_err(|_| corrupt())?;
    let public = VerifyingKey::from_bytes(&bytes).map_err(|_| corrupt())?;
    if Kid::of(&public) != kid {
        return Err(corrupt());
    }
    Ok(KeyRow {
        kid,
        public,
        status: super::word(KeyStatus::parse, "status", &m.status)?,
        created: m.created_at,
        retired_at: m.retired_at,
        compromised_since: m.compromised_since,
    })
}

/// Every key, oldest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<KeyRow>, StoreError> {
    signing_key::Entity::find()
        .order_by_asc(signing_key::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Records a new public key with the given status.
pub async fn insert(
    db: &impl ConnectionTrait,
    public: &VerifyingKey,
    status: KeyStatus,
    now: DateTime<Utc>,
) -> Result<KeyRow, StoreError> {
    let row = signing_key::ActiveModel {
        kid: Set(Kid::of(public).to_string()),
        public_key: Set(hex::encode(public.as_bytes())),
        status: Set(status.as_str().to_owned()),
        created_at: Set(now),
        retired_at: Set(None),
        compromised_since: Set(None),
    }
    .insert(db)
    .await?;
    from_row(row)
}

/// Retires every active key (except `keep`).
pub async fn retire_active(
    db: &impl ConnectionTrait,
    keep: Option<Kid>,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut q = signing_key::Entity::update_many()
        .col_expr(
            signing_key::Column::Status,
            Expr::value(KeyStatus::Retired.as_str()),
        )
        .col_expr(signing_key::Column::RetiredAt, Expr::value(now))
        .filter(signing_key::Column::Status.eq(KeyStatus::Active.as_str()));
    if let Some(k) = keep {
        q = q.filter(signing_key::Column::Kid.ne(k.to_string()));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Marks a key compromised since `since`.
pub async fn compromise(
    db: &impl ConnectionTrait,
    kid: Kid,
    since: DateTime<Utc>,
) -> Result<(KeyRow, KeyRow), StoreError> {
    let row = signing_key::Entity::find_by_id(kid.to_string())
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no signing key {kid}")))?;
    let before = from_row(row.clone())?;
    let mut a = row.into_active_model();
    a.status = Set(KeyStatus::Compromised.as_str().to_owned());
    a.compromised_since = Set(Some(since));
    let after = from_row(a.update(db).await?)?;
    Ok((before, after))
}

/// Bumps the cache epoch: every node drops its cached statuses on its next poll. Call it inside
/// the transaction that changes a status, so the bump commits with the change.
pub async fn bump_epoch(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    let stmt = Query::update()
        .table(Alias::new("cache_epoch"))
        .value(Alias::new("epoch"), Expr::col(Alias::new("epoch")).add(1))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    db.execute(&stmt).await?;
    Ok(())
}

/// The current cache epoch.
pub async fn epoch(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let stmt = Query::select()
        .column(Alias::new("epoch"))
        .from(Alias::new("cache_epoch"))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| StoreError::Corrupt("cache_epoch has no row".into()))?;
    Ok(row.try_get::<i64>("", "epoch")?)
}

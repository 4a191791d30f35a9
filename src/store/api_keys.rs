//! API keys: the rows. A key is `tsq_<lookup>_<secret>`: the lookup part finds the row, and
//! only the SHA-256 of the secret is stored. Making keys and checking tokens is
//! `service::accounts`'s.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::StoreError;
use crate::domain::values::Role;
use crate::entity::api_key;

/// An API key as listings show it: never the secret, never its hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<Utc>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
}

fn from_row(m: api_key::Model) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: m.id,
        role: super::word(Role::parse, "role", &m.role)?,
        prefix: format!("tsq_{}", m.lookup),
        name: m.name,
        created_by: m.created_by,
        created_at: m.created_at,
        revoked_at: m.revoked_at,
    })
}

/// Stores a new key: its lookup part and the hex SHA-256 of its secret, never the secret.
pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    lookup: &str,
    secret_sha256_hex: &str,
    created_by: &str,
) -> Result<ApiKey, StoreError> {
    let row = api_key::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role.as_str().to_owned()),
        lookup: Set(lookup.to_owned()),
        secret_hash: Set(secret_sha256_hex.to_owned()),
        created_by: Set(created_by.to_owned()),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    from_row(row)
}

/// The key whose lookup part is `lookup`, with the hex SHA-256 of its secret (revoked or not).
pub async fn by_lookup(
    db: &impl ConnectionTrait,
    lookup: &str,
) -> Result<Option<(ApiKey, String)>, StoreError> {
    api_key::Entity::find()
        .filter(api_key::Column::Lookup.eq(lookup))
        .one(db)
        .await?
        .map(|row| {
            let hash = row.secret_hash.clone();
            from_row(row).map(|k| (k, hash))
        })
        .transpose()
}

/// Every key, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ApiKey>, StoreError> {
    api_key::Entity::find()
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Marks a key revoked now; it stops working at once. Revoking a revoked key is a conflict.
pub async fn revoke(db: &impl ConnectionTrait, id: i64) -> Result<ApiKey, StoreError> {
    let row = api_key::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no API key {id}")))?;
    if row.revoked_at.is_some() {
        return Err(StoreError::conflict(
            "already_revoked",
            "this API key is already revoked",
        ));
    }
    let mut a: api_key::ActiveModel = row.into();
    a.revoked_at = Set(Some(Utc::now()));
    from_row(a.update(db).await?)
}

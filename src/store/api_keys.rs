//! API keys. A key is `tsq_<lookup>_<secret>`: the lookup part finds the row, and only the
//! SHA-256 of the secret is stored, compared in constant time. The whole key is shown once, at
//! creation, and never again.

use base64::Engine;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{StoreError, audit};
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

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Creates a key and its audit entry, with `created_by` as the actor; returns it with the
/// one-time plaintext. Run it in a transaction so that both land or neither does.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    created_by: &str,
) -> Result<(ApiKey, String), StoreError> {
    if role == Role::Admin {
        return Err(StoreError::conflict(
            "bad_role",
            "API keys are for officers and retailers; administrators sign in",
        ));
    }
    let lookup = hex::encode(rand::random::<[u8; 8]>());
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let row = api_key::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role.as_str().to_owned()),
        lookup: Set(lookup.clone()),
        secret_hash: Set(hex::encode(digest(&secret))),
        created_by: Set(created_by.to_owned()),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let key = from_row(row)?;
    audit::record(
        db,
        created_by,
        "apikey.create",
        &format!("apikey:{}", key.id),
        None::<&()>,
        Some(&key),
    )
    .await?;
    Ok((key, format!("tsq_{lookup}_{secret}")))
}

/// The key a bearer token stands for, if it is one of ours and not revoked.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<ApiKey>, StoreError> {
    let Some((lookup, secret)) = token
        .strip_prefix("tsq_")
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(None);
    };
    if lookup.len() != 16 || !lookup.bytes().all(|b| b.is_ascii_hexdigit()) || secret.len() > 128 {
        return Ok(None);
    }
    let Some(row) = api_key::Entity::find()
        .filter(api_key::Column::Lookup.eq(lookup))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut stored = [0u8; 32];
    if hex::decode_to_slice(&row.secret_hash, &mut stored).is_err() {
        return Err(StoreError::Corrupt(format!("api key {}", row.id)));
    }
    let matches: bool = digest(secret).ct_eq(&stored).into();
    if !matches || row.revoked_at.is_some() {
        return Ok(None);
    }
    Ok(Some(from_row(row)?))
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

/// Revokes a key and records who did; it stops working at once. Run it in a transaction.
pub async fn revoke(db: &impl ConnectionTrait, id: i64, actor: &str) -> Result<ApiKey, StoreError> {
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
    let key = from_row(a.update(db).await?)?;
    audit::record(
        db,
        actor,
        "apikey.revoke",
        &format!("apikey:{id}"),
        None::<&()>,
        Some(&key),
    )
    .await?;
    Ok(key)
}

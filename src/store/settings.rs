//! Settings of the deployment, stored once in the database so every node and every CLI run
//! agrees on them. Today one: the public URL that labels point to (`{public_url}/v/{code}`).
//! It is recorded by the first bootstrap and changed only by an admin command, audited.

use chrono::Utc;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::StoreError;
use crate::entity::setting;

/// The setting that holds the public base URL, without a trailing slash.
pub const PUBLIC_URL: &str = "public_url";

/// The stored value of `name`, if any.
pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Option<String>, StoreError> {
    Ok(setting::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .map(|m| m.value))
}

/// The stored public URL, if one is recorded.
pub async fn public_url(db: &impl ConnectionTrait) -> Result<Option<String>, StoreError> {
    get(db, PUBLIC_URL).await
}

/// Writes `value` for `name`: kept if one is stored already (`replace` false), else replaced.
async fn put(
    db: &impl ConnectionTrait,
    name: &str,
    value: &str,
    replace: bool,
) -> Result<(), StoreError> {
    let mut conflict = OnConflict::column(setting::Column::Name);
    if replace {
        conflict.update_columns([setting::Column::Value, setting::Column::UpdatedAt]);
    } else {
        conflict.do_nothing();
    }
    let q = Query::insert()
        .into_table(setting::Entity)
        .columns([
            setting::Column::Name,
            setting::Column::Value,
            setting::Column::UpdatedAt,
        ])
        .values_panic([name.into(), value.into(), Utc::now().into()])
        .on_conflict(conflict)
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// Records `url` as the public URL unless one is recorded already, and returns the one that
/// stands: the first bootstrap decides, later ones (and other nodes) learn it.
pub async fn ensure_public_url(db: &impl ConnectionTrait, url: &str) -> Result<String, StoreError> {
    put(db, PUBLIC_URL, url, false).await?;
    public_url(db)
        .await?
        .ok_or_else(|| StoreError::Corrupt("the public_url setting vanished".into()))
}

/// Changes the public URL, with an audit entry naming the old and new values, and returns the
/// old one. Call it inside a transaction so the entry exists exactly when the change does.
pub async fn set_public_url(
    db: &impl ConnectionTrait,
    url: &str,
    actor: &str,
) -> Result<Option<String>, StoreError> {
    let before = public_url(db).await?;
    put(db, PUBLIC_URL, url, true).await?;
    super::audit::record(
        db,
        actor,
        "settings.public_url",
        "setting:public_url",
        before.as_ref(),
        Some(&url),
    )
    .await?;
    Ok(before)
}

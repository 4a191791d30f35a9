//! Officer accounts. Passwords are stored as argon2id PHC strings only, made and checked by
//! `service::passwords`; the rules (roles, the last admin) and the audit entries are in
//! `service::accounts`.

use super::StoreError;
use crate::domain::values::Role;
use crate::entity::officer;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};

/// An officer as the rest of the service sees it: never the hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Officer {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// Set while the account is disabled.
    pub disabled_at: Option<DateTime<Utc>>,
}

fn from_row(m: officer::Model) -> Result<Officer, StoreError> {
    Ok(Officer {
        id: m.id,
        email: m.email,
        role: super::word(Role::parse, "role", &m.role)?,
        disabled_at: m.disabled_at,
    })
}

/// How many officers exist.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(officer::Entity::find().count(db).await?)
}

/// Creates an officer with a PHC password hash; a second account with the same e-mail is a
/// conflict.
pub async fn create(
    db: &impl ConnectionTrait,
    email: &str,
    password_phc: &str,
    role: Role,
) -> Result<Officer, StoreError> {
    let row = officer::ActiveModel {
        email: Set(email.to_owned()),
        password_hash: Set(password_phc.to_owned()),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        if super::is_unique_violation(&e) {
            StoreError::conflict(
                "email_taken",
                format!("an officer with e-mail {email} exists"),
            )
        } else {
            e.into()
        }
    })?;
    from_row(row)
}

/// An officer with the stored PHC hash of its password, by e-mail (enabled or not).
pub async fn credentials(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<(Officer, String)>, StoreError> {
    officer::Entity::find()
        .filter(officer::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
        .map(|m| {
            let phc = m.password_hash.clone();
            from_row(m).map(|o| (o, phc))
        })
        .transpose()
}

/// The stored PHC hash of officer `id`'s password (enabled or not).
pub async fn password_hash(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<String>, StoreError> {
    Ok(officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| m.password_hash))
}

/// One enabled officer by id.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Officer>, StoreError> {
    officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| m.disabled_at.is_none())
        .map(from_row)
        .transpose()
}

/// One officer by e-mail, enabled or not.
pub async fn by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<Officer>, StoreError> {
    officer::Entity::find()
        .filter(officer::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Every officer, by e-mail.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Officer>, StoreError> {
    use sea_orm::QueryOrder;
    officer::Entity::find()
        .order_by_asc(officer::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// How many admins are enabled.
pub async fn enabled_admins(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(officer::Entity::find()
        .filter(officer::Column::Role.eq(Role::Admin.as_str()))
        .filter(officer::Column::DisabledAt.is_null())
        .count(db)
        .await?)
}

/// One officer by id, enabled or not.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Officer>, StoreError> {
    officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Sets or clears an account's `disabled_at`.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    id: i64,
    disabled: bool,
) -> Result<Officer, StoreError> {
    let row = officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no officer {id}")))?;
    let mut active = row.into_active_model();
    active.disabled_at = Set(disabled.then(Utc::now));
    from_row(active.update(db).await?)
}

/// Replaces an officer's PHC password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    id: i64,
    password_phc: &str,
) -> Result<(), StoreError> {
    let row = officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no officer {id}")))?;
    let mut active = row.into_active_model();
    active.password_hash = Set(password_phc.to_owned());
    active.update(db).await?;
    Ok(())
}

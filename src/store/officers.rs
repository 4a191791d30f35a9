//! Officer accounts. Passwords are stored as argon2id PHC strings only.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use super::{StoreError, audit};
use crate::domain::values::Role;
use crate::entity::officer;

/// An officer as the rest of the service sees it: never the hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Officer {
    pub id: i64,
    pub email: String,
    pub role: Role,
}

fn from_row(m: officer::Model) -> Result<Officer, StoreError> {
    Ok(Officer {
        id: m.id,
        email: m.email,
        role: super::word(Role::parse, "role", &m.role)?,
    })
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StoreError::Corrupt(format!("argon2 salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("argon2: {e}")))
}

/// Checks a password against a stored PHC string.
pub fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// How many officers exist.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(officer::Entity::find().count(db).await?)
}

/// Creates an officer and its audit entry; a second account with the same e-mail is a
/// conflict. Run it in a transaction so that both land or neither does.
pub async fn create(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    role: Role,
    actor: &str,
) -> Result<Officer, StoreError> {
    if role == Role::Retailer {
        return Err(StoreError::conflict(
            "bad_role",
            "officer accounts are admin or officer; retailers use API keys",
        ));
    }
    let hash = hash_password(password)?;
    let row = officer::ActiveModel {
        email: Set(email.to_owned()),
        password_hash: Set(hash),
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
    let officer = from_row(row)?;
    audit::record(
        db,
        actor,
        "officer.create",
        &format!("officer:{}", officer.id),
        None::<&()>,
        Some(&officer),
    )
    .await?;
    Ok(officer)
}

/// Checks e-mail and password; `None` for an unknown e-mail, a wrong password or a disabled
/// account (the caller must not tell them apart).
pub async fn authenticate(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
) -> Result<Option<Officer>, StoreError> {
    let row = officer::Entity::find()
        .filter(officer::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?;
    match row {
        Some(m) if m.disabled_at.is_none() && password_matches(&m.password_hash, password) => {
            Ok(Some(from_row(m)?))
        }
        Some(_) => Ok(None),
        None => {
            // Spend the same time as a real check, so response time does not reveal which
            // e-mails exist.
            let _ = password_matches(dummy_hash(), password);
            Ok(None)
        }
    }
}

/// A real argon2id hash of a throwaway string, made once, used to equalise timing.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("tasdiq-timing-equaliser").unwrap_or_default())
}

/// One officer by id.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Officer>, StoreError> {
    officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| m.disabled_at.is_none())
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

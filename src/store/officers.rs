//! Officer accounts. Passwords are stored as argon2id PHC strings only.
//!
//! Argon2 is deliberately slow and memory-hungry (19 MiB a hash), so hashing and checking run on
//! the blocking pool, never on the async workers, and at most a few at once: a burst of sign-in
//! attempts waits its turn instead of taking every worker or all the memory.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use tokio::sync::Semaphore;

use super::{StoreError, audit};
use crate::domain::values::Role;
use crate::entity::officer;

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

/// A password hashed for storage; made only by [`hash`].
#[derive(Clone)]
pub struct Hashed(String);

impl std::fmt::Debug for Hashed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hashed(<argon2id>)")
    }
}

/// Argon2 computations allowed at once on this node.
static ARGON2_TURNS: Semaphore = Semaphore::const_new(4);

/// Runs one argon2 computation on the blocking pool, waiting for a turn.
async fn on_blocking_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let _turn = ARGON2_TURNS
        .acquire()
        .await
        .map_err(|_| StoreError::Corrupt("argon2 turns closed".into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Corrupt(format!("argon2 task: {e}")))
}

/// Hashes a password with argon2id and a random salt, off the async workers.
pub async fn hash(password: &str) -> Result<Hashed, StoreError> {
    let password = password.to_owned();
    on_blocking_pool(move || hash_password(&password))
        .await?
        .map(Hashed)
}

/// Checks a password against a stored PHC string, off the async workers.
pub async fn verify(stored: &str, password: &str) -> Result<bool, StoreError> {
    let (stored, password) = (stored.to_owned(), password.to_owned());
    on_blocking_pool(move || password_matches(&stored, &password)).await
}

fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| StoreError::Corrupt(format!("argon2 salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("argon2: {e}")))
}

fn password_matches(hash: &str, password: &str) -> bool {
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
    password: &Hashed,
    role: Role,
    actor: &str,
) -> Result<Officer, StoreError> {
    if role == Role::Retailer {
        return Err(StoreError::conflict(
            "bad_role",
            "officer accounts are admin or officer; retailers use API keys",
        ));
    }
    let row = officer::ActiveModel {
        email: Set(email.to_owned()),
        password_hash: Set(password.0.clone()),
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
        Some(m) => {
            let ok = verify(&m.password_hash, password).await?;
            if ok && m.disabled_at.is_none() {
                Ok(Some(from_row(m)?))
            } else {
                Ok(None)
            }
        }
        None => {
            // Spend the same time as a real check, so response time does not reveal which
            // e-mails exist.
            let _ = verify(&dummy_hash().await?, password).await?;
            Ok(None)
        }
    }
}

/// Whether `password` is the current password of officer `id` (enabled or not).
pub async fn password_is(
    db: &impl ConnectionTrait,
    id: i64,
    password: &str,
) -> Result<bool, StoreError> {
    match officer::Entity::find_by_id(id).one(db).await? {
        Some(m) => verify(&m.password_hash, password).await,
        None => Ok(false),
    }
}

/// A real argon2id hash of a throwaway string, made once, used to equalise timing.
async fn dummy_hash() -> Result<String, StoreError> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_try_init(|| async { hash("tasdiq-timing-equaliser").await.map(|h| h.0) })
        .await
        .cloned()
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

/// Disables (`disabled` true) or re-enables an account, with its audit entry. Disabling ends
/// every session of the account in the same transaction. The last enabled admin cannot be
/// disabled: nobody could enable anyone again from the web.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    id: i64,
    disabled: bool,
    actor: &str,
) -> Result<Officer, StoreError> {
    let row = officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no officer {id}")))?;
    let before = from_row(row.clone())?;
    if disabled == before.disabled_at.is_some() {
        return Ok(before);
    }
    if disabled && before.role == Role::Admin {
        let admins = officer::Entity::find()
            .filter(officer::Column::Role.eq(Role::Admin.as_str()))
            .filter(officer::Column::DisabledAt.is_null())
            .count(db)
            .await?;
        if admins <= 1 {
            return Err(StoreError::conflict(
                "last_admin",
                format!(
                    "{} is the last enabled admin; enable or create another admin first",
                    before.email
                ),
            ));
        }
    }
    let mut active = row.into_active_model();
    active.disabled_at = Set(disabled.then(Utc::now));
    let after = from_row(active.update(db).await?)?;
    if disabled {
        super::sessions::end_all(db, id, None).await?;
    }
    audit::record(
        db,
        actor,
        if disabled {
            "officer.disable"
        } else {
            "officer.enable"
        },
        &format!("officer:{id}"),
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Replaces an officer's password and ends their other sessions (every session but
/// `keep_session`, the cookie token of the one that asked), with its audit entry.
pub async fn set_password(
    db: &impl ConnectionTrait,
    id: i64,
    password: &Hashed,
    keep_session: Option<&str>,
    actor: &str,
) -> Result<(), StoreError> {
    let row = officer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no officer {id}")))?;
    let mut active = row.into_active_model();
    active.password_hash = Set(password.0.clone());
    active.update(db).await?;
    let ended = super::sessions::end_all(db, id, keep_session).await?;
    audit::record(
        db,
        actor,
        "officer.password_change",
        &format!("officer:{id}"),
        None::<&()>,
        Some(&serde_json::json!({ "other_sessions_ended": ended })),
    )
    .await?;
    Ok(())
}

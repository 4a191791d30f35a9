//! Accounts: officers (create, disable, enable), signing in, changing one's password, and API
//! keys (create, revoke).
//!
//! Guessing passwords is stopped without locking people out:
//! - each host (the caller's host key) has 5 attempts, then one a minute; a token is taken
//!   *before* the password is checked, in one atomic step, and given back when the password was
//!   right, so concurrent guesses cannot race past the limit and an officer who signs in often
//!   never runs out;
//! - an account that keeps failing is slowed, not locked: past 5 recent failures (a count that
//!   drops by one a minute) each attempt on it waits 0.5 s, 1 s, 2 s … up to 10 s before the
//!   password is checked. The right password from a host that has not failed still signs in.
//! - every failure is in the audit log (host and e-mail typed, never the password).

use std::time::Duration;

use base64::Engine;
use chrono::Utc;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{By, Checks, ServiceError, checked, passwords};
use crate::domain::values::{self, Role};
use crate::state::App;
use crate::store::api_keys::ApiKey;
use crate::store::officers::Officer;
use crate::store::rate_limits::{self, Limit};
use crate::store::{self, StoreError, audit};

/// Attempts per host: 5 at once, then one a minute.
const HOST_LIMIT: Limit = Limit {
    interval_ms: 60_000,
    burst: 5,
};
/// An account's failure count drops by one each minute, and counts at most an hour's worth.
const ACCOUNT_DECAY_MS: i64 = 60_000;
const ACCOUNT_CAP_MS: i64 = 3_600_000;
/// Failures an account takes before attempts on it are slowed.
const ACCOUNT_FREE_FAILURES: i64 = 5;
/// The shortest password an officer may choose.
pub const MIN_PASSWORD: usize = 12;

/// The wait before checking a password for an account with `failures` recent failures.
pub fn account_delay(failures: i64) -> Duration {
    if failures <= ACCOUNT_FREE_FAILURES {
        return Duration::ZERO;
    }
    let doublings = u32::try_from(failures - ACCOUNT_FREE_FAILURES - 1).unwrap_or(u32::MAX);
    let ms = 500u64.saturating_mul(1u64.checked_shl(doublings.min(20)).unwrap_or(u64::MAX));
    Duration::from_millis(ms.min(10_000))
}

fn host_bucket(host: &str) -> String {
    format!("login-ip:{host}")
}

fn account_bucket(email: &str) -> String {
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    format!("login-acct:{}", hex::encode(&digest[..16]))
}

/// How a sign-in attempt ended.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the officer and the new session's token (the cookie's value).
    Done { officer: Officer, token: String },
    /// Wrong e-mail, wrong password or disabled account: the caller must not tell them apart.
    Refused,
    /// Too many attempts from this host; retry after this many milliseconds.
    Limited { wait_ms: i64 },
}

/// Signs an officer in from `host` (the caller's host key, never the address).
pub async fn sign_in(
    app: &App,
    host: &str,
    email: &str,
    password: &str,
) -> Result<SignIn, ServiceError> {
    let db = &app.db;
    let now_ms = Utc::now().timestamp_millis();
    let bucket = host_bucket(host);
    if let Some(wait_ms) = rate_limits::take(db, &bucket, HOST_LIMIT, now_ms).await? {
        return Ok(SignIn::Limited { wait_ms });
    }
    let account = account_bucket(email);
    let failures = rate_limits::pressure(db, &account, ACCOUNT_DECAY_MS, now_ms).await?;
    tokio::time::sleep(account_delay(failures)).await;
    let Some(officer) = check_password(app, email, password).await? else {
        let now_ms = Utc::now().timestamp_millis();
        rate_limits::charge(db, &account, ACCOUNT_DECAY_MS, ACCOUNT_CAP_MS, now_ms).await?;
        audit::record(
            db,
            &format!("sign-in:{host}"),
            "officer.sign_in_failed",
            &format!("officer:{email}"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        return Ok(SignIn::Refused);
    };
    rate_limits::refund(db, &bucket, HOST_LIMIT).await?;
    let token = store::sessions::create(db, officer.id).await?;
    // The session exists whether or not this entry lands; a failure here is logged only.
    if let Err(e) = audit::record(
        db,
        &format!("officer:{}", officer.email),
        "officer.sign_in",
        &format!("officer:{}", officer.id),
        None::<&()>,
        None::<&()>,
    )
    .await
    {
        tracing::warn!(error = %e, "could not record a sign-in");
    }
    Ok(SignIn::Done { officer, token })
}

/// How a password change ended, when it did not fail.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordChange {
    Done,
    /// The current password was wrong.
    WrongPassword,
    /// Too many checks from this host.
    Limited,
}

/// Changes officer `id`'s password: the current one is required (its check counts against the
/// host's sign-in allowance), the new one has at least 12 characters, and every other session
/// of the account (all but `keep_session`) ends.
pub async fn change_password(
    app: &App,
    by: &By,
    id: i64,
    host: &str,
    current: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<PasswordChange, ServiceError> {
    if new.chars().count() < MIN_PASSWORD {
        return Err(ServiceError::invalid(
            "new",
            "the password must have at least 12 characters",
        ));
    }
    let db = &app.db;
    let bucket = host_bucket(host);
    let now_ms = Utc::now().timestamp_millis();
    if rate_limits::take(db, &bucket, HOST_LIMIT, now_ms)
        .await?
        .is_some()
    {
        return Ok(PasswordChange::Limited);
    }
    let stored = store::officers::password_hash(db, id).await?;
    let right = match stored {
        Some(phc) => passwords::verify(&phc, current).await?,
        None => false,
    };
    if !right {
        audit::record(
            db,
            &by.actor,
            "officer.password_change_failed",
            &format!("officer:{id}"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        return Ok(PasswordChange::WrongPassword);
    }
    rate_limits::refund(db, &bucket, HOST_LIMIT).await?;
    let hashed = passwords::hash(new).await?;
    let (actor, hashed) = (by.actor.as_str(), &hashed);
    app.write(|tx| async move {
        store::officers::set_password(&*tx, id, hashed.phc()).await?;
        let ended = store::sessions::end_all(&*tx, id, keep_session).await?;
        audit::record(
            &*tx,
            actor,
            "officer.password_change",
            &format!("officer:{id}"),
            None::<&()>,
            Some(&serde_json::json!({ "other_sessions_ended": ended })),
        )
        .await?;
        Ok::<_, ServiceError>(())
    })
    .await?;
    Ok(PasswordChange::Done)
}

/// Creates an officer account (admin or officer; retailers use API keys). A second account
/// with the same e-mail is a conflict.
pub async fn create_officer(
    app: &App,
    by: &By,
    email: &str,
    role: &str,
    password: &str,
) -> Result<Officer, ServiceError> {
    let mut c = Checks::default();
    let email = c.take(values::email(email));
    let role = c.take(Role::parse("role", role).and_then(|r| match r {
        Role::Admin | Role::Officer => Ok(r),
        Role::Retailer => Err(values::FieldError::new("role", "admin or officer")),
    }));
    if password.chars().count() < MIN_PASSWORD {
        c.push("password", "the password must have at least 12 characters");
    }
    c.finish()?;
    let (email, role) = (checked(email)?, checked(role)?);
    let hashed = passwords::hash(password).await?;
    let (actor, email, hashed) = (by.actor.as_str(), email.as_str(), &hashed);
    app.write(|tx| async move {
        let officer = store::officers::create(&*tx, email, hashed.phc(), role).await?;
        audit::record(
            &*tx,
            actor,
            "officer.create",
            &format!("officer:{}", officer.id),
            None::<&()>,
            Some(&officer),
        )
        .await?;
        Ok::<_, ServiceError>(officer)
    })
    .await
}

/// Disables (`disable` true) or enables an account. Disabling ends its sessions at once; one
/// cannot disable oneself (`self_id`), nor the last enabled admin.
pub async fn set_disabled(
    app: &App,
    by: &By,
    id: i64,
    disable: bool,
    self_id: Option<i64>,
) -> Result<Officer, ServiceError> {
    if disable && self_id == Some(id) {
        return Err(ServiceError::conflict(
            "disable_self",
            "you cannot disable your own account",
        ));
    }
    let actor = by.actor.as_str();
    app.write(|tx| async move {
        let before = store::officers::find(&*tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no officer {id}")))?;
        if disable == before.disabled_at.is_some() {
            return Ok(before);
        }
        // The last enabled admin cannot be disabled: nobody could enable anyone again from
        // the web.
        if disable
            && before.role == Role::Admin
            && store::officers::enabled_admins(&*tx).await? <= 1
        {
            return Err(ServiceError::conflict(
                "last_admin",
                format!(
                    "{} is the last enabled admin; enable or create another admin first",
                    before.email
                ),
            ));
        }
        let after = store::officers::set_disabled(&*tx, id, disable).await?;
        if disable {
            store::sessions::end_all(&*tx, id, None).await?;
        }
        audit::record(
            &*tx,
            actor,
            if disable {
                "officer.disable"
            } else {
                "officer.enable"
            },
            &format!("officer:{id}"),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok::<_, ServiceError>(after)
    })
    .await
}

/// The officer with this e-mail, enabled or not.
pub async fn officer_by_email(app: &App, email: &str) -> Result<Option<Officer>, ServiceError> {
    Ok(store::officers::by_email(&app.db, email).await?)
}

/// Creates an API key (officer or retailer); returns it with its one-time plaintext.
pub async fn create_api_key(
    app: &App,
    by: &By,
    name: &str,
    role: &str,
) -> Result<(ApiKey, String), ServiceError> {
    let mut c = Checks::default();
    let name = c.take(values::text("name", name, 100));
    let role = c.take(Role::parse("role", role).and_then(|r| match r {
        Role::Officer | Role::Retailer => Ok(r),
        Role::Admin => Err(values::FieldError::new("role", "officer or retailer")),
    }));
    c.finish()?;
    let (name, role) = (checked(name)?, checked(role)?);
    let lookup = hex::encode(rand::random::<[u8; 8]>());
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let secret_hash = hex::encode(key_digest(&secret));
    let (actor, name, lookup_ref, hash) = (
        by.actor.as_str(),
        name.as_str(),
        lookup.as_str(),
        secret_hash.as_str(),
    );
    let key = app
        .write(|tx| async move {
            let key = store::api_keys::insert(&*tx, name, role, lookup_ref, hash, actor).await?;
            audit::record(
                &*tx,
                actor,
                "apikey.create",
                &format!("apikey:{}", key.id),
                None::<&()>,
                Some(&key),
            )
            .await?;
            Ok::<_, ServiceError>(key)
        })
        .await?;
    Ok((key, format!("tsq_{lookup}_{secret}")))
}

/// Revokes an API key; it stops working at once.
pub async fn revoke_api_key(app: &App, by: &By, id: i64) -> Result<ApiKey, ServiceError> {
    let actor = by.actor.as_str();
    app.write(|tx| async move {
        let key = store::api_keys::revoke(&*tx, id).await?;
        audit::record(
            &*tx,
            actor,
            "apikey.revoke",
            &format!("apikey:{id}"),
            None::<&()>,
            Some(&key),
        )
        .await?;
        Ok::<_, ServiceError>(key)
    })
    .await
}

fn key_digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The key a bearer token `tsq_<lookup>_<secret>` stands for, if it is one of ours and not
/// revoked. The secret's SHA-256 is compared in constant time.
pub async fn authenticate_api_key(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<ApiKey>, ServiceError> {
    let Some((lookup, secret)) = token
        .strip_prefix("tsq_")
        .and_then(|rest| rest.split_once('_'))
    else {
        return Ok(None);
    };
    if lookup.len() != 16 || !lookup.bytes().all(|b| b.is_ascii_hexdigit()) || secret.len() > 128 {
        return Ok(None);
    }
    let Some((key, stored_hex)) = store::api_keys::by_lookup(db, lookup).await? else {
        return Ok(None);
    };
    let mut stored = [0u8; 32];
    if hex::decode_to_slice(&stored_hex, &mut stored).is_err() {
        return Err(ServiceError::Store(StoreError::Corrupt(format!(
            "api key {}",
            key.id
        ))));
    }
    let matches: bool = key_digest(secret).ct_eq(&stored).into();
    if !matches || key.revoked_at.is_some() {
        return Ok(None);
    }
    Ok(Some(key))
}

/// Checks e-mail and password; `None` for an unknown e-mail, a wrong password or a disabled
/// account (callers must not tell them apart; an unknown e-mail costs a check too).
pub async fn check_password(
    app: &App,
    email: &str,
    password: &str,
) -> Result<Option<Officer>, ServiceError> {
    match store::officers::credentials(&app.db, email).await? {
        Some((officer, phc)) => {
            let ok = passwords::verify(&phc, password).await?;
            Ok((ok && officer.disabled_at.is_none()).then_some(officer))
        }
        None => {
            passwords::waste_a_check(password).await?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_slowed_more_and_more_but_never_locked() {
        assert_eq!(account_delay(0), Duration::ZERO);
        assert_eq!(account_delay(5), Duration::ZERO);
        assert_eq!(account_delay(6), Duration::from_millis(500));
        assert_eq!(account_delay(7), Duration::from_secs(1));
        assert_eq!(account_delay(9), Duration::from_secs(4));
        assert_eq!(account_delay(60), Duration::from_secs(10));
        assert_eq!(account_delay(i64::MAX), Duration::from_secs(10));
    }
}

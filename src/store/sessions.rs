//! Officer web sessions. The cookie holds a random token; the table holds its SHA-256, the
//! officer, the session's CSRF token, its start and its last use. A session idle for longer
//! than the configured time, or older than the absolute lifetime, is over; so is every session
//! of an account that is disabled or changes its password.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use sha2::{Digest, Sha256};

use super::StoreError;
use super::officers::{self, Officer};

fn t(name: &str) -> Alias {
    Alias::new(name)
}

fn id_of(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// A signed-in officer and the CSRF token of their session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub officer: Officer,
    pub csrf: String,
}

/// Opens a session; returns the cookie token.
pub async fn create(db: &impl ConnectionTrait, officer_id: i64) -> Result<String, StoreError> {
    let token = random_token();
    let now = Utc::now();
    let q = Query::insert()
        .into_table(t("officer_sessions"))
        .columns([
            t("id"),
            t("officer"),
            t("csrf"),
            t("created_at"),
            t("last_seen_at"),
        ])
        .values_panic([
            id_of(&token).into(),
            officer_id.into(),
            hex::encode(rand::random::<[u8; 16]>()).into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    db.execute(&q).await?;
    Ok(token)
}

#[derive(FromQueryResult)]
struct Row {
    officer: i64,
    csrf: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

/// How long a session may last: idle time, and absolute lifetime whatever the use.
#[derive(Clone, Copy, Debug)]
pub struct Lifetime {
    pub idle: Duration,
    pub max: Duration,
}

/// The session of a cookie token, if it exists, has not been idle for `life.idle`, is younger
/// than `life.max`, and its officer is enabled. Its last use is refreshed at most once a
/// minute, so a busy officer does not write on every click.
pub async fn find(
    db: &impl ConnectionTrait,
    token: &str,
    life: Lifetime,
) -> Result<Option<Session>, StoreError> {
    if token.len() > 100 {
        return Ok(None);
    }
    let id = id_of(token);
    let q = Query::select()
        .columns([t("officer"), t("csrf"), t("created_at"), t("last_seen_at")])
        .from(t("officer_sessions"))
        .and_where(Expr::col(t("id")).eq(id.clone()))
        .to_owned();
    let Some(row) = db.query_one(&q).await? else {
        return Ok(None);
    };
    let row = Row::from_query_result(&row, "")?;
    let now = Utc::now();
    if now - row.last_seen_at > life.idle || now - row.created_at > life.max {
        delete(db, token).await?;
        return Ok(None);
    }
    if now - row.last_seen_at > Duration::minutes(1) {
        let q = Query::update()
            .table(t("officer_sessions"))
            .value(t("last_seen_at"), now)
            .and_where(Expr::col(t("id")).eq(id))
            .to_owned();
        db.execute(&q).await?;
    }
    Ok(officers::get(db, row.officer)
        .await?
        .map(|officer| Session {
            officer,
            csrf: row.csrf,
        }))
}

/// Ends a session.
pub async fn delete(db: &impl ConnectionTrait, token: &str) -> Result<(), StoreError> {
    let q = Query::delete()
        .from_table(t("officer_sessions"))
        .and_where(Expr::col(t("id")).eq(id_of(token)))
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// Ends every session of `officer`, except the one of cookie token `keep` if given. Returns
/// how many ended.
pub async fn end_all(
    db: &impl ConnectionTrait,
    officer: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let mut q = Query::delete()
        .from_table(t("officer_sessions"))
        .and_where(Expr::col(t("officer")).eq(officer))
        .to_owned();
    if let Some(token) = keep {
        q.and_where(Expr::col(t("id")).ne(id_of(token)));
    }
    Ok(db.execute(&q).await?.rows_affected())
}

/// Deletes sessions that are over: idle for longer than `life.idle`, or older than `life.max`.
pub async fn purge(db: &impl ConnectionTrait, life: Lifetime) -> Result<(), StoreError> {
    let now = Utc::now();
    let q = Query::delete()
        .from_table(t("officer_sessions"))
        .cond_where(
            sea_orm::Condition::any()
                .add(Expr::col(t("last_seen_at")).lt(now - life.idle))
                .add(Expr::col(t("created_at")).lt(now - life.max)),
        )
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

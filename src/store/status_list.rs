//! The signed status list: the facts it is made from (certificates not in good standing,
//! brands, label keys) and its stored versions.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, JoinType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::StoreError;
use crate::domain::values::{CertificateStatus, Standing};
use crate::entity::{brand, certificate, membership, signing_key, status_version};

/// When the service secret `name` was recorded.
pub async fn key_created(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let q = Query::select()
        .column(Alias::new("created_at"))
        .from(Alias::new("service_secrets"))
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .to_owned();
    match db.query_one(&q).await? {
        Some(row) => Ok(Some(row.try_get("", "created_at")?)),
        None => Ok(None),
    }
}

/// A certificate that may not be in good standing, with what decides its line.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CertRow {
    pub number: i64,
    pub kid: String,
    pub issued_at: DateTime<Utc>,
    pub status: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub member_status: Option<String>,
    pub member_since: Option<DateTime<Utc>>,
    /// When the right was last withdrawn: a certificate issued before it is revoked for good.
    pub member_withdrawn_at: Option<DateTime<Utc>>,
}

/// Unexpired certificates that are revoked, have no active right of use, or were signed by a
/// key reported compromised (the caller applies `compromised_since`).
pub async fn flagged_certificates(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    compromised_kids: &[String],
) -> Result<Vec<CertRow>, StoreError> {
    let (c, m) = (Alias::new("c"), Alias::new("m"));
    let col = |t: &Alias, name: &str| Expr::col((t.clone(), Alias::new(name)));
    let mut q = Query::select();
    q.from_as(certificate::Entity, c.clone());
    for name in ["number", "kid", "issued_at", "status", "revoked_at"] {
        q.expr_as(col(&c, name), Alias::new(name));
    }
    q.expr_as(col(&m, "status"), Alias::new("member_status"));
    q.expr_as(col(&m, "updated_at"), Alias::new("member_since"));
    q.expr_as(col(&m, "withdrawn_at"), Alias::new("member_withdrawn_at"));
    q.join_as(
        JoinType::LeftJoin,
        membership::Entity,
        m.clone(),
        col(&m, "brand")
            .equals((c.clone(), Alias::new("brand")))
            .and(col(&m, "producer").equals((c.clone(), Alias::new("producer")))),
    );
    let mut not_good = Cond::any()
        .add(col(&c, "status").ne(CertificateStatus::Issued.as_str()))
        .add(col(&m, "status").is_null())
        .add(col(&m, "status").ne(Standing::Active.as_str()))
        .add(col(&c, "issued_at").lt(col(&m, "withdrawn_at")));
    if !compromised_kids.is_empty() {
        not_good = not_good.add(col(&c, "kid").is_in(compromised_kids.iter().cloned()));
    }
    q.and_where(col(&c, "expires_on").gte(today))
        .cond_where(not_good);
    Ok(
        CertRow::find_by_statement(db.get_database_backend().build(&q))
            .all(db)
            .await?,
    )
}

/// Brands that are not active: number, status, since.
pub async fn inactive_brands(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i32, String, DateTime<Utc>)>, StoreError> {
    let rows = brand::Entity::find()
        .filter(brand::Column::Status.ne(Standing::Active.as_str()))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|b| (b.number, b.status, b.updated_at))
        .collect())
}

/// Every label key row (a handful).
pub async fn label_keys(db: &impl ConnectionTrait) -> Result<Vec<signing_key::Model>, StoreError> {
    Ok(signing_key::Entity::find().all(db).await?)
}

/// The newest stored version.
pub async fn newest(
    db: &impl ConnectionTrait,
) -> Result<Option<status_version::Model>, StoreError> {
    Ok(status_version::Entity::find()
        .order_by_desc(status_version::Column::Version)
        .limit(1)
        .one(db)
        .await?)
}

/// One version.
pub async fn get(
    db: &impl ConnectionTrait,
    version: u64,
) -> Result<Option<status_version::Model>, StoreError> {
    let Ok(v) = i64::try_from(version) else {
        return Ok(None);
    };
    Ok(status_version::Entity::find_by_id(v).one(db).await?)
}

/// A new version, with its first `latest` note.
pub async fn insert(
    db: &impl ConnectionTrait,
    row: status_version::Model,
) -> Result<(), StoreError> {
    status_version::ActiveModel {
        version: Set(row.version),
        created_at: Set(row.created_at),
        digest: Set(row.digest),
        entry_count: Set(row.entry_count),
        body: Set(row.body),
        note: Set(row.note),
        as_of: Set(row.as_of),
        latest: Set(row.latest),
    }
    .insert(db)
    .await?;
    // Only the newest version carries a `latest` note.
    status_version::Entity::update_many()
        .col_expr(status_version::Column::Latest, Expr::value(None::<String>))
        .filter(status_version::Column::Version.lt(row.version))
        .filter(status_version::Column::Latest.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces the `latest` note of `version`, unless a newer one is stored already.
pub async fn set_latest(
    db: &impl ConnectionTrait,
    version: u64,
    as_of: DateTime<Utc>,
    note: String,
) -> Result<(), StoreError> {
    let v = i64::try_from(version).map_err(|_| StoreError::Corrupt("version".into()))?;
    status_version::Entity::update_many()
        .col_expr(status_version::Column::AsOf, Expr::value(as_of))
        .col_expr(status_version::Column::Latest, Expr::value(note))
        .filter(status_version::Column::Version.eq(v))
        .filter(
            Cond::any()
                .add(status_version::Column::AsOf.is_null())
                .add(status_version::Column::AsOf.lt(as_of)),
        )
        .exec(db)
        .await?;
    Ok(())
}

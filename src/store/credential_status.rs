//! The inputs of the credential status lists: each certificate's index in its key's lists, and
//! the certificates of a key that may not be in good standing, with the facts the verdict needs.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, JoinType, Query};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult};

use super::{StoreError, word};
use crate::domain::code::Kid;
use crate::domain::values::{CertificateNumber, CertificateStatus, Standing};
use crate::domain::verdict::CertFacts;
use crate::entity::{brand, certificate, membership};

/// A certificate's index in its key's status lists; `None` for an unknown certificate.
pub async fn index_of(
    db: &impl ConnectionTrait,
    number: CertificateNumber,
) -> Result<Option<u64>, StoreError> {
    let Some(id) = number.to_db() else {
        return Ok(None);
    };
    let row = certificate::Entity::find_by_id(id).one(db).await?;
    row.map(|r| {
        r.status_index
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| StoreError::Corrupt(format!("certificate {number} has no status index")))
    })
    .transpose()
}

#[derive(Debug, FromQueryResult)]
struct Row {
    number: i64,
    brand: i32,
    quantity: i32,
    expires_on: NaiveDate,
    issued_at: DateTime<Utc>,
    status: String,
    status_index: i64,
    brand_status: String,
    member_status: Option<String>,
    member_withdrawn_at: Option<DateTime<Utc>>,
}

/// The certificates issued under `kid` that may not be in good standing: revoked, of a brand
/// or a right of use that is not active, or issued from `compromised_since` on. Each comes
/// with its status index; the caller decides with the verdict's own rules.
pub async fn flagged(
    db: &impl ConnectionTrait,
    kid: Kid,
    compromised_since: Option<DateTime<Utc>>,
) -> Result<Vec<(u64, CertFacts)>, StoreError> {
    let (c, b, m) = (Alias::new("c"), Alias::new("b"), Alias::new("m"));
    let col = |t: &Alias, name: &str| Expr::col((t.clone(), Alias::new(name)));
    let mut q = Query::select();
    q.from_as(certificate::Entity, c.clone());
    for name in [
        "number",
        "brand",
        "quantity",
        "expires_on",
        "issued_at",
        "status",
        "status_index",
    ] {
        q.expr_as(col(&c, name), Alias::new(name));
    }
    q.expr_as(col(&b, "status"), Alias::new("brand_status"));
    q.expr_as(col(&m, "status"), Alias::new("member_status"));
    q.expr_as(col(&m, "withdrawn_at"), Alias::new("member_withdrawn_at"));
    q.join_as(
        JoinType::InnerJoin,
        brand::Entity,
        b.clone(),
        col(&b, "number").equals((c.clone(), Alias::new("brand"))),
    );
    q.join_as(
        JoinType::LeftJoin,
        membership::Entity,
        m.clone(),
        col(&m, "brand")
            .equals((c.clone(), Alias::new("brand")))
            .and(col(&m, "producer").equals((c.clone(), Alias::new("producer")))),
    );
    let active = Standing::Active.as_str();
    let mut not_good = Cond::any()
        .add(col(&c, "status").ne(CertificateStatus::Issued.as_str()))
        .add(col(&b, "status").ne(active))
        .add(col(&m, "status").is_null())
        .add(col(&m, "status").ne(active))
        // Issued before the right was last withdrawn: revoked for good (a re-grant keeps it so).
        .add(col(&c, "issued_at").lt(col(&m, "withdrawn_at")));
    if let Some(since) = compromised_since {
        not_good = not_good.add(col(&c, "issued_at").gte(since));
    }
    q.and_where(col(&c, "kid").eq(kid.to_string()))
        .and_where(col(&c, "status_index").is_not_null())
        .cond_where(not_good);
    let rows = Row::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            let corrupt =
                |what: &str| StoreError::Corrupt(format!("certificate {}: {what}", r.number));
            let facts = CertFacts {
                number: u64::try_from(r.number).map_err(|_| corrupt("number"))?,
                brand: u16::try_from(r.brand).map_err(|_| corrupt("brand"))?,
                kid,
                quantity: u32::try_from(r.quantity).map_err(|_| corrupt("quantity"))?,
                expires_on: r.expires_on,
                issued_at: r.issued_at,
                status: word(CertificateStatus::parse, "status", &r.status)?,
                brand_status: word(Standing::parse, "brand status", &r.brand_status)?,
                membership: r
                    .member_status
                    .as_deref()
                    .map(|s| word(Standing::parse, "member status", s))
                    .transpose()?,
                member_withdrawn_at: r.member_withdrawn_at,
            };
            let index = u64::try_from(r.status_index).map_err(|_| corrupt("status index"))?;
            Ok((index, facts))
        })
        .collect()
}

/// How many certificates `kid` has signed, which sets the length of its lists.
pub async fn count_for_key(db: &impl ConnectionTrait, kid: Kid) -> Result<u64, StoreError> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Kid.eq(kid.to_string()))
        .count(db)
        .await?)
}

//! Certificates: issuance (one row per lot, whatever its size), revocation, and the joined
//! view of certificate, brand, producer and right of use that every verdict needs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult,
    IntoActiveModel, QueryFilter,
};
use serde::Serialize;

use super::registry::Names;
use super::{StoreError, word};
use crate::domain::code::Kid;
use crate::domain::lifecycle::{CertificateRequest, RightOfUse};
use crate::domain::values::{CertificateNumber, CertificateStatus, Region, Standing};
use crate::domain::verdict::CertFacts;
use crate::entity::{brand, certificate, membership, producer};

/// The brand as a certificate shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BrandRef {
    pub number: u16,
    pub code: String,
    pub names: Names,
}

/// The producer as a certificate shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProducerRef {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region: Region,
    pub province: String,
    pub women_led: bool,
    pub youth_led: bool,
}

/// The range of item numbers a certificate covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LabelRange {
    pub first: u32,
    pub last: u32,
}

/// A certificate as the API shows it (`certificate` in a verdict, the issuance answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CertView {
    /// Decimal string: JSON numbers lose precision past 2^53.
    pub number: String,
    pub status: CertificateStatus,
    pub brand: BrandRef,
    pub producer: ProducerRef,
    pub product: String,
    pub lot: String,
    pub quantity: u32,
    pub labels: LabelRange,
    pub produced_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub issued_at: DateTime<Utc>,
    pub kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Everything known about one certificate: the verdict's inputs and the shown view, with the
/// view's JSON made once so that each verdict copies it instead of serialising it again.
#[derive(Clone, Debug)]
pub struct CertRecord {
    pub facts: CertFacts,
    pub view: CertView,
    /// Who issued it (`officer:…` or `apikey:…`), for officers' pages only: the view, which
    /// public answers show, names no staff.
    pub issued_by: String,
    pub view_json: Box<serde_json::value::RawValue>,
}

#[derive(Debug, FromQueryResult)]
struct Joined {
    number: i64,
    brand: i32,
    producer: i64,
    product: String,
    lot: String,
    quantity: i32,
    produced_on: NaiveDate,
    expires_on: NaiveDate,
    issued_at: DateTime<Utc>,
    issued_by: String,
    kid: String,
    status: String,
    revocation_reason: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    brand_code: String,
    brand_ar: String,
    brand_fr: String,
    brand_en: String,
    brand_zgh: String,
    brand_status: String,
    producer_name: String,
    producer_kind: String,
    producer_region: String,
    producer_province: String,
    women_led: bool,
    youth_led: bool,
    member_status: Option<String>,
    member_withdrawn_at: Option<DateTime<Utc>>,
}

impl Joined {
    fn into_record(self) -> Result<CertRecord, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("certificate {}: {what}", self.number));
        let number = u64::try_from(self.number).map_err(|_| corrupt("number"))?;
        let brand = u16::try_from(self.brand).map_err(|_| corrupt("brand"))?;
        let quantity = u32::try_from(self.quantity).map_err(|_| corrupt("quantity"))?;
        let kid = Kid::parse(&self.kid).ok_or_else(|| corrupt("kid"))?;
        let status = word(CertificateStatus::parse, "status", &self.status)?;
        let brand_status = word(Standing::parse, "brand status", &self.brand_status)?;
        let membership = self
            .member_status
            .as_deref()
            .map(|s| word(Standing::parse, "member status", s))
            .transpose()?;
        let facts = CertFacts {
            number,
            brand,
            kid,
            quantity,
            expires_on: self.expires_on,
            issued_at: self.issued_at,
            status,
            brand_status,
            membership,
            member_withdrawn_at: self.member_withdrawn_at,
        };
        let view = CertView {
            number: number.to_string(),
            status,
            brand: BrandRef {
                number: brand,
                code: self.brand_code,
                names: Names {
                    ar: self.brand_ar,
                    fr: self.brand_fr,
                    en: self.brand_en,
                    zgh: self.brand_zgh,
                },
            },
            producer: ProducerRef {
                id: self.producer,
                name: self.producer_name,
                kind: self.producer_kind,
                region: word(Region::parse, "region", &self.producer_region)?,
                province: self.producer_province,
                women_led: self.women_led,
                youth_led: self.youth_led,
            },
            product: self.product,
            lot: self.lot,
            quantity,
            labels: LabelRange {
                first: 1,
                last: quantity,
            },
            produced_on: self.produced_on,
            expires_on: self.expires_on,
            issued_at: self.issued_at,
            kid: kid.to_string(),
            revocation_reason: self.revocation_reason,
            revoked_at: self.revoked_at,
        };
        let view_json = serde_json::value::to_raw_value(&view)
            .map_err(|e| StoreError::Corrupt(format!("certificate view: {e}")))?;
        Ok(CertRecord {
            facts,
            view,
            issued_by: self.issued_by,
            view_json,
        })
    }
}

/// Loads the records of many certificates in one round trip. Unknown numbers are absent.
pub async fn records(
    db: &impl ConnectionTrait,
    numbers: &[CertificateNumber],
) -> Result<HashMap<u64, CertRecord>, StoreError> {
    let ids: Vec<i64> = numbers.iter().filter_map(|n| n.to_db()).collect();
    let mut out = HashMap::with_capacity(ids.len());
    // Bounded IN lists keep every backend within its parameter limit.
    for chunk in ids.chunks(1000) {
        let (c, b, p, m) = (
            Alias::new("c"),
            Alias::new("b"),
            Alias::new("p"),
            Alias::new("m"),
        );
        let col = |t: &Alias, name: &str| Expr::col((t.clone(), Alias::new(name)));
        let mut q = Query::select();
        q.from_as(certificate::Entity, c.clone());
        for name in [
            "number",
            "brand",
            "producer",
            "product",
            "lot",
            "quantity",
            "produced_on",
            "expires_on",
            "issued_at",
            "issued_by",
            "kid",
            "status",
            "revocation_reason",
            "revoked_at",
        ] {
            q.expr_as(col(&c, name), Alias::new(name));
        }
        for (name, alias) in [
            ("code", "brand_code"),
            ("name_ar", "brand_ar"),
            ("name_fr", "brand_fr"),
            ("name_en", "brand_en"),
            ("name_zgh", "brand_zgh"),
            ("status", "brand_status"),
        ] {
            q.expr_as(col(&b, name), Alias::new(alias));
        }
        for (name, alias) in [
            ("name", "producer_name"),
            ("kind", "producer_kind"),
            ("region", "producer_region"),
            ("province", "producer_province"),
            ("women_led", "women_led"),
            ("youth_led", "youth_led"),
        ] {
            q.expr_as(col(&p, name), Alias::new(alias));
        }
        q.expr_as(col(&m, "status"), Alias::new("member_status"));
        q.expr_as(col(&m, "withdrawn_at"), Alias::new("member_withdrawn_at"));
        q.join_as(
            JoinType::InnerJoin,
            brand::Entity,
            b.clone(),
            col(&b, "number").equals((c.clone(), Alias::new("brand"))),
        );
        q.join_as(
            JoinType::InnerJoin,
            producer::Entity,
            p.clone(),
            col(&p, "id").equals((c.clone(), Alias::new("producer"))),
        );
        q.join_as(
            JoinType::LeftJoin,
            membership::Entity,
            m.clone(),
            col(&m, "brand")
                .equals((c.clone(), Alias::new("brand")))
                .and(col(&m, "producer").equals((c.clone(), Alias::new("producer")))),
        );
        q.and_where(col(&c, "number").is_in(chunk.iter().copied()));
        let rows = Joined::find_by_statement(db.get_database_backend().build(&q))
            .all(db)
            .await?;
        for row in rows {
            let rec = row.into_record()?;
            out.insert(rec.facts.number, rec);
        }
    }
    Ok(out)
}

/// One certificate's record.
pub async fn record(
    db: &impl ConnectionTrait,
    number: CertificateNumber,
) -> Result<CertRecord, StoreError> {
    records(db, &[number])
        .await?
        .remove(&number.0)
        .ok_or_else(|| StoreError::NotFound(format!("there is no certificate {number}")))
}

/// What the issuance rules need to know of the registry: the brand's status (`None`: no such
/// brand), whether the producer exists, and its right to use the brand.
pub struct IssuanceFacts {
    pub brand_status: Option<Standing>,
    pub producer_exists: bool,
    pub right: Option<RightOfUse>,
}

/// Reads the [`IssuanceFacts`] of a brand and producer.
pub async fn issuance_facts(
    db: &impl ConnectionTrait,
    brand: u16,
    producer: i64,
) -> Result<IssuanceFacts, StoreError> {
    let brand_status = brand::Entity::find_by_id(i32::from(brand))
        .one(db)
        .await?
        .map(|b| word(Standing::parse, "status", &b.status))
        .transpose()?;
    let producer_exists = producer::Entity::find_by_id(producer)
        .one(db)
        .await?
        .is_some();
    let right = membership::Entity::find()
        .filter(membership::Column::Brand.eq(i32::from(brand)))
        .filter(membership::Column::Producer.eq(producer))
        .one(db)
        .await?
        .map(|m| -> Result<RightOfUse, StoreError> {
            Ok(RightOfUse {
                status: word(Standing::parse, "status", &m.status)?,
                valid_from: m.valid_from,
                valid_until: m.valid_until,
            })
        })
        .transpose()?;
    Ok(IssuanceFacts {
        brand_status,
        producer_exists,
        right,
    })
}

/// Inserts a certificate under `kid` with a fresh random number (the caller checked the
/// issuance rules). Returns the number.
pub async fn insert(
    db: &impl ConnectionTrait,
    req: &CertificateRequest,
    kid: Kid,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CertificateNumber, StoreError> {
    // The credential's index in its key's status lists, drawn at random as the Bitstring
    // Status List spec recommends. Lists are kept at most half full, so a draw is rarely
    // taken; a taken one fails the unique index and the transaction is retried.
    let signed_by_key = super::credential_status::count_for_key(db, kid).await?;
    let list_length = crate::domain::credential::list_length(signed_by_key);
    // A collision of 63 random bits is all but impossible; retry rather than assume. A unique
    // violation (number, status index, or the lot of a concurrent issuance) ends the
    // transaction on PostgreSQL, so it is retried whole: the retry draws again, or finds the
    // lot certified and refuses it.
    let number = CertificateNumber::random();
    let not_drawn = || StoreError::Corrupt("a certificate number out of range".into());
    let id = number.to_db().ok_or_else(not_drawn)?;
    let status_index = i64::try_from(rand::random_range(0..list_length)).ok();
    let res = certificate::Entity::insert(certificate::ActiveModel {
        number: Set(id),
        brand: Set(i32::from(req.brand)),
        producer: Set(req.producer),
        product: Set(req.product.clone()),
        lot: Set(req.lot.clone()),
        quantity: Set(i32::try_from(req.quantity).unwrap_or(i32::MAX)),
        produced_on: Set(req.produced_on),
        expires_on: Set(req.expires_on),
        issued_at: Set(now),
        issued_by: Set(actor.to_owned()),
        kid: Set(kid.to_string()),
        status: Set(CertificateStatus::Issued.as_str().to_owned()),
        revocation_reason: Set(None),
        revoked_at: Set(None),
        status_index: Set(status_index),
        lot_key: Set(Some(req.lot.clone())),
    })
    .exec_without_returning(db)
    .await;
    match res {
        Ok(_) => Ok(number),
        Err(e) if super::is_unique_violation(&e) => Err(StoreError::Retry),
        Err(e) => Err(e.into()),
    }
}

/// The first certificate of a lot (brand, producer, lot code), if it has one: the earliest
/// issued, then the lowest number, as the unique index keeps it.
pub async fn of_lot(
    db: &impl ConnectionTrait,
    brand: u16,
    producer: i64,
    lot: &str,
) -> Result<Option<CertificateNumber>, StoreError> {
    use sea_orm::QueryOrder;
    let row = certificate::Entity::find()
        .filter(certificate::Column::Brand.eq(i32::from(brand)))
        .filter(certificate::Column::Producer.eq(producer))
        .filter(certificate::Column::Lot.eq(lot))
        .order_by_asc(certificate::Column::IssuedAt)
        .order_by_asc(certificate::Column::Number)
        .one(db)
        .await?;
    Ok(row.and_then(|r| u64::try_from(r.number).ok().map(CertificateNumber)))
}

/// Marks a certificate revoked (the caller checked it was not already). Returns the before and
/// after rows.
pub async fn revoke(
    db: &impl ConnectionTrait,
    number: CertificateNumber,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(certificate::Model, certificate::Model), StoreError> {
    let not_found = || StoreError::NotFound(format!("there is no certificate {number}"));
    let id = number.to_db().ok_or_else(not_found)?;
    let row = certificate::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let mut a = row.clone().into_active_model();
    a.status = Set(CertificateStatus::Revoked.as_str().to_owned());
    a.revocation_reason = Set(Some(reason.to_owned()));
    a.revoked_at = Set(Some(now));
    let after = a.update(db).await?;
    Ok((row, after))
}

/// What a certificate list is filtered by; every field is optional, and all given must match.
#[derive(Clone, Debug, Default)]
pub struct CertFilter {
    /// Text found (accents and case ignored) in the lot, the product, the brand's code or
    /// names, or the producer's name; or, all digits, the certificate number itself.
    pub q: Option<String>,
    pub lot: Option<String>,
    pub brand: Option<u16>,
    pub producer: Option<i64>,
    pub status: Option<CertificateStatus>,
    /// Issued on or after this day (UTC).
    pub issued_from: Option<NaiveDate>,
    /// Issued on or before this day (UTC).
    pub issued_to: Option<NaiveDate>,
}

/// Certificates matching `filter`, newest first (issue time, then number, both descending, so
/// the order is stable across pages), and how many match in all.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &CertFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<CertificateNumber>, u64), StoreError> {
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect, RelationTrait};
    let mut query = certificate::Entity::find()
        .join(JoinType::InnerJoin, certificate::Relation::Brand.def())
        .join(JoinType::InnerJoin, certificate::Relation::Producer.def());
    if let Some(b) = filter.brand {
        query = query.filter(certificate::Column::Brand.eq(i32::from(b)));
    }
    if let Some(p) = filter.producer {
        query = query.filter(certificate::Column::Producer.eq(p));
    }
    if let Some(s) = filter.status {
        query = query.filter(certificate::Column::Status.eq(s.as_str()));
    }
    if let Some(d) = filter.issued_from {
        query = query.filter(
            certificate::Column::IssuedAt.gte(d.and_time(chrono::NaiveTime::MIN).and_utc()),
        );
    }
    if let Some(d) = filter.issued_to.and_then(|d| d.succ_opt()) {
        query = query
            .filter(certificate::Column::IssuedAt.lt(d.and_time(chrono::NaiveTime::MIN).and_utc()));
    }
    let nothing = || Ok((Vec::new(), 0));
    if let Some(lot) = filter
        .lot
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let Some(c) = super::search::any_contains(
            [Expr::col((certificate::Entity, certificate::Column::Lot))],
            lot,
        ) else {
            return nothing();
        };
        query = query.filter(c);
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let cols = [
            Expr::col((certificate::Entity, certificate::Column::Lot)),
            Expr::col((certificate::Entity, certificate::Column::Product)),
            Expr::col((brand::Entity, brand::Column::Code)),
            Expr::col((brand::Entity, brand::Column::NameFr)),
            Expr::col((brand::Entity, brand::Column::NameAr)),
            Expr::col((brand::Entity, brand::Column::NameEn)),
            Expr::col((brand::Entity, brand::Column::NameZgh)),
            Expr::col((producer::Entity, producer::Column::Name)),
        ];
        let Some(mut any) = super::search::any_contains(cols, q) else {
            return nothing();
        };
        if let Some(n) = CertificateNumber::parse("q", q)
            .ok()
            .and_then(|n| n.to_db())
        {
            any = any.add(certificate::Column::Number.eq(n));
        }
        query = query.filter(any);
    }
    let total = query.clone().count(db).await?;
    let numbers: Vec<i64> = query
        .select_only()
        .column(certificate::Column::Number)
        .order_by_desc(certificate::Column::IssuedAt)
        .order_by_desc(certificate::Column::Number)
        .limit(limit)
        .offset(offset)
        .into_tuple()
        .all(db)
        .await?;
    Ok((
        numbers
            .into_iter()
            .filter_map(|n| u64::try_from(n).ok().map(CertificateNumber))
            .collect(),
        total,
    ))
}

/// How many certificates, and labels in all, were issued under `kid` from `since` on: what
/// marking the key compromised from then revokes.
pub async fn count_under_key(
    db: &impl ConnectionTrait,
    kid: Kid,
    since: DateTime<Utc>,
) -> Result<(u64, u64), StoreError> {
    use sea_orm::QuerySelect;
    let rows: Vec<i32> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Quantity)
        .filter(certificate::Column::Kid.eq(kid.to_string()))
        .filter(certificate::Column::IssuedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    let labels = rows.iter().map(|q| u64::try_from(*q).unwrap_or(0)).sum();
    Ok((rows.len() as u64, labels))
}

/// The most recent certificates, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<CertificateNumber>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let rows = certificate::Entity::find()
        .order_by_desc(certificate::Column::IssuedAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| u64::try_from(r.number).ok().map(CertificateNumber))
        .collect())
}

/// Whether any certificate exists.
pub async fn any(db: &impl ConnectionTrait) -> Result<bool, StoreError> {
    Ok(certificate::Entity::find().one(db).await?.is_some())
}

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
    // taken; a taken one fails the unique index and the loop below draws again.
    let signed_by_key = super::credential_status::count_for_key(db, kid).await?;
    let list_length = crate::domain::credential::list_length(signed_by_key);
    // A collision of 63 random bits is all but impossible; retry rather than assume.
    for _ in 0..4 {
        let number = CertificateNumber::random();
        let Some(id) = number.to_db() else { continue };
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
        })
        .exec_without_returning(db)
        .await;
        match res {
            Ok(_) => return Ok(number),
            Err(e) if super::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Corrupt(
        "could not draw a free certificate number".into(),
    ))
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

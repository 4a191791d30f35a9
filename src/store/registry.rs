//! The public registry: brands, their members, and the regions they come from.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::StoreError;
use crate::domain::values::{BrandKind, BrandNumber, Category, Region, Standing};
use crate::entity::{brand, membership, producer};

/// A name in the four languages of the service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Names {
    pub ar: String,
    pub fr: String,
    pub en: String,
    pub zgh: String,
}

impl Names {
    /// The name in `lang` ("ar", "fr", "en" or "zgh"); French for anything else.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "ar" => &self.ar,
            "en" => &self.en,
            "zgh" => &self.zgh,
            _ => &self.fr,
        }
    }
}

/// The rules of use a brand is certified against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RulesRef {
    pub reference: String,
    pub version: String,
}

/// A brand as the public registry shows it (contract §3, Brand JSON, plus provenance fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BrandView {
    pub number: u16,
    pub code: String,
    pub names: Names,
    pub kind: BrandKind,
    pub category: Category,
    pub region: Region,
    pub holder: String,
    pub registration_number: Option<String>,
    pub rules: RulesRef,
    pub status: Standing,
    pub status_reason: Option<String>,
    /// Active members.
    pub members: u64,
    pub illustrative: bool,
}

impl BrandView {
    pub(crate) fn from_row(m: brand::Model, members: u64) -> Result<Self, StoreError> {
        use super::word;
        Ok(BrandView {
            number: u16::try_from(m.number)
                .map_err(|_| StoreError::Corrupt(format!("brand number {}", m.number)))?,
            code: m.code,
            names: Names {
                ar: m.name_ar,
                fr: m.name_fr,
                en: m.name_en,
                zgh: m.name_zgh,
            },
            kind: word(BrandKind::parse, "kind", &m.kind)?,
            category: word(Category::parse, "category", &m.category)?,
            region: word(Region::parse, "region", &m.region)?,
            holder: m.holder,
            registration_number: m.registration_number,
            rules: RulesRef {
                reference: m.rules_ref,
                version: m.rules_version,
            },
            status: word(Standing::parse, "status", &m.status)?,
            status_reason: m.status_reason,
            members,
            illustrative: m.illustrative,
        })
    }
}

/// Filters of `GET /api/v1/brands`.
#[derive(Clone, Debug, Default)]
pub struct BrandFilter {
    pub region: Option<Region>,
    pub category: Option<Category>,
    pub kind: Option<BrandKind>,
    pub status: Option<Standing>,
    /// Text searched in the code and all four names.
    pub q: Option<String>,
}

/// A page of results and the total across all pages.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// Lists brands by number.
pub async fn list_brands(
    db: &impl ConnectionTrait,
    filter: &BrandFilter,
    limit: u64,
    offset: u64,
) -> Result<Page<BrandView>, StoreError> {
    let mut query = brand::Entity::find();
    if let Some(r) = filter.region {
        query = query.filter(brand::Column::Region.eq(r.as_str()));
    }
    if let Some(c) = filter.category {
        query = query.filter(brand::Column::Category.eq(c.as_str()));
    }
    if let Some(k) = filter.kind {
        query = query.filter(brand::Column::Kind.eq(k.as_str()));
    }
    if let Some(s) = filter.status {
        query = query.filter(brand::Column::Status.eq(s.as_str()));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let cols = [
            brand::Column::Code,
            brand::Column::NameAr,
            brand::Column::NameFr,
            brand::Column::NameEn,
            brand::Column::NameZgh,
        ]
        .map(Expr::col);
        let Some(any) = super::search::any_contains(cols, q) else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
            });
        };
        query = query.filter(any);
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(brand::Column::Number)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let numbers: Vec<i32> = rows.iter().map(|b| b.number).collect();
    let counts = active_member_counts(db, &numbers).await?;
    let items = rows
        .into_iter()
        .map(|b| {
            let n = counts.get(&b.number).copied().unwrap_or(0);
            BrandView::from_row(b, n)
        })
        .collect::<Result<_, _>>()?;
    Ok(Page { items, total })
}

/// One brand.
pub async fn get_brand(
    db: &impl ConnectionTrait,
    number: BrandNumber,
) -> Result<BrandView, StoreError> {
    let row = brand::Entity::find_by_id(i32::from(number.get()))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no brand number {number}")))?;
    let counts = active_member_counts(db, &[row.number]).await?;
    let n = counts.get(&row.number).copied().unwrap_or(0);
    BrandView::from_row(row, n)
}

async fn active_member_counts(
    db: &impl ConnectionTrait,
    brands: &[i32],
) -> Result<HashMap<i32, u64>, StoreError> {
    if brands.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, i64)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::Brand)
        .column_as(membership::Column::Id.count(), "n")
        .filter(membership::Column::Brand.is_in(brands.iter().copied()))
        // Active and within their period: an expired right is not counted (issue #15).
        .filter(super::memberships::in_force_on(
            chrono::Utc::now().date_naive(),
        ))
        .group_by(membership::Column::Brand)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(b, n)| (b, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// A member of a brand as the public registry shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub producer_id: i64,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub province: String,
    pub women_led: bool,
    pub youth_led: bool,
    pub status: Standing,
    pub status_reason: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// The status, or `expired` / `pending` for an active right outside its period.
    pub effective_status: crate::domain::values::RightState,
}

/// The members of a brand, in order of producer id; `NotFound` if the brand does not exist.
pub async fn list_members(
    db: &impl ConnectionTrait,
    number: BrandNumber,
    limit: u64,
    offset: u64,
) -> Result<Page<MemberView>, StoreError> {
    let brand_id = i32::from(number.get());
    if brand::Entity::find_by_id(brand_id).one(db).await?.is_none() {
        return Err(StoreError::NotFound(format!(
            "there is no brand number {number}"
        )));
    }
    let query = membership::Entity::find().filter(membership::Column::Brand.eq(brand_id));
    let total = query.clone().count(db).await?;
    let rows = query
        .find_also_related(producer::Entity)
        .order_by_asc(membership::Column::Producer)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(|(m, p)| {
            let p = p.ok_or_else(|| StoreError::Corrupt(format!("membership {}", m.id)))?;
            let status = super::word(Standing::parse, "status", &m.status)?;
            let today = chrono::Utc::now().date_naive();
            Ok(MemberView {
                effective_status: crate::domain::rights::state(
                    status,
                    m.valid_from,
                    m.valid_until,
                    today,
                ),
                producer_id: p.id,
                name: p.name,
                kind: p.kind,
                region: p.region,
                province: p.province,
                women_led: p.women_led,
                youth_led: p.youth_led,
                status,
                status_reason: m.status_reason,
                valid_from: m.valid_from,
                valid_until: m.valid_until,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Page { items, total })
}

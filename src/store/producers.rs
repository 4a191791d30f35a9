//! Producers: cooperatives, associations, companies and artisans.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::StoreError;
use super::registry::Page;
use crate::domain::values::{Ice, ProducerKind, Region};
use crate::entity::producer;

/// A producer as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProducerView {
    pub id: i64,
    pub name: String,
    pub kind: ProducerKind,
    pub ice: String,
    pub register_number: String,
    pub region: Region,
    pub province: String,
    pub women_led: bool,
    pub youth_led: bool,
}

pub(crate) fn view(m: producer::Model) -> Result<ProducerView, StoreError> {
    Ok(ProducerView {
        id: m.id,
        kind: super::word(ProducerKind::parse, "kind", &m.kind)?,
        region: super::word(Region::parse, "region", &m.region)?,
        name: m.name,
        ice: m.ice,
        register_number: m.register_number,
        province: m.province,
        women_led: m.women_led,
        youth_led: m.youth_led,
    })
}

/// A checked producer: what creation and updates write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerFields {
    pub name: String,
    pub kind: ProducerKind,
    pub ice: Ice,
    pub register_number: String,
    pub region: Region,
    pub province: String,
    pub women_led: bool,
    pub youth_led: bool,
}

fn taken(e: sea_orm::DbErr, ice: &Ice) -> StoreError {
    if super::is_unique_violation(&e) {
        StoreError::conflict(
            "ice_taken",
            format!("a producer with ICE {} is already registered", ice.as_str()),
        )
    } else {
        e.into()
    }
}

/// Inserts a producer; an ICE another producer holds is a conflict.
pub async fn create(
    db: &impl ConnectionTrait,
    f: &ProducerFields,
) -> Result<ProducerView, StoreError> {
    let now = Utc::now();
    let row = producer::ActiveModel {
        kind: Set(f.kind.as_str().to_owned()),
        name: Set(f.name.clone()),
        ice: Set(f.ice.as_str().to_owned()),
        register_number: Set(f.register_number.clone()),
        region: Set(f.region.as_str().to_owned()),
        province: Set(f.province.clone()),
        women_led: Set(f.women_led),
        youth_led: Set(f.youth_led),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| taken(e, &f.ice))?;
    view(row)
}

/// Replaces a producer's fields.
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    f: &ProducerFields,
) -> Result<ProducerView, StoreError> {
    let row = producer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no producer {id}")))?;
    let mut a = row.into_active_model();
    a.kind = Set(f.kind.as_str().to_owned());
    a.name = Set(f.name.clone());
    a.ice = Set(f.ice.as_str().to_owned());
    a.register_number = Set(f.register_number.clone());
    a.region = Set(f.region.as_str().to_owned());
    a.province = Set(f.province.clone());
    a.women_led = Set(f.women_led);
    a.youth_led = Set(f.youth_led);
    a.updated_at = Set(Utc::now());
    view(a.update(db).await.map_err(|e| taken(e, &f.ice))?)
}

/// One producer.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<ProducerView, StoreError> {
    producer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(view)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("there is no producer {id}")))
}

/// Producers by name, ICE or register number, optionally in one region.
pub async fn search(
    db: &impl ConnectionTrait,
    q: Option<&str>,
    region: Option<Region>,
    limit: u64,
    offset: u64,
) -> Result<Page<ProducerView>, StoreError> {
    let mut query = producer::Entity::find();
    if let Some(r) = region {
        query = query.filter(producer::Column::Region.eq(r.as_str()));
    }
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let cols = [
            producer::Column::Name,
            producer::Column::Ice,
            producer::Column::RegisterNumber,
            producer::Column::Province,
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
    let items = query
        .order_by_asc(producer::Column::Name)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<_, _>>()?;
    Ok(Page { items, total })
}

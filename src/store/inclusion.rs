//! The rows behind the inclusion figures: every right of use that is really in force on a day
//! (status `active`, the day inside its period, its brand active), with its producer's region,
//! kind and the women-led and youth-led flags.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::StoreError;
use crate::entity::{brand, membership, producer};

/// One right of use in force, with what the figures group by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RightInForce {
    pub producer: i64,
    pub region: String,
    pub kind: String,
    pub women_led: bool,
    pub youth_led: bool,
    pub brand: i32,
    pub brand_name_fr: String,
    pub brand_name_ar: String,
    pub brand_name_en: String,
    pub brand_name_zgh: String,
}

/// Every right of use in force on `day`, by brand then producer.
pub async fn rights_in_force(
    db: &impl ConnectionTrait,
    day: NaiveDate,
) -> Result<Vec<RightInForce>, StoreError> {
    let rows = membership::Entity::find()
        .filter(membership::Column::Status.eq("active"))
        .filter(membership::Column::ValidFrom.lte(day))
        .filter(membership::Column::ValidUntil.gte(day))
        .order_by_asc(membership::Column::Brand)
        .order_by_asc(membership::Column::Producer)
        .find_also_related(producer::Entity)
        .all(db)
        .await?;
    let brands: std::collections::HashMap<i32, brand::Model> = brand::Entity::find()
        .filter(brand::Column::Status.eq("active"))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.number, b))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(m, p)| {
            let (p, b) = (p?, brands.get(&m.brand)?);
            Some(RightInForce {
                producer: p.id,
                region: p.region,
                kind: p.kind,
                women_led: p.women_led,
                youth_led: p.youth_led,
                brand: b.number,
                brand_name_fr: b.name_fr.clone(),
                brand_name_ar: b.name_ar.clone(),
                brand_name_en: b.name_en.clone(),
                brand_name_zgh: b.name_zgh.clone(),
            })
        })
        .collect())
}

//! Writing brands: creation and updates, including status changes with a reason.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};

use super::registry::{self, BrandView};
use super::{StoreError, audit, signing_keys};
use crate::domain::values::{BrandKind, BrandNumber, Category, Region, Standing};
use crate::entity::brand;

/// A new brand, checked.
#[derive(Clone, Debug)]
pub struct NewBrand {
    pub number: BrandNumber,
    pub code: String,
    pub names: registry::Names,
    pub kind: BrandKind,
    pub category: Category,
    pub region: Region,
    pub holder: String,
    pub registration_number: Option<String>,
    pub rules_ref: String,
    pub rules_version: String,
    pub illustrative: bool,
}

/// Changes to a brand; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct BrandPatch {
    pub names: Option<registry::Names>,
    pub kind: Option<BrandKind>,
    pub category: Option<Category>,
    pub region: Option<Region>,
    pub holder: Option<String>,
    pub registration_number: Option<Option<String>>,
    pub rules_ref: Option<String>,
    pub rules_version: Option<String>,
    pub illustrative: Option<bool>,
    pub status: Option<(Standing, String)>,
}

/// Registers a brand.
pub async fn create(
    db: &impl ConnectionTrait,
    b: &NewBrand,
    actor: &str,
) -> Result<BrandView, StoreError> {
    let now = Utc::now();
    let res = brand::Entity::insert(brand::ActiveModel {
        number: Set(i32::from(b.number.get())),
        code: Set(b.code.clone()),
        name_ar: Set(b.names.ar.clone()),
        name_fr: Set(b.names.fr.clone()),
        name_en: Set(b.names.en.clone()),
        name_zgh: Set(b.names.zgh.clone()),
        kind: Set(b.kind.as_str().to_owned()),
        category: Set(b.category.as_str().to_owned()),
        region: Set(b.region.as_str().to_owned()),
        holder: Set(b.holder.clone()),
        registration_number: Set(b.registration_number.clone()),
        rules_ref: Set(b.rules_ref.clone()),
        rules_version: Set(b.rules_version.clone()),
        status: Set(Standing::Active.as_str().to_owned()),
        status_reason: Set(None),
        illustrative: Set(b.illustrative),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await;
    if let Err(e) = res {
        return Err(if super::is_unique_violation(&e) {
            StoreError::conflict(
                "brand_exists",
                format!(
                    "brand number {} or code {:?} is already taken",
                    b.number, b.code
                ),
            )
        } else {
            e.into()
        });
    }
    let v = registry::get_brand(db, b.number).await?;
    audit::record(
        db,
        actor,
        "brand.create",
        &format!("brand:{}", b.number),
        None::<&()>,
        Some(&v),
    )
    .await?;
    Ok(v)
}

/// Applies a patch. Status follows the lifecycle: active ⇄ suspended → withdrawn.
pub async fn update(
    db: &impl ConnectionTrait,
    number: BrandNumber,
    patch: &BrandPatch,
    actor: &str,
) -> Result<BrandView, StoreError> {
    let row = brand::Entity::find_by_id(i32::from(number.get()))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("there is no brand number {number}")))?;
    let before = registry::get_brand(db, number).await?;
    let mut a = row.into_active_model();
    if let Some(n) = &patch.names {
        a.name_ar = Set(n.ar.clone());
        a.name_fr = Set(n.fr.clone());
        a.name_en = Set(n.en.clone());
        a.name_zgh = Set(n.zgh.clone());
    }
    if let Some(k) = patch.kind {
        a.kind = Set(k.as_str().to_owned());
    }
    if let Some(c) = patch.category {
        a.category = Set(c.as_str().to_owned());
    }
    if let Some(r) = patch.region {
        a.region = Set(r.as_str().to_owned());
    }
    if let Some(h) = &patch.holder {
        a.holder = Set(h.clone());
    }
    if let Some(r) = &patch.registration_number {
        a.registration_number = Set(r.clone());
    }
    if let Some(r) = &patch.rules_ref {
        a.rules_ref = Set(r.clone());
    }
    if let Some(v) = &patch.rules_version {
        a.rules_version = Set(v.clone());
    }
    if let Some(i) = patch.illustrative {
        a.illustrative = Set(i);
    }
    let mut action = "brand.update";
    if let Some((status, reason)) = &patch.status
        && *status != before.status
    {
        if !before.status.can_become(*status) {
            return Err(StoreError::conflict(
                "bad_transition",
                format!("a {} brand cannot become {status}", before.status),
            ));
        }
        action = match status {
            Standing::Active => "brand.reinstate",
            Standing::Suspended => "brand.suspend",
            Standing::Withdrawn => "brand.withdraw",
        };
        a.status = Set(status.as_str().to_owned());
        a.status_reason = Set(Some(reason.clone()));
        signing_keys::bump_epoch(db).await?;
        crate::translog::append(db, crate::translog::Entry::brand(number.get(), *status)).await?;
    }
    a.updated_at = Set(Utc::now());
    a.update(db).await?;
    let after = registry::get_brand(db, number).await?;
    audit::record(
        db,
        actor,
        action,
        &format!("brand:{number}"),
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

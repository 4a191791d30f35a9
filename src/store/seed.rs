//! Applying seed data: an upsert by natural key (regions by slug, brands by number, producers
//! by ICE, memberships by brand and producer), in one transaction. Rows that already hold the
//! seeded values are left untouched, so a second run changes nothing.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel,
};
use serde::Serialize;

use super::{StoreError, audit};
use crate::entity::{brand, membership, membership_event, producer, region};
use crate::seed::SeedSet;

/// What a seed run did, per table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeedReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl SeedReport {
    fn count(&mut self, change: Change) {
        match change {
            Change::Inserted => self.inserted += 1,
            Change::Updated => self.updated += 1,
            Change::Unchanged => self.unchanged += 1,
        }
    }

    pub fn changed(&self) -> bool {
        self.inserted + self.updated > 0
    }
}

#[derive(Clone, Copy)]
enum Change {
    Inserted,
    Updated,
    Unchanged,
}

/// Per-table reports of one run.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct SeedSummary {
    pub regions: SeedReport,
    pub brands: SeedReport,
    pub producers: SeedReport,
    pub memberships: SeedReport,
}

/// Applies the seed set as `actor`, in one transaction.
pub async fn apply(
    db: &DatabaseConnection,
    set: &SeedSet,
    actor: &str,
) -> Result<SeedSummary, StoreError> {
    super::tx::Writer::new(db.clone())
        .write(|tx| async move { apply_in(&tx, set, actor).await })
        .await
}

async fn apply_in(
    tx: &DatabaseTransaction,
    set: &SeedSet,
    actor: &str,
) -> Result<SeedSummary, StoreError> {
    let now = Utc::now();
    let mut summary = SeedSummary::default();

    let regions: HashMap<String, region::Model> = region::Entity::find()
        .all(tx)
        .await?
        .into_iter()
        .map(|r| (r.slug.clone(), r))
        .collect();
    for r in &set.regions {
        let want = region::Model {
            slug: r.slug.as_str().to_owned(),
            name_ar: r.names.ar.clone(),
            name_fr: r.names.fr.clone(),
            name_en: r.names.en.clone(),
            name_zgh: r.names.zgh.clone(),
        };
        let change = match regions.get(&want.slug) {
            Some(have) if *have == want => Change::Unchanged,
            Some(_) => {
                want.into_active_model().reset_all().update(tx).await?;
                Change::Updated
            }
            None => {
                region::Entity::insert(want.into_active_model())
                    .exec_without_returning(tx)
                    .await?;
                Change::Inserted
            }
        };
        summary.regions.count(change);
    }

    let brands: HashMap<i32, brand::Model> = brand::Entity::find()
        .all(tx)
        .await?
        .into_iter()
        .map(|b| (b.number, b))
        .collect();
    for b in &set.brands {
        let mut want = brand::Model {
            number: i32::from(b.number),
            code: b.code.clone(),
            name_ar: b.names.ar.clone(),
            name_fr: b.names.fr.clone(),
            name_en: b.names.en.clone(),
            name_zgh: b.names.zgh.clone(),
            kind: b.kind.as_str().to_owned(),
            category: b.category.as_str().to_owned(),
            region: b.region.as_str().to_owned(),
            holder: b.holder.clone(),
            registration_number: b.registration_number.clone(),
            rules_ref: b.rules_ref.clone(),
            rules_version: b.rules_version.clone(),
            status: b.status.as_str().to_owned(),
            status_reason: b.status_reason.clone(),
            illustrative: b.illustrative,
            created_at: now,
            updated_at: now,
        };
        let change = match brands.get(&want.number) {
            Some(have) => {
                want.created_at = have.created_at;
                want.updated_at = have.updated_at;
                if *have == want {
                    Change::Unchanged
                } else {
                    want.updated_at = now;
                    want.into_active_model().reset_all().update(tx).await?;
                    Change::Updated
                }
            }
            None => {
                brand::Entity::insert(want.into_active_model())
                    .exec_without_returning(tx)
                    .await?;
                Change::Inserted
            }
        };
        summary.brands.count(change);
    }

    let mut producers: HashMap<String, producer::Model> = producer::Entity::find()
        .all(tx)
        .await?
        .into_iter()
        .map(|p| (p.ice.clone(), p))
        .collect();
    for p in &set.producers {
        let fields = (
            p.kind.as_str(),
            p.name.as_str(),
            p.register_number.as_str(),
            p.region.as_str(),
            p.province.as_str(),
            p.women_led,
            p.youth_led,
        );
        let change = match producers.get(&p.ice) {
            Some(have)
                if fields
                    == (
                        have.kind.as_str(),
                        have.name.as_str(),
                        have.register_number.as_str(),
                        have.region.as_str(),
                        have.province.as_str(),
                        have.women_led,
                        have.youth_led,
                    ) =>
            {
                Change::Unchanged
            }
            Some(have) => {
                let mut m = have.clone().into_active_model();
                m.kind = Set(fields.0.to_owned());
                m.name = Set(fields.1.to_owned());
                m.register_number = Set(fields.2.to_owned());
                m.region = Set(fields.3.to_owned());
                m.province = Set(fields.4.to_owned());
                m.women_led = Set(fields.5);
                m.youth_led = Set(fields.6);
                m.updated_at = Set(now);
                let updated = m.update(tx).await?;
                producers.insert(p.ice.clone(), updated);
                Change::Updated
            }
            None => {
                let inserted = producer::ActiveModel {
                    kind: Set(fields.0.to_owned()),
                    name: Set(fields.1.to_owned()),
                    ice: Set(p.ice.clone()),
                    register_number: Set(fields.2.to_owned()),
                    region: Set(fields.3.to_owned()),
                    province: Set(fields.4.to_owned()),
                    women_led: Set(fields.5),
                    youth_led: Set(fields.6),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(tx)
                .await?;
                producers.insert(p.ice.clone(), inserted);
                Change::Inserted
            }
        };
        summary.producers.count(change);
    }

    let memberships: HashMap<(i32, i64), membership::Model> = membership::Entity::find()
        .all(tx)
        .await?
        .into_iter()
        .map(|m| ((m.brand, m.producer), m))
        .collect();
    for m in &set.memberships {
        let producer_id = producers
            .get(&m.producer_ice)
            .map(|p| p.id)
            .ok_or_else(|| StoreError::NotFound(format!("producer {}", m.producer_ice)))?;
        let key = (i32::from(m.brand), producer_id);
        let status = m.status.as_str();
        let (change, id, status_changed) = match memberships.get(&key) {
            Some(have)
                if have.valid_from == m.valid_from
                    && have.valid_until == m.valid_until
                    && have.status == status
                    && have.status_reason == m.reason =>
            {
                (Change::Unchanged, have.id, false)
            }
            Some(have) => {
                let mut a = have.clone().into_active_model();
                a.valid_from = Set(m.valid_from);
                a.valid_until = Set(m.valid_until);
                a.status = Set(status.to_owned());
                a.status_reason = Set(m.reason.clone());
                a.updated_at = Set(now);
                a.update(tx).await?;
                (Change::Updated, have.id, have.status != status)
            }
            None => {
                let inserted = membership::ActiveModel {
                    brand: Set(key.0),
                    producer: Set(key.1),
                    valid_from: Set(m.valid_from),
                    valid_until: Set(m.valid_until),
                    status: Set(status.to_owned()),
                    status_reason: Set(m.reason.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(tx)
                .await?;
                (Change::Inserted, inserted.id, true)
            }
        };
        if status_changed {
            let before = memberships
                .get(&key)
                .and_then(|h| crate::domain::values::Standing::parse("status", &h.status).ok());
            let kind = crate::domain::rights::event_of(before, m.status);
            if m.status == crate::domain::values::Standing::Withdrawn {
                let mut a = membership::Entity::find_by_id(id)
                    .one(tx)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("membership {id}")))?
                    .into_active_model();
                a.withdrawn_at = Set(Some(now));
                a.update(tx).await?;
            }
            membership_event::Entity::insert(membership_event::ActiveModel {
                membership: Set(id),
                at: Set(now),
                status: Set(status.to_owned()),
                reason: Set(m.reason.clone()),
                actor: Set(actor.to_owned()),
                kind: Set(kind.as_str().to_owned()),
                valid_from: Set(Some(m.valid_from)),
                valid_until: Set(Some(m.valid_until)),
                ..Default::default()
            })
            .exec_without_returning(tx)
            .await?;
        }
        summary.memberships.count(change);
    }

    if [
        summary.regions,
        summary.brands,
        summary.producers,
        summary.memberships,
    ]
    .iter()
    .any(SeedReport::changed)
    {
        audit::record(
            tx,
            actor,
            "seed.apply",
            "registry",
            None::<&()>,
            Some(&summary),
        )
        .await?;
    }
    Ok(summary)
}

//! The registry's use cases: register and change brands, register and update producers, grant
//! a right of use and change its status or period.

use chrono::{NaiveDate, Utc};

use super::{By, Checks, Outcome, ServiceError, checked, run};
use crate::domain::rights::{self, GrantAs};
use crate::domain::values::{
    self, BrandKind, BrandNumber, Category, FieldError, Ice, ProducerKind, Region, RightEvent,
    Standing,
};
use crate::state::App;
use crate::store::brands::{BrandPatch, NewBrand};
use crate::store::memberships::MembershipView;
use crate::store::producers::{ProducerFields, ProducerView};
use crate::store::registry::{BrandView, Names};
use crate::store::{self, audit, signing_keys};
use crate::views::registry::{
    ChangeBody, CreateBrand, GrantBody, NamesBody, PatchBrand, ProducerBody, RenewBody,
};

// ----- brands --------------------------------------------------------------------------------

fn names(c: &mut Checks, n: &NamesBody) -> Option<Names> {
    let ar = c.take(values::arabic_name("names.ar", &n.ar));
    let fr = c.take(values::text("names.fr", &n.fr, 200));
    let en = c.take(values::text("names.en", &n.en, 200));
    let zgh = c.take(values::tifinagh_name("names.zgh", &n.zgh));
    Some(Names {
        ar: ar?,
        fr: fr?,
        en: en?,
        zgh: zgh?,
    })
}

/// A status change: a known status, and a reason saying why.
fn status_with_reason(
    c: &mut Checks,
    status: Option<&str>,
    reason: Option<&str>,
) -> Option<(Standing, String)> {
    let status = c.take(Standing::parse("status", status?))?;
    let reason = c.take(values::text("reason", reason.unwrap_or(""), 500))?;
    Some((status, reason))
}

/// Registers a brand.
pub async fn create_brand(
    app: &App,
    by: &By,
    b: &CreateBrand,
) -> Result<Outcome<BrandView>, ServiceError> {
    let mut c = Checks::default();
    let number = c.take(
        u16::try_from(b.number)
            .map_err(|_| FieldError::new("number", "between 1 and 65535"))
            .and_then(BrandNumber::new),
    );
    let code = c.take(values::brand_code(&b.code));
    let names = names(&mut c, &b.names);
    let kind = c.take(BrandKind::parse("kind", &b.kind));
    let category = c.take(Category::parse("category", &b.category));
    let region = c.take(Region::parse("region", &b.region));
    let holder = c.take(values::text("holder", &b.holder, 200));
    let registration_number = b
        .registration_number
        .as_deref()
        .and_then(|r| c.take(values::text("registration_number", r, 64)));
    let rules_ref = c.take(values::text("rules_ref", &b.rules_ref, 200));
    let rules_version = c.take(values::text("rules_version", &b.rules_version, 32));
    c.finish()?;
    let new = NewBrand {
        number: checked(number)?,
        code: checked(code)?,
        names: checked(names)?,
        kind: checked(kind)?,
        category: checked(category)?,
        region: checked(region)?,
        holder: checked(holder)?,
        registration_number,
        rules_ref: checked(rules_ref)?,
        rules_version: checked(rules_version)?,
        illustrative: b.illustrative,
    };
    let (actor, new) = (by.actor.as_str(), &new);
    run(app, by, false, |tx| async move {
        store::brands::create(&*tx, new).await?;
        let v = store::registry::get_brand(&*tx, new.number).await?;
        let target = format!("brand:{}", new.number);
        audit::record(&*tx, actor, "brand.create", &target, None::<&()>, Some(&v)).await?;
        Ok(v)
    })
    .await
}

/// Changes any of a brand's fields, or its status with a reason. Status goes active ⇄
/// suspended → withdrawn; a status change shows in the very next verdict of the brand's labels.
pub async fn update_brand(
    app: &App,
    by: &By,
    number: BrandNumber,
    p: &PatchBrand,
) -> Result<Outcome<BrandView>, ServiceError> {
    let mut c = Checks::default();
    let patch = BrandPatch {
        names: p.names.as_ref().and_then(|n| names(&mut c, n)),
        kind: p
            .kind
            .as_deref()
            .and_then(|k| c.take(BrandKind::parse("kind", k))),
        category: p
            .category
            .as_deref()
            .and_then(|k| c.take(Category::parse("category", k))),
        region: p
            .region
            .as_deref()
            .and_then(|k| c.take(Region::parse("region", k))),
        holder: p
            .holder
            .as_deref()
            .and_then(|h| c.take(values::text("holder", h, 200))),
        registration_number: p
            .registration_number
            .as_deref()
            .map(|r| c.take(values::text("registration_number", r, 64))),
        rules_ref: p
            .rules_ref
            .as_deref()
            .and_then(|r| c.take(values::text("rules_ref", r, 200))),
        rules_version: p
            .rules_version
            .as_deref()
            .and_then(|r| c.take(values::text("rules_version", r, 32))),
        illustrative: p.illustrative,
        status: if p.status.is_some() || p.reason.is_some() {
            if p.status.is_none() {
                c.push("status", "a reason goes with a status");
            }
            status_with_reason(&mut c, p.status.as_deref(), p.reason.as_deref())
        } else {
            None
        },
    };
    c.finish()?;
    let changes_status = patch.status.is_some();
    let (actor, patch) = (by.actor.as_str(), &patch);
    run(app, by, changes_status, |tx| async move {
        let before = store::registry::get_brand(&*tx, number).await?;
        let mut patch = patch.clone();
        let mut action = "brand.update";
        match &patch.status {
            Some((status, _)) if *status == before.status => patch.status = None,
            Some((status, _)) => {
                if !before.status.can_become(*status) {
                    return Err(ServiceError::conflict(
                        "bad_transition",
                        format!("a {} brand cannot become {status}", before.status),
                    ));
                }
                action = match status {
                    Standing::Active => "brand.reinstate",
                    Standing::Suspended => "brand.suspend",
                    Standing::Withdrawn => "brand.withdraw",
                };
                signing_keys::bump_epoch(&*tx).await?;
                crate::translog::append(&*tx, crate::translog::Entry::brand(number.get(), *status))
                    .await?;
            }
            None => {}
        }
        store::brands::update(&*tx, number, &patch).await?;
        let after = store::registry::get_brand(&*tx, number).await?;
        let target = format!("brand:{number}");
        audit::record(&*tx, actor, action, &target, Some(&before), Some(&after)).await?;
        Ok(after)
    })
    .await
}

// ----- producers -----------------------------------------------------------------------------

/// Checks a producer's fields. Fields missing from `p` are taken from `base` (an update), or
/// are errors (a registration). Every invalid or missing field is named.
pub fn producer_fields(
    p: &ProducerBody,
    base: Option<&ProducerView>,
) -> Result<ProducerFields, ServiceError> {
    let mut c = Checks::default();
    let need = |c: &mut Checks, field: &'static str, v: Option<String>| -> Option<String> {
        if v.is_none() {
            c.push(field, "is required");
        }
        v
    };
    let name = need(
        &mut c,
        "name",
        p.name.clone().or(base.map(|b| b.name.clone())),
    )
    .and_then(|s| c.take(values::text("name", &s, 200)));
    let kind = need(
        &mut c,
        "kind",
        p.kind.clone().or(base.map(|b| b.kind.to_string())),
    )
    .and_then(|s| c.take(ProducerKind::parse("kind", &s)));
    let ice = need(&mut c, "ice", p.ice.clone().or(base.map(|b| b.ice.clone())))
        .and_then(|s| c.take(Ice::parse(&s)));
    let register_number = need(
        &mut c,
        "register_number",
        p.register_number
            .clone()
            .or(base.map(|b| b.register_number.clone())),
    )
    .and_then(|s| c.take(values::text("register_number", &s, 64)));
    let region = need(
        &mut c,
        "region",
        p.region.clone().or(base.map(|b| b.region.to_string())),
    )
    .and_then(|s| c.take(Region::parse("region", &s)));
    let province = need(
        &mut c,
        "province",
        p.province.clone().or(base.map(|b| b.province.clone())),
    )
    .and_then(|s| c.take(values::text("province", &s, 100)));
    let women_led = p.women_led.or(base.map(|b| b.women_led)).unwrap_or(false);
    let youth_led = p.youth_led.or(base.map(|b| b.youth_led)).unwrap_or(false);
    c.finish()?;
    Ok(ProducerFields {
        name: checked(name)?,
        kind: checked(kind)?,
        ice: checked(ice)?,
        register_number: checked(register_number)?,
        region: checked(region)?,
        province: checked(province)?,
        women_led,
        youth_led,
    })
}

/// Registers a producer: a cooperative, association, company or artisan.
pub async fn create_producer(
    app: &App,
    by: &By,
    p: &ProducerBody,
) -> Result<Outcome<ProducerView>, ServiceError> {
    let fields = producer_fields(p, None)?;
    let (actor, fields) = (by.actor.as_str(), &fields);
    run(app, by, false, |tx| async move {
        let v = store::producers::create(&*tx, fields).await?;
        let target = format!("producer:{}", v.id);
        audit::record(
            &*tx,
            actor,
            "producer.create",
            &target,
            None::<&()>,
            Some(&v),
        )
        .await?;
        Ok(v)
    })
    .await
}

/// Changes some of a producer's fields (those `p` carries). What a verdict shows of the
/// producer changes with it, so the status cache is dropped.
pub async fn update_producer(
    app: &App,
    by: &By,
    id: i64,
    p: &ProducerBody,
) -> Result<Outcome<ProducerView>, ServiceError> {
    let actor = by.actor.as_str();
    run(app, by, true, |tx| async move {
        let before = store::producers::get(&*tx, id).await?;
        let fields = producer_fields(p, Some(&before))?;
        let after = store::producers::update(&*tx, id, &fields).await?;
        let target = format!("producer:{id}");
        audit::record(
            &*tx,
            actor,
            "producer.update",
            &target,
            Some(&before),
            Some(&after),
        )
        .await?;
        signing_keys::bump_epoch(&*tx).await?;
        Ok(after)
    })
    .await
}

// ----- rights of use -------------------------------------------------------------------------

/// A validity period: two dates, the end after the start.
fn period(c: &mut Checks, from: &str, until: &str) -> Option<(NaiveDate, NaiveDate)> {
    let from = c.take(values::iso_date("valid_from", from));
    let until = c.take(values::iso_date("valid_until", until));
    let (from, until) = (from?, until?);
    if until <= from {
        c.push("valid_until", "must be after valid_from");
        return None;
    }
    Some((from, until))
}

/// Grants a producer the right to use a brand for a period. Over a withdrawn right it is a new
/// grant (the withdrawn right's lots stay revoked); over an expired right it renews it with the
/// new period; an active, suspended or not yet started right is a conflict.
pub async fn grant(
    app: &App,
    by: &By,
    brand: BrandNumber,
    g: &GrantBody,
) -> Result<Outcome<MembershipView>, ServiceError> {
    let mut c = Checks::default();
    if g.producer <= 0 {
        c.push("producer", "a producer id is a positive number");
    }
    let period = period(&mut c, &g.valid_from, &g.valid_until);
    c.finish()?;
    let (from, until) = checked(period)?;
    let (actor, producer) = (by.actor.as_str(), g.producer);
    run(app, by, true, |tx| async move {
        store::registry::get_brand(&*tx, brand).await?;
        match store::producers::get(&*tx, producer).await {
            Ok(_) => {}
            Err(store::StoreError::NotFound(_)) => {
                return Err(ServiceError::conflict(
                    "unknown_producer",
                    format!("there is no producer {producer}"),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let existing = store::memberships::find(&*tx, brand, producer).await?;
        let now = Utc::now();
        let today = now.date_naive();
        let held = existing
            .as_ref()
            .map(|(_, m)| (m.status, m.valid_from, m.valid_until));
        let how = rights::grant_over(held, today).map_err(refused)?;
        if how == GrantAs::Renew {
            rights::may_renew(Standing::Active, until, today).map_err(refused)?;
        }
        let (id, before, after) = match existing {
            Some((id, m)) => {
                let change = store::memberships::Change {
                    status: Standing::Active,
                    reason: Some(None),
                    period: Some((from, until)),
                    withdrawn_at: None,
                };
                (
                    id,
                    Some(m),
                    store::memberships::set(&*tx, id, &change, now).await?,
                )
            }
            None => {
                let (id, v) =
                    store::memberships::insert(&*tx, brand, producer, (from, until), now).await?;
                (id, None, v)
            }
        };
        let (kind, action) = match how {
            GrantAs::Renew => (RightEvent::Renewed, "membership.renew"),
            GrantAs::New | GrantAs::Regrant => (RightEvent::Granted, "membership.grant"),
        };
        let event = store::memberships::NewEvent {
            at: now,
            kind,
            status: Standing::Active,
            reason: None,
            period: (from, until),
        };
        store::memberships::add_event(&*tx, id, &event, actor).await?;
        crate::translog::append(
            &*tx,
            crate::translog::Entry::member(brand.get(), producer, Standing::Active),
        )
        .await?;
        signing_keys::bump_epoch(&*tx).await?;
        let target = format!("brand:{brand}/producer:{producer}");
        audit::record(&*tx, actor, action, &target, before.as_ref(), Some(&after)).await?;
        Ok(after)
    })
    .await
}

fn refused((reason, detail): crate::domain::lifecycle::Refusal) -> ServiceError {
    ServiceError::conflict(reason, detail)
}

/// Renews a right of use (expired, expiring, or suspended) with a new period; its status stays
/// as it is. A withdrawn right cannot be renewed (grant a new one), and the new period must run
/// at least until today. The history keeps the renewal with its period.
pub async fn renew(
    app: &App,
    by: &By,
    brand: BrandNumber,
    producer: i64,
    b: &RenewBody,
) -> Result<Outcome<MembershipView>, ServiceError> {
    let mut c = Checks::default();
    let period = period(&mut c, &b.valid_from, &b.valid_until);
    c.finish()?;
    let (from, until) = checked(period)?;
    let actor = by.actor.as_str();
    run(app, by, true, |tx| async move {
        let (id, current) = store::memberships::find(&*tx, brand, producer)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "producer {producer} has no right to use brand {brand}"
                ))
            })?;
        let now = Utc::now();
        rights::may_renew(current.status, until, now.date_naive()).map_err(refused)?;
        let held = rights::renewed_period(
            (current.valid_from, current.valid_until),
            (from, until),
            now.date_naive(),
        );
        let change = store::memberships::Change {
            status: current.status,
            reason: None,
            period: Some(held),
            withdrawn_at: None,
        };
        let after = store::memberships::set(&*tx, id, &change, now).await?;
        let event = store::memberships::NewEvent {
            at: now,
            kind: RightEvent::Renewed,
            status: current.status,
            reason: None,
            period: (from, until),
        };
        store::memberships::add_event(&*tx, id, &event, actor).await?;
        crate::translog::append(
            &*tx,
            crate::translog::Entry::member(brand.get(), producer, current.status),
        )
        .await?;
        signing_keys::bump_epoch(&*tx).await?;
        let target = format!("brand:{brand}/producer:{producer}");
        audit::record(
            &*tx,
            actor,
            "membership.renew",
            &target,
            Some(&current),
            Some(&after),
        )
        .await?;
        Ok(after)
    })
    .await
}

/// Suspends, withdraws or reinstates a right of use, or changes its period. Suspending or
/// withdrawing needs a reason; a period sent in part keeps the other date. A withdrawal is
/// recorded with its time: every lot issued before it is revoked for good.
pub async fn change_membership(
    app: &App,
    by: &By,
    brand: BrandNumber,
    producer: i64,
    b: &ChangeBody,
) -> Result<Outcome<MembershipView>, ServiceError> {
    let actor = by.actor.as_str();
    run(app, by, true, |tx| async move {
        let (id, current) = store::memberships::find(&*tx, brand, producer)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "producer {producer} has no right to use brand {brand}"
                ))
            })?;
        let mut c = Checks::default();
        let status = match (&b.status, &b.reason) {
            (None, None) => None,
            (Some(s), None) if s == Standing::Active.as_str() => {
                Some((Standing::Active, String::new()))
            }
            _ => status_with_reason(&mut c, b.status.as_deref(), b.reason.as_deref()),
        };
        if b.status.is_none() && b.reason.is_some() {
            c.push("status", "a reason goes with a status");
        }
        let period = match (&b.valid_from, &b.valid_until) {
            (None, None) => None,
            (from, until) => {
                let from = from
                    .clone()
                    .unwrap_or_else(|| current.valid_from.to_string());
                let until = until
                    .clone()
                    .unwrap_or_else(|| current.valid_until.to_string());
                period(&mut c, &from, &until)
            }
        };
        if status.is_none() && period.is_none() && c.0.is_empty() {
            c.push("status", "send a status (with a reason) or a new period");
        }
        c.finish()?;
        let (status, reason) = match status {
            Some((s, r)) => (s, Some(r).filter(|r| !r.is_empty())),
            None => (current.status, None),
        };
        let status_changes = current.status != status;
        if status_changes && !current.status.can_become(status) {
            return Err(ServiceError::conflict(
                "bad_transition",
                format!(
                    "a {} right of use cannot become {status}; grant a new one instead",
                    current.status
                ),
            ));
        }
        if !status_changes && period.is_none() {
            return Err(ServiceError::conflict(
                "no_change",
                format!("the right of use is already {status}"),
            ));
        }
        let now = Utc::now();
        let withdrawing = status_changes && status == Standing::Withdrawn;
        let change = store::memberships::Change {
            status,
            reason: if status_changes {
                Some(reason.clone())
            } else {
                None
            },
            period,
            withdrawn_at: withdrawing.then_some(now),
        };
        let after = store::memberships::set(&*tx, id, &change, now).await?;
        let event = store::memberships::NewEvent {
            at: now,
            kind: if status_changes {
                rights::event_of(Some(current.status), status)
            } else {
                RightEvent::Period
            },
            status,
            reason: reason.as_deref(),
            period: (after.valid_from, after.valid_until),
        };
        store::memberships::add_event(&*tx, id, &event, actor).await?;
        if status_changes {
            crate::translog::append(
                &*tx,
                crate::translog::Entry::member(brand.get(), producer, status),
            )
            .await?;
        }
        signing_keys::bump_epoch(&*tx).await?;
        let verb = match (status, status_changes) {
            (_, false) => "update",
            (Standing::Active, true) => "reinstate",
            (Standing::Suspended, true) => "suspend",
            (Standing::Withdrawn, true) => "withdraw",
        };
        let target = format!("brand:{brand}/producer:{producer}");
        let action = format!("membership.{verb}");
        audit::record(&*tx, actor, &action, &target, Some(&current), Some(&after)).await?;
        Ok(after)
    })
    .await
}

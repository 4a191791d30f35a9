//! The copy detector's stored facts about labels, and the one-time claims: scans by network
//! and day (`label_networks`), lots issued with claim codes (`claim_lots`), accepted claims
//! (`claims`) and wrong or repeated ones (`claim_tries`). Networks are the service's keyed
//! pseudonyms (`verify::risk::NetId`), never addresses. Reads take many labels at once, so a
//! batch verification costs one query per table, not one per label.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::StoreError;
use super::scans::LabelKey;

const CHUNK: usize = 200;

fn t(name: &str) -> Alias {
    Alias::new(name)
}

fn label_in(keys: &[LabelKey]) -> Expr {
    Expr::tuple([Expr::col(t("certificate")), Expr::col(t("item"))])
        .in_tuples(keys.iter().map(|k| (k.certificate, k.item)))
}

/// Scans of one label from one network on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, FromQueryResult)]
pub struct NetworkDay {
    pub certificate: i64,
    pub item: i32,
    pub network: i64,
    pub day: NaiveDate,
    pub scans: i32,
}

/// The accepted claim of an item.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ClaimRow {
    pub certificate: i64,
    pub item: i32,
    pub claimed_at: DateTime<Utc>,
    pub network: i64,
    /// SHA-256 (hex) of the claimant's device cookie.
    pub device: String,
}

/// What a try was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryOutcome {
    /// A code that parses (its check character is right) but is not this item's.
    Wrong,
    /// The right code again, after the claim, from another device.
    Repeat,
    /// The right code again from the claimant's own device.
    RepeatSameDevice,
}

impl TryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TryOutcome::Wrong => "wrong",
            TryOutcome::Repeat => "repeat",
            TryOutcome::RepeatSameDevice => "repeat_same",
        }
    }

    fn parse(s: &str) -> Option<TryOutcome> {
        match s {
            "wrong" => Some(TryOutcome::Wrong),
            "repeat" => Some(TryOutcome::Repeat),
            "repeat_same" => Some(TryOutcome::RepeatSameDevice),
            _ => None,
        }
    }
}

/// One wrong or repeated claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TryRow {
    pub key: LabelKey,
    pub at: DateTime<Utc>,
    pub network: i64,
    pub outcome: TryOutcome,
}

#[derive(FromQueryResult)]
struct RawTry {
    certificate: i64,
    item: i32,
    at: DateTime<Utc>,
    network: i64,
    outcome: String,
}

/// Adds scans by (label, network, day); counters add up, so nodes can write the same rows.
pub async fn add_networks(
    db: &impl ConnectionTrait,
    rows: &[NetworkDay],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(t("label_networks")).columns([
            t("certificate"),
            t("item"),
            t("network"),
            t("day"),
            t("scans"),
        ]);
        for r in chunk {
            q.values_panic([
                r.certificate.into(),
                r.item.into(),
                r.network.into(),
                r.day.into(),
                r.scans.into(),
            ]);
        }
        q.on_conflict(
            OnConflict::columns([t("certificate"), t("item"), t("network"), t("day")])
                .value(
                    t("scans"),
                    Expr::col((t("label_networks"), t("scans")))
                        .add(Expr::col((t("excluded"), t("scans")))),
                )
                .to_owned(),
        );
        db.execute(&q).await?;
    }
    Ok(())
}

/// Scans by network and day of these labels.
pub async fn networks(
    db: &impl ConnectionTrait,
    keys: &[LabelKey],
) -> Result<Vec<NetworkDay>, StoreError> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let q = Query::select()
            .columns(["certificate", "item", "network", "day", "scans"].map(t))
            .from(t("label_networks"))
            .and_where(label_in(chunk))
            .to_owned();
        for row in db.query_all(&q).await? {
            out.push(NetworkDay::from_query_result(&row, "")?);
        }
    }
    Ok(out)
}

/// Marks a certificate as issued with claim codes.
pub async fn enable_lot(db: &impl ConnectionTrait, certificate: i64) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(t("claim_lots"))
        .columns([t("certificate"), t("created_at")])
        .values_panic([certificate.into(), Utc::now().into()])
        .on_conflict(OnConflict::column(t("certificate")).do_nothing().to_owned())
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// Which of these certificates were issued with claim codes.
pub async fn lots(
    db: &impl ConnectionTrait,
    certificates: &[i64],
) -> Result<HashSet<i64>, StoreError> {
    let mut out = HashSet::new();
    for chunk in certificates.chunks(CHUNK) {
        let q = Query::select()
            .column(t("certificate"))
            .from(t("claim_lots"))
            .and_where(Expr::col(t("certificate")).is_in(chunk.iter().copied()))
            .to_owned();
        for row in db.query_all(&q).await? {
            out.insert(row.try_get::<i64>("", "certificate")?);
        }
    }
    Ok(out)
}

/// The accepted claims of these labels.
pub async fn claims(
    db: &impl ConnectionTrait,
    keys: &[LabelKey],
) -> Result<HashMap<LabelKey, ClaimRow>, StoreError> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(CHUNK) {
        let q = Query::select()
            .columns(["certificate", "item", "claimed_at", "network", "device"].map(t))
            .from(t("claims"))
            .and_where(label_in(chunk))
            .to_owned();
        for row in db.query_all(&q).await? {
            let r = ClaimRow::from_query_result(&row, "")?;
            out.insert(
                LabelKey {
                    certificate: r.certificate,
                    item: r.item,
                },
                r,
            );
        }
    }
    Ok(out)
}

/// Records the claim of an item; `false` if it was claimed already (by anyone, on any node).
pub async fn insert_claim(db: &impl ConnectionTrait, claim: &ClaimRow) -> Result<bool, StoreError> {
    let q = Query::insert()
        .into_table(t("claims"))
        .columns(["certificate", "item", "claimed_at", "network", "device"].map(t))
        .values_panic([
            claim.certificate.into(),
            claim.item.into(),
            claim.claimed_at.into(),
            claim.network.into(),
            claim.device.clone().into(),
        ])
        .on_conflict(
            OnConflict::columns([t("certificate"), t("item")])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    Ok(db.execute(&q).await?.rows_affected() == 1)
}

/// Records a wrong or repeated claim.
pub async fn insert_try(db: &impl ConnectionTrait, row: &TryRow) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(t("claim_tries"))
        .columns(["certificate", "item", "at", "network", "outcome"].map(t))
        .values_panic([
            row.key.certificate.into(),
            row.key.item.into(),
            row.at.into(),
            row.network.into(),
            row.outcome.as_str().into(),
        ])
        .to_owned();
    db.execute(&q).await?;
    Ok(())
}

/// The wrong and repeated claims of these labels, from `since` on.
pub async fn tries(
    db: &impl ConnectionTrait,
    keys: &[LabelKey],
    since: DateTime<Utc>,
) -> Result<Vec<TryRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let q = Query::select()
            .columns(["certificate", "item", "at", "network", "outcome"].map(t))
            .from(t("claim_tries"))
            .and_where(label_in(chunk))
            .and_where(Expr::col(t("at")).gte(since))
            .to_owned();
        for row in db.query_all(&q).await? {
            let r = RawTry::from_query_result(&row, "")?;
            let Some(outcome) = TryOutcome::parse(&r.outcome) else {
                return Err(StoreError::Corrupt(format!(
                    "claim try outcome {:?}",
                    r.outcome
                )));
            };
            out.push(TryRow {
                key: LabelKey {
                    certificate: r.certificate,
                    item: r.item,
                },
                at: r.at,
                network: r.network,
                outcome,
            });
        }
    }
    Ok(out)
}

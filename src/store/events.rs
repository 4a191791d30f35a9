//! Custody events: GS1 EPCIS 2.0 `ObjectEvent`s recorded by retailers' and officers' keys,
//! one row each (unique by `eventID`), with the labels each names in a table of their own so
//! that a label's events are one indexed lookup.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::StoreError;
use crate::entity::{custody_event as event, custody_event_label as event_label};

/// An event ready to store: what queries filter on, and the event as JSON text.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub event_id: String,
    pub event_hash: String,
    pub biz_step: &'static str,
    pub action: &'static str,
    pub disposition: Option<&'static str>,
    pub event_time: DateTime<Utc>,
    pub time_zone_offset: String,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    /// The event as sent, with its `eventID`.
    pub json: String,
    /// (certificate, item) of each label in `epcList`, without repeats.
    pub labels: Vec<(u64, u32)>,
}

/// A stored event, as queries answer it.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub event_id: String,
    pub recorder: String,
    pub recorded_at: DateTime<Utc>,
    /// The event as sent, with its `eventID`.
    pub json: String,
}

/// The event hash stored under each of these `eventID`s, for those already recorded.
pub async fn existing(
    db: &impl ConnectionTrait,
    ids: &[&str],
) -> Result<HashMap<String, String>, StoreError> {
    let mut out = HashMap::new();
    // Chunks keep each query well under SQLite's bound-parameter limit.
    for chunk in ids.chunks(200) {
        let rows = event::Entity::find()
            .filter(event::Column::EventId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.event_id, r.event_hash)));
    }
    Ok(out)
}

/// Stores one event and its labels; returns its row id. A concurrent writer that stored the
/// same `eventID` first makes this a [`StoreError::Retry`], so the transaction runs again and
/// finds it.
pub async fn insert(
    db: &impl ConnectionTrait,
    recorder: &str,
    e: &NewEvent,
) -> Result<i64, StoreError> {
    let unique = |err: sea_orm::DbErr| {
        if super::is_unique_violation(&err) {
            StoreError::Retry
        } else {
            err.into()
        }
    };
    let row = event::ActiveModel {
        event_id: Set(e.event_id.clone()),
        event_hash: Set(e.event_hash.clone()),
        recorder: Set(recorder.to_owned()),
        biz_step: Set(e.biz_step.to_owned()),
        action: Set(e.action.to_owned()),
        disposition: Set(e.disposition.map(str::to_owned)),
        event_time: Set(e.event_time),
        time_zone_offset: Set(e.time_zone_offset.clone()),
        read_point: Set(e.read_point.clone()),
        biz_location: Set(e.biz_location.clone()),
        recorded_at: Set(Utc::now()),
        event: Set(e.json.clone()),
        ..Default::default()
    };
    let id = event::Entity::insert(row)
        .exec(db)
        .await
        .map_err(unique)?
        .last_insert_id;
    for chunk in e.labels.chunks(1000) {
        let rows = chunk.iter().map(|(c, i)| event_label::ActiveModel {
            event: Set(id),
            certificate: Set(i64::try_from(*c).unwrap_or(i64::MAX)),
            item: Set(i32::try_from(*i).unwrap_or(i32::MAX)),
        });
        event_label::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(id)
}

/// What to look for.
#[derive(Clone, Debug, Default)]
pub struct EventQuery {
    /// Events naming this label (certificate, item).
    pub label: Option<(u64, u32)>,
    /// Events whose `eventTime` is at or after this.
    pub from: Option<DateTime<Utc>>,
    /// Events recorded by this recorder only.
    pub recorder: Option<String>,
    pub limit: u64,
    pub offset: u64,
}

/// Events matching the query, in `eventTime` order.
pub async fn query(
    db: &impl ConnectionTrait,
    q: &EventQuery,
) -> Result<Vec<StoredEvent>, StoreError> {
    let mut find = event::Entity::find();
    if let Some((certificate, item)) = q.label {
        let mut sub = Query::select();
        sub.column(event_label::Column::Event)
            .from(event_label::Entity)
            .and_where(
                event_label::Column::Certificate.eq(i64::try_from(certificate).unwrap_or(-1)),
            )
            .and_where(event_label::Column::Item.eq(i32::try_from(item).unwrap_or(-1)));
        find = find.filter(event::Column::Id.in_subquery(sub.to_owned()));
    }
    if let Some(from) = q.from {
        find = find.filter(event::Column::EventTime.gte(from));
    }
    if let Some(r) = &q.recorder {
        find = find.filter(event::Column::Recorder.eq(r.as_str()));
    }
    Ok(find
        .order_by_asc(event::Column::EventTime)
        .order_by_asc(event::Column::Id)
        .limit(q.limit)
        .offset(q.offset)
        .all(db)
        .await?
        .into_iter()
        .map(|r| StoredEvent {
            event_id: r.event_id,
            recorder: r.recorder,
            recorded_at: r.recorded_at,
            json: r.event,
        })
        .collect())
}

/// One custody event of one label, as the copy detector reads it.
#[derive(Clone, Debug, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct LabelEvent {
    pub certificate: i64,
    pub item: i32,
    pub recorder: String,
    pub biz_step: String,
    pub disposition: Option<String>,
    pub event_time: DateTime<Utc>,
    pub biz_location: Option<String>,
    /// The location's name and city, when its owner made it public.
    pub public_name: Option<String>,
    pub public_city: Option<String>,
}

/// The custody events of these labels: one indexed query per 200 labels
/// (`idx_custody_event_labels_label`, then the event by its key).
pub async fn for_labels(
    db: &impl ConnectionTrait,
    keys: &[super::scans::LabelKey],
) -> Result<Vec<LabelEvent>, StoreError> {
    use sea_orm::FromQueryResult;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    let (l, e) = (
        Alias::new("custody_event_labels"),
        Alias::new("custody_events"),
    );
    let (p, loc) = (Alias::new("public_locations"), Alias::new("locations"));
    let col = |table: &Alias, c: &str| Expr::col((table.clone(), Alias::new(c)));
    let mut out = Vec::new();
    for chunk in keys.chunks(200) {
        let q = Query::select()
            .expr_as(col(&l, "certificate"), Alias::new("certificate"))
            .expr_as(col(&l, "item"), Alias::new("item"))
            .expr_as(col(&e, "recorder"), Alias::new("recorder"))
            .expr_as(col(&e, "biz_step"), Alias::new("biz_step"))
            .expr_as(col(&e, "disposition"), Alias::new("disposition"))
            .expr_as(col(&e, "event_time"), Alias::new("event_time"))
            .expr_as(col(&e, "biz_location"), Alias::new("biz_location"))
            .expr_as(col(&loc, "name"), Alias::new("public_name"))
            .expr_as(col(&loc, "city"), Alias::new("public_city"))
            .from(l.clone())
            .inner_join(
                e.clone(),
                col(&e, "id").equals((l.clone(), Alias::new("event"))),
            )
            .left_join(
                p.clone(),
                col(&p, "uri").equals((e.clone(), Alias::new("biz_location"))),
            )
            .left_join(
                loc.clone(),
                col(&loc, "uri").equals((p.clone(), Alias::new("uri"))),
            )
            .and_where(
                Expr::tuple([col(&l, "certificate"), col(&l, "item")])
                    .in_tuples(chunk.iter().map(|k| (k.certificate, k.item))),
            )
            .to_owned();
        for row in db.query_all(&q).await? {
            out.push(LabelEvent::from_query_result(&row, "")?);
        }
    }
    Ok(out)
}

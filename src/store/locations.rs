//! The places retailers record custody at: a location URI (`bizLocation.id` in their EPCIS
//! events), a name and a city, owned by the key or officer that registered it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use super::{StoreError, audit};
use crate::entity::location;

/// A registered location, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    /// The URI to give as `bizLocation.id`.
    pub id: String,
    pub name: String,
    pub city: String,
    pub created_at: DateTime<Utc>,
    /// Whether the consumer page may show custody recorded here ("sold by … in … on …").
    pub public: bool,
}

fn view(m: location::Model) -> LocationView {
    LocationView {
        id: m.uri,
        name: m.name,
        city: m.city,
        created_at: m.created_at,
        public: false,
    }
}

/// Registers a location for `owner`, with its audit entry by `actor`. A URI already
/// registered, by anyone, is a conflict: one place has one owner.
pub async fn create(
    db: &impl ConnectionTrait,
    owner: &str,
    actor: &str,
    uri: &str,
    name: &str,
    city: &str,
    public: bool,
) -> Result<LocationView, StoreError> {
    let exists = location::Entity::find()
        .filter(location::Column::Uri.eq(uri))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Err(StoreError::conflict(
            "location_exists",
            format!("the location {uri} is already registered"),
        ));
    }
    let row = location::ActiveModel {
        uri: Set(uri.to_owned()),
        owner: Set(owner.to_owned()),
        name: Set(name.to_owned()),
        city: Set(city.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        if super::is_unique_violation(&e) {
            StoreError::Retry
        } else {
            e.into()
        }
    })?;
    if public {
        let q = sea_orm::sea_query::Query::insert()
            .into_table(sea_orm::sea_query::Alias::new("public_locations"))
            .columns(["uri", "created_at"].map(sea_orm::sea_query::Alias::new))
            .values_panic([uri.into(), Utc::now().into()])
            .to_owned();
        db.execute(&q).await?;
    }
    let v = LocationView {
        public,
        ..view(row)
    };
    audit::record(
        db,
        actor,
        "location.create",
        &format!("location:{uri}"),
        None::<&()>,
        Some(&v),
    )
    .await?;
    Ok(v)
}

/// The locations `owner` registered, oldest first.
pub async fn list(db: &impl ConnectionTrait, owner: &str) -> Result<Vec<LocationView>, StoreError> {
    let mut out: Vec<LocationView> = location::Entity::find()
        .filter(location::Column::Owner.eq(owner))
        .order_by_asc(location::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect();
    let public = public_of(db, &out.iter().map(|l| l.id.as_str()).collect::<Vec<_>>()).await?;
    for l in &mut out {
        l.public = public.contains(&l.id);
    }
    Ok(out)
}

/// Which of these URIs are public locations.
async fn public_of(
    db: &impl ConnectionTrait,
    uris: &[&str],
) -> Result<HashSet<String>, StoreError> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let mut out = HashSet::new();
    for chunk in uris.chunks(200) {
        let q = Query::select()
            .column(Alias::new("uri"))
            .from(Alias::new("public_locations"))
            .and_where(Expr::col(Alias::new("uri")).is_in(chunk.iter().copied()))
            .to_owned();
        for row in db.query_all(&q).await? {
            out.insert(row.try_get::<String>("", "uri")?);
        }
    }
    Ok(out)
}

/// Which of these URIs `owner` registered.
pub async fn owned(
    db: &impl ConnectionTrait,
    owner: &str,
    uris: &[&str],
) -> Result<HashSet<String>, StoreError> {
    if uris.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(location::Entity::find()
        .filter(location::Column::Owner.eq(owner))
        .filter(location::Column::Uri.is_in(uris.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.uri)
        .collect())
}

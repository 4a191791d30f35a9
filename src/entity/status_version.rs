//! One version of the signed status list (`store::status_list`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub digest: String,
    pub entry_count: i64,
    /// The snapshot body (the signed text).
    pub body: String,
    /// The signed snapshot note, as served.
    pub note: String,
    /// Set on the newest version: the `as_of` of its current `latest` note.
    pub as_of: Option<DateTimeUtc>,
    pub latest: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: String,
    pub event_hash: String,
    pub recorder: String,
    pub biz_step: String,
    pub action: String,
    pub disposition: Option<String>,
    pub event_time: DateTimeUtc,
    pub time_zone_offset: String,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    pub recorded_at: DateTimeUtc,
    pub event: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

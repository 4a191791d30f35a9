use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label_scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub certificate: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item: i32,
    pub scans: i64,
    pub retailer_checks: i64,
    pub distinct_clients: i32,
    pub first_at: DateTimeUtc,
    pub last_at: DateTimeUtc,
    pub day: Date,
    pub day_scans: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

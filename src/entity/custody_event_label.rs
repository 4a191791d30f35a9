use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_event_labels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub certificate: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

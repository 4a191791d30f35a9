use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "membership_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub membership: i64,
    pub at: DateTimeUtc,
    pub status: String,
    pub reason: Option<String>,
    pub actor: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

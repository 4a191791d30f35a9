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
    /// What happened: granted, suspended, reinstated, withdrawn, renewed, period.
    pub kind: String,
    /// The period in force after the event (`None`: not recorded).
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i64,
    pub brand: i32,
    pub producer: i64,
    pub product: String,
    pub lot: String,
    pub quantity: i32,
    pub produced_on: Date,
    pub expires_on: Date,
    pub issued_at: DateTimeUtc,
    pub issued_by: String,
    pub kid: String,
    pub status: String,
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<DateTimeUtc>,
    /// Index in the signing key's credential status lists (unique per key, random).
    pub status_index: Option<i64>,
    /// The lot code, on every certificate but the later duplicates a database had before lots
    /// became unique (`m20261204_000001_lot_unique`): unique with brand and producer.
    pub lot_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::brand::Entity",
        from = "Column::Brand",
        to = "super::brand::Column::Number"
    )]
    Brand,
    #[sea_orm(
        belongs_to = "super::producer::Entity",
        from = "Column::Producer",
        to = "super::producer::Column::Id"
    )]
    Producer,
}

impl Related<super::brand::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Brand.def()
    }
}

impl Related<super::producer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Producer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

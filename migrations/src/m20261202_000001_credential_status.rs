//! Each certificate's index in its signing key's W3C Bitstring Status Lists (revocation and
//! suspension), so that its credential can say "revoked" or "suspended" in the standard way.
//!
//! Indexes are unique per key (a key's lists are its own) and random, as the Bitstring Status
//! List spec recommends for herd privacy. Certificates issued before this migration get an
//! index derived from their number, which is itself 63 random bits, so it is just as random;
//! a collision moves to the next free slot.

use std::collections::{HashMap, HashSet};

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

/// The shortest list the spec allows (16 KiB of bits); `tasdiq` grows a key's lists past it
/// only when they would be more than half full.
const MIN_LIST_LENGTH: i64 = 131_072;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Certificates::Table)
                .add_column(
                    ColumnDef::new(Certificates::StatusIndex)
                        .big_integer()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        backfill(m).await?;
        m.create_index(
            Index::create()
                .name("idx_certificates_kid_status_index")
                .table(Certificates::Table)
                .col(Certificates::Kid)
                .col(Certificates::StatusIndex)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_certificates_kid_status_index")
                .table(Certificates::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Certificates::Table)
                .drop_column(Certificates::StatusIndex)
                .to_owned(),
        )
        .await
    }
}

/// Gives every existing certificate an index, key by key, in one pass.
async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let select = Query::select()
        .columns([Certificates::Number, Certificates::Kid])
        .from(Certificates::Table)
        .order_by(Certificates::Number, Order::Asc)
        .to_owned();
    let rows = db.query_all(&select).await?;
    let mut by_kid: HashMap<String, Vec<i64>> = HashMap::new();
    for row in rows {
        let number: i64 = row.try_get("", "number")?;
        let kid: String = row.try_get("", "kid")?;
        by_kid.entry(kid).or_default().push(number);
    }
    for numbers in by_kid.values() {
        let mut length = MIN_LIST_LENGTH;
        while length < 2 * (numbers.len() as i64 + 1) {
            length *= 2;
        }
        let mut taken = HashSet::new();
        for &number in numbers {
            let mut index = number.rem_euclid(length);
            while !taken.insert(index) {
                index = (index + 1) % length;
            }
            let update = Query::update()
                .table(Certificates::Table)
                .value(Certificates::StatusIndex, index)
                .and_where(Expr::col(Certificates::Number).eq(number))
                .to_owned();
            db.execute(&update).await?;
        }
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Number,
    Kid,
    StatusIndex,
}

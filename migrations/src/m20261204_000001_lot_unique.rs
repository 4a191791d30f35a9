//! One lot, one certificate (issue #15): (brand, producer, lot code) is unique.
//!
//! A plain unique index on `(brand, producer, lot)` would fail on a database that already holds
//! two certificates of one lot (the double click the issue reports). Those rows are real: their
//! labels are printed and signed, and the issuance log commits to them, so this migration neither
//! deletes nor renames them. Instead it adds `lot_key`, the lot code of the *first* certificate
//! of each (brand, producer, lot) — the earliest issued, then the lowest number — and `NULL` on
//! every later duplicate, and puts the unique index on `(brand, producer, lot_key)`. Both SQLite
//! and PostgreSQL treat NULLs as distinct in a unique index, so old duplicates stay valid and
//! visible, while every new certificate is written with `lot_key = lot` and the index refuses a
//! second one for a lot (the service checks first and answers 409 `lot_already_certified`;
//! the index catches the race of two concurrent issuances).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Certificates::Table)
                .add_column(string_null(Certificates::LotKey))
                .to_owned(),
        )
        .await?;
        // The same SQL on both backends: the target table is named in the correlated subquery.
        m.get_connection()
            .execute_unprepared(
                "UPDATE certificates SET lot_key = lot WHERE NOT EXISTS (\
                 SELECT 1 FROM certificates AS c2 WHERE c2.brand = certificates.brand \
                 AND c2.producer = certificates.producer AND c2.lot = certificates.lot \
                 AND (c2.issued_at < certificates.issued_at \
                 OR (c2.issued_at = certificates.issued_at AND c2.number < certificates.number)))",
            )
            .await?;
        m.create_index(
            Index::create()
                .name("idx_certificates_one_per_lot")
                .table(Certificates::Table)
                .col(Certificates::Brand)
                .col(Certificates::Producer)
                .col(Certificates::LotKey)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_certificates_one_per_lot")
                .table(Certificates::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Certificates::Table)
                .drop_column(Certificates::LotKey)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Brand,
    Producer,
    LotKey,
}

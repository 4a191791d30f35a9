//! The signed status list (issue 18, `docs/status-list.md`): one row per version, holding the
//! immutable snapshot (its body, digest and signed note) and, on the newest row, the `latest`
//! note re-signed over it at least hourly.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StatusVersions::Table)
                .col(big_integer(StatusVersions::Version).primary_key())
                .col(timestamp_with_time_zone(StatusVersions::CreatedAt))
                .col(string_len(StatusVersions::Digest, 44))
                .col(big_integer(StatusVersions::EntryCount))
                .col(text(StatusVersions::Body))
                .col(text(StatusVersions::Note))
                .col(timestamp_with_time_zone_null(StatusVersions::AsOf))
                .col(text_null(StatusVersions::Latest))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StatusVersions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StatusVersions {
    Table,
    Version,
    CreatedAt,
    Digest,
    EntryCount,
    Body,
    Note,
    AsOf,
    Latest,
}

//! Fingerprints of the service secrets that live in each node's keys folder (today the
//! short-code secret): never the secret itself, only a hash that lets a starting node check it
//! holds the same secret as the others, instead of making a second one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ServiceSecrets::Table)
                .col(string_len(ServiceSecrets::Name, 32).primary_key())
                .col(string_len(ServiceSecrets::Fingerprint, 64))
                .col(timestamp_with_time_zone(ServiceSecrets::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ServiceSecrets::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ServiceSecrets {
    Table,
    Name,
    Fingerprint,
    CreatedAt,
}

//! Scan intelligence and cross-node cache invalidation:
//! - `label_clients`: today's distinct clients per label (salted hashes, never addresses);
//! - `scan_salts`: the daily salt, shared by every node so a client counts once;
//! - `label_checks`: retailer verifications, per label and API key;
//! - `cache_epoch`: one counter bumped by every status change, polled by every node.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LabelClients::Table)
                .col(big_integer(LabelClients::Certificate))
                .col(integer(LabelClients::Item))
                .col(date(LabelClients::Day))
                .col(string_len(LabelClients::Client, 32))
                .primary_key(
                    Index::create()
                        .col(LabelClients::Certificate)
                        .col(LabelClients::Item)
                        .col(LabelClients::Day)
                        .col(LabelClients::Client),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_label_clients_day")
                .table(LabelClients::Table)
                .col(LabelClients::Day)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ScanSalts::Table)
                .col(date(ScanSalts::Day).primary_key())
                .col(string_len(ScanSalts::Salt, 64))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LabelChecks::Table)
                .col(big_integer(LabelChecks::Certificate))
                .col(integer(LabelChecks::Item))
                .col(big_integer(LabelChecks::ApiKey))
                .col(big_integer(LabelChecks::Checks))
                .col(timestamp_with_time_zone(LabelChecks::FirstAt))
                .col(timestamp_with_time_zone(LabelChecks::LastAt))
                .primary_key(
                    Index::create()
                        .col(LabelChecks::Certificate)
                        .col(LabelChecks::Item)
                        .col(LabelChecks::ApiKey),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CacheEpoch::Table)
                .col(integer(CacheEpoch::Id).primary_key())
                .col(big_integer(CacheEpoch::Epoch))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(CacheEpoch::Table)
                .columns([CacheEpoch::Id, CacheEpoch::Epoch])
                .values_panic([1.into(), 0.into()])
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CacheEpoch::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LabelChecks::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ScanSalts::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LabelClients::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LabelClients {
    Table,
    Certificate,
    Item,
    Day,
    Client,
}

#[derive(DeriveIden)]
enum ScanSalts {
    Table,
    Day,
    Salt,
}

#[derive(DeriveIden)]
enum LabelChecks {
    Table,
    Certificate,
    Item,
    ApiKey,
    Checks,
    FirstAt,
    LastAt,
}

#[derive(DeriveIden)]
enum CacheEpoch {
    Table,
    Id,
    Epoch,
}

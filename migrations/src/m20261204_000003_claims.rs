//! The copy detector's facts and the one-time claim codes (issue 17):
//!
//! - `label_networks`: scans of a label by client network and day, the network a keyed
//!   pseudonym (never an address), so the detector can count households across days;
//! - `claim_lots`: certificates issued with `"claims": true` (the codes themselves are derived
//!   from a server secret, never stored);
//! - `claims`: the one accepted claim of an item, with the claimant's network and device hash;
//! - `claim_tries`: wrong codes and repeated claims, for the limits and the detector;
//! - `public_locations`: the retailers' places whose custody the consumer page may show
//!   ("sold by … in Agadir on …").

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LabelNetworks::Table)
                .col(big_integer(LabelNetworks::Certificate))
                .col(integer(LabelNetworks::Item))
                .col(big_integer(LabelNetworks::Network))
                .col(date(LabelNetworks::Day))
                .col(integer(LabelNetworks::Scans))
                .primary_key(
                    Index::create()
                        .col(LabelNetworks::Certificate)
                        .col(LabelNetworks::Item)
                        .col(LabelNetworks::Network)
                        .col(LabelNetworks::Day),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ClaimLots::Table)
                .col(big_integer(ClaimLots::Certificate).primary_key())
                .col(timestamp_with_time_zone(ClaimLots::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Claims::Table)
                .col(big_integer(Claims::Certificate))
                .col(integer(Claims::Item))
                .col(timestamp_with_time_zone(Claims::ClaimedAt))
                .col(big_integer(Claims::Network))
                .col(string_len(Claims::Device, 64))
                .primary_key(Index::create().col(Claims::Certificate).col(Claims::Item))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ClaimTries::Table)
                .col(big_pk_auto(ClaimTries::Id))
                .col(big_integer(ClaimTries::Certificate))
                .col(integer(ClaimTries::Item))
                .col(timestamp_with_time_zone(ClaimTries::At))
                .col(big_integer(ClaimTries::Network))
                .col(string_len(ClaimTries::Outcome, 16))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PublicLocations::Table)
                .col(string_len(PublicLocations::Uri, 1024).primary_key())
                .col(timestamp_with_time_zone(PublicLocations::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_claim_tries_label")
                .table(ClaimTries::Table)
                .col(ClaimTries::Certificate)
                .col(ClaimTries::Item)
                .col(ClaimTries::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PublicLocations::Table.into_iden(),
            ClaimTries::Table.into_iden(),
            Claims::Table.into_iden(),
            ClaimLots::Table.into_iden(),
            LabelNetworks::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LabelNetworks {
    Table,
    Certificate,
    Item,
    Network,
    Day,
    Scans,
}

#[derive(DeriveIden)]
enum ClaimLots {
    Table,
    Certificate,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Certificate,
    Item,
    ClaimedAt,
    Network,
    Device,
}

#[derive(DeriveIden)]
enum PublicLocations {
    Table,
    Uri,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ClaimTries {
    Table,
    Id,
    Certificate,
    Item,
    At,
    Network,
    Outcome,
}

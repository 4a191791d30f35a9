//! Chain of custody: the places retailers register (`locations`), the GS1 EPCIS 2.0 custody
//! events recorded by retailers' and officers' keys (`custody_events`, one row per event, its
//! `eventID` unique so a replay is not stored twice), and the labels each event names
//! (`custody_event_labels`, indexed by label for `GET /api/v1/events?epc=`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Locations::Table)
                .col(big_pk_auto(Locations::Id))
                .col(string_len_uniq(Locations::Uri, 1024))
                .col(string_len(Locations::Owner, 64))
                .col(string_len(Locations::Name, 200))
                .col(string_len(Locations::City, 100))
                .col(timestamp_with_time_zone(Locations::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_locations_owner")
                .table(Locations::Table)
                .col(Locations::Owner)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CustodyEvents::Table)
                .col(big_pk_auto(CustodyEvents::Id))
                .col(string_len_uniq(CustodyEvents::EventId, 1024))
                .col(string_len(CustodyEvents::EventHash, 128))
                .col(string_len(CustodyEvents::Recorder, 64))
                .col(string_len(CustodyEvents::BizStep, 32))
                .col(string_len(CustodyEvents::Action, 8))
                .col(string_len_null(CustodyEvents::Disposition, 32))
                .col(timestamp_with_time_zone(CustodyEvents::EventTime))
                .col(string_len(CustodyEvents::TimeZoneOffset, 6))
                .col(string_len_null(CustodyEvents::ReadPoint, 1024))
                .col(string_len_null(CustodyEvents::BizLocation, 1024))
                .col(timestamp_with_time_zone(CustodyEvents::RecordedAt))
                .col(text(CustodyEvents::Event))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_custody_events_recorder", CustodyEvents::Recorder),
            ("idx_custody_events_event_time", CustodyEvents::EventTime),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(CustodyEvents::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(CustodyEventLabels::Table)
                .col(big_integer(CustodyEventLabels::Event))
                .col(big_integer(CustodyEventLabels::Certificate))
                .col(integer(CustodyEventLabels::Item))
                .primary_key(
                    Index::create()
                        .col(CustodyEventLabels::Event)
                        .col(CustodyEventLabels::Certificate)
                        .col(CustodyEventLabels::Item),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_custody_event_labels_event")
                        .from(CustodyEventLabels::Table, CustodyEventLabels::Event)
                        .to(CustodyEvents::Table, CustodyEvents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_custody_event_labels_label")
                .table(CustodyEventLabels::Table)
                .col(CustodyEventLabels::Certificate)
                .col(CustodyEventLabels::Item)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CustodyEventLabels::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CustodyEvents::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Locations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Locations {
    Table,
    Id,
    Uri,
    Owner,
    Name,
    City,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CustodyEvents {
    Table,
    Id,
    EventId,
    EventHash,
    Recorder,
    BizStep,
    Action,
    Disposition,
    EventTime,
    TimeZoneOffset,
    ReadPoint,
    BizLocation,
    RecordedAt,
    Event,
}

#[derive(DeriveIden)]
enum CustodyEventLabels {
    Table,
    Event,
    Certificate,
    Item,
}

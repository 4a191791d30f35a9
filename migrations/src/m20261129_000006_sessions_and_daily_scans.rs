//! Officer web sessions (only a hash of the cookie is stored, with the session's CSRF token and
//! its last use), and scans per day for the dashboard's chart.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OfficerSessions::Table)
                .col(string_len(OfficerSessions::Id, 64).primary_key())
                .col(big_integer(OfficerSessions::Officer))
                .col(string_len(OfficerSessions::Csrf, 64))
                .col(timestamp_with_time_zone(OfficerSessions::CreatedAt))
                .col(timestamp_with_time_zone(OfficerSessions::LastSeenAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(OfficerSessions::Table, OfficerSessions::Officer)
                        .to(Officers::Table, Officers::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ScanDays::Table)
                .col(date(ScanDays::Day).primary_key())
                .col(big_integer(ScanDays::Scans))
                .col(big_integer(ScanDays::RetailerChecks))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScanDays::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(OfficerSessions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OfficerSessions {
    Table,
    Id,
    Officer,
    Csrf,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum Officers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ScanDays {
    Table,
    Day,
    Scans,
    RetailerChecks,
}

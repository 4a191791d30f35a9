//! The public issuance log (issue 20): its entries, the private openings of issue entries, the
//! tiles the integrator builds, and the signed checkpoints.
//!
//! - `log_state` is one row whose `next` is the next entry index. Sequencing takes it with
//!   `UPDATE … RETURNING` inside the business transaction (a row lock on PostgreSQL, the write
//!   lock on SQLite), so indexes are dense: a rolled-back transaction gives its index back. A
//!   SEQUENCE would leave gaps, which a Merkle log cannot hold.
//! - `log_tile` rows are overwritten while they grow, keyed by (level, index), as Tessera's
//!   MySQL layout keeps them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LogState::Table)
                .col(integer(LogState::Id).primary_key())
                .col(big_integer(LogState::Next))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(LogState::Table)
                .columns([LogState::Id, LogState::Next])
                .values_panic([1.into(), 0i64.into()])
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogEntry::Table)
                .col(big_integer(LogEntry::Idx).primary_key())
                .col(blob(LogEntry::Data))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogOpening::Table)
                .col(big_integer(LogOpening::Certificate).primary_key())
                .col(big_integer_uniq(LogOpening::Idx))
                .col(blob(LogOpening::Data))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogTile::Table)
                .col(small_integer(LogTile::Level))
                .col(big_integer(LogTile::Idx))
                .col(integer(LogTile::Width))
                .col(blob(LogTile::Hashes))
                .primary_key(Index::create().col(LogTile::Level).col(LogTile::Idx))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LogCheckpoint::Table)
                .col(big_integer(LogCheckpoint::Size).primary_key())
                .col(text(LogCheckpoint::Note))
                .col(timestamp_with_time_zone(LogCheckpoint::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            LogCheckpoint::Table.into_iden(),
            LogTile::Table.into_iden(),
            LogOpening::Table.into_iden(),
            LogEntry::Table.into_iden(),
            LogState::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LogState {
    Table,
    Id,
    Next,
}

#[derive(DeriveIden)]
enum LogEntry {
    Table,
    Idx,
    Data,
}

#[derive(DeriveIden)]
enum LogOpening {
    Table,
    Certificate,
    Idx,
    Data,
}

#[derive(DeriveIden)]
enum LogTile {
    Table,
    Level,
    Idx,
    Width,
    Hashes,
}

#[derive(DeriveIden)]
enum LogCheckpoint {
    Table,
    Size,
    Note,
    CreatedAt,
}

//! Consumer reports: where a shopper found a product, and what they noticed. The label is kept
//! as sent (a fake label's code is evidence), with the certificate and item when it decodes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reports::Table)
                .col(big_pk_auto(Reports::Id))
                .col(timestamp_with_time_zone(Reports::CreatedAt))
                .col(string_len(Reports::Code, 255))
                .col(big_integer_null(Reports::Certificate))
                .col(integer_null(Reports::Item))
                .col(string_len(Reports::Verdict, 16))
                .col(string_len(Reports::Reason, 32))
                .col(string(Reports::Place))
                .col(text(Reports::Comment))
                .col(string_len(Reports::Client, 32))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_reports_created_at", Reports::CreatedAt),
            ("idx_reports_client", Reports::Client),
            ("idx_reports_certificate", Reports::Certificate),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Reports::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Reports::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    CreatedAt,
    Code,
    Certificate,
    Item,
    Verdict,
    Reason,
    Place,
    Comment,
    Client,
}

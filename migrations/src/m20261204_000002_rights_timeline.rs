//! The timeline of rights of use (issues #15 and #16): each status event says what happened
//! (`kind`: granted, suspended, reinstated, withdrawn, renewed, period) and the period in force
//! after it, and a right remembers when it was last withdrawn for cause (`withdrawn_at`), which
//! the verdict compares with each lot's issuance time: a lot issued before a withdrawal stays
//! revoked even after a new grant.
//!
//! Existing rows keep their meaning: an event's kind is derived from its status and the status
//! before it, its period is the right's current one (the only one known), and `withdrawn_at` is
//! the time of the latest withdrawal event (or the row's last change for a withdrawn right with
//! no event).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        m.alter_table(
            Table::alter()
                .table(Memberships::Table)
                .add_column(timestamp_with_time_zone_null(Memberships::WithdrawnAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(MembershipEvents::Table)
                .add_column(string_len(MembershipEvents::Kind, 16).default("granted"))
                .to_owned(),
        )
        .await?;
        for col in [MembershipEvents::ValidFrom, MembershipEvents::ValidUntil] {
            m.alter_table(
                Table::alter()
                    .table(MembershipEvents::Table)
                    .add_column(date_null(col))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        // Both backends accept these statements as written.
        db.execute_unprepared(
            "UPDATE membership_events SET kind = CASE \
               WHEN status = 'withdrawn' THEN 'withdrawn' \
               WHEN status = 'suspended' THEN 'suspended' \
               WHEN (SELECT p.status FROM membership_events p \
                      WHERE p.membership = membership_events.membership \
                        AND p.id < membership_events.id \
                      ORDER BY p.id DESC LIMIT 1) = 'suspended' THEN 'reinstated' \
               ELSE 'granted' END",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE membership_events SET \
               valid_from = (SELECT r.valid_from FROM memberships r WHERE r.id = membership_events.membership), \
               valid_until = (SELECT r.valid_until FROM memberships r WHERE r.id = membership_events.membership)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE memberships SET withdrawn_at = \
               (SELECT MAX(e.at) FROM membership_events e \
                 WHERE e.membership = memberships.id AND e.status = 'withdrawn')",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE memberships SET withdrawn_at = updated_at \
              WHERE status = 'withdrawn' AND withdrawn_at IS NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            MembershipEvents::ValidUntil,
            MembershipEvents::ValidFrom,
            MembershipEvents::Kind,
        ] {
            m.alter_table(
                Table::alter()
                    .table(MembershipEvents::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Memberships::Table)
                .drop_column(Memberships::WithdrawnAt)
                .to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum MembershipEvents {
    Table,
    Kind,
    ValidFrom,
    ValidUntil,
}

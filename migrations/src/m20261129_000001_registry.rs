//! The registry schema: regions, brands, producers, rights of use, officers, API keys, signing
//! keys (public part only), certificates, per-label scan aggregates and the append-only audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Regions::Table)
                .col(string_len(Regions::Slug, 40).primary_key())
                .col(string(Regions::NameAr))
                .col(string(Regions::NameFr))
                .col(string(Regions::NameEn))
                .col(string(Regions::NameZgh))
                .to_owned(),
        )
        .await?;
        // The 12 regions are fixed by the 2015 territorial division; their slugs are part of the
        // public contract, so they exist before any seed runs. `tasdiq seed` may refine the names.
        let mut insert = Query::insert();
        insert.into_table(Regions::Table).columns([
            Regions::Slug,
            Regions::NameAr,
            Regions::NameFr,
            Regions::NameEn,
            Regions::NameZgh,
        ]);
        for (slug, ar, fr, en, zgh) in REGIONS {
            insert.values_panic([
                (*slug).into(),
                (*ar).into(),
                (*fr).into(),
                (*en).into(),
                (*zgh).into(),
            ]);
        }
        m.exec_stmt(insert).await?;

        m.create_table(
            Table::create()
                .table(Brands::Table)
                .col(integer(Brands::Number).primary_key())
                .col(string_len_uniq(Brands::Code, 64))
                .col(string(Brands::NameAr))
                .col(string(Brands::NameFr))
                .col(string(Brands::NameEn))
                .col(string(Brands::NameZgh))
                .col(string_len(Brands::Kind, 32))
                .col(string_len(Brands::Category, 32))
                .col(string_len(Brands::Region, 40))
                .col(string(Brands::Holder))
                .col(string_null(Brands::RegistrationNumber))
                .col(string(Brands::RulesRef))
                .col(string_len(Brands::RulesVersion, 32))
                .col(string_len(Brands::Status, 16))
                .col(string_null(Brands::StatusReason))
                .col(boolean(Brands::Illustrative))
                .col(timestamp_with_time_zone(Brands::CreatedAt))
                .col(timestamp_with_time_zone(Brands::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Brands::Table, Brands::Region)
                        .to(Regions::Table, Regions::Slug),
                )
                .to_owned(),
        )
        .await?;
        index(m, Brands::Table, "idx_brands_region", [Brands::Region]).await?;
        index(m, Brands::Table, "idx_brands_category", [Brands::Category]).await?;

        m.create_table(
            Table::create()
                .table(Producers::Table)
                .col(big_pk_auto(Producers::Id))
                .col(string_len(Producers::Kind, 16))
                .col(string(Producers::Name))
                .col(string_len_uniq(Producers::Ice, 15))
                .col(string(Producers::RegisterNumber))
                .col(string_len(Producers::Region, 40))
                .col(string(Producers::Province))
                .col(boolean(Producers::WomenLed))
                .col(boolean(Producers::YouthLed))
                .col(timestamp_with_time_zone(Producers::CreatedAt))
                .col(timestamp_with_time_zone(Producers::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Producers::Table, Producers::Region)
                        .to(Regions::Table, Regions::Slug),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            Producers::Table,
            "idx_producers_region",
            [Producers::Region],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(big_pk_auto(Memberships::Id))
                .col(integer(Memberships::Brand))
                .col(big_integer(Memberships::Producer))
                .col(date(Memberships::ValidFrom))
                .col(date(Memberships::ValidUntil))
                .col(string_len(Memberships::Status, 16))
                .col(string_null(Memberships::StatusReason))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .col(timestamp_with_time_zone(Memberships::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Memberships::Table, Memberships::Brand)
                        .to(Brands::Table, Brands::Number),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Memberships::Table, Memberships::Producer)
                        .to(Producers::Table, Producers::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_memberships_brand_producer")
                .table(Memberships::Table)
                .col(Memberships::Brand)
                .col(Memberships::Producer)
                .unique()
                .to_owned(),
        )
        .await?;
        index(
            m,
            Memberships::Table,
            "idx_memberships_producer",
            [Memberships::Producer],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MembershipEvents::Table)
                .col(big_pk_auto(MembershipEvents::Id))
                .col(big_integer(MembershipEvents::Membership))
                .col(timestamp_with_time_zone(MembershipEvents::At))
                .col(string_len(MembershipEvents::Status, 16))
                .col(string_null(MembershipEvents::Reason))
                .col(string(MembershipEvents::Actor))
                .foreign_key(
                    ForeignKey::create()
                        .from(MembershipEvents::Table, MembershipEvents::Membership)
                        .to(Memberships::Table, Memberships::Id),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            MembershipEvents::Table,
            "idx_membership_events_membership",
            [MembershipEvents::Membership],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Officers::Table)
                .col(big_pk_auto(Officers::Id))
                .col(string_uniq(Officers::Email))
                .col(string(Officers::PasswordHash))
                .col(string_len(Officers::Role, 16))
                .col(timestamp_with_time_zone(Officers::CreatedAt))
                .col(timestamp_with_time_zone_null(Officers::DisabledAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(big_pk_auto(ApiKeys::Id))
                .col(string(ApiKeys::Name))
                .col(string_len(ApiKeys::Role, 16))
                .col(string_len_uniq(ApiKeys::Lookup, 32))
                .col(string_len(ApiKeys::SecretHash, 64))
                .col(string(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SigningKeys::Table)
                .col(string_len(SigningKeys::Kid, 8).primary_key())
                .col(string_len_uniq(SigningKeys::PublicKey, 64))
                .col(string_len(SigningKeys::Status, 16))
                .col(timestamp_with_time_zone(SigningKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(SigningKeys::RetiredAt))
                .col(timestamp_with_time_zone_null(SigningKeys::CompromisedSince))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Certificates::Table)
                .col(big_integer(Certificates::Number).primary_key())
                .col(integer(Certificates::Brand))
                .col(big_integer(Certificates::Producer))
                .col(string(Certificates::Product))
                .col(string(Certificates::Lot))
                .col(integer(Certificates::Quantity))
                .col(date(Certificates::ProducedOn))
                .col(date(Certificates::ExpiresOn))
                .col(timestamp_with_time_zone(Certificates::IssuedAt))
                .col(string(Certificates::IssuedBy))
                .col(string_len(Certificates::Kid, 8))
                .col(string_len(Certificates::Status, 16))
                .col(string_null(Certificates::RevocationReason))
                .col(timestamp_with_time_zone_null(Certificates::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Certificates::Table, Certificates::Brand)
                        .to(Brands::Table, Brands::Number),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Certificates::Table, Certificates::Producer)
                        .to(Producers::Table, Producers::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Certificates::Table, Certificates::Kid)
                        .to(SigningKeys::Table, SigningKeys::Kid),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            Certificates::Table,
            "idx_certificates_brand_producer",
            [Certificates::Brand, Certificates::Producer],
        )
        .await?;
        index(
            m,
            Certificates::Table,
            "idx_certificates_issued_at",
            [Certificates::IssuedAt],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LabelScans::Table)
                .col(big_integer(LabelScans::Certificate))
                .col(integer(LabelScans::Item))
                .col(big_integer(LabelScans::Scans))
                .col(big_integer(LabelScans::RetailerChecks))
                .col(integer(LabelScans::DistinctClients))
                .col(timestamp_with_time_zone(LabelScans::FirstAt))
                .col(timestamp_with_time_zone(LabelScans::LastAt))
                .col(date(LabelScans::Day))
                .col(integer(LabelScans::DayScans))
                .primary_key(
                    Index::create()
                        .col(LabelScans::Certificate)
                        .col(LabelScans::Item),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LabelScans::Table, LabelScans::Certificate)
                        .to(Certificates::Table, Certificates::Number),
                )
                .to_owned(),
        )
        .await?;
        index(
            m,
            LabelScans::Table,
            "idx_label_scans_last_at",
            [LabelScans::LastAt],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(string(AuditLog::Actor))
                .col(string_len(AuditLog::Action, 64))
                .col(string(AuditLog::Target))
                .col(text_null(AuditLog::Before))
                .col(text_null(AuditLog::After))
                .to_owned(),
        )
        .await?;
        index(m, AuditLog::Table, "idx_audit_log_at", [AuditLog::At]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Children before parents, so foreign keys never block the drop.
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LabelScans::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Certificates::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(SigningKeys::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ApiKeys::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Officers::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MembershipEvents::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Memberships::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Producers::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Brands::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Regions::Table).to_owned())
            .await?;
        Ok(())
    }
}

async fn index<T, C, const N: usize>(
    m: &SchemaManager<'_>,
    table: T,
    name: &str,
    cols: [C; N],
) -> Result<(), DbErr>
where
    T: IntoIden,
    C: IntoIndexColumn,
{
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(c);
    }
    m.create_index(stmt.to_owned()).await
}

/// (slug, Arabic, French, English, Tamazight in Tifinagh)
const REGIONS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "tanger-tetouan-al-hoceima",
        "طنجة تطوان الحسيمة",
        "Tanger-Tétouan-Al Hoceïma",
        "Tangier-Tetouan-Al Hoceima",
        "ⵟⴰⵏⵊⴰ ⵜⵉⵟⵟⴰⵡⵉⵏ ⵍⵃⵓⵙⵉⵎⴰ",
    ),
    ("oriental", "الشرق", "Oriental", "Oriental", "ⴰⵏⴳⵎⴰⴹ"),
    (
        "fes-meknes",
        "فاس مكناس",
        "Fès-Meknès",
        "Fez-Meknes",
        "ⴼⴰⵙ ⵎⴽⵏⴰⵙ",
    ),
    (
        "rabat-sale-kenitra",
        "الرباط سلا القنيطرة",
        "Rabat-Salé-Kénitra",
        "Rabat-Sale-Kenitra",
        "ⵔⵔⴱⴰⵟ ⵙⵍⴰ ⵇⵏⵉⵟⵔⴰ",
    ),
    (
        "beni-mellal-khenifra",
        "بني ملال خنيفرة",
        "Béni Mellal-Khénifra",
        "Beni Mellal-Khenifra",
        "ⴰⵢⵜ ⵎⵍⵍⴰⵍ ⵅⵏⵉⴼⵔⴰ",
    ),
    (
        "casablanca-settat",
        "الدار البيضاء سطات",
        "Casablanca-Settat",
        "Casablanca-Settat",
        "ⴰⵏⴼⴰ ⵙⵟⵟⴰⵜ",
    ),
    (
        "marrakech-safi",
        "مراكش آسفي",
        "Marrakech-Safi",
        "Marrakesh-Safi",
        "ⵎⵕⵕⴰⴽⵛ ⴰⵙⴼⵉ",
    ),
    (
        "draa-tafilalet",
        "درعة تافيلالت",
        "Drâa-Tafilalet",
        "Draa-Tafilalet",
        "ⴷⵔⵄⴰ ⵜⴰⴼⵉⵍⴰⵍⵜ",
    ),
    (
        "souss-massa",
        "سوس ماسة",
        "Souss-Massa",
        "Souss-Massa",
        "ⵙⵓⵙ ⵎⴰⵙⵙⴰ",
    ),
    (
        "guelmim-oued-noun",
        "كلميم واد نون",
        "Guelmim-Oued Noun",
        "Guelmim-Oued Noun",
        "ⴳⵍⵎⵉⵎ ⵡⴰⴷ ⵏⵓⵏ",
    ),
    (
        "laayoune-sakia-el-hamra",
        "العيون الساقية الحمراء",
        "Laâyoune-Sakia El Hamra",
        "Laayoune-Sakia El Hamra",
        "ⵍⵄⵢⵓⵏ ⵙⴰⴳⵢⴰ ⵍⵃⵎⵔⴰ",
    ),
    (
        "dakhla-oued-ed-dahab",
        "الداخلة وادي الذهب",
        "Dakhla-Oued Ed-Dahab",
        "Dakhla-Oued Ed-Dahab",
        "ⴷⴷⴰⵅⵍⴰ ⵡⴰⴷ ⴻⴷⴷⴰⵀⴰⴱ",
    ),
];

#[derive(DeriveIden)]
enum Regions {
    Table,
    Slug,
    NameAr,
    NameFr,
    NameEn,
    NameZgh,
}

#[derive(DeriveIden)]
enum Brands {
    Table,
    Number,
    Code,
    NameAr,
    NameFr,
    NameEn,
    NameZgh,
    Kind,
    Category,
    Region,
    Holder,
    RegistrationNumber,
    RulesRef,
    RulesVersion,
    Status,
    StatusReason,
    Illustrative,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Producers {
    Table,
    Id,
    Kind,
    Name,
    Ice,
    RegisterNumber,
    Region,
    Province,
    WomenLed,
    YouthLed,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    Brand,
    Producer,
    ValidFrom,
    ValidUntil,
    Status,
    StatusReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MembershipEvents {
    Table,
    Id,
    Membership,
    At,
    Status,
    Reason,
    Actor,
}

#[derive(DeriveIden)]
enum Officers {
    Table,
    Id,
    Email,
    PasswordHash,
    Role,
    CreatedAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Role,
    Lookup,
    SecretHash,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    PublicKey,
    Status,
    CreatedAt,
    RetiredAt,
    CompromisedSince,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Number,
    Brand,
    Producer,
    Product,
    Lot,
    Quantity,
    ProducedOn,
    ExpiresOn,
    IssuedAt,
    IssuedBy,
    Kid,
    Status,
    RevocationReason,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LabelScans {
    Table,
    Certificate,
    Item,
    Scans,
    RetailerChecks,
    DistinctClients,
    FirstAt,
    LastAt,
    Day,
    DayScans,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    Action,
    Target,
    Before,
    After,
}

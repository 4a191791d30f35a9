//! One spelling of each region's name. The first migration wrote the Arabic and Tamazight names
//! with spaces where the seeds and the messages had hyphens, and four Tifinagh names differed
//! between the three. `seeds/regions.json` is the reference (each checked Tifinagh name carries its
//! source there); this migration brings existing databases to it, and `tests/it/seeds.rs` fails if
//! the schema's data, the seeds or the Fluent messages drift apart again.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        write(m, NAMES).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        write(m, BEFORE).await
    }
}

async fn write(m: &SchemaManager<'_>, rows: &[Row]) -> Result<(), DbErr> {
    for (slug, ar, fr, en, zgh) in rows {
        m.exec_stmt(
            Query::update()
                .table(Regions::Table)
                .values([
                    (Regions::NameAr, (*ar).into()),
                    (Regions::NameFr, (*fr).into()),
                    (Regions::NameEn, (*en).into()),
                    (Regions::NameZgh, (*zgh).into()),
                ])
                .and_where(Expr::col(Regions::Slug).eq(*slug))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// (slug, Arabic, French, English, Tamazight in Tifinagh)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The names as `seeds/regions.json` has them.
const NAMES: &[Row] = &[
    (
        "tanger-tetouan-al-hoceima",
        "طنجة-تطوان-الحسيمة",
        "Tanger-Tétouan-Al Hoceïma",
        "Tangier-Tetouan-Al Hoceima",
        "ⵟⴰⵏⵊⴰ-ⵜⵉⵟⵟⴰⵡⵉⵏ-ⵍⵃⵓⵙⵉⵎⴰ",
    ),
    ("oriental", "الشرق", "Oriental", "Oriental", "ⵜⴰⴳⵎⵓⴹⴰⵏⵜ"),
    (
        "fes-meknes",
        "فاس-مكناس",
        "Fès-Meknès",
        "Fez-Meknes",
        "ⴼⴰⵙ-ⵎⴽⵏⴰⵙ",
    ),
    (
        "rabat-sale-kenitra",
        "الرباط-سلا-القنيطرة",
        "Rabat-Salé-Kénitra",
        "Rabat-Sale-Kenitra",
        "ⴻⵕⵕⴱⴰⵟ-ⵙⵍⴰ-ⵇⵏⵉⵟⵔⴰ",
    ),
    (
        "beni-mellal-khenifra",
        "بني ملال-خنيفرة",
        "Béni Mellal-Khénifra",
        "Beni Mellal-Khenifra",
        "ⴰⵢⵜ ⵎⵍⵍⴰⵍ-ⵅⵏⵉⴼⵔⴰ",
    ),
    (
        "casablanca-settat",
        "الدار البيضاء-سطات",
        "Casablanca-Settat",
        "Casablanca-Settat",
        "ⴰⵏⴼⴰ-ⵙⵟⵟⴰⵜ",
    ),
    (
        "marrakech-safi",
        "مراكش-آسفي",
        "Marrakech-Safi",
        "Marrakesh-Safi",
        "ⵎⵕⵕⴰⴽⵛ-ⴰⵙⴼⵉ",
    ),
    (
        "draa-tafilalet",
        "درعة-تافيلالت",
        "Drâa-Tafilalet",
        "Draa-Tafilalet",
        "ⴷⵔⵄⴰ-ⵜⴰⴼⵉⵍⴰⵍⵜ",
    ),
    (
        "souss-massa",
        "سوس-ماسة",
        "Souss-Massa",
        "Souss-Massa",
        "ⵙⵓⵙ-ⵎⴰⵙⵙⴰ",
    ),
    (
        "guelmim-oued-noun",
        "كلميم-واد نون",
        "Guelmim-Oued Noun",
        "Guelmim-Oued Noun",
        "ⴳⵍⵎⵉⵎ-ⵡⴰⴷ ⵏⵓⵏ",
    ),
    (
        "laayoune-sakia-el-hamra",
        "العيون-الساقية الحمراء",
        "Laâyoune-Sakia El Hamra",
        "Laayoune-Sakia El Hamra",
        "ⵍⵄⵢⵓⵏ-ⵙⴰⴳⵉⵢⵢⴰ ⵍⵃⵎⵔⴰ",
    ),
    (
        "dakhla-oued-ed-dahab",
        "الداخلة-وادي الذهب",
        "Dakhla-Oued Ed-Dahab",
        "Dakhla-Oued Ed-Dahab",
        "ⴷⴷⴰⵅⵍⴰ-ⴰⵙⵉⴼ ⵏ ⵡⵓⵕⵖ",
    ),
];

/// The names the first migration wrote, restored by `down`.
const BEFORE: &[Row] = &[
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

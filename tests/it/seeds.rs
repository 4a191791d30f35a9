//! The seed data: real marks with their sources, the data defects the domain review found, and one
//! spelling of each region's name across the seeds, the schema's data and the Fluent messages.

use std::collections::{HashMap, HashSet};

use migration::{Migrator, MigratorTrait};
use sea_orm::EntityTrait;
use serde_json::Value;
use tasdiq::domain::values::{BrandKind, Region};
use tasdiq::i18n::{I18n, Lang};
use tasdiq::seed::SeedSet;

use crate::support::{TestApp, TestDb, repo};

fn seeds() -> SeedSet {
    tasdiq::seed::load_dir(&repo().join("seeds")).expect("the seed files load")
}

fn is_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| r.contains('.') && !r.chars().any(char::is_whitespace))
}

#[tokio::test]
async fn the_registry_lists_at_least_50_real_brands() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/brands?limit=500").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, body["total"].as_u64().unwrap());
    let real: Vec<&Value> = items
        .iter()
        .filter(|b| b["illustrative"] == Value::Bool(false))
        .collect();
    assert!(real.len() >= 50, "only {} real brands", real.len());
    // The registry shows what the seed says, brand by brand.
    let set = seeds();
    let seeded: HashMap<u64, bool> = set
        .brands
        .iter()
        .map(|b| (u64::from(b.number), b.illustrative))
        .collect();
    for b in items {
        let number = b["number"].as_u64().unwrap();
        assert_eq!(
            Some(b["illustrative"].as_bool().unwrap()),
            seeded.get(&number).copied(),
            "{b}"
        );
    }
}

#[test]
fn every_real_brand_names_its_source() {
    let set = seeds();
    let real: Vec<_> = set.brands.iter().filter(|b| !b.illustrative).collect();
    assert!(real.len() >= 50, "only {} real brands", real.len());
    for b in real {
        let source = b.source.as_deref().unwrap_or_default();
        assert!(is_url(source), "brand {} has no source URL", b.number);
    }
    for r in &set.regions {
        if let Some(url) = &r.zgh_source {
            assert!(is_url(url), "region {}: {url:?}", r.slug);
        }
    }
}

#[test]
fn a_real_brand_without_a_source_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "regions.json",
        "brands.json",
        "producers.json",
        "memberships.json",
    ] {
        std::fs::copy(repo().join("seeds").join(f), dir.path().join(f)).unwrap();
    }
    let path = dir.path().join("brands.json");
    let mut brands: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let real = brands
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|b| b["illustrative"] == Value::Bool(false))
        .unwrap();
    let number = real["number"].clone();
    real.as_object_mut().unwrap().remove("source");
    std::fs::write(&path, brands.to_string()).unwrap();
    let err = tasdiq::seed::load_dir(dir.path()).unwrap_err();
    assert!(
        err.contains(&format!("brand {number}")) && err.contains("source"),
        "{err}"
    );

    // A source that is not a URL is refused too.
    let mut brands: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    brands[0]["source"] = "S7".into();
    brands[0]["illustrative"] = false.into();
    std::fs::write(&path, brands.to_string()).unwrap();
    let err = tasdiq::seed::load_dir(dir.path()).unwrap_err();
    assert!(err.contains("http(s) URL"), "{err}");
}

#[test]
fn each_region_has_at_least_four_brands() {
    let set = seeds();
    let mut per_region: HashMap<Region, usize> = HashMap::new();
    for b in &set.brands {
        *per_region.entry(b.region).or_default() += 1;
    }
    for r in Region::ALL {
        let n = per_region.get(r).copied().unwrap_or(0);
        assert!(n >= 4, "{r}: {n} brands");
    }
}

#[test]
fn the_data_defects_of_the_review_are_fixed() {
    let set = seeds();
    let by_code: HashMap<&str, _> = set.brands.iter().map(|b| (b.code.as_str(), b)).collect();
    for code in ["caftan-marocain", "zellige-tetouan"] {
        assert_eq!(by_code[code].kind, BrandKind::CertificationMark, "{code}");
    }
    let bouittob = by_code["dattes-bouittob"];
    assert_eq!(bouittob.names.fr, "Dattes Bouittob de Tata");
    assert_eq!(bouittob.region, Region::SoussMassa);
    // Figuig is فجيج, never فكيك.
    for b in &set.brands {
        assert!(!b.names.ar.contains("فكيك"), "brand {}", b.number);
    }
    assert!(
        by_code["dattes-aziza-bouzid-figuig"]
            .names
            .ar
            .contains("فجيج")
    );
    // Real craft marks are filed by the craft ministry, not by invented holders.
    for b in &set.brands {
        let craft = matches!(
            b.kind,
            BrandKind::CollectiveMark | BrandKind::CertificationMark
        );
        if craft && !b.illustrative {
            assert!(
                b.holder.starts_with("Ministère") && b.holder.contains("Artisanat"),
                "brand {}: {}",
                b.number,
                b.holder
            );
        }
    }
}

#[test]
fn memberships_and_producers_stay_consistent() {
    let set = seeds();
    let mut members: HashMap<u16, usize> = HashMap::new();
    let mut used: HashSet<&str> = HashSet::new();
    for m in &set.memberships {
        *members.entry(m.brand).or_default() += 1;
        used.insert(m.producer_ice.as_str());
    }
    for b in &set.brands {
        let n = members.get(&b.number).copied().unwrap_or(0);
        assert!((3..=8).contains(&n), "brand {}: {n} members", b.number);
    }
    for p in &set.producers {
        assert!(
            used.contains(p.ice.as_str()),
            "producer {} has no brand",
            p.ice
        );
    }
}

/// One spelling of each region: `seeds/regions.json` is the reference; the schema's data (what
/// the migrations write, before any seed) and the four message files must say the same.
#[tokio::test]
async fn region_names_agree_everywhere() {
    let set = seeds();
    let slugs: Vec<Region> = set.regions.iter().map(|r| r.slug).collect();
    assert_eq!(
        slugs,
        Region::ALL,
        "regions.json lists the 12 regions in order"
    );

    let i18n = I18n::global();
    for r in &set.regions {
        let key = format!("region-{}", r.slug);
        for (lang, want) in [
            (Lang::Ar, &r.names.ar),
            (Lang::Fr, &r.names.fr),
            (Lang::En, &r.names.en),
            (Lang::Zgh, &r.names.zgh),
        ] {
            assert!(i18n.has(lang, &key), "{}.ftl has no {key}", lang.code());
            assert_eq!(&i18n.t(lang, &key), want, "{}.ftl, {key}", lang.code());
        }
    }

    let t = TestDb::new().await;
    let db = t.connect().await;
    Migrator::up(&db, None).await.unwrap();
    let rows: HashMap<String, tasdiq::entity::region::Model> =
        tasdiq::entity::region::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.slug.clone(), r))
            .collect();
    assert_eq!(rows.len(), 12);
    for r in &set.regions {
        let row = &rows[r.slug.as_str()];
        assert_eq!(
            (&row.name_ar, &row.name_fr, &row.name_en, &row.name_zgh),
            (&r.names.ar, &r.names.fr, &r.names.en, &r.names.zgh),
            "migrations and regions.json differ for {}",
            r.slug
        );
    }
    // So seeding the migrated schema has nothing to change in the regions.
    let summary = tasdiq::store::seed::apply(&db, &set, "test").await.unwrap();
    assert_eq!(
        (summary.regions.updated, summary.regions.unchanged),
        (0, 12)
    );
}

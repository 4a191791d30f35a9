//! Reading `seeds/`: human-editable JSON files, checked in full before anything is written.
//! The format is described in `seeds/README.md`.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::values::{
    self, BrandKind, BrandNumber, Category, Ice, ProducerKind, Region, Standing,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedNames {
    pub ar: String,
    pub fr: String,
    pub en: String,
    pub zgh: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRegion {
    pub slug: Region,
    pub names: SeedNames,
    /// Where the Tifinagh name was checked, when it was.
    #[serde(default)]
    pub zgh_source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedBrand {
    pub number: u16,
    pub code: String,
    pub names: SeedNames,
    pub kind: BrandKind,
    pub category: Category,
    pub region: Region,
    pub holder: String,
    pub registration_number: Option<String>,
    pub rules_ref: String,
    pub rules_version: String,
    pub status: Standing,
    pub status_reason: Option<String>,
    pub illustrative: bool,
    /// The public page the mark was taken from; required unless `illustrative`. Kept in the
    /// seed only: the registry's brand JSON is fixed by the contract.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedProducer {
    pub ice: String,
    pub name: String,
    pub kind: ProducerKind,
    pub register_number: String,
    pub region: Region,
    pub province: String,
    pub women_led: bool,
    pub youth_led: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMembership {
    pub brand: u16,
    pub producer_ice: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: Standing,
    pub reason: Option<String>,
}

/// Everything in a seeds folder, checked for consistency.
#[derive(Debug)]
pub struct SeedSet {
    pub regions: Vec<SeedRegion>,
    pub brands: Vec<SeedBrand>,
    pub producers: Vec<SeedProducer>,
    pub memberships: Vec<SeedMembership>,
}

/// Reads and checks `regions.json` (optional), `brands.json`, `producers.json` and
/// `memberships.json`. The error names the file and the entry at fault.
pub fn load_dir(dir: &Path) -> Result<SeedSet, String> {
    let regions = if dir.join("regions.json").exists() {
        read(dir, "regions.json")?
    } else {
        Vec::new()
    };
    let set = SeedSet {
        regions,
        brands: read(dir, "brands.json")?,
        producers: read(dir, "producers.json")?,
        memberships: read(dir, "memberships.json")?,
    };
    set.check()?;
    Ok(set)
}

fn read<T: for<'de> Deserialize<'de>>(dir: &Path, name: &str) -> Result<Vec<T>, String> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A source is an absolute `http(s)` URL without spaces.
fn check_source(field: &'static str, url: &str) -> Result<(), String> {
    values::text(field, url, 500).map_err(|e| e.to_string())?;
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{field}: must be an http(s) URL; got {url:?}"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.chars().any(char::is_whitespace) {
        return Err(format!("{field}: not a URL: {url:?}"));
    }
    Ok(())
}

impl SeedSet {
    fn check(&self) -> Result<(), String> {
        let mut slugs = HashSet::new();
        for r in &self.regions {
            let at = format!("regions.json, region {}", r.slug);
            if !slugs.insert(r.slug) {
                return Err(format!("{at}: listed twice"));
            }
            if let Some(url) = &r.zgh_source {
                check_source("zgh_source", url).map_err(|e| format!("{at}: {e}"))?;
            }
        }
        let mut numbers = HashSet::new();
        let mut codes = HashSet::new();
        for b in &self.brands {
            let at = format!("brands.json, brand {}", b.number);
            BrandNumber::new(b.number).map_err(|e| format!("{at}: {e}"))?;
            if !numbers.insert(b.number) {
                return Err(format!("{at}: number used twice"));
            }
            if !codes.insert(b.code.as_str()) {
                return Err(format!("{at}: code {:?} used twice", b.code));
            }
            for (field, name) in [
                ("names.ar", &b.names.ar),
                ("names.fr", &b.names.fr),
                ("names.en", &b.names.en),
                ("names.zgh", &b.names.zgh),
                ("holder", &b.holder),
                ("rules_ref", &b.rules_ref),
                ("rules_version", &b.rules_version),
            ] {
                values::text(field, name, 200).map_err(|e| format!("{at}: {e}"))?;
            }
            if b.status != Standing::Active && b.status_reason.is_none() {
                return Err(format!("{at}: a {} brand needs a status_reason", b.status));
            }
            match &b.source {
                Some(url) => check_source("source", url).map_err(|e| format!("{at}: {e}"))?,
                None if !b.illustrative => {
                    return Err(format!(
                        "{at}: a brand that is not illustrative needs its source URL"
                    ));
                }
                None => {}
            }
        }
        let mut ices = HashSet::new();
        for p in &self.producers {
            let at = format!("producers.json, producer {}", p.ice);
            Ice::parse(&p.ice).map_err(|e| format!("{at}: {e}"))?;
            if !ices.insert(p.ice.as_str()) {
                return Err(format!("{at}: ICE used twice"));
            }
            values::text("name", &p.name, 200).map_err(|e| format!("{at}: {e}"))?;
            values::text("register_number", &p.register_number, 64)
                .map_err(|e| format!("{at}: {e}"))?;
            values::text("province", &p.province, 100).map_err(|e| format!("{at}: {e}"))?;
        }
        let mut pairs = HashSet::new();
        for m in &self.memberships {
            let at = format!(
                "memberships.json, brand {} producer {}",
                m.brand, m.producer_ice
            );
            if !numbers.contains(&m.brand) {
                return Err(format!("{at}: no such brand"));
            }
            if !ices.contains(m.producer_ice.as_str()) {
                return Err(format!("{at}: no such producer"));
            }
            if !pairs.insert((m.brand, m.producer_ice.as_str())) {
                return Err(format!("{at}: listed twice"));
            }
            if m.valid_until <= m.valid_from {
                return Err(format!("{at}: valid_until must be after valid_from"));
            }
            if m.status != Standing::Active && m.reason.is_none() {
                return Err(format!("{at}: a {} membership needs a reason", m.status));
            }
        }
        Ok(())
    }
}

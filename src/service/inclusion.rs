//! Inclusion figures an officer can report: the shares of women-led and youth-led producers,
//! by region, by kind of producer and by brand, counted over rights of use really in force.
//!
//! Definitions (shown on the page too):
//! - a right of use is *in force* on a day when its status is `active`, the day is inside its
//!   period (`valid_from` to `valid_until`, both included) and its brand is active; expired,
//!   suspended and withdrawn rights do not count;
//! - a producer counts once in a group when it holds at least one right in force there: once
//!   in its region, once in its kind, once in each brand it holds a right of;
//! - the share is the producers flagged women-led (or youth-led) over the producers counted,
//!   as a percentage with one decimal; a group with no producer has no share.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::ServiceError;
use crate::state::App;
use crate::store::{self, inclusion::RightInForce};

/// One group's figures.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    /// The region slug, the producer kind word, or the brand number.
    pub key: String,
    pub producers: u64,
    pub women_led: u64,
    pub youth_led: u64,
}

impl Group {
    /// The share of women-led producers, in percent with one decimal.
    pub fn women_pct(&self) -> Option<f64> {
        pct(self.women_led, self.producers)
    }

    /// The share of youth-led producers, in percent with one decimal.
    pub fn youth_pct(&self) -> Option<f64> {
        pct(self.youth_led, self.producers)
    }
}

fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// A brand's names, for showing its group.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BrandNames {
    pub fr: String,
    pub ar: String,
    pub en: String,
    pub zgh: String,
}

/// The figures of one day.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Report {
    pub day: NaiveDate,
    /// Every producer with a right in force.
    pub total: Group,
    pub by_region: Vec<Group>,
    pub by_kind: Vec<Group>,
    pub by_brand: Vec<(Group, BrandNames)>,
}

/// The figures of `day` from the rights in force on it.
pub fn aggregate(day: NaiveDate, rights: &[RightInForce]) -> Report {
    #[derive(Default)]
    struct Acc(BTreeMap<String, BTreeSet<i64>>);
    impl Acc {
        fn add(&mut self, key: String, producer: i64) {
            self.0.entry(key).or_default().insert(producer);
        }
        fn groups(self, flags: &BTreeMap<i64, (bool, bool)>) -> Vec<Group> {
            self.0
                .into_iter()
                .map(|(key, producers)| group(key, &producers, flags))
                .collect()
        }
    }
    fn group(key: String, producers: &BTreeSet<i64>, flags: &BTreeMap<i64, (bool, bool)>) -> Group {
        let flagged = |pick: fn(&(bool, bool)) -> bool| {
            producers
                .iter()
                .filter(|p| flags.get(p).is_some_and(pick))
                .count() as u64
        };
        Group {
            key,
            producers: producers.len() as u64,
            women_led: flagged(|f| f.0),
            youth_led: flagged(|f| f.1),
        }
    }

    let mut flags = BTreeMap::new();
    let (mut region, mut kind, mut brand) = (Acc::default(), Acc::default(), Acc::default());
    let mut names = BTreeMap::new();
    for r in rights {
        flags.insert(r.producer, (r.women_led, r.youth_led));
        region.add(r.region.clone(), r.producer);
        kind.add(r.kind.clone(), r.producer);
        // Zero-padded so brands sort by number.
        brand.add(format!("{:05}", r.brand), r.producer);
        names.entry(r.brand).or_insert_with(|| BrandNames {
            fr: r.brand_name_fr.clone(),
            ar: r.brand_name_ar.clone(),
            en: r.brand_name_en.clone(),
            zgh: r.brand_name_zgh.clone(),
        });
    }
    let everyone: BTreeSet<i64> = flags.keys().copied().collect();
    let by_brand = brand
        .groups(&flags)
        .into_iter()
        .filter_map(|mut g| {
            let number: i32 = g.key.parse().ok()?;
            g.key = number.to_string();
            Some((g, names.get(&number)?.clone()))
        })
        .collect();
    Report {
        day,
        total: group("all".into(), &everyone, &flags),
        by_region: region.groups(&flags),
        by_kind: kind.groups(&flags),
        by_brand,
    }
}

/// The figures of `day`, from the registry.
pub async fn report(app: &App, day: NaiveDate) -> Result<Report, ServiceError> {
    let rights = store::inclusion::rights_in_force(&app.db, day).await?;
    Ok(aggregate(day, &rights))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn right(
        producer: i64,
        region: &str,
        kind: &str,
        women: bool,
        youth: bool,
        brand: i32,
    ) -> RightInForce {
        RightInForce {
            producer,
            region: region.into(),
            kind: kind.into(),
            women_led: women,
            youth_led: youth,
            brand,
            brand_name_fr: format!("Marque {brand}"),
            brand_name_ar: String::new(),
            brand_name_en: String::new(),
            brand_name_zgh: String::new(),
        }
    }

    #[test]
    fn a_producer_counts_once_per_group_and_shares_round_to_a_decimal() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let rights = [
            // Producer 1 holds two brands: once in its region and kind, once in each brand.
            right(1, "souss-massa", "cooperative", true, false, 1),
            right(1, "souss-massa", "cooperative", true, false, 2),
            right(2, "souss-massa", "company", false, true, 1),
            right(3, "oriental", "cooperative", true, true, 2),
        ];
        let r = aggregate(day, &rights);
        assert_eq!(
            r.total,
            Group {
                key: "all".into(),
                producers: 3,
                women_led: 2,
                youth_led: 2
            }
        );
        assert_eq!(r.total.women_pct(), Some(66.7));
        let souss = r.by_region.iter().find(|g| g.key == "souss-massa").unwrap();
        assert_eq!(
            (souss.producers, souss.women_led, souss.youth_led),
            (2, 1, 1)
        );
        assert_eq!(souss.women_pct(), Some(50.0));
        let coop = r.by_kind.iter().find(|g| g.key == "cooperative").unwrap();
        assert_eq!((coop.producers, coop.women_led, coop.youth_led), (2, 2, 1));
        let keys: Vec<&str> = r.by_brand.iter().map(|(g, _)| g.key.as_str()).collect();
        assert_eq!(keys, ["1", "2"]);
        assert_eq!(r.by_brand[1].0.producers, 2);
        assert_eq!(r.by_brand[1].1.fr, "Marque 2");
    }

    #[test]
    fn no_rights_no_shares() {
        let r = aggregate(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), &[]);
        assert_eq!(r.total.producers, 0);
        assert_eq!(r.total.women_pct(), None);
        assert!(r.by_region.is_empty() && r.by_brand.is_empty());
    }

    #[test]
    fn brands_sort_by_number_not_by_text() {
        let rights = [
            right(1, "oriental", "artisan", false, false, 10),
            right(2, "oriental", "artisan", false, false, 9),
        ];
        let r = aggregate(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), &rights);
        let keys: Vec<&str> = r.by_brand.iter().map(|(g, _)| g.key.as_str()).collect();
        assert_eq!(keys, ["9", "10"]);
    }
}

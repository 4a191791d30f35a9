//! Replays each label's events in time order and asks a strategy, at every scan, whether the
//! person scanning would be warned (risk `high`, the amber page), then counts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use tasdiq_custody::detector::{
    Claim, ClaimFacts, CustodyFact, FailedClaims, LabelFacts, Network, RepeatClaim, Risk,
    ScanCount, assess,
};

use crate::world::{Actor, Kind, Label};

/// A way of judging scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Today's service: `suspected_copy` from 10 distinct clients (IP + User-Agent, salted per
    /// day) or 50 scans in a day.
    Today,
    /// The detector on scans by network alone (no custody events, no claim codes).
    NetworksOnly,
    /// The detector with custody events and scans by network, no claim codes.
    CustodyOnly,
    /// The detector with claim codes and scans by network, no custody events.
    ClaimsOnly,
    /// The detector with everything.
    Both,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::Today,
        Strategy::NetworksOnly,
        Strategy::CustodyOnly,
        Strategy::ClaimsOnly,
        Strategy::Both,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Today => "today (10 clients / 50 scans a day)",
            Strategy::NetworksOnly => "detector, networks only",
            Strategy::CustodyOnly => "custody only",
            Strategy::ClaimsOnly => "claims only",
            Strategy::Both => "custody and claims",
        }
    }
    fn custody(self) -> bool {
        matches!(self, Strategy::CustodyOnly | Strategy::Both)
    }
    fn claims(self) -> bool {
        matches!(self, Strategy::ClaimsOnly | Strategy::Both)
    }
}

/// The figures of one strategy over one market.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub fake_scans: u64,
    pub fake_warned: u64,
    /// Genuine scans of labels never copied.
    pub genuine_scans: u64,
    pub genuine_warned: u64,
    /// Of those, scans at `watch` (officers' dashboards, not the amber page).
    pub genuine_watch: u64,
    /// Genuine scans of the originals of copied labels (their buyers share the label).
    pub original_scans: u64,
    pub original_warned: u64,
    /// Per cloned label, fake buyers who scanned before its first warning.
    pub fooled: Vec<u64>,
    /// Per cloned label, the share of its fake scans warned.
    pub clone_shares: Vec<f64>,
    /// Griefed labels whose griefer scans raised `high`.
    pub griefed_high: u64,
    pub griefed: u64,
}

impl Outcome {
    pub fn pct(n: u64, d: u64) -> f64 {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    }
    /// The mean over cloned labels of the share of their fake scans warned: small clones
    /// weigh as much as large ones here.
    pub fn clone_share_mean(&self) -> f64 {
        if self.clone_shares.is_empty() {
            0.0
        } else {
            self.clone_shares.iter().sum::<f64>() / self.clone_shares.len() as f64
        }
    }
    pub fn fooled_median(&self) -> u64 {
        let mut f = self.fooled.clone();
        f.sort_unstable();
        f.get(f.len() / 2).copied().unwrap_or(0)
    }
    pub fn fooled_mean(&self) -> f64 {
        if self.fooled.is_empty() {
            0.0
        } else {
            self.fooled.iter().sum::<u64>() as f64 / self.fooled.len() as f64
        }
    }
}

fn time(minute: u64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(minute as i64)
}

/// What the service would have stored about a label so far.
#[derive(Default)]
struct Tally {
    by_network_day: BTreeMap<(u64, NaiveDate), u32>,
    device_days: BTreeSet<(u64, NaiveDate)>,
    by_day: BTreeMap<NaiveDate, u32>,
    claim: ClaimFacts,
    claimant_device: u64,
    failed: BTreeMap<(u64, NaiveDate), u32>,
    custody: Vec<CustodyFact>,
    first_scan: Option<DateTime<Utc>>,
}

impl Tally {
    fn risk(&self, strategy: Strategy, now: DateTime<Utc>) -> Risk {
        if strategy == Strategy::Today {
            let today = self.by_day.get(&now.date_naive()).copied().unwrap_or(0);
            let flagged = self.device_days.len() >= 10 || today >= 50;
            return if flagged { Risk::High } else { Risk::None };
        }
        let scans: Vec<ScanCount> = self
            .by_network_day
            .iter()
            .map(|(&(n, day), &scans)| ScanCount {
                network: Network(n),
                day,
                scans,
            })
            .collect();
        let mut claim = ClaimFacts::default();
        if strategy.claims() {
            claim = self.claim.clone();
            claim.failed = self
                .failed
                .iter()
                .map(|(&(n, day), &count)| FailedClaims {
                    network: Network(n),
                    day,
                    count,
                })
                .collect();
        }
        let custody: &[CustodyFact] = if strategy.custody() {
            &self.custody
        } else {
            &[]
        };
        let facts = LabelFacts {
            now,
            first_scan: self.first_scan,
            scans: &scans,
            claim: &claim,
            custody,
        };
        assess(&facts).risk
    }
}

/// Runs one strategy over every label.
pub fn evaluate(labels: &[Label], strategy: Strategy) -> Outcome {
    let mut out = Outcome::default();
    for label in labels {
        let mut t = Tally::default();
        let mut first_high: Option<u64> = None;
        let mut fake_first_scan: BTreeMap<u32, u64> = BTreeMap::new();
        let mut griefer_high = false;
        let (mut label_fakes, mut label_fakes_warned) = (0u64, 0u64);
        for e in &label.events {
            let now = time(e.minute);
            let day = now.date_naive();
            match e.kind {
                Kind::Custody { org, step } => {
                    t.custody.push(CustodyFact {
                        org,
                        step,
                        at: now,
                        location: None,
                    });
                }
                Kind::Claim { valid: false } => *t.failed.entry((e.network, day)).or_default() += 1,
                Kind::Claim { valid: true } => match t.claim.claimed {
                    None => {
                        t.claim.claimed = Some(Claim {
                            at: now,
                            network: Network(e.network),
                        });
                        t.claimant_device = e.device;
                    }
                    Some(_) => t.claim.repeats.push(RepeatClaim {
                        at: now,
                        network: Network(e.network),
                        same_device: e.device == t.claimant_device,
                    }),
                },
                Kind::Scan => {
                    *t.by_network_day.entry((e.network, day)).or_default() += 1;
                    t.device_days.insert((e.device, day));
                    *t.by_day.entry(day).or_default() += 1;
                    t.first_scan.get_or_insert(now);
                    let risk = t.risk(strategy, now);
                    let high = risk == Risk::High;
                    if high && first_high.is_none() {
                        first_high = Some(e.minute);
                    }
                    let w = u64::from(high);
                    match e.actor {
                        Actor::Genuine if label.cloned => {
                            out.original_scans += 1;
                            out.original_warned += w;
                        }
                        Actor::Genuine => {
                            out.genuine_scans += 1;
                            out.genuine_warned += w;
                            out.genuine_watch += u64::from(risk == Risk::Watch);
                        }
                        Actor::Fake(n) => {
                            out.fake_scans += 1;
                            out.fake_warned += w;
                            label_fakes += 1;
                            label_fakes_warned += w;
                            fake_first_scan.entry(n).or_insert(e.minute);
                        }
                        Actor::Griefer => griefer_high |= high,
                    }
                }
            }
        }
        if label.cloned {
            let cut = first_high.unwrap_or(u64::MAX);
            out.fooled
                .push(fake_first_scan.values().filter(|&&m| m < cut).count() as u64);
            if label_fakes > 0 {
                out.clone_shares
                    .push(Outcome::pct(label_fakes_warned, label_fakes));
            }
        }
        if label.griefed {
            out.griefed += 1;
            out.griefed_high += u64::from(griefer_high);
        }
    }
    out
}

//! The copy detector: one pure function, [`assess`], from a label's facts to a risk level and
//! the reasons, as machine words.
//!
//! What a photocopied label cannot hide is that one item seems to be in several places at
//! once: received by two shops with no shipment between, sold twice, scanned by many
//! households after its sale or after its claim, claimed twice. What a prankster can fake
//! cheaply is volume from one place: any number of scans, User-Agents and wrong claim codes
//! from one network. So every `high` rule counts distinct *networks* (the service truncates
//! addresses to IPv4 /24 or IPv6 /48 and salts them before they get here) or custody events
//! (written only by retailers' and officers' keys), and raw scan volume can only ever give
//! `watch`. An attacker who controls many networks can still raise `high` on a genuine item;
//! `docs/clone-detection.md` says what that costs and what it buys.
//!
//! Each `high` threshold sits one network above what genuine jars reached in the simulated
//! market, because a griefer adds exactly one.
//!
//! | reason | risk | rule (defaults of [`Thresholds`]) |
//! |---|---|---|
//! | `second_claim` | high | the claim code was entered again, valid, from another device and another network |
//! | `claimed_elsewhere` | high / watch | after the claim day, ≥ 4 / 3 networks other than the claimant's scanned it |
//! | `failed_claims` | high / watch | wrong claim codes came from ≥ 3 / 2 distinct networks |
//! | `received_twice_without_shipping` | high | received by a second organisation with no shipment since the first receipt |
//! | `received_after_sale` | high | received (not returned) by an organisation after its retail sale |
//! | `sold_twice` | high | a second retail sale with no return between (the same shop re-recording within an hour is one sale) |
//! | `scanned_after_destroying` | high / watch | ≥ 2 / 1 networks scanned it on days after it was destroyed |
//! | `scanned_after_sale` | high / watch | unclaimed, and ≥ 5 / 4 networks scanned it on days after its sale |
//! | `many_networks` | high / watch | ≥ 10 / 6 networks scanned it in the last 7 days, or ≥ 20 / 15 over its life |
//! | `many_scans` | watch | one network scanned it ≥ 50 times in one day (volume alone is never high) |

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::epcis::{BizStep, ObjectEvent};

/// A client network, opaque: the service's salted hash of an IPv4 /24 or IPv6 /48.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Network(pub u64);

/// Scans of the label from one network on one day (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanCount {
    /// Where from.
    pub network: Network,
    /// Which day.
    pub day: NaiveDate,
    /// How many scans.
    pub scans: u32,
}

/// The claim of an item: when and from which network its code was first accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// When the code was accepted.
    pub at: DateTime<Utc>,
    /// The claimant's network.
    pub network: Network,
}

/// The valid claim code entered again after the item was claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepeatClaim {
    /// When.
    pub at: DateTime<Utc>,
    /// From which network.
    pub network: Network,
    /// Whether it came from the claimant's own device (the service's device cookie): the
    /// buyer checking that the claim worked, not a second buyer.
    pub same_device: bool,
}

/// Wrong claim codes typed for this label from one network on one day. Count only codes
/// that parse ([`crate::claim::ClaimCode::parse`] accepts the check character) but do not
/// match: a typo the check character catches is a person, not a guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailedClaims {
    /// Where from.
    pub network: Network,
    /// Which day.
    pub day: NaiveDate,
    /// How many wrong codes.
    pub count: u32,
}

/// Everything about the label's claim code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimFacts {
    /// `None`: unclaimed (or its lot has no claim codes).
    pub claimed: Option<Claim>,
    /// The code entered again after the claim.
    pub repeats: Vec<RepeatClaim>,
    /// Wrong codes typed.
    pub failed: Vec<FailedClaims>,
}

/// What a custody event says happened to the item, as the detector reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `shipping`.
    Shipped,
    /// `receiving` (not a return).
    Received,
    /// `retail_selling`.
    Sold,
    /// `returning`, or `receiving` with disposition `returned`.
    Returned,
    /// `destroying`.
    Destroyed,
    /// Any other step: no bearing on copies.
    Other,
}

impl Step {
    /// The step of a parsed custody event.
    pub fn of(event: &ObjectEvent) -> Step {
        if event.is_return() {
            return Step::Returned;
        }
        match event.biz_step {
            BizStep::Shipping => Step::Shipped,
            BizStep::Receiving => Step::Received,
            BizStep::RetailSelling => Step::Sold,
            BizStep::Returning => Step::Returned,
            BizStep::Destroying => Step::Destroyed,
            BizStep::Other(_) => Step::Other,
        }
    }
}

/// One custody event of this label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustodyFact {
    /// The organisation whose key recorded it.
    pub org: u64,
    /// What happened.
    pub step: Step,
    /// `eventTime`, in UTC.
    pub at: DateTime<Utc>,
    /// `bizLocation.id`, if given. The rules reason by organisation, not place; the location
    /// is for the reasons an officer reads.
    pub location: Option<String>,
}

/// Everything the detector knows about one label at one moment.
#[derive(Clone, Debug)]
pub struct LabelFacts<'a> {
    /// The moment of judgement (the scan being answered).
    pub now: DateTime<Utc>,
    /// The first scan ever recorded, if any. No rule reads it yet (the scan counts carry the
    /// days); it is part of the facts so that a rule can without changing the service.
    pub first_scan: Option<DateTime<Utc>>,
    /// Scans by network and day, up to now.
    pub scans: &'a [ScanCount],
    /// The claim code's story.
    pub claim: &'a ClaimFacts,
    /// Custody events, in any order.
    pub custody: &'a [CustodyFact],
}

/// How worried a verdict should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// Nothing unusual.
    None,
    /// Unusual, not conclusive: for officers' dashboards, not an amber page.
    Watch,
    /// Very likely a copy: the page shows it in amber with what to do.
    High,
}

impl Risk {
    /// `none`, `watch` or `high`, as in the verdict JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::None => "none",
            Risk::Watch => "watch",
            Risk::High => "high",
        }
    }
}

/// A reason, as the machine word the verdict's `warnings` carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// `second_claim`
    SecondClaim,
    /// `claimed_elsewhere`
    ClaimedElsewhere,
    /// `failed_claims`
    FailedClaims,
    /// `received_twice_without_shipping`
    ReceivedTwiceWithoutShipping,
    /// `received_after_sale`
    ReceivedAfterSale,
    /// `sold_twice`
    SoldTwice,
    /// `scanned_after_destroying`
    ScannedAfterDestroying,
    /// `scanned_after_sale`
    ScannedAfterSale,
    /// `many_networks`
    ManyNetworks,
    /// `many_scans`
    ManyScans,
}

impl Reason {
    /// The machine word.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::SecondClaim => "second_claim",
            Reason::ClaimedElsewhere => "claimed_elsewhere",
            Reason::FailedClaims => "failed_claims",
            Reason::ReceivedTwiceWithoutShipping => "received_twice_without_shipping",
            Reason::ReceivedAfterSale => "received_after_sale",
            Reason::SoldTwice => "sold_twice",
            Reason::ScannedAfterDestroying => "scanned_after_destroying",
            Reason::ScannedAfterSale => "scanned_after_sale",
            Reason::ManyNetworks => "many_networks",
            Reason::ManyScans => "many_scans",
        }
    }
}

/// The detector's judgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// The highest risk any rule gave.
    pub risk: Risk,
    /// Every rule that fired, with the risk it gave, most serious first.
    pub reasons: Vec<(Reason, Risk)>,
}

impl Assessment {
    /// The reasons' machine words, for the verdict's `warnings`.
    pub fn warnings(&self) -> Vec<&'static str> {
        self.reasons.iter().map(|(r, _)| r.as_str()).collect()
    }
}

/// The rules' numbers. [`Thresholds::default`] is what `simulate-market` measured; the
/// service may expose them as configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Other networks scanning after the claim day for `claimed_elsewhere` watch / high.
    pub claimed_elsewhere: (usize, usize),
    /// Networks with wrong claim codes for `failed_claims` watch / high.
    pub failed_claims: (usize, usize),
    /// Networks scanning after destruction for watch / high.
    pub after_destroying: (usize, usize),
    /// Networks scanning after the sale day for `scanned_after_sale` watch / high.
    pub after_sale: (usize, usize),
    /// Networks in the window for `many_networks` watch / high.
    pub many_networks: (usize, usize),
    /// The `many_networks` window, in days.
    pub window_days: i64,
    /// Networks over the label's whole life for `many_networks` watch / high.
    pub lifetime_networks: (usize, usize),
    /// Scans from one network in one day for `many_scans` (watch only).
    pub many_scans: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            claimed_elsewhere: (3, 4),
            failed_claims: (2, 3),
            after_destroying: (1, 2),
            after_sale: (4, 5),
            many_networks: (6, 10),
            window_days: 7,
            lifetime_networks: (15, 20),
            many_scans: 50,
        }
    }
}

/// [`assess_with`] under the default thresholds.
pub fn assess(facts: &LabelFacts) -> Assessment {
    assess_with(facts, &Thresholds::default())
}

/// Judges a label's facts. Pure: same facts, same answer; facts dated after `now` are ignored.
pub fn assess_with(facts: &LabelFacts, t: &Thresholds) -> Assessment {
    let mut reasons: Vec<(Reason, Risk)> = Vec::new();
    let add = |reasons: &mut Vec<(Reason, Risk)>,
               reason: Reason,
               n: usize,
               (watch, high): (usize, usize)| {
        if n >= high {
            reasons.push((reason, Risk::High));
        } else if n >= watch {
            reasons.push((reason, Risk::Watch));
        }
    };
    let today = facts.now.date_naive();
    let scans: Vec<&ScanCount> = facts.scans.iter().filter(|s| s.day <= today).collect();
    let networks_after = |day: NaiveDate, except: Option<Network>| -> usize {
        scans
            .iter()
            .filter(|s| s.day > day && Some(s.network) != except)
            .map(|s| s.network)
            .collect::<BTreeSet<_>>()
            .len()
    };

    // Claims.
    let claim = facts.claim.claimed.filter(|c| c.at <= facts.now);
    if let Some(c) = claim {
        let second = facts
            .claim
            .repeats
            .iter()
            .any(|r| r.at <= facts.now && !r.same_device && r.network != c.network);
        add(
            &mut reasons,
            Reason::SecondClaim,
            usize::from(second),
            (1, 1),
        );
        add(
            &mut reasons,
            Reason::ClaimedElsewhere,
            networks_after(c.at.date_naive(), Some(c.network)),
            t.claimed_elsewhere,
        );
    }
    let failed: BTreeSet<Network> = facts
        .claim
        .failed
        .iter()
        .filter(|f| f.day <= today && f.count > 0)
        .map(|f| f.network)
        .collect();
    add(
        &mut reasons,
        Reason::FailedClaims,
        failed.len(),
        t.failed_claims,
    );

    // Custody.
    let custody = custody_story(facts.custody, facts.now);
    for reason in &custody.contradictions {
        reasons.push((*reason, Risk::High));
    }
    if let Some(day) = custody.destroyed {
        add(
            &mut reasons,
            Reason::ScannedAfterDestroying,
            networks_after(day, None),
            t.after_destroying,
        );
    }
    if let (Some(day), None) = (custody.sold, claim) {
        add(
            &mut reasons,
            Reason::ScannedAfterSale,
            networks_after(day, None),
            t.after_sale,
        );
    }

    // Volume and spread.
    let since = today
        .checked_sub_signed(Duration::days(t.window_days.max(1) - 1))
        .unwrap_or(NaiveDate::MIN);
    let recent: BTreeSet<Network> = scans
        .iter()
        .filter(|s| s.day >= since)
        .map(|s| s.network)
        .collect();
    let lifetime: BTreeSet<Network> = scans.iter().map(|s| s.network).collect();
    add(
        &mut reasons,
        Reason::ManyNetworks,
        recent.len(),
        t.many_networks,
    );
    add(
        &mut reasons,
        Reason::ManyNetworks,
        lifetime.len(),
        t.lifetime_networks,
    );
    if scans
        .iter()
        .any(|s| s.day == today && s.scans >= t.many_scans)
    {
        reasons.push((Reason::ManyScans, Risk::Watch));
    }

    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    reasons.dedup_by_key(|r| r.0);
    let risk = reasons.iter().map(|r| r.1).max().unwrap_or(Risk::None);
    Assessment { risk, reasons }
}

/// What the custody events, in time order, say.
struct Story {
    contradictions: BTreeSet<Reason>,
    /// Day of the latest sale not undone by a return.
    sold: Option<NaiveDate>,
    /// Day of destruction.
    destroyed: Option<NaiveDate>,
}

fn custody_story(events: &[CustodyFact], now: DateTime<Utc>) -> Story {
    let mut events: Vec<&CustodyFact> = events.iter().filter(|e| e.at <= now).collect();
    events.sort_by_key(|e| e.at);
    let mut story = Story {
        contradictions: BTreeSet::new(),
        sold: None,
        destroyed: None,
    };
    // The organisation holding the item by its last receipt, and whether it shipped since.
    let mut holder: Option<u64> = None;
    let mut shipped = false;
    let mut sale: Option<&CustodyFact> = None;
    for e in events {
        match e.step {
            Step::Shipped => shipped = true,
            Step::Received => {
                if sale.is_some() {
                    story.contradictions.insert(Reason::ReceivedAfterSale);
                }
                if holder.is_some_and(|h| h != e.org) && !shipped {
                    story
                        .contradictions
                        .insert(Reason::ReceivedTwiceWithoutShipping);
                }
                holder = Some(e.org);
                shipped = false;
            }
            Step::Sold => {
                if let Some(first) = sale {
                    let duplicate = first.org == e.org && e.at - first.at <= Duration::hours(1);
                    if !duplicate {
                        story.contradictions.insert(Reason::SoldTwice);
                    }
                } else {
                    sale = Some(e);
                    story.sold = Some(e.at.date_naive());
                }
            }
            Step::Returned => {
                sale = None;
                story.sold = None;
                holder = Some(e.org);
                shipped = false;
            }
            Step::Destroyed => {
                story.destroyed.get_or_insert(e.at.date_naive());
            }
            Step::Other => {}
        }
    }
    story
}

#[cfg(test)]
mod tests;

//! The synthetic market: genuine jars living their lives (shelf, sale, home, family, rescans,
//! gifts, tourists), cloned labels sold on 10 to 1,000 fakes, and the one-network griefer.
//! Every number that shapes it is in [`Params`] and stated in `docs/clone-detection.md`.

use std::collections::BTreeMap;

/// Deterministic SplitMix64: the same seed gives the same market on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// Log-uniform in lo..=hi.
    pub fn log_range(&mut self, lo: f64, hi: f64) -> u64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp().round() as u64
    }
}

/// The assumptions. Defaults are the "base" world of the doc.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    pub seed: u64,
    /// Genuine labels followed.
    pub genuine: usize,
    /// Shops selling genuine jars.
    pub shops: usize,
    /// Share of shops that record custody (receipt and sale) through the API.
    pub custody_share: f64,
    /// Share of buyers (genuine or fake) who try to claim when there is an inner code.
    pub claim_share: f64,
    /// Cloned labels.
    pub clones: usize,
    /// Genuine labels the griefer attacks.
    pub griefed: usize,
    /// Days simulated.
    pub days: u64,
    /// Chance that a shopper scans a given jar on a given shelf day.
    pub shelf_scans_per_day: f64,
    /// Range of a counterfeiter's sales pace, fakes a day (log-uniform).
    pub slowest_fakes_per_day: f64,
    pub fastest_fakes_per_day: f64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            seed: 2026,
            genuine: 4000,
            shops: 40,
            custody_share: 0.5,
            claim_share: 0.3,
            clones: 150,
            griefed: 60,
            days: 150,
            shelf_scans_per_day: 0.12,
            slowest_fakes_per_day: 0.2,
            fastest_fakes_per_day: 40.0,
        }
    }
}

/// Who a scan or claim comes from, as the tally would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A genuine buyer, shopper, family member or gift recipient.
    Genuine,
    /// The buyer of fake number `n` of this label.
    Fake(u32),
    /// The griefer.
    Griefer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Scan,
    /// A claim attempt; `valid` says whether the code typed is the item's.
    Claim {
        valid: bool,
    },
    /// A custody event recorded by organisation `org`.
    Custody {
        org: u64,
        step: tasdiq_custody::detector::Step,
    },
}

/// One thing that happens to a label, at a minute of the simulation.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub minute: u64,
    pub kind: Kind,
    pub network: u64,
    /// The device (today's tally counts distinct devices, by User-Agent and IP).
    pub device: u64,
    pub actor: Actor,
}

/// A label and everything that happens to it.
#[derive(Debug, Default)]
pub struct Label {
    pub events: Vec<Event>,
    pub cloned: bool,
    pub griefed: bool,
}

/// A person: a home network, a mobile carrier, a phone.
#[derive(Clone, Copy)]
struct Person {
    home: u64,
    carrier: u64,
    device: u64,
    tourist: bool,
    hotel: u64,
    abroad: u64,
}

const DAY: u64 = 1440;
const HOME_POOL: u64 = 1_000_000; // 30,000 residential /24s
const MOBILE_POOL: u64 = 2_000_000; // 3 carriers × 64 CGNAT /24s
const HOTEL_POOL: u64 = 3_000_000;
const ABROAD_POOL: u64 = 4_000_000;
const ROAMING_POOL: u64 = 5_000_000;
const SHOP_WIFI: u64 = 6_000_000;
const GRIEFER_NET: u64 = 7_000_000;

struct Builder<'a> {
    rng: &'a mut Rng,
    next_device: u64,
}

impl Builder<'_> {
    fn person(&mut self, tourist_share: f64) -> Person {
        self.next_device += 1;
        Person {
            home: HOME_POOL + self.rng.range(0, 29_999),
            carrier: self.rng.range(0, 2),
            device: self.next_device,
            tourist: self.rng.chance(tourist_share),
            hotel: HOTEL_POOL + self.rng.range(0, 1_999),
            abroad: ABROAD_POOL + self.rng.range(0, 99_999),
        }
    }
    /// A mobile session: a CGNAT /24 of the carrier (roaming for tourists).
    fn mobile(&mut self, p: &Person) -> u64 {
        if p.tourist {
            ROAMING_POOL + self.rng.range(0, 199)
        } else {
            MOBILE_POOL + p.carrier * 1000 + self.rng.range(0, 63)
        }
    }
    fn at(&mut self, day: u64, from_hour: u64, to_hour: u64) -> u64 {
        day * DAY + self.rng.range(from_hour * 60, to_hour * 60 - 1)
    }
    fn scans(
        &mut self,
        out: &mut Vec<Event>,
        minute: u64,
        network: u64,
        p: &Person,
        n: u64,
        actor: Actor,
    ) {
        for i in 0..n {
            out.push(Event {
                minute: minute + i * 3,
                kind: Kind::Scan,
                network,
                device: p.device,
                actor,
            });
        }
    }
}

/// How the buyer of a genuine jar behaves after the sale (the `home` network is where they
/// claim). Returns the minute of the claim, if any.
fn genuine_buyer(
    b: &mut Builder,
    out: &mut Vec<Event>,
    params: &Params,
    sale: u64,
    shop_wifi: u64,
) {
    let buyer = b.person(0.15);
    let g = Actor::Genuine;
    if b.rng.chance(0.4) {
        let net = if b.rng.chance(0.3) {
            shop_wifi
        } else {
            b.mobile(&buyer)
        };
        b.scans(out, sale + 2, net, &buyer, 1, g);
    }
    let first_home_day = sale / DAY + b.rng.range(0, 1);
    let home = if buyer.tourist {
        buyer.hotel
    } else {
        buyer.home
    };
    let t = b.at(first_home_day, 19, 23).max(sale + 30);
    let n = b.rng.range(1, 3);
    b.scans(out, t, home, &buyer, n, g);
    if b.rng.chance(params.claim_share) {
        if b.rng.chance(0.1) {
            out.push(Event {
                minute: t + 10,
                kind: Kind::Claim { valid: false },
                network: home,
                device: buyer.device,
                actor: g,
            });
        }
        out.push(Event {
            minute: t + 12,
            kind: Kind::Claim { valid: true },
            network: home,
            device: buyer.device,
            actor: g,
        });
        if b.rng.chance(0.1) {
            // Checks the claim worked, from the same phone, a day later on mobile.
            let net = b.mobile(&buyer);
            out.push(Event {
                minute: t + DAY,
                kind: Kind::Claim { valid: true },
                network: net,
                device: buyer.device,
                actor: g,
            });
        }
    }
    if !buyer.tourist && b.rng.chance(0.3) {
        // Family on the home network, on their own phones.
        for _ in 0..b.rng.range(1, 2) {
            let member = Person {
                device: {
                    b.next_device += 1;
                    b.next_device
                },
                ..buyer
            };
            let day = first_home_day + b.rng.range(0, 10);
            let m = b.at(day, 8, 23);
            let n = b.rng.range(1, 2);
            b.scans(out, m, home, &member, n, g);
        }
    }
    if b.rng.chance(0.3) {
        let day = first_home_day + b.rng.range(5, 60);
        let net = if buyer.tourist {
            buyer.abroad
        } else if b.rng.chance(0.6) {
            home
        } else {
            b.mobile(&buyer)
        };
        let m = b.at(day, 8, 23);
        b.scans(out, m, net, &buyer, 1, g);
    }
    if buyer.tourist && b.rng.chance(0.6) {
        let d = first_home_day + b.rng.range(3, 10);
        let m = b.at(d, 8, 23);
        let n = b.rng.range(1, 2);
        b.scans(out, m, buyer.abroad, &buyer, n, g);
    }
    if b.rng.chance(0.05) {
        let friend = b.person(0.0);
        let d = first_home_day + b.rng.range(10, 40);
        let m = b.at(d, 8, 23);
        let n = b.rng.range(1, 2);
        b.scans(out, m, friend.home, &friend, n, g);
    }
}

/// Builds the market. Labels `0..clones` are the cloned ones, the griefed ones follow.
pub fn build(params: &Params) -> Vec<Label> {
    // One random stream per label (and one for the griefer), so that changing an assumption
    // changes what it touches rather than reshuffling the whole market.
    let mut next_device = 0;
    let stream = |n: u64| Rng::new(params.seed ^ n.wrapping_mul(0xa076_1d64_78bd_642f));
    let recording_shops = (params.shops as f64 * params.custody_share).round() as u64;
    let mut labels = Vec::with_capacity(params.genuine);
    for index in 0..params.genuine {
        let mut label_rng = stream(index as u64 + 1);
        let mut b = Builder {
            rng: &mut label_rng,
            next_device,
        };
        let mut ev = Vec::new();
        let shop = b.rng.range(0, params.shops as u64 - 1);
        let records = shop < recording_shops;
        let org = 100 + shop;
        let wifi = SHOP_WIFI + shop;
        let arrive = b.rng.range(0, 60);
        let sale_day = arrive + b.rng.range(3, 45);
        let cloned = index < params.clones;
        // A clone's source: bought by the counterfeiter (70%) or photographed on the shelf.
        let bought = cloned && b.rng.chance(0.7);
        if records {
            let m = b.at(arrive, 8, 11);
            ev.push(Event {
                minute: m,
                kind: Kind::Custody {
                    org,
                    step: tasdiq_custody::detector::Step::Received,
                },
                network: 0,
                device: 0,
                actor: Actor::Genuine,
            });
        }
        for day in arrive..sale_day.min(params.days) {
            if b.rng.chance(params.shelf_scans_per_day) {
                let shopper = b.person(0.15);
                let net = if b.rng.chance(0.3) {
                    wifi
                } else {
                    b.mobile(&shopper)
                };
                let m = b.at(day, 9, 21);
                let n = b.rng.range(1, 2);
                b.scans(&mut ev, m, net, &shopper, n, Actor::Genuine);
            }
        }
        let sale = b.at(sale_day, 10, 21);
        if sale_day < params.days {
            if records {
                ev.push(Event {
                    minute: sale,
                    kind: Kind::Custody {
                        org,
                        step: tasdiq_custody::detector::Step::Sold,
                    },
                    network: 0,
                    device: 0,
                    actor: Actor::Genuine,
                });
            }
            if bought {
                // The counterfeiter checks his purchase once at home, then copies it.
                let c = b.person(0.0);
                b.scans(&mut ev, sale + 120, c.home, &c, 1, Actor::Genuine);
            } else {
                genuine_buyer(&mut b, &mut ev, params, sale, wifi);
            }
        }
        if cloned {
            let copy_day = if bought {
                sale_day + b.rng.range(1, 5)
            } else {
                arrive + b.rng.range(1, 10)
            };
            fakes(&mut b, &mut ev, params, copy_day, bought, recording_shops);
        }
        next_device = b.next_device;
        labels.push(Label {
            events: ev,
            cloned,
            griefed: false,
        });
    }
    let mut griefer_rng = stream(0);
    let mut b = Builder {
        rng: &mut griefer_rng,
        next_device,
    };
    // The griefer: one network, 300 scans with 300 User-Agents and 10 wrong claim codes, on
    // genuine labels that were not cloned.
    for label in labels.iter_mut().skip(params.clones).take(params.griefed) {
        let day = b.rng.range(20, params.days - 30);
        let start = b.at(day, 1, 4);
        for i in 0..300 {
            b.next_device += 1;
            label.events.push(Event {
                minute: start + i / 10,
                kind: Kind::Scan,
                network: GRIEFER_NET,
                device: b.next_device,
                actor: Actor::Griefer,
            });
        }
        for i in 0..10 {
            label.events.push(Event {
                minute: start + 40 + i,
                kind: Kind::Claim { valid: false },
                network: GRIEFER_NET,
                device: b.next_device,
                actor: Actor::Griefer,
            });
        }
        label.griefed = true;
    }
    for label in &mut labels {
        label.events.sort_by_key(|e| e.minute);
    }
    labels
}

/// The fakes of one cloned label: 10 to 1,000 jars sold from a few days after the copy.
fn fakes(
    b: &mut Builder,
    ev: &mut Vec<Event>,
    params: &Params,
    copy_day: u64,
    bought: bool,
    recording_shops: u64,
) {
    let n = b.rng.log_range(10.0, 1000.0);
    // Sales pace: from one fake every five days to 40 a day.
    let lo = params.slowest_fakes_per_day.ln();
    let per_day = (lo + b.rng.unit() * (params.fastest_fakes_per_day.ln() - lo)).exp();
    let start = copy_day + b.rng.range(3, 15);
    // The inner code: copied from the jar the counterfeiter bought (80% of those), invented
    // (half of the photographed ones), or missing.
    let inner = if bought && b.rng.chance(0.8) {
        Some(true)
    } else if !bought && b.rng.chance(0.5) {
        Some(false)
    } else {
        None
    };
    // One batch in five goes through a shop (a deceived one, that records custody if it is one
    // of the recording share); the rest through markets, roadside stalls and online.
    let via_shop = b.rng.chance(0.2);
    let shop = b.rng.range(0, params.shops as u64 - 1);
    let shop_records = via_shop && shop < recording_shops;
    let org = 1000 + b.rng.range(0, 10_000);
    let mut by_day: BTreeMap<u64, u64> = BTreeMap::new();
    for i in 0..n {
        let day = start + (i as f64 / per_day) as u64;
        by_day.entry(day).and_modify(|c| *c += 1).or_insert(1);
    }
    if shop_records {
        let m = start * DAY + 8 * 60;
        ev.push(Event {
            minute: m,
            kind: Kind::Custody {
                org,
                step: tasdiq_custody::detector::Step::Received,
            },
            network: 0,
            device: 0,
            actor: Actor::Fake(0),
        });
    }
    let mut buyer_no = 0u32;
    for (day, count) in by_day {
        if day >= params.days {
            break;
        }
        for _ in 0..count {
            buyer_no += 1;
            let actor = Actor::Fake(buyer_no);
            let p = b.person(0.1);
            let sale = b.at(day, 9, 21);
            if shop_records {
                ev.push(Event {
                    minute: sale,
                    kind: Kind::Custody {
                        org,
                        step: tasdiq_custody::detector::Step::Sold,
                    },
                    network: 0,
                    device: 0,
                    actor,
                });
            }
            if b.rng.chance(0.4) {
                let net = b.mobile(&p);
                b.scans(ev, sale + 1, net, &p, 1, actor);
            }
            let home = if p.tourist { p.hotel } else { p.home };
            let d = day + b.rng.range(0, 1);
            let t = b.at(d, 19, 23).max(sale + 30);
            if b.rng.chance(0.85) {
                let k = b.rng.range(1, 2);
                b.scans(ev, t, home, &p, k, actor);
            }
            if let Some(valid) = inner
                && b.rng.chance(params.claim_share)
            {
                ev.push(Event {
                    minute: t + 12,
                    kind: Kind::Claim { valid },
                    network: home,
                    device: p.device,
                    actor,
                });
            }
            if b.rng.chance(0.2) {
                let d = day + b.rng.range(3, 30);
                let m = b.at(d, 8, 23);
                b.scans(ev, m, home, &p, 1, actor);
            }
        }
    }
}

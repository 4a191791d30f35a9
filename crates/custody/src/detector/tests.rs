//! The rules as a table: one row per rule (and per threshold edge), and rows of genuine
//! behaviour and of the one-network griefer that must stay below `high`.

use super::*;
use chrono::TimeZone;

const A: u64 = 1;
const B: u64 = 2;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

/// A row: scans as (day, network, count), the claim, custody as (org, step, day, hour).
struct Row {
    name: &'static str,
    now_day: u32,
    scans: Vec<(u32, u64, u32)>,
    claim: ClaimFacts,
    custody: Vec<(u64, Step, u32, u32)>,
    risk: Risk,
    reasons: &'static [&'static str],
}

fn row(name: &'static str, risk: Risk, reasons: &'static [&'static str]) -> Row {
    Row {
        name,
        now_day: 20,
        scans: vec![],
        claim: ClaimFacts::default(),
        custody: vec![],
        risk,
        reasons,
    }
}

impl Row {
    fn scans(mut self, s: &[(u32, u64, u32)]) -> Row {
        self.scans.extend_from_slice(s);
        self
    }
    fn custody(mut self, c: &[(u64, Step, u32, u32)]) -> Row {
        self.custody.extend_from_slice(c);
        self
    }
    fn claimed(mut self, day: u32, network: u64) -> Row {
        self.claim.claimed = Some(Claim {
            at: at(day, 20),
            network: Network(network),
        });
        self
    }
    fn repeat(mut self, day: u32, network: u64, same_device: bool) -> Row {
        self.claim.repeats.push(RepeatClaim {
            at: at(day, 21),
            network: Network(network),
            same_device,
        });
        self
    }
    fn failed(mut self, day: u32, network: u64, count: u32) -> Row {
        let day = at(day, 0).date_naive();
        self.claim.failed.push(FailedClaims {
            network: Network(network),
            day,
            count,
        });
        self
    }
    fn now(mut self, day: u32) -> Row {
        self.now_day = day;
        self
    }
}

/// A genuine jar: received by shop A on the 2nd, three shoppers on the shelf, sold on the 9th,
/// then the buyer at home (network 10) and on mobile (11).
fn genuine(name: &'static str, risk: Risk, reasons: &'static [&'static str]) -> Row {
    row(name, risk, reasons)
        .custody(&[(A, Step::Received, 2, 9), (A, Step::Sold, 9, 18)])
        .scans(&[
            (4, 1, 1),
            (6, 2, 2),
            (8, 3, 1),
            (9, 4, 1),
            (9, 10, 3),
            (10, 10, 2),
            (12, 11, 1),
            (19, 10, 1),
        ])
}

fn table() -> Vec<Row> {
    use Risk::{High, None as Calm, Watch};
    vec![
        genuine("genuine life: shelf, sale, home, mobile", Calm, &[]),
        genuine("genuine life with a claim at home", Calm, &[]).claimed(9, 10),
        genuine(
            "claimant checks again from the same phone elsewhere",
            Calm,
            &[],
        )
        .claimed(9, 10)
        .repeat(12, 11, true),
        genuine("claimant re-enters the code at home", Calm, &[])
            .claimed(9, 10)
            .repeat(10, 10, false),
        genuine(
            "a gift: one more household after the claim (and the buyer's mobile)",
            Calm,
            &[],
        )
        .claimed(9, 10)
        .scans(&[(15, 20, 2)]),
        genuine(
            "mistyped claim at home and on mobile",
            Watch,
            &["failed_claims"],
        )
        .failed(9, 10, 2)
        .failed(9, 11, 1),
        row(
            "tourist: claim at the hotel, scans at home abroad",
            Calm,
            &[],
        )
        .claimed(3, 30)
        .scans(&[(3, 30, 2), (6, 31, 1)]),
        row(
            "family sharing one network scans it 40 times a day",
            Calm,
            &[],
        )
        .scans(&[(20, 5, 40)]),
        row(
            "griefer: one network, 500 scans, many User-Agents",
            Watch,
            &["many_scans"],
        )
        .scans(&[(20, 5, 500)]),
        genuine(
            "griefer: 500 scans of a claimed jar from one network",
            Watch,
            &["many_scans"],
        )
        .claimed(9, 10)
        .scans(&[(20, 66, 500)]),
        genuine("griefer: 10 wrong claim codes from one network", Calm, &[]).failed(20, 66, 10),
        genuine(
            "griefer: one network scans after the sale",
            Watch,
            &["many_scans"],
        )
        .scans(&[(20, 66, 300)])
        .now(20),
        // Claims.
        genuine(
            "second claim from another phone and network",
            High,
            &["second_claim"],
        )
        .claimed(9, 10)
        .repeat(14, 40, false),
        row("two other networks after the claim", Calm, &[])
            .claimed(9, 10)
            .scans(&[(14, 40, 1), (15, 41, 1)]),
        row(
            "three other networks after the claim",
            Watch,
            &["claimed_elsewhere"],
        )
        .claimed(9, 10)
        .scans(&[(14, 40, 1), (15, 41, 1), (15, 42, 1)]),
        row("wrong codes from three networks", High, &["failed_claims"])
            .failed(5, 40, 1)
            .failed(6, 41, 1)
            .failed(6, 42, 3),
        row("a claim dated after now is not yet known", Calm, &[])
            .claimed(21, 10)
            .repeat(21, 40, false),
        // Custody.
        row(
            "received by A then B, no shipment",
            High,
            &["received_twice_without_shipping"],
        )
        .custody(&[(A, Step::Received, 2, 9), (B, Step::Received, 5, 9)]),
        row("received by A, shipped, received by B", Calm, &[]).custody(&[
            (A, Step::Received, 2, 9),
            (A, Step::Shipped, 4, 9),
            (B, Step::Received, 5, 9),
        ]),
        row("received twice by the same shop", Calm, &[])
            .custody(&[(A, Step::Received, 2, 9), (A, Step::Received, 2, 10)]),
        row("sold by A and by B", High, &["sold_twice"])
            .custody(&[(A, Step::Sold, 3, 9), (B, Step::Sold, 6, 9)]),
        row("sold twice by A a day apart", High, &["sold_twice"])
            .custody(&[(A, Step::Sold, 3, 9), (A, Step::Sold, 4, 9)]),
        row("the till records one sale twice", Calm, &[])
            .custody(&[(A, Step::Sold, 3, 9), (A, Step::Sold, 3, 10)]),
        row("sold, returned, sold again", Calm, &[]).custody(&[
            (A, Step::Sold, 3, 9),
            (A, Step::Returned, 5, 9),
            (A, Step::Sold, 8, 9),
        ]),
        row(
            "received by B after A sold it",
            High,
            &["received_after_sale", "received_twice_without_shipping"],
        )
        .custody(&[
            (A, Step::Received, 2, 9),
            (A, Step::Sold, 3, 9),
            (B, Step::Received, 8, 9),
        ]),
        row(
            "destroyed, then scanned from two networks",
            High,
            &["scanned_after_destroying"],
        )
        .custody(&[(A, Step::Destroyed, 3, 9)])
        .scans(&[(3, 1, 1), (5, 2, 1), (6, 3, 1)]),
        row(
            "destroyed, then one network",
            Watch,
            &["scanned_after_destroying"],
        )
        .custody(&[(A, Step::Destroyed, 3, 9)])
        .scans(&[(5, 2, 1)]),
        row("three networks after the sale", Calm, &[])
            .custody(&[(A, Step::Sold, 3, 9)])
            .scans(&[(4, 1, 1), (5, 2, 1), (6, 3, 1)]),
        row(
            "four networks after the sale",
            Watch,
            &["scanned_after_sale"],
        )
        .custody(&[(A, Step::Sold, 3, 9)])
        .scans(&[(4, 1, 1), (5, 2, 1), (6, 3, 1), (7, 4, 1)]),
        row("many shoppers on the day of the sale", Calm, &[])
            .custody(&[(A, Step::Sold, 3, 9)])
            .scans(&[(3, 1, 1), (3, 2, 1), (3, 3, 1), (3, 4, 1), (3, 5, 1)]),
        row("custody dated after now is ignored", Calm, &[])
            .custody(&[(A, Step::Sold, 3, 9), (B, Step::Sold, 21, 9)]),
        // Spread.
        row("six networks this week", Watch, &["many_networks"]).scans(&[
            (14, 1, 1),
            (15, 2, 1),
            (16, 3, 1),
            (17, 4, 1),
            (18, 5, 1),
            (20, 6, 1),
        ]),
        row("ten networks this week", High, &["many_networks"]).scans(
            &(1..=10)
                .map(|n| (14 + n as u32 % 7, n, 1))
                .collect::<Vec<_>>(),
        ),
        row(
            "four other networks after the claim",
            High,
            &["claimed_elsewhere"],
        )
        .claimed(9, 10)
        .scans(&[(14, 40, 1), (15, 41, 1), (15, 42, 1), (16, 43, 2)]),
        row(
            "five networks after the sale",
            High,
            &["scanned_after_sale"],
        )
        .custody(&[(A, Step::Sold, 3, 9)])
        .scans(&[(4, 1, 1), (5, 2, 1), (6, 3, 1), (7, 4, 1), (7, 5, 1)]),
        row("fifteen networks over a month", Watch, &["many_networks"])
            .now(30)
            .scans(&(1..=15).map(|n| (n as u32 * 2, n, 1)).collect::<Vec<_>>()),
        row("twenty networks over a month", High, &["many_networks"])
            .now(30)
            .scans(
                &(1..=20)
                    .map(|n| (n as u32 * 3 / 2, n, 1))
                    .collect::<Vec<_>>(),
            ),
        row("ten networks over a month", Calm, &[])
            .scans(&(1..=10).map(|n| (n as u32 * 2, n, 1)).collect::<Vec<_>>()),
        row("scans dated after now are ignored", Calm, &[])
            .scans(&(1..=12).map(|n| (21, n, 1)).collect::<Vec<_>>()),
        // Several reasons at once, most serious first.
        genuine(
            "a copy everywhere",
            High,
            &[
                "claimed_elsewhere",
                "second_claim",
                "sold_twice",
                "many_networks",
            ],
        )
        .claimed(9, 10)
        .repeat(15, 40, false)
        .custody(&[(B, Step::Sold, 12, 9)])
        .scans(&(40..52).map(|n| (19, n, 1)).collect::<Vec<_>>()),
    ]
}

#[test]
fn the_rules_as_a_table() {
    let mut failures = Vec::new();
    for r in table() {
        let scans: Vec<ScanCount> = r
            .scans
            .iter()
            .map(|&(day, n, scans)| ScanCount {
                network: Network(n),
                day: at(day, 0).date_naive(),
                scans,
            })
            .collect();
        let custody: Vec<CustodyFact> = r
            .custody
            .iter()
            .map(|&(org, step, day, hour)| CustodyFact {
                org,
                step,
                at: at(day, hour),
                location: None,
            })
            .collect();
        let facts = LabelFacts {
            now: at(r.now_day, 22),
            first_scan: scans
                .iter()
                .map(|s| s.day)
                .min()
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap().and_utc()),
            scans: &scans,
            claim: &r.claim,
            custody: &custody,
        };
        let got = assess(&facts);
        let mut want: Vec<&str> = r.reasons.to_vec();
        let mut have = got.warnings();
        want.sort();
        have.sort();
        if got.risk != r.risk || want != have {
            failures.push(format!(
                "{}: want {:?} {:?}, got {:?} {:?}",
                r.name,
                r.risk,
                r.reasons,
                got.risk,
                got.warnings()
            ));
        }
        if got.risk == Risk::High {
            assert_eq!(
                got.reasons[0].1,
                Risk::High,
                "{}: most serious first",
                r.name
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn machine_words() {
    assert_eq!(Risk::High.as_str(), "high");
    assert_eq!(
        Reason::ReceivedTwiceWithoutShipping.as_str(),
        "received_twice_without_shipping"
    );
}

//! `simulate-market`: runs a synthetic market of genuine jars, cloned labels and a griefer
//! through the real copy detector and prints, per strategy, the share of fake-item scans
//! warned, the share of genuine-item scans warned and how many fake buyers are fooled before
//! the first warning; then how the figures move with the model's assumptions.
//!
//! `scripts/simulate-market [--seed N] [--quick]`; deterministic for a given seed. The table
//! and the assumptions are in `docs/clone-detection.md`.

#[path = "simulate-market/eval.rs"]
mod eval;
#[path = "simulate-market/world.rs"]
mod world;

use eval::{Outcome, Strategy, evaluate};
use world::{Params, build};

fn row(name: &str, o: &Outcome) -> String {
    format!(
        "| {name} | {:.1} % | {:.1} % | {:.2} % | {:.2} % | {:.1} % | {} / {:.1} / {} | {} of {} |",
        Outcome::pct(o.fake_warned, o.fake_scans),
        o.clone_share_mean(),
        Outcome::pct(o.genuine_warned, o.genuine_scans),
        Outcome::pct(o.genuine_watch, o.genuine_scans),
        Outcome::pct(o.original_warned, o.original_scans),
        o.fooled_median(),
        o.fooled_mean(),
        o.fooled.iter().max().copied().unwrap_or(0),
        o.griefed_high,
        o.griefed,
    )
}

const HEADER: &str = "| strategy | fake-item scans warned | the same, mean per cloned label | genuine-item scans warned (labels never copied) | genuine-item scans at watch | genuine scans of copied originals warned | fake buyers fooled before the first warning (median / mean / max per clone) | griefed labels raised to high |\n|---|---|---|---|---|---|---|---|";

/// The whole report, as Markdown.
fn report(base: Params, quick: bool) -> String {
    let mut out = String::new();
    let labels = build(&base);
    let count = |fake: bool| -> usize {
        let scans = labels
            .iter()
            .flat_map(|l| &l.events)
            .filter(|e| e.kind == world::Kind::Scan);
        scans
            .filter(|e| {
                matches!(e.actor, world::Actor::Fake(_)) == fake && e.actor != world::Actor::Griefer
            })
            .count()
    };
    let (fakes, genuine) = (count(true), count(false));
    out.push_str(&format!(
        "Base market (seed {}): {} genuine labels in {} shops ({:.0} % record custody), {} of them \
         cloned, {} griefed; {:.0} % of buyers claim; {genuine} genuine scans and {fakes} fake \
         scans over {} days.\n\n",
        base.seed,
        base.genuine,
        base.shops,
        base.custody_share * 100.0,
        base.clones,
        base.griefed,
        base.claim_share * 100.0,
        base.days
    ));
    out.push_str(HEADER);
    out.push('\n');
    for s in Strategy::ALL {
        out.push_str(&row(s.name(), &evaluate(&labels, s)));
        out.push('\n');
    }
    if quick {
        return out;
    }
    out.push_str("\nSensitivity, custody and claims (one assumption changed at a time):\n\n");
    out.push_str(&HEADER.replace("| strategy |", "| assumption |"));
    out.push('\n');
    let variants: [(&str, Params); 8] = [
        (
            "10 % of buyers claim",
            Params {
                claim_share: 0.1,
                ..base
            },
        ),
        (
            "50 % of buyers claim",
            Params {
                claim_share: 0.5,
                ..base
            },
        ),
        (
            "20 % of shops record custody",
            Params {
                custody_share: 0.2,
                ..base
            },
        ),
        (
            "80 % of shops record custody",
            Params {
                custody_share: 0.8,
                ..base
            },
        ),
        (
            "no shop records, 10 % claim",
            Params {
                custody_share: 0.0,
                claim_share: 0.1,
                ..base
            },
        ),
        (
            "busy shelves: 3× the shopper scans",
            Params {
                shelf_scans_per_day: 0.36,
                ..base
            },
        ),
        (
            "slow counterfeiters: 0.2 to 1 fake a day",
            Params {
                fastest_fakes_per_day: 1.0,
                ..base
            },
        ),
        (
            "another seed",
            Params {
                seed: base.seed + 1,
                ..base
            },
        ),
    ];
    for (name, p) in variants {
        out.push_str(&row(name, &evaluate(&build(&p), Strategy::Both)));
        out.push('\n');
    }
    out
}

fn main() {
    let mut params = Params::default();
    let mut quick = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(seed) => params.seed = seed,
                None => {
                    eprintln!("--seed needs a number");
                    std::process::exit(2);
                }
            },
            "--quick" => quick = true,
            "-h" | "--help" => {
                println!("usage: simulate-market [--seed N] [--quick]");
                return;
            }
            other => {
                eprintln!(
                    "unknown argument {other:?}; usage: simulate-market [--seed N] [--quick]"
                );
                std::process::exit(2);
            }
        }
    }
    print!("{}", report(params, quick));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Params {
        Params {
            genuine: 400,
            clones: 12,
            griefed: 10,
            ..Params::default()
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_market() {
        assert_eq!(report(small(), true), report(small(), true));
        assert_ne!(
            report(small(), true),
            report(Params { seed: 7, ..small() }, true)
        );
    }

    #[test]
    fn the_griefer_cannot_raise_high_but_fools_todays_threshold() {
        let labels = build(&small());
        assert_eq!(evaluate(&labels, Strategy::Both).griefed_high, 0);
        assert_eq!(evaluate(&labels, Strategy::Today).griefed_high, 10);
    }
}

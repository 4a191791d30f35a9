//! The timeline of a right of use (issues #15 and #16): what a right is on a given day, what a
//! new grant over an existing right means, when a renewal is allowed, and where the history
//! shows an expiry. Pure: the caller passes `today`.
//!
//! How lots are judged against the timeline is in `verdict::decide_lot`: a lot is judged by the
//! right in force when it was issued, so expiry never touches it, a suspension holds its lots
//! while it lasts, and a withdrawal for cause revokes every lot issued before it for good.

use chrono::{DateTime, NaiveDate, Utc};

use super::lifecycle::Refusal;
use super::values::{RightEvent, RightState, Standing};

/// What a right with this status and period is on `today`.
pub fn state(
    status: Standing,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    today: NaiveDate,
) -> RightState {
    match status {
        Standing::Withdrawn => RightState::Withdrawn,
        Standing::Suspended => RightState::Suspended,
        Standing::Active if today > valid_until => RightState::Expired,
        Standing::Active if today < valid_from => RightState::Pending,
        Standing::Active => RightState::Active,
    }
}

/// Whether a right counts as active on `today`: active and within its period.
pub fn in_force(
    status: Standing,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    today: NaiveDate,
) -> bool {
    state(status, valid_from, valid_until, today) == RightState::Active
}

/// What a grant means given the right the producer already holds, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantAs {
    /// No right yet: a new one.
    New,
    /// The earlier right was withdrawn: a new grant, whose lots are judged on their own; the
    /// lots of the withdrawn right stay revoked.
    Regrant,
    /// The right has expired: granting again renews it with the new period.
    Renew,
}

/// Decides what a grant over `existing` (status, valid_from, valid_until) is, or why it is
/// refused: an active, suspended or not yet started right is changed, not granted again.
pub fn grant_over(
    existing: Option<(Standing, NaiveDate, NaiveDate)>,
    today: NaiveDate,
) -> Result<GrantAs, Refusal> {
    let Some((status, from, until)) = existing else {
        return Ok(GrantAs::New);
    };
    match state(status, from, until, today) {
        RightState::Withdrawn => Ok(GrantAs::Regrant),
        RightState::Expired => Ok(GrantAs::Renew),
        s => Err((
            "already_member",
            format!(
                "the producer already holds a {s} right to use this brand (until {until}); change or renew it instead"
            ),
        )),
    }
}

/// Whether a right with `status` may be renewed for the period ending `until`.
pub fn may_renew(status: Standing, until: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    if status == Standing::Withdrawn {
        return Err((
            "right_withdrawn",
            "a withdrawn right of use cannot be renewed; grant a new one instead".into(),
        ));
    }
    if until < today {
        return Err((
            "renewal_in_past",
            format!("a renewed right must run at least until today ({today}), not end on {until}"),
        ));
    }
    Ok(())
}

/// The period a right holds after a renewal asked for `asked` (from, until) while it held
/// `current`, on `today`. A renewal extends: when the current period is still in force, or the
/// asked one starts no later than the day after it ends, the right keeps its start (or the
/// earlier of the two), so renewing early never leaves a gap in which the producer cannot
/// issue. Otherwise (an old, lapsed right) the asked period replaces it.
pub fn renewed_period(
    current: (NaiveDate, NaiveDate),
    asked: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> (NaiveDate, NaiveDate) {
    let contiguous = asked.0 <= current.1.succ_opt().unwrap_or(current.1);
    if contiguous || current.1 >= today {
        (current.0.min(asked.0), asked.1)
    } else {
        asked
    }
}

/// The event a status change from `before` to `after` records.
pub fn event_of(before: Option<Standing>, after: Standing) -> RightEvent {
    match (before, after) {
        (_, Standing::Withdrawn) => RightEvent::Withdrawn,
        (_, Standing::Suspended) => RightEvent::Suspended,
        (Some(Standing::Suspended), Standing::Active) => RightEvent::Reinstated,
        (Some(Standing::Active), Standing::Active) => RightEvent::Renewed,
        (None | Some(Standing::Withdrawn), Standing::Active) => RightEvent::Granted,
    }
}

/// Where a history of events shows an expiry: each event is (when, the status after it, the
/// period's last day after it). Returns (the index of the event after which the right expired,
/// the first day it was expired). A right lapses when its period ends before the next event
/// (or before `today` for the last one) while it is not withdrawn.
pub fn expiries(
    events: &[(DateTime<Utc>, Standing, Option<NaiveDate>)],
    today: NaiveDate,
) -> Vec<(usize, NaiveDate)> {
    let mut out = Vec::new();
    for (i, (_, status, until)) in events.iter().enumerate() {
        let (Some(until), false) = (until, *status == Standing::Withdrawn) else {
            continue;
        };
        let next = events.get(i + 1).map_or(today, |e| e.0.date_naive());
        if next > *until
            && let Some(day) = until.succ_opt()
        {
            out.push((i, day));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn state_follows_status_then_period() {
        let (from, until) = (day("2026-01-01"), day("2026-12-31"));
        #[rustfmt::skip]
        let cases = [
            (Standing::Active, "2026-06-01", RightState::Active),
            (Standing::Active, "2026-12-31", RightState::Active),
            (Standing::Active, "2027-01-01", RightState::Expired),
            (Standing::Active, "2025-12-31", RightState::Pending),
            (Standing::Suspended, "2027-06-01", RightState::Suspended),
            (Standing::Withdrawn, "2026-06-01", RightState::Withdrawn),
        ];
        for (status, today, want) in cases {
            assert_eq!(
                state(status, from, until, day(today)),
                want,
                "{status} {today}"
            );
        }
        assert!(in_force(Standing::Active, from, until, day("2026-06-01")));
        assert!(!in_force(Standing::Active, from, until, day("2027-01-01")));
    }

    #[test]
    fn a_grant_over_an_expired_right_renews_it() {
        let today = day("2027-02-01");
        let (from, until) = (day("2026-01-01"), day("2026-12-31"));
        assert_eq!(grant_over(None, today), Ok(GrantAs::New));
        assert_eq!(
            grant_over(Some((Standing::Active, from, until)), today),
            Ok(GrantAs::Renew)
        );
        assert_eq!(
            grant_over(Some((Standing::Withdrawn, from, until)), today),
            Ok(GrantAs::Regrant)
        );
        for status in [Standing::Active, Standing::Suspended] {
            let got = grant_over(Some((status, from, until)), day("2026-06-01"));
            assert_eq!(got.unwrap_err().0, "already_member");
        }
        // A suspended right stays suspended past its end: renew it, do not grant over it.
        assert_eq!(
            grant_over(Some((Standing::Suspended, from, until)), today)
                .unwrap_err()
                .0,
            "already_member"
        );
    }

    #[test]
    fn renewals() {
        let today = day("2027-02-01");
        assert!(may_renew(Standing::Active, day("2028-01-31"), today).is_ok());
        assert!(may_renew(Standing::Suspended, day("2027-02-01"), today).is_ok());
        assert_eq!(
            may_renew(Standing::Active, day("2027-01-31"), today)
                .unwrap_err()
                .0,
            "renewal_in_past"
        );
        assert_eq!(
            may_renew(Standing::Withdrawn, day("2028-01-31"), today)
                .unwrap_err()
                .0,
            "right_withdrawn"
        );
    }

    #[test]
    fn a_renewal_extends_without_a_gap() {
        let today = day("2027-02-01");
        // Renewed early from the day after it ends: still in force today, start kept.
        assert_eq!(
            renewed_period(
                (day("2024-03-01"), day("2027-02-28")),
                (day("2027-03-01"), day("2030-02-28")),
                today
            ),
            (day("2024-03-01"), day("2030-02-28"))
        );
        // In force today, renewal asked with a gap: the gap is not left open.
        assert_eq!(
            renewed_period(
                (day("2024-03-01"), day("2027-02-28")),
                (day("2027-06-01"), day("2030-05-31")),
                today
            ),
            (day("2024-03-01"), day("2030-05-31"))
        );
        // Lapsed yesterday, renewed from today: contiguous, start kept.
        assert_eq!(
            renewed_period(
                (day("2024-02-01"), day("2027-01-31")),
                (day("2027-02-01"), day("2030-01-31")),
                today
            ),
            (day("2024-02-01"), day("2030-01-31"))
        );
        // Lapsed long ago: the new period replaces it, so the lapse stays a lapse.
        assert_eq!(
            renewed_period(
                (day("2020-01-01"), day("2022-12-31")),
                (day("2027-02-01"), day("2030-01-31")),
                today
            ),
            (day("2027-02-01"), day("2030-01-31"))
        );
    }

    #[test]
    fn events_of_status_changes() {
        use Standing::*;
        assert_eq!(event_of(None, Active), RightEvent::Granted);
        assert_eq!(event_of(Some(Withdrawn), Active), RightEvent::Granted);
        assert_eq!(event_of(Some(Suspended), Active), RightEvent::Reinstated);
        assert_eq!(event_of(Some(Active), Active), RightEvent::Renewed);
        assert_eq!(event_of(Some(Active), Suspended), RightEvent::Suspended);
        assert_eq!(event_of(Some(Suspended), Withdrawn), RightEvent::Withdrawn);
    }

    #[test]
    fn expiries_show_between_events() {
        let at = |s: &str| -> DateTime<Utc> { format!("{s}T10:00:00Z").parse().unwrap() };
        let events = [
            (at("2025-01-01"), Standing::Active, Some(day("2025-12-31"))),
            // renewed after a lapse of a month
            (at("2026-02-01"), Standing::Active, Some(day("2026-12-31"))),
            // withdrawn: no expiry shown after it
            (
                at("2026-06-01"),
                Standing::Withdrawn,
                Some(day("2026-12-31")),
            ),
            (at("2026-07-01"), Standing::Active, Some(day("2026-09-30"))),
            (at("2026-08-01"), Standing::Active, None),
        ];
        let got = expiries(&events, day("2027-01-10"));
        assert_eq!(got, vec![(0, day("2026-01-01"))]);
        let last = [(at("2026-07-01"), Standing::Active, Some(day("2026-09-30")))];
        assert_eq!(expiries(&last, day("2026-09-30")), vec![]);
        assert_eq!(
            expiries(&last, day("2026-10-01")),
            vec![(0, day("2026-10-01"))]
        );
    }
}

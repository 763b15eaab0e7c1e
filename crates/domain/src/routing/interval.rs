//! The dates on which an answer can change. Between two consecutive dates
//! that matter for a counterpart, [`route`](super::route) gives the same
//! answer for every query date, so a cache can key an answer by the
//! interval its date falls in rather than by the date.
//!
//! The rules compare a query date `on` with recorded dates only through
//! `earliest(d) <= on`, `latest(d) <= on` and their negations (see
//! [`Status::of_party`](crate::status::Status::of_party)), so each such
//! comparison flips exactly on `earliest(d)` or `latest(d)`. Every date of
//! every party the rules can read for a pair is enumerated here, through
//! exhaustive destructuring: a new dated field of [`Party`], [`Reservation`]
//! or [`Instrument`] does not compile until it is listed (or said not to
//! matter) below.

use crate::date::{CalendarDate, PartialDate};
use crate::instrument::{Coverage, Instrument, Party, Reservation};
use crate::validation::JurisdictionLookup;

/// The sorted dates on which the answers about one counterpart can change:
/// the first days of the intervals of constant answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateBoundaries {
    starts: Vec<CalendarDate>,
}

/// An interval of query dates over which the answer does not change:
/// from `start` (inclusive; None for the beginning of time) to `end`
/// (exclusive; None for no end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateInterval {
    /// The first day of the interval, if it has one.
    pub start: Option<CalendarDate>,
    /// The first day after the interval, if it has one.
    pub end: Option<CalendarDate>,
}

impl DateInterval {
    /// Whether `on` is inside the interval.
    pub fn contains(&self, on: CalendarDate) -> bool {
        self.start.is_none_or(|s| s <= on) && self.end.is_none_or(|e| on < e)
    }
}

impl DateBoundaries {
    /// The boundaries for queries about `counterpart` from `home` whose
    /// candidates are `candidates` (the same slice given to
    /// [`route`](super::route)). Only the parties the rules can read for
    /// the pair count: the home state, the counterpart, and the
    /// counterpart's parent when it is a region.
    pub fn of(
        home: &str,
        counterpart: &str,
        jurisdictions: &dyn JurisdictionLookup,
        candidates: &[&Instrument],
    ) -> DateBoundaries {
        let parent = jurisdictions
            .jurisdiction(counterpart)
            .and_then(|j| j.parent.as_deref());
        let relevant = |code: &str| code == home || code == counterpart || Some(code) == parent;
        let mut starts = Vec::new();
        for inst in candidates {
            instrument_dates(inst, &relevant, &mut |d| {
                starts.push(d.earliest());
                starts.push(d.latest());
            });
        }
        starts.sort_unstable();
        starts.dedup();
        DateBoundaries { starts }
    }

    /// The interval of constant answers that contains `on`.
    pub fn interval(&self, on: CalendarDate) -> DateInterval {
        let i = self.starts.partition_point(|b| *b <= on);
        DateInterval {
            start: i.checked_sub(1).map(|k| self.starts[k]),
            end: self.starts.get(i).copied(),
        }
    }

    /// The boundaries, sorted.
    pub fn dates(&self) -> &[CalendarDate] {
        &self.starts
    }
}

/// Calls `each` with every date of `inst` the rules may compare a query
/// date with, for parties whose jurisdiction satisfies `relevant`.
pub fn instrument_dates(
    inst: &Instrument,
    relevant: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(PartialDate),
) {
    let Instrument {
        id: _,
        kind: _,
        treaty_type: _,
        title: _,
        title_en: _,
        short_name: _,
        parties,
        coverage,
        offence_scope: _,
        sources: _,
        notes: _,
        revision: _,
        etag: _,
        update_time_ms: _,
        // Requirements shape checklists only, and answers with checklists
        // are not cached (the router's `Shape::checklist`).
        requirements: _,
    } = inst;
    for c in coverage {
        let Coverage {
            matter: _,
            assistance: _,
            articles: _,
            transmissions: _,
        } = c;
    }
    for p in parties.iter().filter(|p| relevant(&p.jurisdiction)) {
        party_dates(p, each);
    }
}

/// Calls `each` with every date of one party's participation.
pub fn party_dates(party: &Party, each: &mut dyn FnMut(PartialDate)) {
    let Party {
        jurisdiction: _,
        signed,
        ratified,
        entry_into_force,
        termination_notice,
        termination_effective,
        in_force_as_of,
        reservations,
        central_authorities: _,
        accession_requires_acceptance: _,
        accepted_by: _,
        extended_to: _,
        notes: _,
    } = party;
    for d in [
        signed,
        ratified,
        entry_into_force,
        termination_notice,
        termination_effective,
        in_force_as_of,
    ]
    .into_iter()
    .flatten()
    {
        each(*d);
    }
    for r in reservations {
        let Reservation {
            article: _,
            text: _,
            excluded_assistances: _,
            excluded_transmissions: _,
        } = r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::fixtures::world;
    use crate::vocabulary::InstrumentKind;

    fn day(text: &str) -> CalendarDate {
        CalendarDate::parse(text).unwrap()
    }

    #[test]
    fn partial_dates_give_both_bounds_and_others_parties_do_not_count() {
        let mut inst = Instrument::new("t", InstrumentKind::BilateralTreaty, "t");
        inst.parties = vec![
            Party {
                entry_into_force: Some(PartialDate::month(2005, 2)),
                ..Party::new("CN")
            },
            Party {
                termination_effective: Some(PartialDate::day(2010, 1, 1)),
                ..Party::new("FR")
            },
            Party {
                entry_into_force: Some(PartialDate::day(1999, 9, 9)),
                ..Party::new("DE")
            },
        ];
        let b = DateBoundaries::of("CN", "FR", &world(), &[&inst]);
        assert_eq!(
            b.dates(),
            &[day("2005-02-01"), day("2005-02-28"), day("2010-01-01")]
        );
        let i = b.interval(day("2005-02-10"));
        assert_eq!(i.start, Some(day("2005-02-01")));
        assert_eq!(i.end, Some(day("2005-02-28")));
        assert!(i.contains(day("2005-02-27")) && !i.contains(day("2005-02-28")));
        assert_eq!(b.interval(day("1990-01-01")).start, None);
        assert_eq!(b.interval(day("2020-01-01")).end, None);
    }
}

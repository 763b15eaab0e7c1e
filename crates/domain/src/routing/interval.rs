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
use crate::instrument::{
    Acceptance, Coverage, Extension, Instrument, Party, PartyList, Reservation,
};

use super::{Catalog, Place};

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
    /// The boundaries for queries about `counterpart` from `home`, over the
    /// instruments [`route`](super::route) chooses from `catalog` for it.
    /// Only the parties the rules can read for the pair count: the home
    /// state, the counterpart, and the counterpart's parent when it is a
    /// region.
    pub fn of(home: &str, counterpart: &str, catalog: &dyn Catalog) -> DateBoundaries {
        let found = catalog.jurisdiction(counterpart);
        let parent = found.and_then(|j| j.parent.as_deref());
        let place = found.map_or(Place::State, |j| Place::of(home, j));
        let candidates = super::catalog::candidates(home, counterpart, place, catalog);
        let relevant = |code: &str| code == home || code == counterpart || Some(code) == parent;
        // The home state's statutes change the reciprocity channel's text on
        // their own dates, whatever the instruments say.
        let mut starts = if super::reciprocity::has_national_rules(home) {
            super::reciprocity::DOMESTIC_LAW_DATES.to_vec()
        } else {
            Vec::new()
        };
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
        party_list,
    } = inst;
    // The day a list stops being known complete changes every absent
    // state's answer (not a party -> uncertain).
    if let Some(PartyList {
        complete_as_of,
        covers: _,
        sources: _,
    }) = party_list
        && let Some(d) = complete_as_of
    {
        each(*d);
        // A list is complete on the days up to its date (`complete_on`):
        // the day after is a boundary too.
        for next in [d.earliest().add_days(1), d.latest().add_days(1)] {
            each(PartialDate::day(next.year, next.month, next.day));
        }
    }
    for c in coverage {
        let Coverage {
            matter: _,
            assistance: _,
            articles: _,
            transmissions: _,
            transmission_articles: _,
            conditions: _,
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
        acceptances,
        extensions,
        statements_recorded: _,
        sources: _,
        // Text: what a transitional end still governs; its date is
        // termination_effective, listed above.
        continues_for: _,
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
            kind: _,
            binds: _,
            effective_from,
            effective_until,
            sources: _,
            required_language: _,
            objects_to: _,
            regions: _,
            notes: _,
        } = r;
        for d in [effective_from, effective_until].into_iter().flatten() {
            each(*d);
        }
    }
    for a in acceptances {
        let Acceptance {
            by: _,
            deposited,
            effective,
            territories: _,
            sources: _,
            notes: _,
        } = a;
        for d in [deposited, effective].into_iter().flatten() {
            each(*d);
        }
        if let Some((d, _)) = a.effect() {
            each(d);
        }
    }
    for e in extensions {
        let Extension {
            region: _,
            effective_from,
            effective_until,
            central_authorities: _,
            sources: _,
            notes: _,
        } = e;
        for d in [effective_from, effective_until].into_iter().flatten() {
            each(*d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Listed;
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
        let b = DateBoundaries::of("CN", "FR", &Listed::new(&world(), &[&inst]));
        // China's statutes change the fallback on their own dates.
        let mut want = super::super::reciprocity::DOMESTIC_LAW_DATES.to_vec();
        want.extend([day("2005-02-01"), day("2005-02-28"), day("2010-01-01")]);
        want.sort_unstable();
        assert_eq!(b.dates(), want.as_slice());
        assert!(
            !b.dates().contains(&day("1999-09-09")),
            "DE is neither side"
        );
        let i = b.interval(day("2005-02-10"));
        assert_eq!(i.start, Some(day("2005-02-01")));
        assert_eq!(i.end, Some(day("2005-02-28")));
        assert!(i.contains(day("2005-02-27")) && !i.contains(day("2005-02-28")));
        assert_eq!(b.interval(day("1980-01-01")).start, None);
        assert_eq!(b.interval(day("2030-01-01")).end, None);
    }
}

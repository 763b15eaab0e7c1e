//! Property tests of the routing rules over random instruments, many of them
//! deliberately malformed (the rules must never panic on what they are given).

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::fixtures::world;
use super::*;
use crate::date::PartialDate;
use crate::instrument::{Coverage, Party, Reservation};
use crate::vocabulary::{InstrumentKind, TreatyType};

/// Jurisdictions random instruments are made of (home CN, its regions, states).
const POOL: &[&str] = &["CN", "FR", "DE", "KE", "HK", "MO"];
/// Counterparts queried (BR is never a party).
const COUNTERPARTS: &[&str] = &["FR", "DE", "KE", "HK", "MO", "BR"];
/// States that are never the home state nor a queried counterpart.
const OTHERS: &[&str] = &["US", "GB", "JP", "IT"];
const MEANS: &[&str] = &["central_authority", "diplomatic", "postal", "direct"];

fn partial_date() -> impl Strategy<Value = PartialDate> {
    (1980i32..2030, 1u8..=12, 1u8..=28, 0u8..3).prop_map(|(y, m, d, precision)| match precision {
        0 => PartialDate::year(y),
        1 => PartialDate::month(y, m),
        _ => PartialDate::day(y, m, d),
    })
}

fn calendar_date() -> impl Strategy<Value = CalendarDate> {
    (1978i32..2035, 1u8..=12, 1u8..=28)
        .prop_map(|(y, m, d)| CalendarDate::new(y, m, d).expect("day 1..=28 exists"))
}

fn reservation() -> impl Strategy<Value = Reservation> {
    (
        subsequence(Assistance::ALL.to_vec(), 0..=1),
        subsequence(MEANS.to_vec(), 0..=2),
    )
        .prop_map(|(assistances, means)| Reservation {
            article: "Art. 1".into(),
            text: String::new(),
            excluded_assistances: assistances,
            excluded_transmissions: means.into_iter().map(str::to_owned).collect(),
            ..Reservation::default()
        })
}

fn party(code: &'static str) -> impl Strategy<Value = Party> {
    (
        proptest::option::of(partial_date()),
        proptest::option::weighted(0.8, partial_date()),
        proptest::option::weighted(0.2, partial_date()),
        proptest::option::weighted(0.1, partial_date()),
        proptest::collection::vec(reservation(), 0..=1),
        any::<bool>(),
        subsequence(POOL.to_vec(), 0..=2),
        subsequence(vec!["HK", "MO"], 0..=2),
    )
        .prop_map(
            move |(signed, eif, end, as_of, reservations, accedes, accepted, extended)| Party {
                signed,
                entry_into_force: eif,
                termination_effective: end,
                in_force_as_of: as_of,
                reservations,
                accession_requires_acceptance: accedes,
                accepted_by: accepted.into_iter().map(str::to_owned).collect(),
                extended_to: extended.into_iter().map(str::to_owned).collect(),
                ..Party::new(code)
            },
        )
}

fn pairs() -> Vec<(Matter, Assistance)> {
    Matter::ALL
        .iter()
        .flat_map(|&m| Assistance::ALL.iter().map(move |&a| (m, a)))
        .collect()
}

fn instrument(id: String, pool: &'static [&'static str]) -> impl Strategy<Value = Instrument> {
    let parties = subsequence(pool.to_vec(), 1..=4)
        .prop_flat_map(|codes| codes.into_iter().map(party).collect::<Vec<_>>());
    (
        select(InstrumentKind::ALL.to_vec()),
        select(TreatyType::ALL.to_vec()),
        parties,
        subsequence(pairs(), 0..=4),
        subsequence(MEANS.to_vec(), 0..=3),
        subsequence(vec!["corruption", "narcotics"], 0..=1),
    )
        .prop_map(move |(kind, t, parties, covered, means, scope)| {
            let mut inst = Instrument::new(id.clone(), kind, id.clone());
            inst.treaty_type = (kind == InstrumentKind::BilateralTreaty).then_some(t);
            inst.parties = parties;
            inst.coverage = covered
                .into_iter()
                .map(|(m, a)| Coverage {
                    transmissions: means.iter().map(|s| s.to_string()).collect(),
                    ..Coverage::new(m, a)
                })
                .collect();
            inst.offence_scope = scope.into_iter().map(str::to_owned).collect();
            // Some lists are complete as of a date, the rest partial (issue 16 item 3).
            if inst.id.bytes().last().is_some_and(|b| b % 2 == 0) {
                inst.party_list = Some(crate::instrument::PartyList {
                    complete_as_of: PartialDate::parse("2010-01-01"),
                    covers: String::new(),
                    sources: vec!["test".into()],
                });
            }
            inst
        })
}

fn instruments() -> impl Strategy<Value = Vec<Instrument>> {
    (0usize..8).prop_flat_map(|n| {
        (0..n)
            .map(|i| instrument(format!("i{i}"), POOL))
            .collect::<Vec<_>>()
    })
}

fn route_query() -> impl Strategy<Value = RouteQuery> {
    (
        select(COUNTERPARTS.to_vec()),
        select(Matter::ALL.to_vec()),
        select(Assistance::ALL.to_vec()),
        calendar_date(),
        proptest::option::of(select(vec!["corruption", "narcotics"])),
        proptest::option::of(select(MEANS.to_vec())),
        any::<bool>(),
    )
        .prop_map(|(c, m, a, on, offence, transmission, explain)| RouteQuery {
            offence: offence.map(str::to_owned),
            transmission: transmission.map(str::to_owned),
            explain,
            ..RouteQuery::new(c, m, a, on)
        })
}

fn answer(instruments: &[Instrument], q: &RouteQuery) -> RouteAnswer {
    let refs: Vec<&Instrument> = instruments.iter().collect();
    route("CN", &Listed::new(&world(), &refs), q).expect("known counterpart")
}

/// A China–France treaty whose two parties have their own random dates.
fn cn_fr_treaty() -> impl Strategy<Value = Instrument> {
    let dates = || {
        (
            proptest::option::weighted(0.9, partial_date()),
            proptest::option::weighted(0.4, partial_date()),
        )
    };
    (dates(), dates(), select(TreatyType::ALL.to_vec())).prop_map(|(cn, fr, t)| {
        let mut inst = Instrument::new("cn-fr", InstrumentKind::BilateralTreaty, "t");
        inst.treaty_type = Some(t);
        inst.coverage = t
            .default_coverage()
            .into_iter()
            .map(|(m, a)| Coverage::new(m, a))
            .collect();
        inst.parties = [("CN", cn), ("FR", fr)]
            .into_iter()
            .map(|(code, (eif, end))| Party {
                entry_into_force: eif,
                termination_effective: end,
                ..Party::new(code)
            })
            .collect();
        inst
    })
}

proptest! {
    /// (a) A bilateral treaty is never offered on a date outside its
    /// in-force interval, and always offered inside it when it covers the request.
    #[test]
    fn a_treaty_is_offered_exactly_within_its_interval(treaty in cn_fr_treaty(), on in calendar_date()) {
        let (m, a) = (treaty.coverage[0].matter, treaty.coverage[0].assistance);
        let q = RouteQuery::new("FR", m, a, on);
        let offered = answer(std::slice::from_ref(&treaty), &q)
            .channels
            .iter()
            .any(|c| c.instrument_id.as_deref() == Some("cn-fr"));
        let started = |p: &Party| p.entry_into_force.is_some_and(|e| e.earliest() <= on);
        let ended = |p: &Party| p.termination_effective.is_some_and(|t| t.latest() <= on);
        let surely = |p: &Party| {
            p.entry_into_force.is_some_and(|e| e.latest() <= on)
                && p.termination_effective.is_none_or(|t| t.earliest() > on)
        };
        if offered {
            for p in &treaty.parties {
                prop_assert!(started(p) && !ended(p), "offered on {} outside {:?}", on, p);
            }
        }
        if treaty.parties.iter().all(surely) {
            prop_assert!(offered, "not offered on {} though in force", on);
        }
    }

    /// (b) The fallback is always present, always last and only last.
    #[test]
    fn the_fallback_is_always_last(world in instruments(), q in route_query()) {
        let a = answer(&world, &q);
        let (last, rest) = a.channels.split_last().expect("never empty");
        prop_assert_eq!(last.kind, ChannelKind::Reciprocity);
        prop_assert_eq!(&last.instrument_id, &None);
        prop_assert!(rest.iter().all(|c| c.kind != ChannelKind::Reciprocity && c.instrument_id.is_some()));
    }

    /// (c) An instrument between two other states never changes the answer.
    #[test]
    fn instruments_of_others_change_nothing(
        world in instruments(),
        extra in instrument("extra".into(), OTHERS),
        q in route_query(),
    ) {
        let before = answer(&world, &q);
        let mut more = world.clone();
        more.push(extra);
        prop_assert_eq!(answer(&more, &q), before);
    }

    /// (d) No instrument is both offered and reported as not applicable, or
    /// offered twice; not-applicable entries are sorted by id.
    #[test]
    fn channels_and_not_applicable_are_disjoint(world in instruments(), q in route_query()) {
        let a = answer(&world, &q);
        let offered: Vec<&str> = a.channels.iter().filter_map(|c| c.instrument_id.as_deref()).collect();
        let unique: HashSet<&str> = offered.iter().copied().collect();
        prop_assert_eq!(unique.len(), offered.len());
        let rejected: Vec<&str> = a.not_applicable.iter().map(|n| n.instrument_id.as_str()).collect();
        prop_assert!(rejected.iter().all(|id| !unique.contains(id)));
        prop_assert!(rejected.windows(2).all(|w| w[0] < w[1]));
    }

    /// Certain channels come before uncertain ones, and the order of the
    /// candidates does not matter.
    #[test]
    fn order_is_certain_first_and_independent_of_input(world in instruments(), q in route_query()) {
        let a = answer(&world, &q);
        let uncertain: Vec<bool> = a.channels.iter().map(|c| c.uncertain.is_some()).collect();
        prop_assert!(uncertain.windows(2).take(uncertain.len().saturating_sub(2)).all(|w| w[0] <= w[1]));
        let mut reversed = world.clone();
        reversed.reverse();
        prop_assert_eq!(answer(&reversed, &q), a);
    }

    /// Every offered instrument binds the home state and covers the request.
    #[test]
    fn offered_instruments_bind_home_and_cover(world in instruments(), q in route_query()) {
        let a = answer(&world, &q);
        for c in &a.channels {
            let Some(id) = c.instrument_id.as_deref() else { continue };
            let inst = world.iter().find(|i| i.id == id).expect("offered from the candidates");
            prop_assert!(inst.party("CN").is_some(), "{} lacks CN", id);
            prop_assert!(inst.covers(q.matter, q.assistance).is_some(), "{} does not cover", id);
        }
    }

    /// With a region of the home state, only arrangements are offered.
    #[test]
    fn own_regions_get_only_arrangements(world in instruments(), q in route_query()) {
        prop_assume!(q.counterpart == "HK" || q.counterpart == "MO");
        let a = answer(&world, &q);
        let (_, rest) = a.channels.split_last().expect("never empty");
        prop_assert!(rest.iter().all(|c| c.kind == ChannelKind::Arrangement));
    }

    /// Issue 16: the primary channel is never reciprocity while a certain
    /// convention or treaty applies, and a convention is never "not a party"
    /// for a state absent only because its list is partial on the date.
    #[test]
    fn partial_lists_never_make_a_non_party(world in instruments(), q in route_query()) {
        let a = answer(&world, &q);
        if a.channels.iter().any(|c| c.instrument_id.is_some() && c.uncertain.is_none()) {
            prop_assert_ne!(a.channels[0].kind, ChannelKind::Reciprocity);
        }
        for n in &a.not_applicable {
            if n.code != NotApplicableReason::NotAParty {
                continue;
            }
            let inst = world.iter().find(|i| i.id == n.instrument_id).expect("considered");
            if inst.kind == InstrumentKind::MultilateralConvention {
                prop_assert!(
                    inst.party_list.as_ref().is_some_and(|l| l.complete_on(q.on)),
                    "{}: {}", n.instrument_id, n.reason
                );
            }
        }
    }
}

proptest! {
    /// Every date of an interval of [`DateBoundaries`] gets the same answer:
    /// a cache may key answers by interval instead of by date.
    #[test]
    fn the_answer_is_constant_within_a_date_interval(
        world in instruments(),
        q in route_query(),
        offset in 0i64..20_000,
    ) {
        let refs: Vec<&Instrument> = world.iter().collect();
        let boundaries = DateBoundaries::of("CN", &q.counterpart, &Listed::new(&super::fixtures::world(), &refs));
        let interval = boundaries.interval(q.on);
        prop_assert!(interval.contains(q.on));
        // Another day of the same interval, near its start or its end.
        let span_end = interval.end.map_or(q.on.to_days() + 20_000, |e| e.to_days());
        let span_start = interval.start.map_or(q.on.to_days() - 20_000, |s| s.to_days());
        let other = CalendarDate::from_days(span_start + offset % (span_end - span_start));
        prop_assert!(interval.contains(other));
        let there = RouteQuery { on: other, ..q.clone() };
        prop_assert_eq!(answer(&world, &there), answer(&world, &q));
    }
}

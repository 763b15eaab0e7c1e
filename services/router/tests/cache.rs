//! The answer cache: what it serves is byte for byte what the rules give
//! without it, a registry change invalidates it, and a date crossing inside
//! one revision changes the answer on the right day.

use std::sync::Arc;
use std::time::Duration;

use judicial_client::{Change, FollowEvent};
use judicial_domain::routing::{Direction, RouteQuery};
use judicial_domain::{
    Assistance, CalendarDate, Coverage, Instrument, InstrumentKind, Matter, PartialDate, Party,
    TreatyType,
};
use judicial_proto::v1 as pb;
use judicial_router::Router;
use judicial_router::answer::{Detail, Reply, Shape};
use judicial_server::Clock;
use proptest::prelude::*;
use prost::Message;

const FULL: Shape = Shape {
    checklist: false,
    detail: Detail::Full,
    page_size: 50,
    page_offset: 0,
};

fn synced_router(instruments: Vec<Instrument>) -> Arc<Router> {
    let router = Router::new("CN", 8 * 3600, 1 << 20, Clock::System);
    router.handle(FollowEvent::Reset {
        revision: 1,
        jurisdictions: judicial_dataset::bundled().all_jurisdictions(),
        instruments,
    });
    router
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

fn day(y: i32, m: u8, d: u8) -> CalendarDate {
    CalendarDate::new(y, m, d).expect("a real day")
}

/// Asks through the cache (the router's Route call).
fn cached(rt: &tokio::runtime::Runtime, router: &Router, q: &RouteQuery, shape: Shape) -> Reply {
    rt.block_on(router.route(q.clone(), shape, 0, Duration::ZERO))
        .expect("answered")
}

/// The reply without the cache, with the same view age as `like` (the
/// only field that moves with the clock between two calls).
fn uncached(router: &Router, q: &RouteQuery, shape: Shape, like: &Reply) -> Reply {
    let mut r = router
        .route_uncached(q.clone(), shape)
        .expect("answered uncached");
    r.view_age = like.view_age;
    r
}

fn assert_same(a: &Reply, b: &Reply) -> Result<(), TestCaseError> {
    let (x, y) = (a.to_bytes(), b.to_bytes());
    prop_assert_eq!(&x, &y, "cached and uncached answers differ");
    // And the concatenation is prost's own encoding of the message.
    let decoded = pb::RouteResponse::decode(x.as_slice()).expect("decodes");
    prop_assert_eq!(decoded.encode_to_vec(), x);
    Ok(())
}

fn counterparts() -> Vec<String> {
    let mut codes: Vec<String> = judicial_dataset::bundled()
        .instruments
        .iter()
        .flat_map(|i| i.parties.iter().map(|p| p.jurisdiction.clone()))
        .filter(|c| c != "CN")
        .collect();
    codes.sort();
    codes.dedup();
    codes.extend(["BR".into(), "HK".into(), "MO".into(), "XK".into()]);
    codes
}

fn query_strategy() -> impl Strategy<Value = (RouteQuery, Shape, i64)> {
    (
        proptest::sample::select(counterparts()),
        proptest::sample::select(Matter::ALL.to_vec()),
        proptest::sample::select(Assistance::ALL.to_vec()),
        (1950i32..2030, 1u8..=12, 1u8..=28),
        proptest::option::weighted(
            0.2,
            proptest::sample::select(vec!["corruption", "narcotics"]),
        ),
        proptest::option::weighted(
            0.2,
            proptest::sample::select(vec!["postal", "central_authority"]),
        ),
        any::<bool>(),
        0u8..3,
        (any::<bool>(), 1u32..4, 0u32..3),
        -800i64..800,
    )
        .prop_map(
            |(
                c,
                m,
                a,
                (y, mo, d),
                offence,
                transmission,
                explain,
                dir,
                (basic, size, offset),
                shift,
            )| {
                let q = RouteQuery {
                    offence: offence.map(str::to_owned),
                    transmission: transmission.map(str::to_owned),
                    explain,
                    direction: [Direction::Both, Direction::Outgoing, Direction::Incoming]
                        [dir as usize],
                    ..RouteQuery::new(c, m, a, day(y, mo, d))
                };
                let shape = if basic {
                    Shape {
                        detail: Detail::Basic,
                        page_size: 0,
                        page_offset: 0,
                        checklist: false,
                    }
                } else {
                    Shape {
                        detail: Detail::Full,
                        page_size: size,
                        page_offset: offset,
                        checklist: false,
                    }
                };
                (q, shape, shift)
            },
        )
}

/// A change to the registry: an instrument of the bundled dataset with its
/// dates moved, or deleted.
fn change_strategy() -> impl Strategy<Value = Change> {
    let n = judicial_dataset::bundled().instruments.len();
    (0..n, any::<bool>(), 1950i32..2030).prop_map(|(i, delete, year)| {
        let mut inst = judicial_dataset::bundled().instruments[i].clone();
        if delete {
            return Change::DeleteInstrument(inst);
        }
        for p in &mut inst.parties {
            p.entry_into_force = Some(PartialDate::year(year));
        }
        Change::PutInstrument(inst)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Over random queries and dates, before and after a registry change,
    /// an answer from the cache (a miss, then hits for other dates of the
    /// same interval) is byte for byte the answer computed without it.
    #[test]
    fn cached_answers_are_the_uncached_answers(
        queries in proptest::collection::vec(query_strategy(), 1..12),
        change in change_strategy(),
    ) {
        let rt = runtime();
        let router = synced_router(judicial_dataset::bundled().instruments.clone());
        let check = |router: &Router| -> Result<(), TestCaseError> {
            for (q, shape, shift) in &queries {
                for on in [q.on, q.on.add_days(*shift), q.on.add_days(shift / 7), q.on] {
                    let q = RouteQuery { on, ..q.clone() };
                    let got = rt.block_on(router.route(q.clone(), *shape, 0, Duration::ZERO));
                    match got {
                        Ok(got) => assert_same(&got, &uncached(router, &q, *shape, &got))?,
                        // An unknown counterpart fails the same way (XK is not built in).
                        Err(e) => prop_assert_eq!(
                            e.to_string(),
                            router.route_uncached(q.clone(), *shape).unwrap_err().to_string()
                        ),
                    }
                }
            }
            Ok(())
        };
        check(&router)?;
        router.handle(FollowEvent::Revision { revision: 2, changes: vec![change] });
        check(&router)?;
    }
}

fn treaty(id: &str, counterpart: &str, eif: PartialDate) -> Instrument {
    let mut inst = Instrument::new(id, InstrumentKind::BilateralTreaty, format!("treaty {id}"));
    inst.treaty_type = Some(TreatyType::CivilCommercial);
    inst.coverage = vec![Coverage::new(
        Matter::CivilCommercial,
        Assistance::ServiceOfDocuments,
    )];
    inst.sources = vec!["test".into()];
    inst.parties = ["CN", counterpart]
        .into_iter()
        .map(|code| Party {
            entry_into_force: Some(eif),
            ..Party::new(code)
        })
        .collect();
    inst
}

fn channels(reply: &Reply) -> Vec<(String, bool)> {
    pb::RouteResponse::decode(reply.to_bytes().as_slice())
        .expect("decodes")
        .channels
        .into_iter()
        .map(|c| (c.instrument, c.uncertain))
        .collect()
}

fn service_in_br(on: CalendarDate) -> RouteQuery {
    RouteQuery::new(
        "BR",
        Matter::CivilCommercial,
        Assistance::ServiceOfDocuments,
        on,
    )
}

/// A registry change drops the answers of the old view: with min_revision,
/// the next answer is the new view's, though the old one was cached.
#[test]
fn a_registry_change_invalidates_cached_answers() {
    let rt = runtime();
    let router = synced_router(Vec::new());
    let q = service_in_br(day(2020, 1, 1));
    let before = cached(&rt, &router, &q, FULL);
    assert_eq!(cached(&rt, &router, &q, FULL).answer, before.answer);
    assert!(router.cached_bytes() > 0, "the answer was kept");
    assert_eq!(channels(&before).len(), 1, "only reciprocity: {before:?}");

    // The follower applies revision 2 while a reader waits for it.
    let waiting = {
        let router = router.clone();
        let q = q.clone();
        rt.spawn(async move { router.route(q, FULL, 2, Duration::from_secs(5)).await })
    };
    router.handle(FollowEvent::Revision {
        revision: 2,
        changes: vec![Change::PutInstrument(treaty(
            "cn-br-civil",
            "BR",
            PartialDate::day(2010, 1, 1),
        ))],
    });
    let after = rt.block_on(waiting).expect("joined").expect("answered");
    assert_eq!(after.revision, 2);
    assert_eq!(
        channels(&after)[0],
        ("instruments/cn-br-civil".to_owned(), false)
    );
    assert_eq!(cached(&rt, &router, &q, FULL).answer, after.answer);
}

/// Within one revision, answers change on the days the dates say: a treaty
/// in force from 2005-03 (month known, day not) is not offered on
/// 2005-02-28, uncertain from 2005-03-01 to 2005-03-30, and certain from
/// 2005-03-31, whichever day was asked (and cached) first.
#[test]
fn a_date_crossing_changes_the_answer_on_the_right_day() {
    let rt = runtime();
    let router = synced_router(vec![treaty(
        "cn-br-civil",
        "BR",
        PartialDate::month(2005, 3),
    )]);
    let offered = |on: CalendarDate| {
        let reply = cached(&rt, &router, &service_in_br(on), FULL);
        channels(&reply)
            .into_iter()
            .find(|(i, _)| i == "instruments/cn-br-civil")
            .map(|(_, uncertain)| uncertain)
    };
    // Later days first, so that each earlier day would wrongly hit them.
    for (on, want) in [
        (day(2006, 1, 1), Some(false)),
        (day(2005, 3, 31), Some(false)),
        (day(2005, 3, 30), Some(true)),
        (day(2005, 3, 1), Some(true)),
        (day(2005, 3, 15), Some(true)),
        (day(2005, 2, 28), None),
        (day(1990, 1, 1), None),
        (day(2005, 3, 31), Some(false)),
    ] {
        assert_eq!(offered(on), want, "on {on}");
    }
}

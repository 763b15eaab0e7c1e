//! Registry and router in process: the channel answer follows the registry.

use std::time::Duration;

use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use judicial_registry::config::Seed;
use judicial_server::status::{reason, violated_fields};
use judicial_test_support::create_instrument as create;
use judicial_test_support::fixtures::{self, date};
use judicial_test_support::{RegistryHandle, RouterHandle};
use tonic::Code;
use tonic::transport::Channel;

fn party(
    code: &str,
    signed: Option<pb::Date>,
    eif: Option<pb::Date>,
    end: Option<pb::Date>,
) -> pb::Party {
    fixtures::party(code)
        .signed(signed)
        .in_force_from(eif)
        .terminated(end)
        .build()
}

fn coverage(matter: pb::Matter, assistance: pb::Assistance) -> pb::Coverage {
    pb::Coverage {
        matter: matter as i32,
        assistance: assistance as i32,
        transmissions: vec!["central_authority".into()],
        ..Default::default()
    }
}

fn treaty(
    id: &str,
    counterpart: &str,
    t: pb::TreatyType,
    cov: Vec<pb::Coverage>,
    eif: Option<pb::Date>,
    end: Option<pb::Date>,
) -> pb::Instrument {
    fixtures::treaty(id, counterpart)
        .treaty_type(t)
        .coverage(cov)
        .signed(date(1987, 1, 1))
        .in_force_from(eif)
        .terminated(end)
        .build()
}

fn query(
    counterpart: &str,
    matter: pb::Matter,
    assistance: pb::Assistance,
    on: Option<pb::Date>,
    min_revision: u64,
) -> pb::RouteRequest {
    pb::RouteRequest {
        counterpart: counterpart.into(),
        matter: matter as i32,
        assistance: assistance as i32,
        on_date: on,
        min_revision,
        ..Default::default()
    }
}

async fn route(
    router: &mut RouterServiceClient<Channel>,
    q: pb::RouteRequest,
) -> pb::RouteResponse {
    router.route(q).await.expect("route").into_inner()
}

fn kinds(r: &pb::RouteResponse) -> Vec<(i32, String)> {
    r.channels
        .iter()
        .map(|c| (c.kind, c.instrument.clone()))
        .collect()
}

const CIVIL: pb::Matter = pb::Matter::CivilCommercial;
const CRIMINAL: pb::Matter = pb::Matter::Criminal;
const SERVICE: pb::Assistance = pb::Assistance::ServiceOfDocuments;
const EVIDENCE: pb::Assistance = pb::Assistance::TakingOfEvidence;
const TREATY: i32 = pb::ChannelKind::BilateralTreaty as i32;
const CONVENTION: i32 = pb::ChannelKind::MultilateralConvention as i32;
const RECIPROCITY: i32 = pb::ChannelKind::Reciprocity as i32;
const ARRANGEMENT: i32 = pb::ChannelKind::Arrangement as i32;

#[tokio::test]
async fn writes_change_answers_with_read_your_writes_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let router = RouterHandle::start(&registry.url()).await;
    let (mut reg, mut rt) = (registry.client(), router.client());

    // No instrument: reciprocity, with its conditions.
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, date(2020, 1, 1), 0)).await;
    assert_eq!(kinds(&r), vec![(RECIPROCITY, String::new())]);
    assert!(!r.channels[0].conditions.is_empty());
    assert!(!r.stale);

    // A treaty written to the registry is in the very next answer at its revision.
    let rev = create(
        &mut reg,
        treaty(
            "cn-fr-civil-1987",
            "FR",
            pb::TreatyType::CivilCommercial,
            vec![coverage(CIVIL, SERVICE)],
            date(1988, 2, 8),
            date(2030, 1, 1),
        ),
    )
    .await;
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, date(2020, 1, 1), rev)).await;
    assert!(r.revision >= rev);
    assert_eq!(
        kinds(&r),
        vec![
            (TREATY, "instruments/cn-fr-civil-1987".into()),
            (RECIPROCITY, String::new())
        ]
    );
    assert!(!r.channels[0].home_authority.is_empty());

    // Each side of entry into force and of termination.
    for (on, in_force) in [
        (date(1988, 2, 7), false),
        (date(1988, 2, 8), true),
        (date(2029, 12, 31), true),
        (date(2030, 1, 1), false),
    ] {
        let r = route(&mut rt, query("FR", CIVIL, SERVICE, on, rev)).await;
        assert_eq!(
            r.channels[0].kind == TREATY,
            in_force,
            "{on:?}: {:?}",
            kinds(&r)
        );
        if !in_force {
            let na = r
                .not_applicable
                .iter()
                .find(|n| n.instrument == "instruments/cn-fr-civil-1987")
                .expect("reported");
            let want = if on.unwrap().year == 1988 {
                pb::NotApplicableReason::NotYetInForce
            } else {
                pb::NotApplicableReason::Terminated
            };
            assert_eq!(na.code, want as i32, "{}", na.reason);
        }
    }

    // Signed but not in force: reported, not offered.
    let rev = create(
        &mut reg,
        treaty(
            "cn-de-civil-2000",
            "DE",
            pb::TreatyType::CivilCommercial,
            vec![coverage(CIVIL, SERVICE)],
            None,
            None,
        ),
    )
    .await;
    let r = route(&mut rt, query("DE", CIVIL, SERVICE, date(2020, 1, 1), rev)).await;
    assert_eq!(r.channels[0].kind, RECIPROCITY);
    assert_eq!(
        r.not_applicable[0].code,
        pb::NotApplicableReason::NotInForce as i32
    );

    // A combined civil and criminal treaty serves both matters.
    let rev = create(
        &mut reg,
        treaty(
            "cn-pl-civil-criminal-1987",
            "PL",
            pb::TreatyType::CivilAndCriminal,
            vec![coverage(CIVIL, EVIDENCE), coverage(CRIMINAL, EVIDENCE)],
            date(1988, 1, 1),
            None,
        ),
    )
    .await;
    for matter in [CIVIL, CRIMINAL] {
        let r = route(
            &mut rt,
            query("PL", matter, EVIDENCE, date(2020, 1, 1), rev),
        )
        .await;
        assert_eq!(
            r.channels[0].instrument, "instruments/cn-pl-civil-criminal-1987",
            "{matter:?}"
        );
    }

    // A router that has not applied a revision answers UNAVAILABLE NOT_CAUGHT_UP within the deadline.
    let mut late = tonic::Request::new(query("FR", CIVIL, SERVICE, None, rev + 1000));
    late.set_timeout(Duration::from_millis(200));
    let err = rt.route(late).await.unwrap_err();
    assert_eq!(
        (err.code(), reason(&err).as_deref()),
        (Code::Unavailable, Some("NOT_CAUGHT_UP"))
    );

    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn conventions_apply_pairwise_and_respect_reservations() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let router = RouterHandle::start(&registry.url()).await;
    let (mut reg, mut rt) = (registry.client(), router.client());
    let mut cn = party("CN", None, date(1992, 1, 1), None);
    cn.reservations.push(pb::Reservation {
        article: "Art. 10".into(),
        text: "objects to postal service".into(),
        excluded_transmissions: vec!["postal".into()],
        ..Default::default()
    });
    let convention = pb::Instrument {
        id: "hague-service-1965".into(),
        kind: pb::InstrumentKind::MultilateralConvention as i32,
        title: "Hague Service Convention".into(),
        parties: vec![
            cn,
            party("FR", None, date(1972, 9, 1), None),
            party("DE", None, date(2005, 1, 1), None),
        ],
        coverage: vec![pb::Coverage {
            matter: CIVIL as i32,
            assistance: SERVICE as i32,
            articles: "Arts 2-6".into(),
            transmissions: vec!["central_authority".into(), "postal".into()],
            ..Default::default()
        }],
        sources: vec!["test".into()],
        // Review finding 1: "not a party" needs a list known complete on the date.
        party_list: Some(pb::PartyList {
            complete_as_of: date(2024, 3, 21),
            sources: vec!["test".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let rev = create(&mut reg, convention).await;
    // Both in force: applies; postal is excluded from the means offered.
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, date(2000, 1, 1), rev)).await;
    assert_eq!(r.channels[0].kind, CONVENTION);
    assert!(
        !r.channels[0].transmission.contains("postal"),
        "{}",
        r.channels[0].transmission
    );
    // Before China's entry into force: not applicable.
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, date(1991, 1, 1), rev)).await;
    assert_eq!(kinds(&r), vec![(RECIPROCITY, String::new())]);
    // Germany only from 2005.
    let r = route(&mut rt, query("DE", CIVIL, SERVICE, date(2000, 1, 1), rev)).await;
    assert_eq!(r.channels[0].kind, RECIPROCITY);
    // Not a party at all.
    let r = route(&mut rt, query("BR", CIVIL, SERVICE, date(2000, 1, 1), rev)).await;
    assert_eq!(
        r.not_applicable[0].code,
        pb::NotApplicableReason::NotAParty as i32
    );
    // An intended means a reservation excludes: the convention stays, by
    // its other means, and says post is not available (review finding 21).
    let mut postal = query("FR", CIVIL, SERVICE, date(2000, 1, 1), rev);
    postal.transmission = "postal".into();
    let r = route(&mut rt, postal).await;
    assert_ne!(r.channels[0].kind, RECIPROCITY);
    assert_eq!(r.channels[0].transmission, "central_authority");
    assert!(
        r.channels[0].conditions[0].starts_with("postal service not available: "),
        "{:?}",
        r.channels[0].conditions
    );
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn bad_queries_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let router = RouterHandle::start(&registry.url()).await;
    let mut rt = router.client();
    let err = rt
        .route(query("QQ", CIVIL, SERVICE, None, 0))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    assert!(err.message().contains("QQ"), "{}", err.message());
    let err = rt
        .route(pb::RouteRequest {
            counterpart: "FR".into(),
            on_date: date(2021, 2, 29),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&err), ["matter", "assistance", "on_date"]);
    let batch = pb::BatchRouteRequest {
        requests: vec![query("FR", CIVIL, SERVICE, None, 0); 1001],
    };
    let err = rt.batch_route(batch).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["requests"]);
    let batch = pb::BatchRouteRequest {
        requests: vec![
            query("FR", CIVIL, SERVICE, None, 0),
            query("DE", CRIMINAL, EVIDENCE, None, 0),
        ],
    };
    let answers = rt.batch_route(batch).await.unwrap().into_inner();
    assert_eq!(answers.responses.len(), 2);
    assert_eq!(answers.responses[1].counterpart, "DE");
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn bundled_dataset_answers_real_cases() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let router = RouterHandle::start(&registry.url()).await;
    let mut rt = router.client();

    // China–France civil and commercial treaty (in force 1988-02-08).
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, date(2024, 6, 1), 0)).await;
    assert_eq!(r.channels[0].instrument, "instruments/cn-fr-civil-1987");
    assert!(
        r.channels[0].home_authority.contains("Ministry of Justice"),
        "{:?}",
        r.channels[0]
    );
    assert!(
        r.channels.iter().any(|c| c.kind == CONVENTION),
        "the Hague Service Convention is an alternative: {:?}",
        kinds(&r)
    );
    assert_eq!(r.channels.last().unwrap().kind, RECIPROCITY);
    // Before the treaty entered into force, and before China joined the Hague Service Convention.
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, date(1987, 12, 1), 0)).await;
    assert_eq!(kinds(&r), vec![(RECIPROCITY, String::new())]);
    assert!(
        r.not_applicable
            .iter()
            .any(|n| n.instrument == "instruments/cn-fr-civil-1987"
                && n.code == pb::NotApplicableReason::NotYetInForce as i32)
    );

    // Hong Kong: arrangements, not treaties.
    let r = route(&mut rt, query("HK", CIVIL, SERVICE, date(2024, 6, 1), 0)).await;
    assert_eq!(r.channels[0].kind, ARRANGEMENT, "{:?}", kinds(&r));
    assert!(r.channels.iter().all(|c| c.kind != TREATY));
    let r = route(&mut rt, query("MO", CIVIL, EVIDENCE, date(2024, 6, 1), 0)).await;
    assert_eq!(r.channels[0].kind, ARRANGEMENT, "{:?}", kinds(&r));

    // Coverage lists every jurisdiction but China.
    let cov = rt
        .get_coverage(pb::GetCoverageRequest {
            matter: CIVIL as i32,
            assistance: SERVICE as i32,
            on_date: date(2024, 6, 1),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cov.entries.len(), 248);
    let fr = cov.entries.iter().find(|e| e.jurisdiction == "FR").unwrap();
    assert_eq!(fr.instrument, "instruments/cn-fr-civil-1987");
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

/// Polls a condition that changes asynchronously (a connection dropping);
/// bounded so a broken build fails instead of hanging.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn registry_outage_serves_stale_then_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let addr = registry.addr;
    let router = RouterHandle::start(&registry.url()).await;
    let (mut reg, mut rt) = (registry.client(), router.client());
    let rev = create(
        &mut reg,
        treaty(
            "cn-fr-civil-1987",
            "FR",
            pb::TreatyType::CivilCommercial,
            vec![coverage(CIVIL, SERVICE)],
            date(1988, 2, 8),
            None,
        ),
    )
    .await;
    route(&mut rt, query("FR", CIVIL, SERVICE, None, rev)).await;
    registry.stop().await.unwrap();

    eventually("a stale answer", || {
        let mut rt = rt.clone();
        async move {
            route(&mut rt, query("FR", CIVIL, SERVICE, None, 0))
                .await
                .stale
        }
    })
    .await;
    let r = route(&mut rt, query("FR", CIVIL, SERVICE, None, 0)).await;
    assert_eq!(
        r.channels[0].instrument, "instruments/cn-fr-civil-1987",
        "the last view still answers"
    );

    // The registry returns on the same address, with a write the router has not seen.
    let registry = RegistryHandle::restart_at(addr, dir.path()).await;
    let mut reg = registry.client();
    let rev = create(
        &mut reg,
        treaty(
            "cn-de-civil-2000",
            "DE",
            pb::TreatyType::CivilCommercial,
            vec![coverage(CIVIL, SERVICE)],
            date(2001, 1, 1),
            None,
        ),
    )
    .await;
    let r = route(&mut rt, query("DE", CIVIL, SERVICE, None, rev)).await;
    assert!(!r.stale);
    assert_eq!(r.channels[0].instrument, "instruments/cn-de-civil-2000");
    // The router's view now equals a fresh snapshot: every instrument answers identically.
    let export = reg
        .export_dataset(pb::ExportDatasetRequest {})
        .await
        .unwrap()
        .into_inner();
    let fresh = RouterHandle::start(&registry.url()).await;
    let mut fresh_rt = fresh.client();
    for inst in &export.instruments {
        for p in inst.parties.iter().filter(|p| p.jurisdiction != "CN") {
            let q = query(
                &p.jurisdiction,
                CIVIL,
                SERVICE,
                date(2024, 1, 1),
                export.revision,
            );
            let (a, b) = (
                route(&mut rt, q.clone()).await,
                route(&mut fresh_rt, q).await,
            );
            assert_eq!((kinds(&a), a.revision), (kinds(&b), b.revision));
        }
    }
    fresh.stop().await.unwrap();
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

/// A region of another state: the rules consider its parent's treaties
/// themselves. Extended to the region, the parent's treaty is the channel;
/// not extended, it is reported as not reaching the region.
#[tokio::test]
async fn a_foreign_region_is_reached_through_its_parents_treaties() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let router = RouterHandle::start(&registry.url()).await;
    let (mut reg, mut rt) = (registry.client(), router.client());
    for (code, parent) in [("XF", "FR"), ("XD", "DE")] {
        reg.create_jurisdiction(pb::CreateJurisdictionRequest {
            jurisdiction: Some(pb::Jurisdiction {
                code: code.into(),
                display_name: format!("a region of {parent}"),
                kind: pb::JurisdictionKind::Region as i32,
                parent: parent.into(),
                ..Default::default()
            }),
            reason: "test".into(),
        })
        .await
        .expect("create the region");
    }
    let mut extended = treaty(
        "cn-fr-civil-1987",
        "FR",
        pb::TreatyType::CivilCommercial,
        vec![coverage(CIVIL, SERVICE)],
        date(1988, 2, 8),
        None,
    );
    extended.parties[1].extended_to = vec!["XF".into()];
    create(&mut reg, extended).await;
    let not_extended = treaty(
        "cn-de-civil-2000",
        "DE",
        pb::TreatyType::CivilCommercial,
        vec![coverage(CIVIL, SERVICE)],
        date(2001, 1, 1),
        None,
    );
    let rev = create(&mut reg, not_extended).await;

    let r = route(&mut rt, query("XF", CIVIL, SERVICE, date(2020, 1, 1), rev)).await;
    assert_eq!(
        kinds(&r),
        vec![
            (TREATY, "instruments/cn-fr-civil-1987".into()),
            (RECIPROCITY, String::new())
        ],
        "the parent's treaty, extended to the region, is its channel"
    );

    let r = route(&mut rt, query("XD", CIVIL, SERVICE, date(2020, 1, 1), rev)).await;
    assert_eq!(kinds(&r), vec![(RECIPROCITY, String::new())]);
    let reported: Vec<(&str, i32)> = r
        .not_applicable
        .iter()
        .map(|n| (n.instrument.as_str(), n.code))
        .collect();
    assert_eq!(
        reported,
        [(
            "instruments/cn-de-civil-2000",
            pb::NotApplicableReason::RegionNotCovered as i32
        )],
        "the parent's treaty is reported as not reaching the region"
    );
    assert!(
        r.not_applicable[0].reason.contains("has not extended"),
        "{}",
        r.not_applicable[0].reason
    );
    registry.stop().await.unwrap();
}

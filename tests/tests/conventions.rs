//! Issue 16, "Done when": the bundled dataset through a real registry and
//! router (127.0.0.1:0, real sled dir), for the states the facts now cover.

use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use judicial_registry::config::Seed;
use judicial_server::status::violated_fields;
use judicial_test_support::fixtures::date;
use judicial_test_support::{RegistryHandle, RouterHandle};
use tonic::Code;
use tonic::transport::Channel;

const CIVIL: pb::Matter = pb::Matter::CivilCommercial;
const CRIMINAL: pb::Matter = pb::Matter::Criminal;
const SERVICE: pb::Assistance = pb::Assistance::ServiceOfDocuments;
const EVIDENCE: pb::Assistance = pb::Assistance::TakingOfEvidence;
const ASSETS: pb::Assistance = pb::Assistance::AssetRecovery;
const CONVENTION: i32 = pb::ChannelKind::MultilateralConvention as i32;

async fn route(
    rt: &mut RouterServiceClient<Channel>,
    counterpart: &str,
    matter: pb::Matter,
    assistance: pb::Assistance,
    on: Option<pb::Date>,
    offence: &str,
) -> pb::RouteResponse {
    rt.route(pb::RouteRequest {
        counterpart: counterpart.into(),
        matter: matter as i32,
        assistance: assistance as i32,
        on_date: on,
        offence: offence.into(),
        ..Default::default()
    })
    .await
    .expect("route")
    .into_inner()
}

#[tokio::test]
async fn the_bundled_conventions_answer_for_every_state_the_facts_cover() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let router = RouterHandle::start(&registry.url()).await;
    let mut rt = router.client();

    // GB and NL: Hague Service is the primary channel (was reciprocity: review finding 1).
    for c in ["GB", "NL"] {
        let r = route(&mut rt, c, CIVIL, SERVICE, date(2024, 6, 1), "").await;
        assert_eq!(
            r.channels[0].instrument, "instruments/hague-service-1965",
            "{c}: {:?}",
            r.channels[0]
        );
        assert!(!r.channels[0].uncertain, "{c}: {:?}", r.channels[0]);
    }
    // The UK does not object to postal service: post is offered outgoing
    // (statements recorded for Art. 10); Germany objects (review finding 5).
    let gb = route(&mut rt, "GB", CIVIL, SERVICE, date(2024, 6, 1), "").await;
    assert!(
        gb.channels[0]
            .conditions
            .iter()
            .any(|c| c.contains("no service by postal (CN objects under Art. 10)")),
        "{:?}",
        gb.channels[0].conditions
    );

    // DE taking of evidence: Germany accepted China's accession, in force
    // between them from 1998-07-06 (review finding 2).
    let r = route(&mut rt, "DE", CIVIL, EVIDENCE, date(2020, 1, 1), "").await;
    assert_eq!(
        r.channels[0].instrument, "instruments/hague-evidence-1970",
        "{:?}",
        r.channels[0]
    );
    assert!(!r.channels[0].uncertain);
    let r = route(&mut rt, "DE", CIVIL, EVIDENCE, date(1998, 3, 1), "").await;
    assert!(
        r.channels
            .iter()
            .all(|c| c.instrument != "instruments/hague-evidence-1970")
    );
    let na = r
        .not_applicable
        .iter()
        .find(|n| n.instrument == "instruments/hague-evidence-1970")
        .expect("reported");
    assert_eq!(na.code, pb::NotApplicableReason::NotYetInForce as i32);
    assert!(na.reason.contains("1998-07-06"), "{}", na.reason);

    // MX criminal asset recovery for corruption: UNCAC is offered.
    let r = route(
        &mut rt,
        "MX",
        CRIMINAL,
        ASSETS,
        date(2024, 6, 1),
        "corruption",
    )
    .await;
    assert!(
        r.channels
            .iter()
            .any(|c| c.instrument == "instruments/uncac-2003" && !c.uncertain),
        "{:?}",
        r.channels
    );
    assert!(
        r.not_applicable
            .iter()
            .any(|n| n.instrument == "instruments/untoc-2000"
                && n.code == pb::NotApplicableReason::OffenceOutOfScope as i32)
    );

    // A state absent from a partial list: uncertain convention, never not_a_party.
    // Hostages 1979's list is as of 2014-2015; Angola is not on it.
    let r = route(
        &mut rt,
        "AO",
        CRIMINAL,
        EVIDENCE,
        date(2024, 6, 1),
        "hostage_taking",
    )
    .await;
    assert!(
        r.not_applicable
            .iter()
            .all(|n| n.instrument != "instruments/un-hostages-1979"),
        "{:?}",
        r.not_applicable
    );
    {
        let c = r
            .channels
            .iter()
            .find(|c| c.instrument == "instruments/un-hostages-1979")
            .expect("offered as uncertain");
        assert!(
            c.uncertain && c.uncertainty.contains("AO's participation is not recorded"),
            "{c:?}"
        );
        assert!(
            r.channels
                .last()
                .unwrap()
                .conditions
                .iter()
                .any(|x| x.contains("a convention may apply"))
        );
    }
    // After Hague Service's list is complete (2024-03-21) a missing state
    // would be not_a_party; before it, every absent state is uncertain.
    for n in &r.not_applicable {
        assert_ne!(
            n.code,
            pb::NotApplicableReason::NotAParty as i32,
            "{}: {}",
            n.instrument,
            n.reason
        );
    }
    assert!(r.channels.iter().any(|c| c.kind == CONVENTION));

    // An unknown offence word: INVALID_ARGUMENT naming the field and the known words.
    let err = rt
        .route(pb::RouteRequest {
            counterpart: "MX".into(),
            matter: CRIMINAL as i32,
            assistance: ASSETS as i32,
            offence: "jaywalking".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    assert_eq!(violated_fields(&err), vec!["offence".to_owned()]);
    assert!(err.message().contains("corruption"), "{}", err.message());

    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

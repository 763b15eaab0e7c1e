//! Issue 17: review findings checked on the bundled dataset through a real
//! registry and router (127.0.0.1:0, real sled directory).

use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle};
use tonic::transport::Channel;

async fn route(
    rt: &mut RouterServiceClient<Channel>,
    counterpart: &str,
    assistance: pb::Assistance,
    direction: pb::Direction,
    transmission: &str,
) -> pb::RouteResponse {
    rt.route(pb::RouteRequest {
        counterpart: counterpart.into(),
        matter: pb::Matter::CivilCommercial as i32,
        assistance: assistance as i32,
        on_date: Some(pb::Date {
            year: 2024,
            month: 6,
            day: 1,
        }),
        direction: direction as i32,
        transmission: transmission.into(),
        ..Default::default()
    })
    .await
    .expect("route")
    .into_inner()
}

fn channel<'a>(r: &'a pb::RouteResponse, instrument: &str) -> &'a pb::Channel {
    r.channels
        .iter()
        .find(|c| c.instrument == instrument)
        .unwrap_or_else(|| panic!("{instrument} not offered: {r:#?}"))
}

#[tokio::test]
async fn review_findings_on_the_bundled_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let router = RouterHandle::start(&registry.url()).await;
    let mut rt = router.client();
    use pb::Assistance::{ServiceOfDocuments as SERVICE, TakingOfEvidence as EVIDENCE};
    use pb::Direction::{Incoming, Outgoing};
    const EVIDENCE_1970: &str = "instruments/hague-evidence-1970";
    const SERVICE_1965: &str = "instruments/hague-service-1965";

    // Finding 14: China's Art. 33 reservation keeps Art. 15 (consuls take
    // evidence from their own nationals) and excludes only Arts 16-17.
    let r = route(&mut rt, "FR", EVIDENCE, Incoming, "").await;
    let hague = channel(&r, EVIDENCE_1970);
    assert_eq!(
        hague.transmission, "letter_of_request, consular_own_nationals",
        "{hague:#?}"
    );
    for excluded in ["consular_other_nationals", "commissioners"] {
        assert!(
            hague.conditions.contains(&format!(
                "no transmission by {excluded} (CN objects under Art. 33)"
            )),
            "{:#?}",
            hague.conditions
        );
    }

    // Findings 4 and 15: China's Art. 5(3) (Chinese translation) and Art. 8(2)
    // (consuls serve only their own nationals) bind requests to China only.
    let to_cn = route(&mut rt, "GB", SERVICE, Incoming, "").await;
    let from_cn = route(&mut rt, "GB", SERVICE, Outgoing, "").await;
    for article in ["Art. 5(3)", "Art. 8(2)"] {
        let says = |r: &pb::RouteResponse| {
            channel(r, SERVICE_1965)
                .conditions
                .iter()
                .any(|c| c.starts_with(&format!("CN declaration under {article}")))
        };
        assert!(says(&to_cn), "{article}: {to_cn:#?}");
        assert!(!says(&from_cn), "{article}: {from_cn:#?}");
    }

    // Finding 21: post intended for service in China: both instruments stay,
    // by their other means, each saying why post is not available.
    let r = route(&mut rt, "FR", SERVICE, Incoming, "postal").await;
    assert_eq!(
        channel(&r, SERVICE_1965).conditions[0],
        "postal service not available: China objects under Art. 10; use central_authority, consular_indirect, diplomatic_exceptional, consular_own_nationals"
    );
    assert_eq!(
        channel(&r, "instruments/cn-fr-civil-1987").conditions[0],
        "postal service not available: not a recorded means of transmission under this instrument; use central_authority"
    );
    assert!(
        r.not_applicable
            .iter()
            .all(|n| n.instrument != SERVICE_1965)
    );

    // Extradition from the US without a treaty: the UN conventions are
    // offered only on their conditions, the first of them that the requested
    // state must take the convention as the legal basis (UNTOC Art. 16(4)-(5),
    // UNCAC Art. 44(5)-(6)), which the record does not show for either side.
    let us = rt
        .route(pb::RouteRequest {
            counterpart: "US".into(),
            matter: pb::Matter::Criminal as i32,
            assistance: pb::Assistance::Extradition as i32,
            direction: Outgoing as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let untoc = channel(&us, "instruments/untoc-2000");
    assert_eq!(
        untoc.conditions[0],
        "only if the requested state takes the Convention as the legal basis for extradition where it makes extradition conditional on a treaty (Art. 16(4)-(5)); the requested state's Art. 16(5) notification is not recorded"
    );
    let fallback = us.channels.last().unwrap();
    assert!(fallback.instrument.is_empty(), "{fallback:#?}");
    assert!(
        fallback.conditions[0].starts_with("only for what the applicable treaty does not govern: a reciprocity promise is required only where there is no extradition treaty (Extradition Law Art. 15)"),
        "{:#?}",
        fallback.conditions
    );
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

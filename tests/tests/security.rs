//! mTLS and roles: the registry and router with TLS on, certificates from
//! `judicial certs init`, a policy, and the followers over mTLS.

use std::path::Path;
use std::time::Duration;

use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::tls::{self, secure};
use judicial_test_support::{RegistryHandle, RouterHandle, fixtures};
use tonic::Code;
use tonic::transport::Channel;

fn tls_channel(addr: std::net::SocketAddr, certs: &Path, who: Option<&str>) -> Channel {
    tls::channel(addr, certs, who)
}

fn treaty(id: &str) -> pb::Instrument {
    fixtures::treaty(id, "FR")
        .treaty_type(pb::TreatyType::Extradition)
        .covering(pb::Matter::Criminal, pb::Assistance::Extradition)
        .title(id)
        .in_force_from(fixtures::date(2008, 7, 20))
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtls_roles_audit_and_followers() {
    let certs = tempfile::tempdir().unwrap();
    judicial_server::certs::init(certs.path()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut config = judicial_registry::Config::for_data_dir(data.path(), Seed::None);
    secure(&mut config.common, certs.path(), "registry");
    let registry = RegistryHandle::start_with(config).await;

    // No client certificate: the handshake fails.
    let mut anonymous = RegistryServiceClient::new(tls_channel(registry.addr, certs.path(), None));
    let err = anonymous
        .get_stats(pb::GetStatsRequest::default())
        .await
        .unwrap_err();
    // How the refusal surfaces depends on when the client notices the
    // server's alert (during the handshake, or as a closed connection).
    assert!(
        matches!(
            err.code(),
            Code::Unavailable | Code::Unknown | Code::Unauthenticated | Code::Cancelled
        ),
        "{err:?}"
    );
    // Plaintext to a TLS port fails too.
    let mut plain = registry.client();
    assert!(
        plain
            .get_stats(pb::GetStatsRequest::default())
            .await
            .is_err()
    );

    // A reader reads but cannot write; the error names the role.
    let mut reader =
        RegistryServiceClient::new(tls_channel(registry.addr, certs.path(), Some("reader")));
    reader
        .get_stats(pb::GetStatsRequest::default())
        .await
        .expect("reader may read");
    let err = reader
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(treaty("cn-fr-extradition-2007")),
            reason: "r".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(err.message().contains("writer"), "{}", err.message());

    // A writer writes, and the audit trail names it.
    let mut writer =
        RegistryServiceClient::new(tls_channel(registry.addr, certs.path(), Some("writer")));
    let created = writer
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(treaty("cn-fr-extradition-2007")),
            reason: "treaty text received".into(),
        })
        .await
        .expect("writer may write")
        .into_inner();
    let audit = reader
        .list_changes(pb::ListChangesRequest {
            filter: "instrument=cn-fr-extradition-2007".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(audit.changes[0].actor, "writer.judicial.internal");
    assert_eq!(audit.changes[0].reason, "treaty text received");

    // The router follows the registry over mTLS and serves over TLS.
    let mut router_config =
        judicial_router::Config::following(format!("https://{}", registry.addr));
    secure(&mut router_config.common, certs.path(), "router");
    let router =
        RouterHandle::start_secured(router_config, tls_channel_factory(certs.path())).await;
    let mut route =
        RouterServiceClient::new(tls_channel(router.addr, certs.path(), Some("reader")));
    let answer = route
        .route(pb::RouteRequest {
            counterpart: "FR".into(),
            matter: pb::Matter::Criminal as i32,
            assistance: pb::Assistance::Extradition as i32,
            min_revision: created.revision,
            ..Default::default()
        })
        .await
        .expect("reader may route")
        .into_inner();
    assert_eq!(
        answer.channels[0].instrument,
        "instruments/cn-fr-extradition-2007"
    );

    // The notifier follows over mTLS too; a reader (who also subscribes)
    // receives the next change; a writer without the subscriber role cannot.
    let notifier_dir = tempfile::tempdir().unwrap();
    let mut notifier_config = judicial_notifier::Config::for_data_dir(
        notifier_dir.path(),
        format!("https://{}", registry.addr),
    );
    secure(&mut notifier_config.common, certs.path(), "notifier");
    let notifier = judicial_test_support::notifier::NotifierHandle::start_secured(
        notifier_config,
        tls_channel_factory(certs.path()),
    )
    .await;
    let mut subscriber =
        NotifierServiceClient::new(tls_channel(notifier.addr, certs.path(), Some("reader")));
    let subscription = pb::Subscription {
        id: "ministry-x".into(),
        start: pb::StartPosition::Latest as i32,
        ..Default::default()
    };
    subscriber
        .create_subscription(pb::CreateSubscriptionRequest {
            subscription: Some(subscription),
            subscription_id: String::new(),
        })
        .await
        .expect("a subscriber may subscribe");
    let mut denied =
        NotifierServiceClient::new(tls_channel(notifier.addr, certs.path(), Some("writer")));
    let err = denied
        .list_subscriptions(pb::ListSubscriptionsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let mut events = subscriber
        .stream_events(pb::StreamEventsRequest {
            subscription: "subscriptions/ministry-x".into(),
            max_in_flight: 0,
        })
        .await
        .unwrap()
        .into_inner();
    writer
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(treaty("cn-fr-extradition-2030")),
            reason: "second".into(),
        })
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(20), events.message())
        .await
        .expect("an event in time")
        .unwrap()
        .unwrap();
    assert_eq!(event.subject, "instruments/cn-fr-extradition-2030");
    drop(events);
    notifier.stop().await.unwrap();
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

fn tls_channel_factory(certs: &Path) -> impl Fn(std::net::SocketAddr) -> Channel {
    let certs = certs.to_owned();
    move |addr| tls_channel(addr, &certs, Some("reader"))
}

#[tokio::test]
async fn plaintext_on_a_public_address_needs_insecure() {
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let config = judicial_registry::Config::for_data_dir(data.path(), Seed::None);
    let err = judicial_registry::run(config, listener, judicial_server::Shutdown::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("refusing to serve plaintext"),
        "{err}"
    );
    assert!(
        std::fs::read_dir(data.path()).unwrap().next().is_none(),
        "nothing was written"
    );
}

#[test]
fn a_broken_policy_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(
        &path,
        "[principals]\n\"a\" = [\"reader\"]\n\"b\" = [\"overlord\"]\n",
    )
    .unwrap();
    let err = judicial_server::auth::Policy::load(&path).unwrap_err();
    assert!(
        err.contains("line 3") && err.contains("policy.toml"),
        "{err}"
    );
}

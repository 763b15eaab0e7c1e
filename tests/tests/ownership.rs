//! Authorization that fails closed and subscriptions that belong to their
//! creator: real servers over mTLS, certificates from `judicial certs init`,
//! two subscriber identities and an admin.

use std::path::Path;

use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_server::status::{Reason, reason};
use judicial_test_support::RegistryHandle;
use judicial_test_support::notifier::{NotifierHandle, next_event, subscribe, treaty};
use judicial_test_support::tls::{self, secure};
use tonic::Code;
use tonic::transport::Channel;
use tower::ServiceExt;

const ALICE: &str = "reader"; // reader.judicial.internal: a subscriber
const BOB: &str = "writer"; // writer.judicial.internal: another subscriber
const ADMIN: &str = "router"; // router.judicial.internal: admin here

/// The generated certificates with a policy of two subscribers and an admin.
fn certificates() -> tempfile::TempDir {
    let certs = tempfile::tempdir().unwrap();
    judicial_server::certs::init(certs.path()).unwrap();
    std::fs::write(
        certs.path().join("policy.toml"),
        "[principals]\n\
         \"registry.judicial.internal\" = [\"reader\"]\n\
         \"notifier.judicial.internal\" = [\"reader\"]\n\
         \"reader.judicial.internal\" = [\"reader\", \"subscriber\"]\n\
         \"writer.judicial.internal\" = [\"writer\", \"reader\", \"subscriber\"]\n\
         \"router.judicial.internal\" = [\"admin\"]\n",
    )
    .unwrap();
    certs
}

fn tls_channel(addr: std::net::SocketAddr, certs: &Path, who: &str) -> Channel {
    tls::channel(addr, certs, Some(who))
}

/// A registry and a notifier over mTLS with the two-subscriber policy.
async fn secured_suite(certs: &Path) -> (RegistryHandle, NotifierHandle, [tempfile::TempDir; 2]) {
    let data = tempfile::tempdir().unwrap();
    let mut config = judicial_registry::Config::for_data_dir(data.path(), Seed::None);
    secure(&mut config.common, certs, "registry");
    let registry = RegistryHandle::start_with(config).await;
    let notifier_dir = tempfile::tempdir().unwrap();
    let mut config = judicial_notifier::Config::for_data_dir(
        notifier_dir.path(),
        format!("https://{}", registry.addr),
    );
    secure(&mut config.common, certs, "notifier");
    let certs_dir = certs.to_owned();
    let notifier =
        NotifierHandle::start_secured(config, move |addr| tls_channel(addr, &certs_dir, ALICE))
            .await;
    (registry, notifier, [data, notifier_dir])
}

fn denied_as_not_owner(result: Result<impl std::fmt::Debug, tonic::Status>, what: &str) {
    let status = result.expect_err(what);
    assert_eq!(status.code(), Code::PermissionDenied, "{what}: {status:?}");
    assert_eq!(
        reason(&status).as_deref(),
        Some(Reason::NotOwner.as_str()),
        "{what}"
    );
    assert!(
        status.message() == "writer.judicial.internal does not own subscriptions/alice-feed",
        "{what}: {}",
        status.message()
    );
}

fn names(list: &pb::ListSubscriptionsResponse) -> Vec<&str> {
    list.subscriptions.iter().map(|s| s.id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_belong_to_their_creator() {
    let certs = certificates();
    let (registry, notifier, _dirs) = secured_suite(certs.path()).await;
    let client = |who| NotifierServiceClient::new(tls_channel(notifier.addr, certs.path(), who));
    let (mut alice, mut bob, mut admin) = (client(ALICE), client(BOB), client(ADMIN));

    // Each subscription records who created it.
    let created = subscribe(&mut alice, "alice-feed", &[], pb::StartPosition::Latest).await;
    assert_eq!(created.owner, "reader.judicial.internal");
    let theirs = subscribe(&mut bob, "bob-feed", &[], pb::StartPosition::Latest).await;
    assert_eq!(theirs.owner, "writer.judicial.internal");

    // Bob, a subscriber too, can neither read, stream, ack nor delete Alice's.
    let name = || "subscriptions/alice-feed".to_owned();
    denied_as_not_owner(
        bob.get_subscription(pb::GetSubscriptionRequest { name: name() })
            .await,
        "get",
    );
    denied_as_not_owner(
        bob.stream_events(pb::StreamEventsRequest {
            subscription: name(),
            max_in_flight: 0,
        })
        .await,
        "stream",
    );
    denied_as_not_owner(
        bob.ack_events(pb::AckEventsRequest {
            subscription: name(),
            sequence: 1,
        })
        .await,
        "ack",
    );
    denied_as_not_owner(
        bob.delete_subscription(pb::DeleteSubscriptionRequest { name: name() })
            .await,
        "delete",
    );

    // Each lists its own; the admin lists all.
    let list = |c: &mut NotifierServiceClient<Channel>| {
        let mut c = c.clone();
        async move {
            c.list_subscriptions(pb::ListSubscriptionsRequest::default())
                .await
                .unwrap()
                .into_inner()
        }
    };
    assert_eq!(names(&list(&mut alice).await), ["alice-feed"]);
    assert_eq!(names(&list(&mut bob).await), ["bob-feed"]);
    assert_eq!(names(&list(&mut admin).await), ["alice-feed", "bob-feed"]);
    // Paging counts only what the caller may see.
    let page = bob
        .list_subscriptions(pb::ListSubscriptionsRequest {
            page_size: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(names(&page), ["bob-feed"]);
    assert!(page.next_page_token.is_empty(), "{page:?}");

    // The owner streams and acks; Alice's events were not touched by Bob.
    let mut events = alice
        .stream_events(pb::StreamEventsRequest {
            subscription: name(),
            max_in_flight: 0,
        })
        .await
        .expect("the owner streams")
        .into_inner();
    let mut writer = RegistryServiceClient::new(tls_channel(registry.addr, certs.path(), BOB));
    writer
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(treaty("cn-fr-civil-2031", "FR", Some((2031, 1, 1)))),
            reason: "ownership test".into(),
        })
        .await
        .expect("writer writes");
    let event = next_event(&mut events).await;
    assert_eq!(event.subject, "instruments/cn-fr-civil-2031");
    let acked = alice
        .ack_events(pb::AckEventsRequest {
            subscription: name(),
            sequence: event.sequence,
        })
        .await
        .expect("the owner acks")
        .into_inner();
    assert_eq!(acked.acked_sequence, event.sequence);
    drop(events);

    // The admin may read and delete anyone's.
    let seen = admin
        .get_subscription(pb::GetSubscriptionRequest { name: name() })
        .await
        .expect("the admin reads any subscription")
        .into_inner();
    assert_eq!(seen.acked_sequence, event.sequence);
    admin
        .delete_subscription(pb::DeleteSubscriptionRequest {
            name: "subscriptions/bob-feed".into(),
        })
        .await
        .expect("the admin deletes any subscription");
    alice
        .delete_subscription(pb::DeleteSubscriptionRequest { name: name() })
        .await
        .expect("the owner deletes its own");
    assert!(list(&mut admin).await.subscriptions.is_empty());

    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

/// Without TLS (development), every caller is `anonymous` and sees all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_tls_everything_stays_anonymous() {
    let data = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(data.path(), Seed::None).await;
    let notifier_dir = tempfile::tempdir().unwrap();
    let notifier = NotifierHandle::start(notifier_dir.path(), &registry.url()).await;
    let (mut one, mut two) = (notifier.client(), notifier.client());
    let created = subscribe(&mut one, "dev-feed", &[], pb::StartPosition::Latest).await;
    assert_eq!(created.owner, "anonymous");
    let seen = two
        .get_subscription(pb::GetSubscriptionRequest {
            name: "subscriptions/dev-feed".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(seen.owner, "anonymous");
    two.delete_subscription(pb::DeleteSubscriptionRequest {
        name: "subscriptions/dev-feed".into(),
    })
    .await
    .unwrap();
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

/// With a policy, a method outside the table is refused to everyone, the
/// admin included, while health stays open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_are_refused_and_health_stays_open() {
    let certs = certificates();
    let data = tempfile::tempdir().unwrap();
    let mut config = judicial_registry::Config::for_data_dir(data.path(), Seed::None);
    secure(&mut config.common, certs.path(), "registry");
    let registry = RegistryHandle::start_with(config).await;
    for path in [
        "/judicial.v1.RegistryService/DropEverything",
        "/judicial.v1.BackdoorService/Open",
        "/some.other.Service/Call",
    ] {
        let status = raw_status(tls_channel(registry.addr, certs.path(), ADMIN), path).await;
        assert_eq!(status.code(), Code::PermissionDenied, "{path}: {status:?}");
        assert_eq!(
            reason(&status).as_deref(),
            Some(Reason::UnknownMethod.as_str()),
            "{path}"
        );
        assert!(status.message().contains(path), "{}", status.message());
    }
    // A reader calling a writer's method is told which role it lacks.
    let status = raw_status(
        tls_channel(registry.addr, certs.path(), ALICE),
        "/judicial.v1.RegistryService/DeleteInstrument",
    )
    .await;
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        reason(&status).as_deref(),
        Some(Reason::MissingRole.as_str())
    );
    // Health answers any authenticated caller, whatever its roles.
    let mut health = tonic_health::pb::health_client::HealthClient::new(tls_channel(
        registry.addr,
        certs.path(),
        "notifier",
    ));
    health
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("health stays open");
    registry.stop().await.unwrap();
}

/// Sends an empty unary request to `path`; returns the status it gets.
async fn raw_status(channel: Channel, path: &str) -> tonic::Status {
    use http_body_util::BodyExt;
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("https://localhost{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(tonic::body::Body::new(
            http_body_util::Full::new(bytes::Bytes::from_static(&[0, 0, 0, 0, 0]))
                .map_err(|never| match never {}),
        ))
        .unwrap();
    let response = channel.oneshot(request).await.expect("an HTTP answer");
    if let Some(status) = tonic::Status::from_header_map(response.headers()) {
        return status;
    }
    let collected = response.into_body().collect().await.expect("a body");
    let trailers = collected.trailers().cloned().unwrap_or_default();
    tonic::Status::from_header_map(&trailers).expect("a grpc-status")
}

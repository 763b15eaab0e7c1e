//! Registry and notifier in process, over real gRPC on 127.0.0.1:0 with
//! real sled directories: how subscriptions deliver, acknowledge and fail.

use std::time::Duration;

use judicial_notifier::Config;
use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_registry::config::Seed;
use judicial_server::status::{reason, violated_fields};
use judicial_test_support::create_instrument as create;
use judicial_test_support::notifier::{
    NotifierHandle, PUSH_WAIT, SERVICE, ack, next_event, open_stream, subscribe, treaty,
};
use judicial_test_support::{RegistryHandle, channel, loopback_listener, wait_serving};
use tonic::Code;
use tonic::transport::Channel;

const CREATED: &str = "judicial.v1.instrument.created";

async fn subscription(client: &mut NotifierServiceClient<Channel>, id: &str) -> pb::Subscription {
    client
        .get_subscription(pb::GetSubscriptionRequest {
            name: format!("subscriptions/{id}"),
        })
        .await
        .expect("get subscription")
        .into_inner()
}

#[tokio::test]
async fn unacked_events_come_again_in_order_and_acks_survive_a_restart() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    let mut writer = registry.client();
    subscribe(&mut client, "ministry-x", &[], pb::StartPosition::Latest).await;
    for code in ["FR", "DE", "IT"] {
        create(
            &mut writer,
            treaty(&format!("cn-{code}").to_lowercase(), code, None),
        )
        .await;
    }

    let mut first = open_stream(&mut client, "ministry-x", 0).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(next_event(&mut first).await);
    }
    drop(first); // disconnects without acking

    let mut second = open_stream(&mut client, "ministry-x", 0).await;
    for expected in &seen {
        let again = next_event(&mut second).await;
        assert_eq!(
            (again.sequence, &again.id),
            (expected.sequence, &expected.id)
        );
    }
    // Cumulative: acking the second acknowledges the first too.
    assert_eq!(
        ack(&mut client, "ministry-x", seen[1].sequence).await,
        seen[1].sequence
    );
    // An older ack changes nothing.
    assert_eq!(
        ack(&mut client, "ministry-x", seen[0].sequence).await,
        seen[1].sequence
    );
    drop(second);
    let mut third = open_stream(&mut client, "ministry-x", 0).await;
    assert_eq!(next_event(&mut third).await.sequence, seen[2].sequence);

    // A graceful stop ends the stream; the cursors are on disk.
    let data_dir = notifier.data_dir.clone();
    notifier.stop().await.unwrap();
    match tokio::time::timeout(PUSH_WAIT, third.message())
        .await
        .unwrap()
    {
        Ok(None) => {}
        Err(status) => assert_eq!(status.code(), Code::Unavailable, "{status:?}"),
        Ok(Some(e)) => panic!("unexpected event after shutdown: {e:?}"),
    }
    let notifier = NotifierHandle::start(&data_dir, &registry.url()).await;
    let mut client = notifier.client();
    let after = subscription(&mut client, "ministry-x").await;
    assert_eq!(after.acked_sequence, seen[1].sequence);
    assert_eq!(after.delivered_sequence, seen[2].sequence);
    let mut fourth = open_stream(&mut client, "ministry-x", 0).await;
    assert_eq!(next_event(&mut fourth).await.sequence, seen[2].sequence);
    // What was delivered before the restart can be acked after it.
    assert_eq!(
        ack(&mut client, "ministry-x", seen[2].sequence).await,
        seen[2].sequence
    );
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn unacked_events_are_redelivered_after_the_ack_wait() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let mut config = Config::for_data_dir(dirs.1.path(), registry.url());
    config.ack_wait = Duration::from_millis(300);
    let notifier = NotifierHandle::start_with(config).await;
    let mut client = notifier.client();
    let mut writer = registry.client();
    subscribe(&mut client, "slow-acker", &[], pb::StartPosition::Latest).await;
    let mut stream = open_stream(&mut client, "slow-acker", 0).await;
    create(&mut writer, treaty("cn-fr", "FR", None)).await;
    create(&mut writer, treaty("cn-de", "DE", None)).await;
    let a = next_event(&mut stream).await;
    let b = next_event(&mut stream).await;
    ack(&mut client, "slow-acker", a.sequence).await;
    // Only the unacknowledged one comes again, on the same stream.
    let again = next_event(&mut stream).await;
    assert_eq!(again.sequence, b.sequence);
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn at_most_max_in_flight_events_are_unacknowledged() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    let mut writer = registry.client();
    subscribe(&mut client, "windowed", &[], pb::StartPosition::Latest).await;
    let mut last = 0;
    for code in ["FR", "DE", "IT", "ES", "PT"] {
        last = create(&mut writer, treaty(&code.to_lowercase(), code, None)).await;
    }
    // Wait until the last write's event exists (the listing is the record).
    let mut probe = open_stream(&mut client, "windowed", 1000).await;
    let mut sequences = Vec::new();
    loop {
        let e = next_event(&mut probe).await;
        sequences.push(e.sequence);
        if e.registry_revision == last {
            break;
        }
    }
    let mut stream = open_stream(&mut client, "windowed", 2).await; // takes over
    assert_eq!(next_event(&mut stream).await.sequence, sequences[0]);
    assert_eq!(next_event(&mut stream).await.sequence, sequences[1]);
    ack(&mut client, "windowed", sequences[0]).await;
    assert_eq!(next_event(&mut stream).await.sequence, sequences[2]);
    ack(&mut client, "windowed", sequences[2]).await;
    assert_eq!(next_event(&mut stream).await.sequence, sequences[3]);
    let s = subscription(&mut client, "windowed").await;
    assert_eq!(s.acked_sequence, sequences[2]);
    assert_eq!(s.backlog, 2, "sequences 4 and 5 are not acknowledged");
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn a_new_stream_takes_over_and_the_old_one_ends() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    subscribe(&mut client, "desk", &[], pb::StartPosition::Latest).await;
    let mut old = open_stream(&mut client, "desk", 0).await;
    let mut new = open_stream(&mut client, "desk", 0).await;
    let status = tokio::time::timeout(PUSH_WAIT, old.message())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted);
    assert_eq!(reason(&status).as_deref(), Some("STREAM_REPLACED"));
    create(&mut registry.client(), treaty("cn-fr", "FR", None)).await;
    assert_eq!(next_event(&mut new).await.subject, "instruments/cn-fr");
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn a_stalled_subscriber_does_not_delay_a_healthy_one() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    subscribe(&mut client, "stalled", &[], pb::StartPosition::Latest).await;
    subscribe(&mut client, "healthy", &[], pb::StartPosition::Latest).await;
    // Separate connections, as separate ministries would have; the stalled
    // one with small HTTP/2 windows, so its buffers fill with few events.
    let stalled_channel = tonic::transport::Endpoint::from_shared(notifier.url())
        .unwrap()
        .initial_stream_window_size(Some(16 * 1024))
        .initial_connection_window_size(Some(16 * 1024))
        .connect_lazy();
    let mut stalled_client = NotifierServiceClient::new(stalled_channel);
    let stalled_stream = open_stream(&mut stalled_client, "stalled", 0).await; // never read
    let mut healthy = open_stream(&mut client, "healthy", 0).await;

    // Enough events to fill the stalled stream's buffers and HTTP/2 window.
    let n = 600;
    let instruments = (0..n)
        .map(|i| treaty(&format!("bulk-{i}"), "FR", None))
        .collect();
    registry
        .client()
        .import_dataset(pb::ImportDatasetRequest {
            instruments,
            reason: "bulk".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    for i in 0..n {
        let e = next_event(&mut healthy).await;
        assert_eq!(e.r#type, CREATED, "event {i}");
        if i % 100 == 99 {
            ack(&mut client, "healthy", e.sequence).await;
        }
    }
    // New writes still reach the healthy subscriber at once.
    let revision = create(&mut registry.client(), treaty("cn-de", "DE", None)).await;
    let e = next_event(&mut healthy).await;
    assert_eq!(e.registry_revision, revision);
    let stalled = subscription(&mut client, "stalled").await;
    assert_eq!(stalled.acked_sequence, 0);
    assert!(stalled.delivered_sequence < e.sequence, "{stalled:?}");
    // A subscriber that never reads would hold graceful shutdown for the
    // whole grace period; this one finally hangs up.
    drop(stalled_stream);
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    let unknown = "subscriptions/nobody";

    let not_found = [
        client
            .get_subscription(pb::GetSubscriptionRequest {
                name: unknown.into(),
            })
            .await
            .unwrap_err(),
        client
            .delete_subscription(pb::DeleteSubscriptionRequest {
                name: unknown.into(),
            })
            .await
            .unwrap_err(),
        client
            .stream_events(pb::StreamEventsRequest {
                subscription: unknown.into(),
                max_in_flight: 0,
            })
            .await
            .unwrap_err(),
        client
            .ack_events(pb::AckEventsRequest {
                subscription: unknown.into(),
                sequence: 1,
            })
            .await
            .unwrap_err(),
    ];
    for status in not_found {
        assert_eq!(status.code(), Code::NotFound, "{status:?}");
        assert_eq!(reason(&status).as_deref(), Some("NOT_FOUND"));
    }

    let bad_filter = client
        .create_subscription(pb::CreateSubscriptionRequest {
            subscription: Some(pb::Subscription {
                filter: Some(pb::SubscriptionFilter {
                    counterparts: vec!["FR".into(), "XX".into()],
                    event_types: vec!["judicial.v1.instrument.renamed".into()],
                    assistances: vec![0],
                }),
                ..Default::default()
            }),
            subscription_id: "ministry-x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad_filter.code(), Code::InvalidArgument);
    assert_eq!(
        violated_fields(&bad_filter),
        [
            "subscription.filter.counterparts[1]",
            "subscription.filter.event_types[0]",
            "subscription.filter.assistances[0]",
        ]
    );
    let bad_id = client
        .create_subscription(pb::CreateSubscriptionRequest {
            subscription: Some(pb::Subscription {
                id: "Ministry X".into(),
                ..Default::default()
            }),
            subscription_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad_id), ["subscription.id"]);
    let listed = client
        .list_subscriptions(pb::ListSubscriptionsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(listed.subscriptions.is_empty(), "nothing was created");

    // An ack beyond what was delivered.
    subscribe(&mut client, "ministry-x", &[], pb::StartPosition::Latest).await;
    let duplicate = client
        .create_subscription(pb::CreateSubscriptionRequest {
            subscription: None,
            subscription_id: "ministry-x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(duplicate.code(), Code::AlreadyExists);
    let beyond = client
        .ack_events(pb::AckEventsRequest {
            subscription: "subscriptions/ministry-x".into(),
            sequence: 5,
        })
        .await
        .unwrap_err();
    assert_eq!(beyond.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&beyond), ["sequence"]);
    assert_eq!(
        subscription(&mut client, "ministry-x").await.acked_sequence,
        0
    );

    let bad_page = client
        .list_events(pb::ListEventsRequest {
            page_token: "garbage".into(),
            filter: Some(pb::SubscriptionFilter {
                event_types: vec!["nope".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&bad_page),
        ["page_token", "filter.event_types[0]"]
    );
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn health_is_not_serving_until_the_first_sync() {
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The registry's port is reserved but nothing serves on it yet.
    let registry_listener = loopback_listener().await;
    let registry_url = format!("http://{}", registry_listener.local_addr().unwrap());
    let listener = loopback_listener().await;
    let addr = listener.local_addr().unwrap();
    let shutdown = judicial_server::Shutdown::new();
    let task = tokio::spawn(judicial_notifier::run(
        Config::for_data_dir(dirs.1.path(), &registry_url),
        listener,
        shutdown.clone(),
    ));
    let mut health = HealthClient::new(channel(addr));
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: SERVICE.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, ServingStatus::NotServing as i32);
    let registry = RegistryHandle::start_on(
        registry_listener,
        judicial_registry::Config::for_data_dir(dirs.0.path(), Seed::None),
    )
    .await;
    tokio::time::timeout(PUSH_WAIT, wait_serving(addr, SERVICE))
        .await
        .expect("serving after the registry came up");
    shutdown.trigger();
    task.await.unwrap().unwrap();
    registry.stop().await.unwrap();
}

//! A subscriber that drops its stream and reconnects over and over, with
//! different windows and partial acks, while the registry keeps changing,
//! still receives every event at least once and in order.
//!
//! 10 reconnects by default; `JUDICIAL_FAULT_ROUNDS=N` runs 10 × N.

use std::collections::BTreeSet;

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::RegistryHandle;
use judicial_test_support::notifier::{
    NotifierHandle, ack, all_events, next_event, open_stream, subscribe, treaty,
};
use tokio::sync::watch;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_subscriber_that_keeps_reconnecting_gets_everything_in_order() {
    let reconnects: u64 = std::env::var("JUDICIAL_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(10, |rounds| rounds * 10);
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    subscribe(&mut client, "flaky", &[], pb::StartPosition::Earliest).await;

    // The registry keeps changing throughout; the last write's revision is published.
    let writes = reconnects * 10;
    let (last_tx, mut last_rx) = watch::channel(0u64);
    let mut writer = registry.client();
    let writing = tokio::spawn(async move {
        for n in 0..writes {
            let revision = writer
                .create_instrument(pb::CreateInstrumentRequest {
                    instrument: Some(treaty(&format!("w{n}"), "FR", None)),
                    reason: "reconnect test".into(),
                })
                .await
                .expect("create")
                .into_inner()
                .revision;
            last_tx.send_replace(revision);
        }
    });

    let mut acked = 0;
    let mut received = BTreeSet::new();
    for i in 0..reconnects {
        let window = 1 + (i % 7) as usize;
        let take = 1 + (i * 3) % 9;
        let mut stream = open_stream(&mut client, "flaky", window as u32).await;
        let mut expected = acked + 1;
        let mut unacked = 0u64;
        for _ in 0..take {
            let e = next_event(&mut stream).await;
            // From the acked cursor, in order, nothing skipped.
            assert_eq!(e.sequence, expected, "reconnect {i}");
            received.insert(e.sequence);
            expected += 1;
            unacked += 1;
            if unacked == window as u64 {
                acked = ack(&mut client, "flaky", e.sequence).await;
                unacked = 0;
            }
        }
        // Hang up, having acked some (every third time, none) of the rest.
        if i % 3 != 0 && unacked > 1 {
            acked = ack(&mut client, "flaky", expected - 1 - unacked / 2).await;
        }
        drop(stream);
    }
    writing.await.unwrap();
    let last_revision = *last_rx.borrow_and_update();

    let mut stream = open_stream(&mut client, "flaky", 0).await;
    let mut expected = acked + 1;
    loop {
        let e = next_event(&mut stream).await;
        assert_eq!(e.sequence, expected, "final drain");
        received.insert(e.sequence);
        expected += 1;
        if e.registry_revision == last_revision {
            break;
        }
    }
    let total = all_events(&mut client).await.len() as u64;
    assert_eq!(total, writes, "one event per write");
    assert!(
        received.iter().copied().eq(1..=total),
        "every event was received at least once"
    );
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

//! SIGKILL the notifier process while the registry is written and a
//! subscriber consumes; after each restart on the same directory the
//! cursors are intact, and over the whole run no event is derived twice,
//! none is skipped, and the sequence has no gap.
//!
//! The short version runs 3 rounds; `JUDICIAL_FAULT_ROUNDS=10` runs the full one.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::notifier::{
    PUSH_WAIT, SERVICE, ack, all_events, next_event, open_stream, subscribe, treaty,
};
use judicial_test_support::{RegistryHandle, channel, wait_serving};
use tonic::transport::Channel;

const SUBSCRIPTION: &str = "ministry";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts the notifier binary on an ephemeral port and returns it with the
/// address it logged once serving; stderr keeps being drained.
fn spawn_notifier(dir: &Path, registry_url: &str) -> (Child, std::net::SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_judicial-notifier"))
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .arg("--data-dir")
        .arg(dir)
        .args(["--registry", registry_url])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start judicial-notifier");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("notifier exited before serving")
            .unwrap();
        if line.contains("notifier serving") {
            let v: serde_json::Value = serde_json::from_str(&line).expect("json log line");
            break v["addr"].as_str().expect("addr field").parse().unwrap();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// Creates, amends and deletes instruments until told to stop; every
/// write's revision is recorded as the last one.
async fn write_until(
    mut registry: RegistryServiceClient<Channel>,
    stop: Arc<AtomicBool>,
    writes: tokio::sync::watch::Sender<u64>,
    last_revision: Arc<AtomicU64>,
) {
    let counterparts = ["FR", "DE", "IT", "ES", "JP", "BR"];
    let mut n: u64 = 0;
    while !stop.load(Ordering::SeqCst) {
        let revision = match n % 5 {
            4 if (n / 5).is_multiple_of(2) => {
                // Amend the instrument created just before.
                registry
                    .update_instrument(pb::UpdateInstrumentRequest {
                        instrument: Some(pb::Instrument {
                            name: format!("instruments/w{}", n - 1),
                            notes: format!("amended at write {n}"),
                            ..Default::default()
                        }),
                        update_mask: Some(prost_types::FieldMask {
                            paths: vec!["notes".into()],
                        }),
                        reason: "kill test".into(),
                    })
                    .await
                    .expect("update")
                    .into_inner()
                    .revision
            }
            4 => {
                registry
                    .delete_instrument(pb::DeleteInstrumentRequest {
                        name: format!("instruments/w{}", n - 2),
                        etag: String::new(),
                        reason: "kill test".into(),
                    })
                    .await
                    .expect("delete");
                // Delete returns nothing; the revision is the registry's now.
                registry
                    .get_stats(pb::GetStatsRequest::default())
                    .await
                    .expect("stats")
                    .into_inner()
                    .revision
            }
            _ => {
                let counterpart = counterparts[(n as usize / 3) % counterparts.len()];
                // Some are in force, so primary channels move too.
                let eif = n.is_multiple_of(3).then_some((2000, 1, 1));
                registry
                    .create_instrument(pb::CreateInstrumentRequest {
                        instrument: Some(treaty(&format!("w{n}"), counterpart, eif)),
                        reason: "kill test".into(),
                    })
                    .await
                    .expect("create")
                    .into_inner()
                    .revision
            }
        };
        last_revision.fetch_max(revision, Ordering::SeqCst);
        writes.send_modify(|w| *w += 1);
        n += 1;
    }
}

async fn get_subscription(client: &mut NotifierServiceClient<Channel>) -> pb::Subscription {
    client
        .get_subscription(pb::GetSubscriptionRequest {
            name: format!("subscriptions/{SUBSCRIPTION}"),
        })
        .await
        .expect("get subscription")
        .into_inner()
}

async fn registry_changes(registry: &mut RegistryServiceClient<Channel>) -> Vec<pb::Change> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let page = registry
            .list_changes(pb::ListChangesRequest {
                page_size: 1000,
                page_token: token,
                filter: String::new(),
            })
            .await
            .expect("list changes")
            .into_inner();
        out.extend(page.changes);
        if page.next_page_token.is_empty() {
            return out;
        }
        token = page.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_neither_repeats_nor_skips_an_event() {
    let rounds = env_usize("JUDICIAL_FAULT_ROUNDS", 3);
    let registry_dir = tempfile::tempdir().unwrap();
    let notifier_dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(registry_dir.path(), Seed::None).await;
    let mut reader = registry.client();
    // Nothing is written before the notifier's first sync: it syncs at this revision.
    let first_sync = reader
        .get_stats(pb::GetStatsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .revision;

    let (mut child, mut addr) = spawn_notifier(notifier_dir.path(), &registry.url());
    wait_serving(addr, SERVICE).await;
    let mut client = NotifierServiceClient::new(channel(addr));
    subscribe(&mut client, SUBSCRIPTION, &[], pb::StartPosition::Earliest).await;

    let stop = Arc::new(AtomicBool::new(false));
    let (writes, mut written) = tokio::sync::watch::channel(0u64);
    let last_revision = Arc::new(AtomicU64::new(first_sync));
    let writer = tokio::spawn(write_until(
        registry.client(),
        stop.clone(),
        writes,
        last_revision.clone(),
    ));

    // Every sequence the subscriber received, and the highest ack the
    // notifier confirmed.
    let mut received: BTreeSet<u64> = BTreeSet::new();
    let mut confirmed_ack = 0;
    for round in 0..rounds {
        let mut stream = open_stream(&mut client, SUBSCRIPTION, 0).await;
        let kill_after = 20 + (round * 37) % 50;
        let mut previous = None;
        for i in 0..kill_after {
            let e = next_event(&mut stream).await;
            match previous {
                // A session starts right after the acked cursor ...
                None => assert_eq!(e.sequence, confirmed_ack + 1, "round {round}"),
                // ... and continues without a gap (the filter matches everything).
                Some(p) => assert_eq!(e.sequence, p + 1, "round {round}"),
            }
            previous = Some(e.sequence);
            received.insert(e.sequence);
            if i % 7 == 6 {
                confirmed_ack = ack(&mut client, SUBSCRIPTION, e.sequence).await;
            }
        }
        let delivered_before = previous.unwrap();
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        drop(stream);

        // The registry keeps changing while the notifier is down.
        let so_far = *written.borrow_and_update();
        tokio::time::timeout(PUSH_WAIT, written.wait_for(|n| *n >= so_far + 10))
            .await
            .expect("the writer keeps writing")
            .unwrap();

        (child, addr) = spawn_notifier(notifier_dir.path(), &registry.url());
        tokio::time::timeout(PUSH_WAIT, wait_serving(addr, SERVICE))
            .await
            .expect("the notifier serves again after a restart");
        client = NotifierServiceClient::new(channel(addr));
        let s = get_subscription(&mut client).await;
        assert_eq!(
            s.acked_sequence, confirmed_ack,
            "round {round}: acked cursor"
        );
        assert!(
            s.delivered_sequence >= delivered_before,
            "round {round}: delivered cursor {} < {delivered_before}",
            s.delivered_sequence
        );
        eprintln!(
            "round {round}: killed after {kill_after} events; acked {confirmed_ack}, delivered {}",
            s.delivered_sequence
        );
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let final_revision = last_revision.load(Ordering::SeqCst);

    // Drain the rest through the stream (the push signal that the notifier
    // has derived the last write).
    let mut stream = open_stream(&mut client, SUBSCRIPTION, 0).await;
    let mut expected = confirmed_ack + 1;
    loop {
        let e = next_event(&mut stream).await;
        assert_eq!(e.sequence, expected, "in order, no gap");
        received.insert(e.sequence);
        expected += 1;
        if e.registry_revision >= final_revision {
            ack(&mut client, SUBSCRIPTION, e.sequence).await;
            break;
        }
        if e.sequence % 100 == 0 {
            // Keep the window (1,000 unacknowledged) open.
            ack(&mut client, SUBSCRIPTION, e.sequence).await;
        }
    }

    let events = all_events(&mut client).await;
    let sequences: Vec<u64> = events.iter().map(|e| e.sequence).collect();
    let gapless: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(sequences, gapless, "the log has no gap");
    assert!(
        received.iter().copied().eq(1..=events.len() as u64),
        "the subscriber received every event at least once"
    );
    let mut seen = HashSet::new();
    for e in &events {
        assert!(
            e.registry_revision > first_sync,
            "nothing derived from the first snapshot: {e:?}"
        );
        assert!(
            seen.insert((e.registry_revision, e.r#type.clone(), e.subject.clone())),
            "derived twice: {e:?}"
        );
    }

    // Every instrument change after the first sync has exactly its event.
    let changes: Vec<pb::Change> = registry_changes(&mut reader)
        .await
        .into_iter()
        .filter(|c| c.revision > first_sync && c.name.starts_with("instruments/"))
        .collect();
    let instrument_events: HashMap<(u64, String), String> = events
        .iter()
        .filter(|e| e.r#type.starts_with("judicial.v1.instrument."))
        .map(|e| ((e.registry_revision, e.subject.clone()), e.r#type.clone()))
        .collect();
    for c in &changes {
        let want = match (&c.before, &c.after) {
            (None, Some(_)) => "judicial.v1.instrument.created",
            (Some(_), Some(_)) => "judicial.v1.instrument.amended",
            (Some(_), None) => "judicial.v1.instrument.deleted",
            (None, None) => unreachable!("a change has a before or an after"),
        };
        assert_eq!(
            instrument_events
                .get(&(c.revision, c.name.clone()))
                .map(String::as_str),
            Some(want),
            "revision {} {}",
            c.revision,
            c.name
        );
    }
    assert_eq!(instrument_events.len(), changes.len(), "no extra events");
    let channel_events = events
        .iter()
        .filter(|e| e.r#type == "judicial.v1.channel.changed")
        .count();
    assert!(
        channel_events > 0,
        "treaties in force moved primary channels"
    );
    eprintln!(
        "{rounds} rounds: {} events for {} instrument changes, {channel_events} channel changes",
        events.len(),
        changes.len()
    );
    child.kill().unwrap();
    child.wait().unwrap();
    registry.stop().await.unwrap();
}

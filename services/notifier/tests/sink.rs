//! The JetStream sink against a real `nats-server -js` (skipped with a
//! message when nats-server is not installed): events arrive in the stream
//! in order with the right subjects and CloudEvents payloads; a consumer
//! filtered by counterpart sees only its events; the stream is created with
//! the configured retention or an existing one is checked; a NATS outage
//! makes the sink lag while gRPC delivery goes on; and a notifier SIGKILLed
//! while publishing leaves the stream gapless and without duplicates.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull::OrderedConfig, stream::Config as StreamConfig};
use futures::StreamExt;
use judicial_notifier::sink::cloudevent::{SEQUENCE_HEADER, type_token};
use judicial_notifier::sink::stream::{StreamSpec, ensure};
use judicial_notifier::sink::{HEALTH_SERVICE, SinkError};
use judicial_notifier::{Config, EventType};
use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::nats::NatsServer;
use judicial_test_support::notifier::{
    NotifierHandle, PUSH_WAIT, SERVICE, all_events, next_event, open_stream, subscribe, treaty,
};
use judicial_test_support::{RegistryHandle, channel, create_instrument, wait_serving};
use serde_json::Value;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const STREAM: &str = "JUDICIAL_EVENTS";
const PREFIX: &str = "judicial.events";

/// What the stream must hold for one gRPC event: (subject, Nats-Msg-Id)
/// per counterpart, in order.
fn expected_messages(e: &pb::Event) -> Vec<(String, String)> {
    let kind = type_token(EventType::parse(&e.r#type).expect("known type"));
    match e.counterparts.as_slice() {
        [] => vec![(format!("{PREFIX}.{kind}.none"), e.id.clone())],
        [one] => vec![(format!("{PREFIX}.{kind}.{one}"), e.id.clone())],
        many => many
            .iter()
            .map(|c| (format!("{PREFIX}.{kind}.{c}"), format!("{}/{c}", e.id)))
            .collect(),
    }
}

/// A message read from the stream.
#[derive(Debug, Clone)]
struct Stored {
    subject: String,
    msg_id: String,
    sequence: u64,
    payload: Value,
}

fn stored(m: &async_nats::jetstream::Message) -> Stored {
    let header = |name: &str| {
        m.headers
            .as_ref()
            .and_then(|h| h.get(name))
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default()
    };
    Stored {
        subject: m.subject.to_string(),
        msg_id: header("Nats-Msg-Id"),
        sequence: header(SEQUENCE_HEADER).parse().unwrap_or(0),
        payload: serde_json::from_slice(&m.payload).expect("CloudEvents JSON"),
    }
}

/// An ordered consumer of the stream from its first message, filtered.
async fn follow(
    js: &jetstream::Context,
    filter: &str,
) -> async_nats::jetstream::consumer::pull::Ordered {
    let stream = js.get_stream(STREAM).await.expect("the sink's stream");
    let consumer = stream
        .create_consumer(OrderedConfig {
            filter_subject: filter.into(),
            ..Default::default()
        })
        .await
        .expect("ordered consumer");
    consumer.messages().await.expect("consume")
}

/// Reads from `messages` until `done` says the list is complete.
async fn read_until(
    messages: &mut async_nats::jetstream::consumer::pull::Ordered,
    out: &mut Vec<Stored>,
    done: impl Fn(&[Stored]) -> bool,
) {
    while !done(out) {
        match tokio::time::timeout(PUSH_WAIT, messages.next()).await {
            Ok(Some(Ok(m))) => out.push(stored(&m)),
            Ok(other) => panic!("the consumer ended: {other:?}"),
            Err(_) => panic!(
                "no message within {PUSH_WAIT:?}; have {}: last {:?}",
                out.len(),
                out.last()
            ),
        }
    }
}

/// Every message of the stream, by stream sequence.
async fn whole_stream(js: &jetstream::Context) -> Vec<Stored> {
    let mut stream = js.get_stream(STREAM).await.expect("stream");
    let last = stream.info().await.expect("info").state.last_sequence;
    let mut out = Vec::new();
    for seq in 1..=last {
        let m = stream.get_raw_message(seq).await.expect("message");
        let header = |name: &str| {
            m.headers
                .get(name)
                .map(|v| v.as_str().to_owned())
                .unwrap_or_default()
        };
        out.push(Stored {
            subject: m.subject.to_string(),
            msg_id: header("Nats-Msg-Id"),
            sequence: header(SEQUENCE_HEADER).parse().unwrap_or(0),
            payload: serde_json::from_slice(&m.payload).expect("json"),
        });
    }
    out
}

/// Asserts the stream's messages are exactly the log's events, once each, in order.
fn assert_stream_is_the_log(stream: &[Stored], events: &[pb::Event]) {
    let want: Vec<(String, String)> = events.iter().flat_map(expected_messages).collect();
    let got: Vec<(String, String)> = stream
        .iter()
        .map(|m| (m.subject.clone(), m.msg_id.clone()))
        .collect();
    if got != want {
        let first = got.iter().zip(&want).position(|(g, w)| g != w);
        panic!(
            "the stream ({} messages) is not the log ({} expected); first difference at {first:?}: {:?} vs {:?}",
            got.len(),
            want.len(),
            first.and_then(|i| got.get(i)),
            first.and_then(|i| want.get(i)),
        );
    }
}

fn sink_config(dir: &Path, registry: &str, nats: &NatsServer) -> Config {
    let mut config = Config::for_data_dir(dir, registry);
    config.sink.servers = vec![nats.url()];
    config.sink.publish_timeout = Duration::from_secs(1);
    config
}

async fn jetstream_of(nats: &NatsServer) -> jetstream::Context {
    jetstream::new(
        async_nats::connect(nats.url())
            .await
            .expect("connect to nats"),
    )
}

/// Waits, through the health Watch stream, until `service` reports `want`.
async fn wait_status(addr: std::net::SocketAddr, service: &str, want: ServingStatus) {
    let mut health = HealthClient::new(channel(addr));
    let mut stream = health
        .watch(tonic_health::pb::HealthCheckRequest {
            service: service.into(),
        })
        .await
        .expect("health watch")
        .into_inner();
    let wait = async {
        while let Some(status) = stream.next().await {
            if status.expect("health status").status == want as i32 {
                return;
            }
        }
        panic!("health stream of {service} ended");
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .unwrap_or_else(|_| panic!("{service} did not become {want:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_arrive_in_order_with_subjects_and_cloudevents_and_filter_by_counterpart() {
    let Some(nats) = NatsServer::start().await else {
        return;
    };
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier =
        NotifierHandle::start_with(sink_config(dirs.1.path(), &registry.url(), &nats)).await;
    wait_serving(notifier.addr, HEALTH_SERVICE).await;
    let js = jetstream_of(&nats).await;
    let mut everything = follow(&js, &format!("{PREFIX}.>")).await;

    let mut writer = registry.client();
    let mut last = 0;
    for (id, counterpart, eif) in [
        ("s1", "FR", Some((2001, 1, 1))),
        ("s2", "DE", None),
        ("s3", "FR", None),
        ("s4", "IT", Some((2002, 2, 2))),
        ("s5", "FR", Some((2003, 3, 3))),
    ] {
        last = create_instrument(&mut writer, treaty(id, counterpart, eif)).await;
    }
    // A multilateral-like instrument reaching two counterparts at once.
    let mut multi = treaty("s6", "DE", Some((2004, 4, 4)));
    let mut fr = multi.parties[1].clone();
    fr.jurisdiction = "FR".into();
    multi.parties.push(fr);
    multi.kind = pb::InstrumentKind::MultilateralConvention as i32;
    multi.treaty_type = pb::TreatyType::Unspecified as i32;
    last = last.max(create_instrument(&mut writer, multi).await);

    let mut got = Vec::new();
    read_until(&mut everything, &mut got, |m| {
        m.iter()
            .any(|m| m.payload["registryrevision"].as_u64() == Some(last))
    })
    .await;
    let mut client = notifier.client();
    let events = all_events(&mut client).await;
    assert!(events.len() >= 6, "{} events", events.len());
    let want: usize = events.iter().map(|e| expected_messages(e).len()).sum();
    read_until(&mut everything, &mut got, |m| m.len() >= want).await;
    assert_stream_is_the_log(&got, &events);
    assert!(
        events.iter().any(|e| e.counterparts.len() > 1),
        "an event concerns two counterparts: {events:#?}"
    );

    // Payloads carry every attribute of the gRPC event.
    let mut i = 0;
    for e in &events {
        for _ in expected_messages(e) {
            let p = &got[i].payload;
            assert_eq!(got[i].sequence, e.sequence);
            assert_eq!(p["specversion"], "1.0");
            assert_eq!(p["id"], e.id.as_str());
            assert_eq!(p["source"], e.source.as_str());
            assert_eq!(p["type"], e.r#type.as_str());
            assert_eq!(p["subject"], e.subject.as_str());
            assert_eq!(p["sequence"].as_u64(), Some(e.sequence));
            assert_eq!(p["registryrevision"].as_u64(), Some(e.registry_revision));
            assert_eq!(p["counterparts"], e.counterparts.join(",").as_str());
            assert_eq!(p["datacontenttype"], "application/json");
            let data: Value = serde_json::from_str(&e.data).unwrap();
            assert_eq!(p["data"], data);
            let t = e.time.as_ref().expect("time");
            let parsed = time::OffsetDateTime::parse(
                p["time"].as_str().expect("time"),
                &time::format_description::well_known::Rfc3339,
            )
            .expect("RFC 3339 time");
            assert_eq!(parsed.unix_timestamp(), t.seconds);
            i += 1;
        }
    }

    // A consumer filtered by counterpart sees only, and every, FR event.
    let want_fr: Vec<&Stored> = got.iter().filter(|m| m.subject.ends_with(".FR")).collect();
    assert!(want_fr.len() >= 4, "{want_fr:#?}");
    let mut fr_only = follow(&js, &format!("{PREFIX}.*.FR")).await;
    let mut fr = Vec::new();
    read_until(&mut fr_only, &mut fr, |m| m.len() >= want_fr.len()).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(300), fr_only.next())
            .await
            .is_err(),
        "nothing more for FR"
    );
    let fr_ids: Vec<&str> = fr.iter().map(|m| m.msg_id.as_str()).collect();
    let want_ids: Vec<&str> = want_fr.iter().map(|m| m.msg_id.as_str()).collect();
    assert_eq!(fr_ids, want_ids);
    assert!(fr.iter().all(|m| {
        m.payload["counterparts"]
            .as_str()
            .unwrap()
            .split(',')
            .any(|c| c == "FR")
    }));

    let stream_messages = js
        .get_stream(STREAM)
        .await
        .unwrap()
        .info()
        .await
        .unwrap()
        .state
        .messages;
    assert_eq!(stream_messages, want as u64, "nothing else in the stream");
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_is_created_with_its_retention_or_an_existing_one_is_checked() {
    let Some(nats) = NatsServer::start().await else {
        return;
    };
    let js = jetstream_of(&nats).await;
    let spec = StreamSpec {
        name: "CREATED".into(),
        subjects: "created.events.>".into(),
        max_age: Duration::from_secs(3600),
        max_bytes: Some(1 << 20),
        duplicate_window: Duration::from_secs(90),
        replicas: 1,
    };
    let mut stream = ensure(&js, &spec).await.expect("created");
    let config = stream.info().await.unwrap().config.clone();
    assert_eq!(config.subjects, ["created.events.>"]);
    assert_eq!(config.max_age, Duration::from_secs(3600));
    assert_eq!(config.max_bytes, 1 << 20);
    assert_eq!(config.duplicate_window, Duration::from_secs(90));
    // Found again, and compatible.
    ensure(&js, &spec)
        .await
        .expect("an existing compatible stream");

    js.create_stream(StreamConfig {
        name: "WORK".into(),
        subjects: vec!["work.other.>".into()],
        retention: jetstream::stream::RetentionPolicy::WorkQueue,
        max_messages_per_subject: 1,
        ..Default::default()
    })
    .await
    .unwrap();
    let spec = StreamSpec {
        name: "WORK".into(),
        subjects: "work.events.>".into(),
        ..spec
    };
    let error = ensure(&js, &spec).await.expect_err("incompatible");
    let SinkError::Incompatible { problems, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let text = error.to_string();
    assert!(
        text.starts_with("stream WORK is not compatible with the sink: "),
        "{text}"
    );
    assert!(text.contains("do not capture work.events.>"), "{text}");
    assert!(text.contains("retention is workqueue"), "{text}");
    assert!(text.contains("1 messages per subject"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_nats_outage_lags_the_sink_while_grpc_delivery_goes_on() {
    let Some(mut nats) = NatsServer::start().await else {
        return;
    };
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier =
        NotifierHandle::start_with(sink_config(dirs.1.path(), &registry.url(), &nats)).await;
    wait_serving(notifier.addr, HEALTH_SERVICE).await;
    let mut client = notifier.client();
    subscribe(&mut client, "ministry", &[], pb::StartPosition::Earliest).await;
    let mut grpc = open_stream(&mut client, "ministry", 0).await;
    let mut writer = registry.client();

    let counterparts = ["FR", "DE", "IT", "ES"];
    let mut n = 0;
    let mut write_and_see = async |n: usize, grpc: &mut tonic::Streaming<pb::Event>| {
        let id = format!("o{n}");
        let revision = create_instrument(
            &mut writer,
            treaty(&id, counterparts[n % 4], Some((2000, 1, 1))),
        )
        .await;
        // The subscriber receives this write's events before the next write.
        loop {
            let e = next_event(grpc).await;
            if e.registry_revision == revision {
                break;
            }
        }
    };
    write_and_see(n, &mut grpc).await;
    n += 1;

    nats.stop().await;
    // About 10 s without NATS, writes continuing: every write is delivered
    // over gRPC while the sink cannot publish.
    let outage = tokio::time::Instant::now();
    let mut during = 0;
    while outage.elapsed() < Duration::from_secs(10) {
        write_and_see(n, &mut grpc).await;
        n += 1;
        during += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    wait_status(notifier.addr, HEALTH_SERVICE, ServingStatus::NotServing).await;
    // Only the sink is unhealthy.
    wait_serving(notifier.addr, SERVICE).await;
    assert!(during >= 10, "{during} writes delivered during the outage");

    nats.restart().await;
    wait_status(notifier.addr, HEALTH_SERVICE, ServingStatus::Serving).await;
    let js = jetstream_of(&nats).await;
    let events = all_events(&mut client).await;
    let want: usize = events.iter().map(|e| expected_messages(e).len()).sum();
    let mut everything = follow(&js, &format!("{PREFIX}.>")).await;
    let mut got = Vec::new();
    read_until(&mut everything, &mut got, |m| m.len() >= want).await;
    assert_stream_is_the_log(&whole_stream(&js).await, &events);
    eprintln!(
        "{during} writes delivered over gRPC during a 10 s NATS outage; the sink caught up with {want} messages"
    );
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

/// Starts the notifier binary with the sink; returns it with the gRPC
/// address it logged once serving (stderr keeps being drained).
fn spawn_notifier(dir: &Path, registry_url: &str, nats_url: &str) -> (Child, std::net::SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_judicial-notifier"))
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .arg("--data-dir")
        .arg(dir)
        .args(["--registry", registry_url, "--sink", nats_url])
        .args(["--sink-publish-timeout", "1s"])
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
            let v: Value = serde_json::from_str(&line).expect("json log line");
            break v["addr"].as_str().expect("addr field").parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// Creates instruments (some in force, so channels move too) about 100
/// times a second until told to stop; records the last revision.
async fn write_until(
    mut registry: RegistryServiceClient<Channel>,
    stop: Arc<AtomicBool>,
    last_revision: Arc<AtomicU64>,
) {
    let counterparts = ["FR", "DE", "IT", "ES", "JP", "BR"];
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut n = 0usize;
    while !stop.load(Ordering::SeqCst) {
        tick.tick().await;
        let eif = n.is_multiple_of(3).then_some((2000, 1, 1));
        let revision = create_instrument(
            &mut registry,
            treaty(
                &format!("k{n}"),
                counterparts[(n / 2) % counterparts.len()],
                eif,
            ),
        )
        .await;
        last_revision.fetch_max(revision, Ordering::SeqCst);
        n += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_while_publishing_leaves_the_stream_gapless_and_without_duplicates() {
    let Some(nats) = NatsServer::start().await else {
        return;
    };
    let rounds: usize = std::env::var("JUDICIAL_FAULT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let (mut child, mut addr) = spawn_notifier(dirs.1.path(), &registry.url(), &nats.url());
    tokio::time::timeout(PUSH_WAIT, wait_serving(addr, HEALTH_SERVICE))
        .await
        .expect("the sink serves");
    let js = jetstream_of(&nats).await;
    let mut everything = follow(&js, &format!("{PREFIX}.>")).await;

    let stop = Arc::new(AtomicBool::new(false));
    let last_revision = Arc::new(AtomicU64::new(0));
    let writer = tokio::spawn(write_until(
        registry.client(),
        stop.clone(),
        last_revision.clone(),
    ));
    let mut seen = Vec::new();
    for round in 0..rounds {
        // Kill while the sink is publishing: a few dozen messages into the round.
        let target = seen.len() + 30 + (round * 17) % 40;
        read_until(&mut everything, &mut seen, |m| m.len() >= target).await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        eprintln!(
            "round {round}: killed after {} messages in the stream",
            seen.len()
        );
        (child, addr) = spawn_notifier(dirs.1.path(), &registry.url(), &nats.url());
        tokio::time::timeout(PUSH_WAIT, wait_serving(addr, SERVICE))
            .await
            .expect("the notifier serves again after a restart");
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let last = last_revision.load(Ordering::SeqCst);
    read_until(&mut everything, &mut seen, |m| {
        m.iter()
            .any(|m| m.payload["registryrevision"].as_u64() == Some(last))
    })
    .await;
    let mut client = NotifierServiceClient::new(channel(addr));
    let events = all_events(&mut client).await;
    let want: usize = events.iter().map(|e| expected_messages(e).len()).sum();
    read_until(&mut everything, &mut seen, |m| m.len() >= want).await;
    let stream = whole_stream(&js).await;
    assert_stream_is_the_log(&stream, &events);
    let mut ids: Vec<&str> = stream.iter().map(|m| m.msg_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), stream.len(), "no duplicates");
    eprintln!(
        "{rounds} SIGKILLs: {} events, {} messages, gapless and once each",
        events.len(),
        stream.len()
    );
    child.kill().unwrap();
    child.wait().unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sink_publishes_over_tls_with_the_given_ca() {
    let certs = tempfile::tempdir().unwrap();
    judicial_server::certs::init(certs.path()).expect("a development CA");
    let file = |name: &str| certs.path().join(name).display().to_string();
    let (cert, key) = (file("notifier.pem"), file("notifier-key.pem"));
    let Some(nats) = NatsServer::start_with(&["--tls", "--tlscert", &cert, "--tlskey", &key]).await
    else {
        return;
    };
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let mut config = sink_config(dirs.1.path(), &registry.url(), &nats);
    config.sink.tls_ca = Some(certs.path().join("ca.pem"));
    let notifier = NotifierHandle::start_with(config).await;
    wait_status(notifier.addr, HEALTH_SERVICE, ServingStatus::Serving).await;

    let client = async_nats::ConnectOptions::new()
        .add_root_certificates(certs.path().join("ca.pem"))
        .require_tls(true)
        .connect(nats.url())
        .await
        .expect("a TLS client");
    let js = jetstream::new(client);
    let mut everything = follow(&js, &format!("{PREFIX}.>")).await;
    let revision = create_instrument(&mut registry.client(), treaty("tls1", "FR", None)).await;
    let mut got = Vec::new();
    read_until(&mut everything, &mut got, |m| {
        m.iter()
            .any(|m| m.payload["registryrevision"].as_u64() == Some(revision))
    })
    .await;
    assert_eq!(got[0].subject, format!("{PREFIX}.instrument_created.FR"));
    // A client without the CA cannot even connect: the sink's TLS is real.
    assert!(
        async_nats::ConnectOptions::new()
            .require_tls(true)
            .connect(nats.url())
            .await
            .is_err()
    );
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

//! `fanout`: 1,000 subscribers, each with its own subscription and
//! StreamEvents stream, on one notifier that follows the registry; writes
//! at a steady rate; the time from each write's acknowledgement to each
//! subscriber receiving the first event derived from that revision.
//!
//! Subscribers acknowledge cumulatively every [`ACK_EVERY`] events (and at
//! the end), as a real consumer batching its acks would.
//!
//! With `--nats`, the notifier also publishes through its JetStream sink to
//! a local nats-server, and as many NATS consumers of the stream (ordered
//! push consumers from new messages, over [`CONNECTIONS`] NATS connections)
//! are measured in the same run, on the same writes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use futures::StreamExt;
use judicial_domain::TreatyType;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_server::Shutdown;
use judicial_test_support::RegistryHandle;
use judicial_test_support::notifier::NotifierHandle;
use serde_json::json;
use tokio::sync::mpsc;
use tonic::transport::Channel;

use super::progress;
use crate::cli::Options;
use crate::load::{self, Stats, histogram, record};
use crate::report::{STATS_HEADER, ScenarioReport, Table, Verdict};
use crate::synth::{self, Rng};

/// Subscribers (the figure).
pub const SUBSCRIBERS: usize = 1_000;
/// Writes per second during the measurement.
pub const RATE: u32 = 10;
/// HTTP/2 connections the streams share (the server allows 512 streams per
/// connection).
const CONNECTIONS: usize = 10;
/// Events a subscriber receives between two cumulative acks.
pub const ACK_EVERY: usize = 50;

/// One delivery: subscriber, registry revision, when.
type Delivery = (usize, u64, Instant);

async fn subscriber(
    index: usize,
    channel: Channel,
    deliveries: mpsc::UnboundedSender<Delivery>,
    ready: mpsc::UnboundedSender<()>,
    stop: Shutdown,
) -> Result<(), tonic::Status> {
    let mut client = NotifierServiceClient::new(channel);
    let name = format!("subscriptions/bench-{index}");
    let mut stream = client
        .stream_events(pb::StreamEventsRequest {
            subscription: name.clone(),
            max_in_flight: 0,
        })
        .await?
        .into_inner();
    // The response headers arrived: the server has the stream.
    let _ = ready.send(());
    let (mut unacked, mut last) = (0usize, 0u64);
    let mut seen_revision = 0u64;
    loop {
        let event = tokio::select! {
            e = stream.message() => e?,
            _ = stop.wait() => break,
        };
        let Some(event) = event else { break };
        let now = Instant::now();
        if event.registry_revision > seen_revision {
            seen_revision = event.registry_revision;
            let _ = deliveries.send((index, event.registry_revision, now));
        }
        last = event.sequence;
        unacked += 1;
        if unacked >= ACK_EVERY {
            client
                .ack_events(pb::AckEventsRequest {
                    subscription: name.clone(),
                    sequence: last,
                })
                .await?;
            unacked = 0;
        }
    }
    if unacked > 0 {
        let _ = client
            .ack_events(pb::AckEventsRequest {
                subscription: name,
                sequence: last,
            })
            .await;
    }
    Ok(())
}

/// The sink's stream (the notifier's default `--sink-stream`).
const NATS_STREAM: &str = "JUDICIAL_EVENTS";

/// Creates an ordered push consumer of the stream from its next message.
async fn nats_consumer(
    js: &jetstream::Context,
) -> Result<jetstream::consumer::push::Ordered, String> {
    let stream = js
        .get_stream(NATS_STREAM)
        .await
        .map_err(|e| e.to_string())?;
    let consumer = stream
        .create_consumer(jetstream::consumer::push::OrderedConfig {
            deliver_subject: js.client().new_inbox(),
            deliver_policy: jetstream::consumer::DeliverPolicy::New,
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    consumer.messages().await.map_err(|e| e.to_string())
}

/// One NATS consumer: reports the first message of each registry revision.
async fn nats_subscriber(
    index: usize,
    mut messages: jetstream::consumer::push::Ordered,
    deliveries: mpsc::UnboundedSender<Delivery>,
    stop: Shutdown,
) -> Result<(), String> {
    let mut seen_revision = 0u64;
    loop {
        let message = tokio::select! {
            m = messages.next() => m,
            _ = stop.wait() => break,
        };
        let Some(message) = message else { break };
        let message = message.map_err(|e| e.to_string())?;
        let now = Instant::now();
        let revision = serde_json::from_slice::<serde_json::Value>(&message.payload)
            .ok()
            .and_then(|v| v["registryrevision"].as_u64())
            .unwrap_or(0);
        if revision > seen_revision {
            seen_revision = revision;
            let _ = deliveries.send((index, revision, now));
        }
    }
    Ok(())
}

/// Per (subscriber, measured write) latencies, each and the slowest per
/// write, and how many deliveries never came.
fn latencies(
    acked: &[(u64, Instant, bool)],
    got: &HashMap<(usize, u64), Instant>,
    subscribers: usize,
) -> (
    hdrhistogram::Histogram<u64>,
    hdrhistogram::Histogram<u64>,
    u64,
) {
    let (mut each, mut slowest) = (histogram(), histogram());
    let mut missing = 0u64;
    for (revision, at, _) in acked.iter().filter(|a| a.2) {
        let mut worst = Duration::ZERO;
        for s in 0..subscribers {
            match got.get(&(s, *revision)) {
                Some(t) => {
                    let d = t.saturating_duration_since(*at);
                    worst = worst.max(d);
                    record(&mut each, d);
                }
                None => missing += 1,
            }
        }
        record(&mut slowest, worst);
    }
    (each, slowest, missing)
}

/// Runs the scenario.
pub async fn run(opts: &Options) -> ScenarioReport {
    let subscribers = if opts.quick { 50 } else { SUBSCRIBERS };
    let dir = tempfile::tempdir().expect("temporary directory");
    let registry = RegistryHandle::start(&dir.path().join("registry"), Seed::Bundled).await;
    let nats = if opts.nats {
        judicial_test_support::nats::NatsServer::start().await
    } else {
        None
    };
    let mut config =
        judicial_notifier::Config::for_data_dir(dir.path().join("notifier"), registry.url());
    if let Some(nats) = &nats {
        config.sink.servers = vec![nats.url()];
    }
    let notifier = NotifierHandle::start_with(config).await;
    let url = format!("http://{}", notifier.addr);
    let channels = load::connections(&url, CONNECTIONS).await.expect("connect");
    progress(format!("fanout: creating {subscribers} subscriptions"));
    let mut admin = NotifierServiceClient::new(channels[0].clone());
    for i in 0..subscribers {
        admin
            .create_subscription(pb::CreateSubscriptionRequest {
                subscription: Some(pb::Subscription {
                    start: pb::StartPosition::Latest as i32,
                    ..Default::default()
                }),
                subscription_id: format!("bench-{i}"),
            })
            .await
            .expect("create a subscription");
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Delivery>();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    let stop = Shutdown::new();
    let mut tasks = Vec::new();
    for i in 0..subscribers {
        let channel = channels[i % CONNECTIONS].clone();
        let (tx, ready) = (tx.clone(), ready_tx.clone());
        tasks.push(tokio::spawn(subscriber(
            i,
            channel,
            tx,
            ready,
            stop.clone(),
        )));
    }
    drop((tx, ready_tx));
    // Every stream is open before the first write.
    let mut open = 0;
    while open < subscribers && ready_rx.recv().await.is_some() {
        open += 1;
    }
    let (nats_tx, mut nats_rx) = mpsc::unbounded_channel::<Delivery>();
    let mut nats_tasks = Vec::new();
    let mut nats_errors = Vec::new();
    if let Some(nats) = &nats {
        judicial_test_support::wait_serving(notifier.addr, judicial_notifier::sink::HEALTH_SERVICE)
            .await;
        let mut contexts = Vec::new();
        for _ in 0..CONNECTIONS {
            let client = async_nats::connect(nats.url())
                .await
                .expect("connect to nats");
            contexts.push(jetstream::new(client));
        }
        progress(format!("fanout: creating {subscribers} NATS consumers"));
        for i in 0..subscribers {
            match nats_consumer(&contexts[i % CONNECTIONS]).await {
                Ok(messages) => nats_tasks.push(tokio::spawn(nats_subscriber(
                    i,
                    messages,
                    nats_tx.clone(),
                    stop.clone(),
                ))),
                Err(e) => nats_errors.push(e),
            }
        }
    }
    drop(nats_tx);
    let nats_open = nats_tasks.len();

    let states = synth::builtin_counterparts();
    let mut writer = RegistryServiceClient::new(
        load::connections(&registry.url(), 1)
            .await
            .expect("connect")
            .remove(0),
    );
    let total = opts.warmup + opts.duration;
    let count = (total.as_secs_f64() * f64::from(RATE)).ceil() as u64;
    let warmup_count = (opts.warmup.as_secs_f64() * f64::from(RATE)).ceil() as u64;
    progress(format!(
        "fanout: {count} writes at {RATE}/s to {subscribers} subscribers"
    ));
    let mut acked: Vec<(u64, Instant, bool)> = Vec::new();
    let mut write_errors = 0u64;
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / RATE);
    for n in 0..count {
        ticker.tick().await;
        let mut rng = Rng::new(n + 7);
        let inst = synth::treaty(
            format!("bench-fanout-{n}"),
            &states[n as usize % states.len()],
            TreatyType::Criminal,
            &mut rng,
        );
        match writer
            .create_instrument(pb::CreateInstrumentRequest {
                instrument: Some(convert::instrument_to_proto(&inst)),
                reason: "judicial-bench fanout".into(),
            })
            .await
        {
            Ok(r) => acked.push((r.into_inner().revision, Instant::now(), n >= warmup_count)),
            Err(_) => write_errors += 1,
        }
    }
    // Collect until every subscriber has the last revision, or 10 s.
    let last = acked.iter().map(|a| a.0).max().unwrap_or(0);
    let mut got: HashMap<(usize, u64), Instant> = HashMap::new();
    let mut nats_got: HashMap<(usize, u64), Instant> = HashMap::new();
    let (mut done_last, mut nats_done_last) = (0usize, 0usize);
    let deadline = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(deadline);
    while done_last < subscribers || nats_done_last < nats_open {
        tokio::select! {
            d = rx.recv(), if done_last < subscribers => match d {
                Some((s, revision, at)) => {
                    if revision == last { done_last += 1; }
                    got.entry((s, revision)).or_insert(at);
                }
                None => done_last = subscribers,
            },
            d = nats_rx.recv(), if nats_done_last < nats_open => match d {
                Some((s, revision, at)) => {
                    if revision == last { nats_done_last += 1; }
                    nats_got.entry((s, revision)).or_insert(at);
                }
                None => nats_done_last = nats_open,
            },
            _ = &mut deadline => break,
        }
    }
    stop.trigger();
    let mut stream_errors = Vec::new();
    for t in tasks {
        if let Ok(Err(e)) = t.await {
            stream_errors.push(format!("{:?}: {}", e.code(), e.message()));
        }
    }
    while let Ok((s, revision, at)) = rx.try_recv() {
        got.entry((s, revision)).or_insert(at);
    }
    for t in nats_tasks {
        if let Ok(Err(e)) = t.await {
            nats_errors.push(e);
        }
    }
    while let Ok((s, revision, at)) = nats_rx.try_recv() {
        nats_got.entry((s, revision)).or_insert(at);
    }
    let _ = notifier.stop().await;
    let _ = registry.stop().await;
    drop(nats);

    let (each, slowest, missing) = latencies(&acked, &got, subscribers);
    let mut header = vec!["measure"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        format!("fanout: {subscribers} subscribers, {RATE} writes/s, ack every {ACK_EVERY} events"),
        &header,
    );
    let e = Stats::of(&each, missing, None);
    let s = Stats::of(&slowest, 0, None);
    t.stats_row(&["write ack → each subscriber's delivery"], &e);
    t.stats_row(&["write ack → last subscriber's delivery"], &s);
    let nats_stats = opts.nats.then(|| {
        let (each, slowest, missing) = latencies(&acked, &nats_got, nats_open);
        (
            Stats::of(&each, missing, None),
            Stats::of(&slowest, 0, None),
            missing,
        )
    });
    if let Some((ne, ns, _)) = &nats_stats {
        t.stats_row(&["write ack → each NATS consumer's delivery"], ne);
        t.stats_row(&["write ack → last NATS consumer's delivery"], ns);
    }
    let mut notes = vec![format!(
        "{open} of {subscribers} streams opened; {missing} (subscriber, write) deliveries missing after a 10 s grace (counted as errors)"
    )];
    if opts.nats {
        match &nats_stats {
            Some((_, _, nats_missing)) if nats_open > 0 => notes.push(format!(
                "NATS (same run, same writes, the sink publishing beside gRPC delivery): {nats_open} of {subscribers} consumers; {nats_missing} (consumer, write) deliveries missing after the grace"
            )),
            _ => notes.push("NATS series skipped: nats-server is not installed or no consumer could be created".into()),
        }
        if let Some(first) = nats_errors.first() {
            notes.push(format!(
                "{} NATS consumers failed; first: {first}",
                nats_errors.len()
            ));
        }
    }
    if write_errors > 0 {
        notes.push(format!("{write_errors} writes failed"));
    }
    if let Some(first) = stream_errors.first() {
        notes.push(format!(
            "{} streams failed; first: {first}",
            stream_errors.len()
        ));
    }
    let mut verdict = Verdict::at_most(
        &format!("fanout ({subscribers})"),
        "write → delivery p99",
        100.0,
        e.p99_us / 1000.0,
        "ms",
    );
    if e.count == 0 || missing > 0 {
        verdict.met = Some(false);
    }
    ScenarioReport {
        name: "fanout".into(),
        tables: vec![t],
        notes,
        verdicts: vec![verdict],
        data: json!({
            "subscribers": subscribers,
            "rate_per_s": RATE,
            "each": e,
            "slowest": s,
            "missing": missing,
            "write_errors": write_errors,
            "stream_errors": stream_errors.len(),
            "nats": nats_stats.as_ref().map(|(each, slowest, missing)| json!({
                "consumers": nats_open,
                "each": each,
                "slowest": slowest,
                "missing": missing,
                "errors": nats_errors.len(),
            })),
        }),
    }
}

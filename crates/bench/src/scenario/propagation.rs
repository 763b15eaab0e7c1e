//! `propagation`: how long after a registry write is acknowledged the router
//! answers at that revision, at a steady 100 writes/s (open loop: writes are
//! sent on a timer, whatever the latency).
//!
//! Two observers see every write:
//! - the **router**: right after the acknowledgement, a Route query with
//!   `min_revision` = the write's revision (read-your-writes); the router
//!   answers once it has applied that revision, so the time from the
//!   acknowledgement to the answer is the propagation a client sees
//!   (including one Route round trip, measured separately for reference);
//! - a **watch**: a `judicial_client::Follower` (the router's own follower
//!   code) on the registry's Watch; the time from the acknowledgement to
//!   its event is the registry-to-follower part alone.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use judicial_client::{FollowEvent, Follower, FollowerOptions};
use judicial_domain::TreatyType;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_server::Shutdown;
use serde_json::json;
use tokio::sync::mpsc;

use super::{Cluster, progress, router_client};
use crate::cli::Options;
use crate::load::{self, Stats, histogram, record};
use crate::report::{STATS_HEADER, ScenarioReport, Table, Verdict};
use crate::synth::{self, Rng};

/// Writes per second.
pub const RATE: u32 = 100;

/// One write and what each observer saw.
#[derive(Debug)]
struct Sample {
    sent: Instant,
    acked: Instant,
    revision: u64,
    /// When the router answered the min_revision query (None: it failed).
    routed: Option<Instant>,
    measured: bool,
}

/// Runs the scenario.
pub async fn run(opts: &Options) -> ScenarioReport {
    let cluster = Cluster::start(Seed::Bundled).await;
    let registry_channel = load::connections(&cluster.registry.url(), 1)
        .await
        .expect("connect to the registry")
        .remove(0);
    let router_channel = load::connections(&cluster.router_url(), 1)
        .await
        .expect("connect to the router")
        .remove(0);

    // The watch observer: the follower the router itself uses.
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let (synced_tx, mut synced_rx) = mpsc::unbounded_channel::<()>();
    let shutdown = Shutdown::new();
    let follower = Follower::new(registry_channel.clone(), FollowerOptions::default());
    let observer = tokio::spawn(follower.run(shutdown.clone(), move |event| match event {
        FollowEvent::Revision { revision, .. } => {
            let _ = seen_tx.send((revision, Instant::now()));
        }
        FollowEvent::Reset { .. } => {
            let _ = synced_tx.send(());
        }
        _ => {}
    }));
    synced_rx.recv().await.expect("the watch observer synced");

    // A Route round trip without waiting, for reference.
    let reference_query = pb::RouteRequest {
        counterpart: "FR".into(),
        matter: pb::Matter::CivilCommercial as i32,
        assistance: pb::Assistance::ServiceOfDocuments as i32,
        ..Default::default()
    };
    let mut rtt = histogram();
    let mut client = router_client(router_channel.clone());
    for _ in 0..200 {
        let t = Instant::now();
        client
            .route(reference_query.clone())
            .await
            .expect("reference route");
        record(&mut rtt, t.elapsed());
    }

    // The writes, on a timer.
    let states = Arc::new(synth::builtin_counterparts());
    let total = opts.warmup + opts.duration;
    let count = (total.as_secs_f64() * f64::from(RATE)).ceil() as u64;
    let warmup_count = (opts.warmup.as_secs_f64() * f64::from(RATE)).ceil() as u64;
    progress(format!(
        "propagation: {count} writes at {RATE}/s, {warmup_count} of them warm-up"
    ));
    let (sample_tx, mut sample_rx) = mpsc::unbounded_channel::<Result<Sample, String>>();
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / RATE);
    for n in 0..count {
        ticker.tick().await;
        let registry = RegistryServiceClient::new(registry_channel.clone());
        let router = router_client(router_channel.clone());
        let states = states.clone();
        let tx = sample_tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(one_write(n, registry, router, &states, n >= warmup_count).await);
        });
    }
    drop(sample_tx);
    let mut samples = Vec::new();
    let mut failures = Vec::new();
    while let Some(s) = sample_rx.recv().await {
        match s {
            Ok(s) => samples.push(s),
            Err(e) => failures.push(e),
        }
    }
    // Every acknowledged revision reaches the watch observer; wait for the last.
    let last = samples.iter().map(|s| s.revision).max().unwrap_or(0);
    let mut seen = HashMap::new();
    let deadline = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(deadline);
    while !seen.contains_key(&last) {
        tokio::select! {
            Some((revision, at)) = seen_rx.recv() => { seen.insert(revision, at); }
            _ = &mut deadline => break,
        }
    }
    while let Ok((revision, at)) = seen_rx.try_recv() {
        seen.insert(revision, at);
    }
    shutdown.trigger();
    let _ = observer.await;
    cluster.stop().await;
    report(&samples, &seen, &failures, &rtt)
}

async fn one_write(
    n: u64,
    mut registry: RegistryServiceClient<tonic::transport::Channel>,
    mut router: judicial_proto::v1::router_service_client::RouterServiceClient<
        tonic::transport::Channel,
    >,
    states: &[String],
    measured: bool,
) -> Result<Sample, String> {
    let mut rng = Rng::new(n + 1);
    let counterpart = &states[n as usize % states.len()];
    let inst = synth::treaty(
        format!("bench-prop-{n}"),
        counterpart,
        TreatyType::CivilCommercial,
        &mut rng,
    );
    let sent = Instant::now();
    let created = registry
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(convert::instrument_to_proto(&inst)),
            reason: "judicial-bench propagation".into(),
        })
        .await
        .map_err(|s| format!("create: {:?}: {}", s.code(), s.message()))?
        .into_inner();
    let acked = Instant::now();
    let mut query = tonic::Request::new(pb::RouteRequest {
        counterpart: counterpart.clone(),
        matter: pb::Matter::CivilCommercial as i32,
        assistance: pb::Assistance::ServiceOfDocuments as i32,
        min_revision: created.revision,
        ..Default::default()
    });
    query.set_timeout(Duration::from_secs(5));
    let routed = match router.route(query).await {
        Ok(answer) if answer.get_ref().revision >= created.revision => Some(Instant::now()),
        Ok(_) => None,
        Err(_) => None,
    };
    Ok(Sample {
        sent,
        acked,
        revision: created.revision,
        routed,
        measured,
    })
}

fn report(
    samples: &[Sample],
    seen: &HashMap<u64, Instant>,
    failures: &[String],
    rtt: &hdrhistogram::Histogram<u64>,
) -> ScenarioReport {
    let (mut ack, mut routed, mut watched, mut end_to_end) =
        (histogram(), histogram(), histogram(), histogram());
    let (mut route_failed, mut watch_missing, mut watch_before_ack) = (0u64, 0u64, 0u64);
    for s in samples.iter().filter(|s| s.measured) {
        record(&mut ack, s.acked - s.sent);
        match s.routed {
            Some(at) => {
                record(&mut routed, at.saturating_duration_since(s.acked));
                record(&mut end_to_end, at - s.sent);
            }
            None => route_failed += 1,
        }
        match seen.get(&s.revision) {
            Some(at) if *at < s.acked => {
                watch_before_ack += 1;
                record(&mut watched, Duration::ZERO);
            }
            Some(at) => record(&mut watched, *at - s.acked),
            None => watch_missing += 1,
        }
    }
    let rows = [
        (
            "write acknowledged (sent → ack)",
            Stats::of(&ack, failures.len() as u64, None),
        ),
        (
            "router answers at the revision (ack → Route with min_revision returns)",
            Stats::of(&routed, route_failed, None),
        ),
        (
            "watch observer sees the revision (ack → Follower event)",
            Stats::of(&watched, watch_missing, None),
        ),
        (
            "write sent → router answers at its revision",
            Stats::of(&end_to_end, route_failed, None),
        ),
        (
            "reference: Route round trip, no wait, unloaded",
            Stats::of(rtt, 0, None),
        ),
    ];
    let mut header = vec!["measure"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        format!("propagation at {RATE} writes/s (CreateInstrument over gRPC)"),
        &header,
    );
    for (name, stats) in &rows {
        t.stats_row(&[name], stats);
    }
    let mut notes = vec![format!(
        "{watch_before_ack} of {} watch events arrived before the writer saw its acknowledgement (counted as 0)",
        ack.len()
    )];
    if let Some(f) = failures.first() {
        notes.push(format!("{} writes failed; first: {f}", failures.len()));
    }
    let routed_stats = rows[1].1;
    let mut verdicts = vec![Verdict::at_most(
        "propagation",
        "ack → router at revision, p99",
        10.0,
        routed_stats.p99_us / 1000.0,
        "ms",
    )];
    if routed_stats.count == 0 {
        verdicts[0].met = Some(false);
    }
    ScenarioReport {
        name: "propagation".into(),
        tables: vec![t],
        notes,
        verdicts,
        data: json!({
            "rate_per_s": RATE,
            "ack": rows[0].1,
            "router": rows[1].1,
            "watch": rows[2].1,
            "end_to_end": rows[3].1,
            "route_rtt": rows[4].1,
            "watch_before_ack": watch_before_ack,
            "route_failed": route_failed,
            "write_failures": failures.len(),
        }),
    }
}

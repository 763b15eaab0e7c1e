//! Overload fairness: does a normal Route keep its latency while the router
//! sheds a flood of slow calls? The flood is the one of
//! `tests/tests/overload.rs`: a router with a concurrency limit of 8, and 80
//! clients each sending Routes whose `min_revision` never arrives (each
//! holds a slot until its 200 ms deadline), retrying at once when shed. One
//! more client sends normal Routes one at a time.
//!
//! Two routers run side by side in the same run: one with the admission
//! classes (`--slow-read-after 50ms`, the default), and one where slow reads
//! never move out of the interactive share (`--slow-read-after 1h`), which
//! behaves like the single shared limit the suite had before. The target is
//! the issue's: a normal Route's p99 under the flood within 3× its unloaded
//! p99 measured on the same router in the same run.

use std::time::{Duration, Instant};

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle};
use serde_json::json;
use tonic::Code;

use crate::cli::Options;
use crate::report::{ScenarioReport, Table, Verdict};
use crate::scenario::progress;

/// The router's concurrency limit, as in the overload test.
const CAPACITY: usize = 8;
/// Flooding clients per slot.
const FLOOD_FACTOR: usize = 10;

fn query(min_revision: u64) -> pb::RouteRequest {
    pb::RouteRequest {
        counterpart: "FR".into(),
        matter: pb::Matter::CivilCommercial as i32,
        assistance: pb::Assistance::ServiceOfDocuments as i32,
        min_revision,
        ..Default::default()
    }
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v.get(((v.len() as f64 - 1.0) * p) as usize)
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What one router did under the flood.
#[derive(Debug, Clone, serde::Serialize)]
struct Run {
    slow_read_after_ms: f64,
    unloaded_p50_ms: f64,
    unloaded_p99_ms: f64,
    loaded_answered: usize,
    loaded_shed: u64,
    loaded_p50_ms: f64,
    loaded_p99_ms: f64,
    flood_admitted: u64,
    flood_shed: u64,
}

impl Run {
    fn ratio(&self) -> f64 {
        self.loaded_p99_ms / self.unloaded_p99_ms.max(f64::EPSILON)
    }
}

async fn measure(registry: &RegistryHandle, slow_read_after: Duration, window: Duration) -> Run {
    let mut config = judicial_router::Config::following(registry.url());
    config.common.concurrency_limit = CAPACITY;
    config.common.slow_read_after = slow_read_after;
    let router = RouterHandle::start_with(config).await;
    let mut rt = router.client();
    let mut quiet = Vec::new();
    for _ in 0..200 {
        rt.route(query(0)).await.expect("warm-up route");
    }
    for _ in 0..500 {
        let t = Instant::now();
        rt.route(query(0)).await.expect("unloaded route");
        quiet.push(t.elapsed());
    }
    let until = Instant::now() + window;
    let mut flood = Vec::new();
    for _ in 0..CAPACITY * FLOOD_FACTOR {
        let mut rt = router.client();
        flood.push(tokio::spawn(async move {
            let (mut admitted, mut shed) = (0u64, 0u64);
            while Instant::now() < until {
                let mut request = tonic::Request::new(query(u64::MAX));
                request.set_timeout(Duration::from_millis(200));
                match rt.route(request).await {
                    Err(s) if s.code() == Code::ResourceExhausted => {
                        shed += 1;
                        tokio::task::yield_now().await;
                    }
                    _ => admitted += 1,
                }
            }
            (admitted, shed)
        }));
    }
    let (mut loaded, mut loaded_shed) = (Vec::new(), 0u64);
    while Instant::now() < until {
        let t = Instant::now();
        match rt.route(query(0)).await {
            Ok(_) => loaded.push(t.elapsed()),
            Err(s) if s.code() == Code::ResourceExhausted => loaded_shed += 1,
            Err(s) => panic!("a normal route failed under overload: {s:?}"),
        }
    }
    let (mut flood_admitted, mut flood_shed) = (0, 0);
    for f in flood {
        let (a, s) = f.await.expect("flood client");
        flood_admitted += a;
        flood_shed += s;
    }
    let _ = router.stop().await;
    Run {
        slow_read_after_ms: ms(slow_read_after),
        unloaded_p50_ms: ms(percentile(&mut quiet, 0.5)),
        unloaded_p99_ms: ms(percentile(&mut quiet, 0.99)),
        loaded_answered: loaded.len(),
        loaded_shed,
        loaded_p50_ms: ms(percentile(&mut loaded, 0.5)),
        loaded_p99_ms: ms(percentile(&mut loaded, 0.99)),
        flood_admitted,
        flood_shed,
    }
}

/// Runs both routers for `opts.duration` each and reports the ratios.
pub async fn run(opts: &Options) -> ScenarioReport {
    let dir = tempfile::tempdir().expect("temporary directory");
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    progress("fairness: admission classes (slow reads move out after 50 ms)");
    let classes = measure(&registry, Duration::from_millis(50), opts.duration).await;
    progress("fairness: one shared share (slow reads never move out)");
    let shared = measure(&registry, Duration::from_secs(3600), opts.duration).await;
    let _ = registry.stop().await;

    let mut table = Table::new(
        format!(
            "normal Route under {}× overload (limit {CAPACITY}, {} slow clients, {:?})",
            FLOOD_FACTOR,
            CAPACITY * FLOOD_FACTOR,
            opts.duration
        ),
        &[
            "admission",
            "unloaded p50 ms",
            "unloaded p99 ms",
            "loaded answered",
            "loaded shed",
            "loaded p50 ms",
            "loaded p99 ms",
            "p99 loaded/unloaded",
            "flood admitted",
            "flood shed",
        ],
    );
    for (label, r) in [
        ("classes (slow after 50 ms)", &classes),
        ("shared (slow never moves)", &shared),
    ] {
        table.row(vec![
            label.into(),
            format!("{:.2}", r.unloaded_p50_ms),
            format!("{:.2}", r.unloaded_p99_ms),
            r.loaded_answered.to_string(),
            r.loaded_shed.to_string(),
            format!("{:.2}", r.loaded_p50_ms),
            format!("{:.2}", r.loaded_p99_ms),
            format!("{:.2}", r.ratio()),
            r.flood_admitted.to_string(),
            r.flood_shed.to_string(),
        ]);
    }
    let answered_share = |r: &Run| {
        r.loaded_answered as f64 / (r.loaded_answered as f64 + r.loaded_shed as f64).max(1.0)
    };
    ScenarioReport {
        name: "fairness".into(),
        tables: vec![table],
        notes: vec![
            "the flood and the measuring client share the machine's cores with the router: \
             part of the loaded latency is client scheduling, not server queueing"
                .into(),
            format!(
                "normal Routes answered (not shed): {:.0}% with classes, {:.0}% shared",
                answered_share(&classes) * 100.0,
                answered_share(&shared) * 100.0
            ),
        ],
        verdicts: vec![
            Verdict::at_most(
                "fairness",
                "Route p99 loaded/unloaded (classes)",
                3.0,
                classes.ratio(),
                "x",
            ),
            Verdict::at_least(
                "fairness",
                "normal Routes answered, not shed (classes)",
                0.5,
                answered_share(&classes),
                "",
            ),
        ],
        data: json!({ "classes": classes, "shared": shared }),
    }
}

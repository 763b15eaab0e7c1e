//! Overload at ten times capacity: the excess is refused at once with
//! RESOURCE_EXHAUSTED, admitted requests still complete, memory stays
//! bounded. Latencies are printed for RELIABILITY.md, never asserted.

use std::time::{Duration, Instant};

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle};
use tonic::Code;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v.get(((v.len() as f64 - 1.0) * p) as usize)
        .copied()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_times_capacity_is_shed_and_memory_stays_bounded() {
    let seconds = std::env::var("JUDICIAL_OVERLOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let capacity = 8;
    let mut config = judicial_router::Config::following(registry.url());
    config.common.concurrency_limit = capacity;
    let router = RouterHandle::start_with(config).await;
    let query = |min_revision| pb::RouteRequest {
        counterpart: "FR".into(),
        matter: 1,
        assistance: 1,
        min_revision,
        ..Default::default()
    };

    // Baseline latency of a normal query, unloaded.
    let mut rt = router.client();
    let mut quiet = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        rt.route(query(0)).await.unwrap();
        quiet.push(t.elapsed());
    }

    // 10 x capacity clients, each holding a slot for up to 200 ms per request
    // (a revision that never comes), for `seconds`.
    let rss_before = rss_kib();
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut flood = Vec::new();
    for _ in 0..capacity * 10 {
        let mut rt = router.client();
        flood.push(tokio::spawn(async move {
            let (mut admitted, mut shed, mut shed_latency) = (0u64, 0u64, Vec::new());
            while Instant::now() < until {
                let mut request = tonic::Request::new(query(u64::MAX));
                request.set_timeout(Duration::from_millis(200));
                let t = Instant::now();
                match rt.route(request).await {
                    Err(s) if s.code() == Code::ResourceExhausted => {
                        shed += 1;
                        shed_latency.push(t.elapsed());
                        tokio::task::yield_now().await;
                    }
                    // Admitted, then ended by the revision wait or the deadline.
                    Err(s)
                        if matches!(
                            s.code(),
                            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled
                        ) =>
                    {
                        admitted += 1
                    }
                    other => panic!("unexpected answer under overload: {other:?}"),
                }
            }
            (admitted, shed, shed_latency)
        }));
    }
    // Meanwhile, normal queries from one more client: admitted or shed, never stuck.
    let mut loaded = Vec::new();
    let mut loaded_shed = 0;
    while Instant::now() < until {
        let t = Instant::now();
        match rt.route(query(0)).await {
            Ok(_) => loaded.push(t.elapsed()),
            Err(s) if s.code() == Code::ResourceExhausted => loaded_shed += 1,
            Err(s) => panic!("{s:?}"),
        }
    }
    let (mut admitted, mut shed, mut shed_latency) = (0, 0, Vec::new());
    for f in flood {
        let (a, s, l) = f.await.unwrap();
        admitted += a;
        shed += s;
        shed_latency.extend(l);
    }
    let rss_after = rss_kib();
    eprintln!(
        "overload {seconds}s at {}x capacity {capacity}: {admitted} admitted, {shed} shed (p50 {:?}, p99 {:?}); \
         normal queries under load: {} answered (p50 {:?}, p99 {:?}), {loaded_shed} shed; unloaded p50 {:?}, p99 {:?}; RSS {} -> {} MiB",
        10,
        percentile(shed_latency.clone(), 0.5),
        percentile(shed_latency, 0.99),
        loaded.len(),
        percentile(loaded.clone(), 0.5),
        percentile(loaded, 0.99),
        percentile(quiet.clone(), 0.5),
        percentile(quiet, 0.99),
        rss_before / 1024,
        rss_after / 1024,
    );
    assert!(
        shed > admitted,
        "most of the excess is refused: {shed} shed vs {admitted} admitted"
    );
    assert!(admitted > 0);
    assert!(
        rss_after < rss_before + 100 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB"
    );
    // Afterwards the router serves normally.
    rt.route(query(0)).await.unwrap();
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

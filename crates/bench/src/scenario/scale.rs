//! `scale`: synthetic registries of 100, 10k and 100k instruments over 250
//! jurisdictions. For each: the router's initial sync time (start to
//! SERVING, in process), its memory (a router in a child process, VmRSS
//! from /proc), and Route latency under the route scenario's load.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle, wait_serving};
use serde::Serialize;
use serde_json::json;
use tokio::io::AsyncBufReadExt;

use super::{AnswerSize, CONNECTIONS, IN_FLIGHT, answer_size, progress, router_client};
use crate::cli::Options;
use crate::load::{self, Load, Stats};
use crate::machine::rss_kib;
use crate::report::{ScenarioReport, Table, Verdict};
use crate::synth;

/// Instruments per ImportDataset call (keeps each request far below the
/// 16 MiB message limit).
const IMPORT_CHUNK: usize = 2_000;

/// What one registry size measured.
#[derive(Debug, Clone, Serialize)]
pub struct SizeResult {
    /// Instruments in the registry.
    pub instruments: usize,
    /// Seconds the ImportDataset calls took.
    pub import_s: f64,
    /// In-process router: start to SERVING, each repetition, in seconds.
    pub sync_s: Vec<f64>,
    /// Child router: spawn to SERVING, in seconds.
    pub child_sync_s: Option<f64>,
    /// Child router VmRSS after sync, MiB.
    pub rss_mib: Option<f64>,
    /// Child router VmHWM (peak RSS) after sync, MiB.
    pub peak_rss_mib: Option<f64>,
    /// Route at one request in flight.
    pub route_single: Stats,
    /// Route at the route scenario's load.
    pub route_loaded: Stats,
    /// Size of the answers.
    pub answers: AnswerSize,
    /// Why the child router could not be measured, if it could not.
    pub child_error: Option<String>,
}

impl SizeResult {
    /// Median of the in-process sync times.
    pub fn sync_median(&self) -> f64 {
        let mut v = self.sync_s.clone();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    }
}

/// Imports `n` synthetic instruments (and the 250th jurisdiction) in chunks.
async fn populate(registry: &RegistryHandle, n: usize) -> Result<(), tonic::Status> {
    let states = synth::counterparts();
    let instruments = synth::registry(n, &states, 0xbe4c + n as u64);
    let mut client = RegistryServiceClient::new(registry_channel(registry).await)
        .max_encoding_message_size(64 * 1024 * 1024);
    let mut first = true;
    for chunk in instruments.chunks(IMPORT_CHUNK) {
        client
            .import_dataset(pb::ImportDatasetRequest {
                jurisdictions: if first {
                    vec![convert::jurisdiction_to_proto(&synth::extra_jurisdiction())]
                } else {
                    Vec::new()
                },
                instruments: chunk.iter().map(convert::instrument_to_proto).collect(),
                reason: format!("judicial-bench scale {n}"),
            })
            .await?;
        first = false;
    }
    Ok(())
}

async fn registry_channel(registry: &RegistryHandle) -> tonic::transport::Channel {
    load::connections(&registry.url(), 1)
        .await
        .expect("connect to the registry")
        .remove(0)
}

/// A router in a child process: this binary's hidden `router-child`
/// command, or `router_bin` with `--listen`.
struct ChildRouter {
    child: tokio::process::Child,
    addr: std::net::SocketAddr,
}

async fn spawn_child(
    registry_url: &str,
    router_bin: Option<&PathBuf>,
) -> Result<ChildRouter, String> {
    let (mut command, listen) = match router_bin {
        Some(bin) => {
            // The real binary binds what it is told: pick a free port.
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| e.to_string())?
                .port();
            let mut c = tokio::process::Command::new(bin);
            c.args([
                "--registry",
                registry_url,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ]);
            (c, Some(port))
        }
        None => {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let mut c = tokio::process::Command::new(exe);
            c.args(["router-child", "--registry", registry_url]);
            (c, None)
        }
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start the router: {e}"))?;
    let port = match listen {
        Some(port) => port,
        None => {
            let stdout = child.stdout.take().ok_or("no stdout")?;
            let mut line = String::new();
            tokio::io::BufReader::new(stdout)
                .read_line(&mut line)
                .await
                .map_err(|e| e.to_string())?;
            line.trim()
                .parse()
                .map_err(|_| format!("the router child printed {line:?}, not a port"))?
        }
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    // The real binary may not have bound yet: wait until it accepts.
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        if Instant::now() > deadline {
            return Err("the router child never accepted connections".into());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(ChildRouter { child, addr })
}

async fn measure_child(
    registry_url: &str,
    router_bin: Option<&PathBuf>,
) -> Result<(f64, f64, f64), String> {
    let started = Instant::now();
    let mut router = spawn_child(registry_url, router_bin).await?;
    tokio::time::timeout(
        Duration::from_secs(120),
        wait_serving(router.addr, "judicial.v1.RouterService"),
    )
    .await
    .map_err(|_| "the router child did not sync within 120 s".to_owned())?;
    let sync = started.elapsed().as_secs_f64();
    // Let the allocator settle after the snapshot's temporaries are freed.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = router.child.id().ok_or("the router child exited")?;
    let (rss, hwm) = rss_kib(pid).ok_or("cannot read /proc/PID/status")?;
    let _ = router.child.kill().await;
    Ok((sync, rss as f64 / 1024.0, hwm as f64 / 1024.0))
}

async fn one_size(n: usize, opts: &Options) -> SizeResult {
    let dir = tempfile::tempdir().expect("temporary directory");
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    progress(format!("scale {n}: importing"));
    let t = Instant::now();
    populate(&registry, n)
        .await
        .expect("the synthetic registry imports");
    let import_s = t.elapsed().as_secs_f64();
    let reps = if opts.quick { 1 } else { 3 };
    let mut sync_s = Vec::new();
    let mut router = None;
    for rep in 0..reps {
        progress(format!("scale {n}: router sync {}/{reps}", rep + 1));
        let t = Instant::now();
        let r = RouterHandle::start(&registry.url()).await;
        sync_s.push(t.elapsed().as_secs_f64());
        if let Some(previous) = router.replace(r) {
            let _ = RouterHandle::stop(previous).await;
        }
    }
    let router = router.expect("at least one repetition");
    progress(format!("scale {n}: child router RSS"));
    let child = measure_child(&registry.url(), opts.router_bin.as_ref()).await;
    let url = format!("http://{}", router.addr);
    let channels = load::connections(&url, CONNECTIONS).await.expect("connect");
    let mix = Arc::new(synth::uniform_mix(&synth::counterparts(), 512, 0x5ca1e));
    let answers = answer_size(channels[0].clone(), &mix)
        .await
        .expect("every query of the mix is answered");
    let call = {
        let mix = mix.clone();
        move |channel, k: u64| {
            let q = mix[k as usize % mix.len()].clone();
            async move { router_client(channel).route(q).await.map(|_| ()) }
        }
    };
    progress(format!("scale {n}: route latency"));
    let base = Load {
        in_flight: 1,
        warmup: opts.warmup,
        window: opts.duration,
    };
    let single = load::on_connections(&channels[..1], base, call.clone()).await;
    let loaded = load::on_connections(
        &channels,
        Load {
            in_flight: IN_FLIGHT,
            ..base
        },
        call,
    )
    .await;
    let _ = router.stop().await;
    let _ = registry.stop().await;
    let (child_sync_s, rss_mib, peak_rss_mib, child_error) = match child {
        Ok((s, r, p)) => (Some(s), Some(r), Some(p), None),
        Err(e) => (None, None, None, Some(e)),
    };
    SizeResult {
        instruments: n,
        import_s,
        sync_s,
        child_sync_s,
        rss_mib,
        peak_rss_mib,
        route_single: single.stats(),
        route_loaded: loaded.stats(),
        answers,
        child_error,
    }
}

/// The registry sizes measured.
pub fn sizes(opts: &Options) -> Vec<usize> {
    if opts.quick {
        vec![100, 1_000]
    } else {
        vec![100, 10_000, 100_000]
    }
}

/// Runs the scenario.
pub async fn run(opts: &Options) -> ScenarioReport {
    let mut results = Vec::new();
    for n in sizes(opts) {
        results.push(one_size(n, opts).await);
    }
    report(&results, opts.router_bin.is_some())
}

fn mib(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into())
}

fn report(results: &[SizeResult], real_binary: bool) -> ScenarioReport {
    let mut t = Table::new(
        "router over synthetic registries (250 jurisdictions; 99% bilateral treaties, 1% conventions)",
        &[
            "instruments",
            "import s",
            "sync s (median)",
            "child sync s",
            "RSS MiB",
            "peak RSS MiB",
            "Route p50 µs (1 in flight)",
            "Route p50 µs (50/4)",
            "Route p99 µs (50/4)",
            "Route req/s (50/4)",
            "answer entries",
            "answer bytes",
        ],
    );
    for r in results {
        t.row(vec![
            r.instruments.to_string(),
            format!("{:.2}", r.import_s),
            format!("{:.3}", r.sync_median()),
            r.child_sync_s
                .map(|s| format!("{s:.3}"))
                .unwrap_or_else(|| "-".into()),
            mib(r.rss_mib),
            mib(r.peak_rss_mib),
            format!("{:.0}", r.route_single.p50_us),
            format!("{:.0}", r.route_loaded.p50_us),
            format!("{:.0}", r.route_loaded.p99_us),
            format!("{:.0}", r.route_loaded.rps.unwrap_or(0.0)),
            format!("{:.1}", r.answers.mean_entries),
            format!("{:.0}", r.answers.mean_bytes),
        ]);
    }
    let mut notes = vec![format!(
        "RSS is the router in a child process ({}), read from /proc/PID/status 0.5 s after SERVING",
        if real_binary {
            "the --router-bin binary"
        } else {
            "this binary re-executed as `router-child`, running judicial_router::run"
        }
    )];
    notes.extend(results.iter().filter_map(|r| {
        r.child_error.as_ref().map(|e| {
            format!(
                "{} instruments: child router not measured: {e}",
                r.instruments
            )
        })
    }));
    for r in results {
        for (name, s) in [("1 in flight", &r.route_single), ("50/4", &r.route_loaded)] {
            if s.errors > 0 {
                notes.push(format!(
                    "{} instruments, {name}: {} Route errors",
                    r.instruments, s.errors
                ));
            }
        }
    }
    let mut verdicts = Vec::new();
    if let (Some(small), Some(large)) = (results.first(), results.last()) {
        let n = large.instruments;
        let scenario = format!("scale ({n})");
        verdicts.push(Verdict::at_most(
            &scenario,
            "router initial sync",
            2.0,
            large.sync_median(),
            "s",
        ));
        match large.rss_mib {
            Some(rss) => {
                verdicts.push(Verdict::at_most(&scenario, "router RSS", 256.0, rss, "MiB"))
            }
            None => verdicts.push(Verdict::not_measured(
                &scenario,
                "router RSS",
                "≤ 256 MiB",
                "child not measured",
            )),
        }
        verdicts.push(Verdict::at_most(
            &scenario,
            &format!("Route p50 (50/4) vs {} instruments", small.instruments),
            1.10,
            large.route_loaded.p50_us / small.route_loaded.p50_us,
            "x",
        ));
    }
    ScenarioReport {
        name: "scale".into(),
        tables: vec![t],
        notes,
        verdicts,
        data: json!({ "sizes": results }),
    }
}

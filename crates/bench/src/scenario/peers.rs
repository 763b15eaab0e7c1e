//! `peers`: the services beside what a user would pick instead, in one run.
//! Reads: echo (Health/Check on the router), Route for one fixed query
//! (FR, civil, service of documents; decoded and not decoded) and etcd's
//! serializable `KV/Range` of a value the size of that answer, all at
//! [`IN_FLIGHT`] over [`CONNECTIONS`]. Writes: durable `CreateInstrument`
//! and etcd's `KV/Put` (etcd fsyncs its WAL before acknowledging) at
//! [`WRITERS`] writers. etcd is started by the benchmark on a temporary
//! directory when an `etcd` binary is on PATH (Debian: `etcd-server`),
//! and its rows are skipped with a note when it is not.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::RegistryHandle;
use serde_json::json;

use super::{CONNECTIONS, Cluster, IN_FLIGHT, progress, router_client};
use crate::cli::Options;
use crate::load::{self, Load, Stats, Window};
use crate::report::{STATS_HEADER, ScenarioReport, Table, Verdict};
use crate::synth;

/// The generated client of etcd's KV service (proto/etcd/rpc.proto).
pub mod etcdserverpb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("etcdserverpb");
}

use etcdserverpb::kv_client::KvClient;

/// Writers in the write comparison.
pub const WRITERS: usize = 64;
/// Alternating rounds of each comparison.
pub const ROUNDS: usize = 3;

/// The fixed Route query of the issue: FR, civil, service of documents, today.
pub fn fr_service() -> pb::RouteRequest {
    pb::RouteRequest {
        counterpart: "FR".into(),
        matter: pb::Matter::CivilCommercial as i32,
        assistance: pb::Assistance::ServiceOfDocuments as i32,
        ..Default::default()
    }
}

/// An etcd server on a temporary directory, killed on drop.
struct Etcd {
    child: tokio::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn start_etcd(bin: &Path) -> Result<Etcd, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (client, peer) = (
        free_port().map_err(|e| e.to_string())?,
        free_port().map_err(|e| e.to_string())?,
    );
    let url = format!("http://127.0.0.1:{client}");
    let peer_url = format!("http://127.0.0.1:{peer}");
    let child = tokio::process::Command::new(bin)
        .arg("--data-dir")
        .arg(dir.path().join("etcd"))
        .args(["--name", "bench"])
        .args(["--listen-client-urls", &url])
        .args(["--advertise-client-urls", &url])
        .args(["--listen-peer-urls", &peer_url])
        .args(["--initial-advertise-peer-urls", &peer_url])
        .args(["--initial-cluster", &format!("bench={peer_url}")])
        .args(["--logger", "zap", "--log-level", "error"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let etcd = Etcd {
        child,
        url,
        _dir: dir,
    };
    // Ready when a linearizable read succeeds (it needs a leader).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(channel) = load::connections(&etcd.url, 1).await
            && KvClient::new(channel.into_iter().next().expect("one channel"))
                .range(etcdserverpb::RangeRequest {
                    key: b"ready".to_vec(),
                    ..Default::default()
                })
                .await
                .is_ok()
        {
            return Ok(etcd);
        }
        if Instant::now() > deadline {
            return Err("etcd did not answer within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the comparison measured; etcd's windows are empty when skipped.
#[derive(Debug, Default)]
struct Measured {
    echo: Vec<Window>,
    route: Vec<Window>,
    route_undecoded: Vec<Window>,
    etcd_range: Vec<Window>,
    create: Vec<Window>,
    etcd_put: Vec<Window>,
    answer_bytes: usize,
    etcd_note: Option<String>,
}

async fn echo(channel: tonic::transport::Channel) -> Result<(), tonic::Status> {
    tonic_health::pb::health_client::HealthClient::new(channel)
        .check(tonic_health::pb::HealthCheckRequest {
            service: "judicial.v1.RouterService".into(),
        })
        .await
        .map(|_| ())
}

/// Runs the scenario.
pub async fn run(opts: &Options) -> ScenarioReport {
    let mut m = Measured::default();
    let etcd = match on_path("etcd") {
        None => {
            m.etcd_note = Some(
                "etcd not on PATH (Debian: apt-get install etcd-server): its rows are skipped"
                    .into(),
            );
            None
        }
        Some(bin) => match start_etcd(&bin).await {
            Ok(e) => Some(e),
            Err(e) => {
                m.etcd_note = Some(format!("etcd not measured: {e}"));
                None
            }
        },
    };
    let loaded = Load {
        in_flight: IN_FLIGHT,
        warmup: opts.warmup,
        window: opts.duration,
    };

    // Reads.
    let cluster = Cluster::start(Seed::Bundled).await;
    let channels = load::connections(&cluster.router_url(), CONNECTIONS)
        .await
        .expect("connect to the router");
    let answer = router_client(channels[0].clone())
        .route(fr_service())
        .await
        .expect("FR is answered")
        .into_inner();
    m.answer_bytes = prost::Message::encoded_len(&answer);
    let etcd_channels = match &etcd {
        Some(e) => {
            let c = load::connections(&e.url, CONNECTIONS)
                .await
                .expect("connect to etcd");
            // A value the size of the Route answer.
            KvClient::new(c[0].clone())
                .put(etcdserverpb::PutRequest {
                    key: b"judicial/fr".to_vec(),
                    value: vec![b'x'; m.answer_bytes],
                    ..Default::default()
                })
                .await
                .expect("etcd put");
            Some(c)
        }
        None => None,
    };
    for round in 1..=ROUNDS {
        progress(format!("peers: echo window {round}/{ROUNDS}"));
        m.echo
            .push(load::on_connections(&channels, loaded, |c, _| echo(c)).await);
        progress(format!("peers: route FR window {round}/{ROUNDS}"));
        m.route.push(
            load::on_connections(&channels, loaded, |c, _| async move {
                router_client(c).route(fr_service()).await.map(|_| ())
            })
            .await,
        );
        m.route_undecoded.push(
            load::on_connections(&channels, loaded, |c, _| {
                super::undecoded::route(c, fr_service())
            })
            .await,
        );
        if let Some(ec) = &etcd_channels {
            progress(format!("peers: etcd range window {round}/{ROUNDS}"));
            m.etcd_range.push(
                load::on_connections(ec, loaded, |c, _| async move {
                    KvClient::new(c)
                        .range(etcdserverpb::RangeRequest {
                            key: b"judicial/fr".to_vec(),
                            serializable: true,
                            ..Default::default()
                        })
                        .await
                        .map(|_| ())
                })
                .await,
            );
        }
    }
    cluster.stop().await;

    // Writes.
    let dir = tempfile::tempdir().expect("temporary directory");
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let reg_channels = load::connections(&registry.url(), CONNECTIONS)
        .await
        .expect("connect to the registry");
    let states = Arc::new(synth::builtin_counterparts());
    let writes = Load {
        in_flight: WRITERS,
        ..loaded
    };
    let value_len = prost::Message::encoded_len(&convert::instrument_to_proto(
        &super::writes::instrument("size", 0, &states),
    ));
    for round in 1..=ROUNDS {
        progress(format!("peers: CreateInstrument window {round}/{ROUNDS}"));
        let states = states.clone();
        let tag = format!("peers{round}");
        m.create.push(
            load::on_connections(&reg_channels, writes, move |c, n| {
                let inst = super::writes::instrument(&tag, n, &states);
                async move {
                    RegistryServiceClient::new(c)
                        .create_instrument(pb::CreateInstrumentRequest {
                            instrument: Some(convert::instrument_to_proto(&inst)),
                            reason: "judicial-bench peers".into(),
                        })
                        .await
                        .map(|_| ())
                }
            })
            .await,
        );
        if let Some(ec) = &etcd_channels {
            progress(format!("peers: etcd put window {round}/{ROUNDS}"));
            m.etcd_put.push(
                load::on_connections(ec, writes, move |c, n| async move {
                    KvClient::new(c)
                        .put(etcdserverpb::PutRequest {
                            key: format!("judicial/w{round}/{n}").into_bytes(),
                            value: vec![b'x'; value_len],
                            ..Default::default()
                        })
                        .await
                        .map(|_| ())
                })
                .await,
            );
        }
    }
    let _ = registry.stop().await;
    if let Some(mut e) = etcd {
        let _ = e.child.kill().await;
    }
    report(&m, value_len)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn report(m: &Measured, value_len: usize) -> ScenarioReport {
    let mut header = vec!["round", "rpc"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        format!(
            "reads at {IN_FLIGHT} in flight over {CONNECTIONS} connections, writes at {WRITERS} writers, alternating windows"
        ),
        &header,
    );
    let series: [(&str, &Vec<Window>); 6] = [
        ("echo (Health/Check)", &m.echo),
        ("Route FR civil service", &m.route),
        ("Route FR, not decoded", &m.route_undecoded),
        ("etcd Range (serializable)", &m.etcd_range),
        ("CreateInstrument (durable)", &m.create),
        ("etcd Put (durable)", &m.etcd_put),
    ];
    let stats: Vec<Vec<Stats>> = series
        .iter()
        .map(|(_, w)| w.iter().map(Window::stats).collect())
        .collect();
    for round in 0..ROUNDS {
        for ((name, _), s) in series.iter().zip(&stats) {
            if let Some(s) = s.get(round) {
                t.stats_row(&[&(round + 1).to_string(), name], s);
            }
        }
    }
    let rps = |i: usize, r: usize| stats[i].get(r).and_then(|s| s.rps).unwrap_or(f64::NAN);
    let p99 = |i: usize, r: usize| stats[i].get(r).map(|s| s.p99_us).unwrap_or(f64::NAN);
    let ratio_of = |f: &dyn Fn(usize, usize) -> f64, a: usize, b: usize| {
        let mut v: Vec<f64> = (0..ROUNDS).map(|r| f(a, r) / f(b, r)).collect();
        median(&mut v)
    };
    let mut ratios = Table::new(
        "ratios (median of the per-round ratios)",
        &["ratio", "req/s", "p99"],
    );
    let rows: [(&str, usize, usize); 5] = [
        ("Route / echo", 1, 0),
        ("Route not decoded / echo", 2, 0),
        ("etcd Range / echo", 3, 0),
        ("CreateInstrument / etcd Put", 4, 5),
        ("etcd Put / echo", 5, 0),
    ];
    let mut data = serde_json::Map::new();
    for (name, a, b) in rows {
        let (r, p) = (ratio_of(&rps, a, b), ratio_of(&p99, a, b));
        ratios.row(vec![name.into(), format!("{r:.2}"), format!("{p:.2}")]);
        data.insert(name.into(), json!({ "rps_ratio": r, "p99_ratio": p }));
    }
    let mut notes = vec![format!(
        "Route FR answer: {} bytes; etcd Range reads a value of that size; etcd Put writes {value_len} bytes (an encoded instrument)",
        m.answer_bytes
    )];
    notes.extend(m.etcd_note.clone());
    for ((name, w), _) in series.iter().zip(&stats) {
        for (i, w) in w.iter().enumerate() {
            if let Some(e) = &w.first_error {
                notes.push(format!(
                    "{name} round {}: {} errors, first: {e}",
                    i + 1,
                    w.errors
                ));
            }
        }
    }
    let mut verdicts = vec![
        Verdict::at_least(
            "peers",
            "Route not decoded / echo req/s",
            0.9,
            ratio_of(&rps, 2, 0),
            "x",
        ),
        Verdict::at_most(
            "peers",
            "Route not decoded / echo p99",
            1.2,
            ratio_of(&p99, 2, 0),
            "x",
        ),
        Verdict::at_least(
            "peers",
            "Route (decoded) / echo req/s",
            0.8,
            ratio_of(&rps, 1, 0),
            "x",
        ),
    ];
    if m.etcd_put.is_empty() {
        verdicts.push(Verdict::not_measured(
            "peers",
            "CreateInstrument / etcd Put",
            "≥ 1",
            "etcd not measured",
        ));
    } else {
        verdicts.push(Verdict::at_least(
            "peers",
            "CreateInstrument / etcd Put req/s",
            1.0,
            ratio_of(&rps, 4, 5),
            "x",
        ));
    }
    data.insert(
        "series".into(),
        json!(
            series
                .iter()
                .zip(&stats)
                .map(|((n, _), s)| json!({ "name": n, "rounds": s }))
                .collect::<Vec<_>>()
        ),
    );
    ScenarioReport {
        name: "peers".into(),
        tables: vec![t, ratios],
        notes,
        verdicts,
        data: serde_json::Value::Object(data),
    }
}

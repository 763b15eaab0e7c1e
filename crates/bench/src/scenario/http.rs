//! `http`: Route over the JSON/HTTP gateway (HTTP/1.1 keep-alive, protobuf
//! JSON both ways) against Route over gRPC, on the same router, the same
//! query mix and the same number of requests in flight, in alternating
//! windows. The ratio is the gateway's overhead: translating the query into
//! the protobuf request, the in-process gRPC call through the same stack,
//! and printing the answer as JSON. Both clients decode what they receive.

use std::sync::Arc;

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::http::HttpClient;
use serde_json::json;

use super::route::bundled_mix;
use super::{CONNECTIONS, Cluster, IN_FLIGHT, progress, router_client};
use crate::cli::Options;
use crate::load::{self, Load, Stats, Window};
use crate::report::{STATS_HEADER, ScenarioReport, Table};

/// Alternating gRPC/JSON rounds.
pub const ROUNDS: usize = 3;

/// The `/v1/route?...` form of a route query (what the console and curl
/// send).
pub fn route_path(q: &pb::RouteRequest) -> String {
    let mut path = format!(
        "/v1/route?counterpart={}&matter={}&assistance={}",
        q.counterpart,
        pb::Matter::try_from(q.matter)
            .map(|m| m.as_str_name())
            .unwrap_or("MATTER_UNSPECIFIED"),
        pb::Assistance::try_from(q.assistance)
            .map(|a| a.as_str_name())
            .unwrap_or("ASSISTANCE_UNSPECIFIED"),
    );
    if let Some(d) = q.on_date {
        path.push_str(&format!(
            "&on_date={:04}-{:02}-{:02}",
            d.year, d.month, d.day
        ));
    }
    if !q.offence.is_empty() {
        path.push_str(&format!("&offence={}", q.offence.replace(' ', "%20")));
    }
    if q.explain {
        path.push_str("&explain=true");
    }
    path
}

/// What the comparison measured.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Route over gRPC windows.
    pub grpc: Vec<Window>,
    /// Route over JSON/HTTP windows, alternating with the gRPC ones.
    pub json: Vec<Window>,
    /// One request in flight, gRPC then JSON.
    pub single: Option<(Window, Window)>,
    /// Mean JSON answer size in bytes.
    pub json_bytes: f64,
}

/// Measures Route over gRPC and over JSON/HTTP in alternating windows.
pub async fn measure(opts: &Options) -> Comparison {
    let cluster = Cluster::start(Seed::Bundled).await;
    let url = cluster.router_url();
    let channels = load::connections(&url, CONNECTIONS)
        .await
        .expect("connect to the router");
    let single_channel = load::connections(&url, 1).await.expect("connect");
    let mix = Arc::new(bundled_mix(512));
    let paths: Arc<Vec<String>> = Arc::new(mix.iter().map(route_path).collect());
    let http = HttpClient::new(cluster.router.addr);

    // Every query answers over JSON as over gRPC (same channel list).
    let mut bytes = 0usize;
    let mut grpc = router_client(single_channel[0].clone());
    for (q, path) in mix.iter().zip(paths.iter()) {
        let answer = http.get(path).await;
        assert!(answer.status.is_success(), "{path}: {}", answer.text());
        bytes += answer.body.len();
        let over_json = answer.json();
        let over_grpc = grpc.route(q.clone()).await.expect("route").into_inner();
        let instruments: Vec<&str> = over_json["channels"]
            .as_array()
            .map(|c| {
                c.iter()
                    .map(|c| c["instrument"].as_str().unwrap_or(""))
                    .collect()
            })
            .unwrap_or_default();
        let want: Vec<&str> = over_grpc
            .channels
            .iter()
            .map(|c| c.instrument.as_str())
            .collect();
        assert_eq!(instruments, want, "{path}");
    }
    let json_bytes = bytes as f64 / mix.len().max(1) as f64;

    let grpc_call = {
        let mix = mix.clone();
        move |channel, n: u64| {
            let q = mix[n as usize % mix.len()].clone();
            async move { router_client(channel).route(q).await.map(|_| ()) }
        }
    };
    let json_call = {
        let paths = paths.clone();
        let http = http.clone();
        move |_worker: usize, n: u64| {
            let path = paths[n as usize % paths.len()].clone();
            let http = http.clone();
            async move {
                let answer = http
                    .try_send(http::Method::GET, &path, &[], bytes::Bytes::new())
                    .await?;
                if !answer.status.is_success() {
                    return Err(format!("HTTP {}: {}", answer.status, answer.text()));
                }
                serde_json::from_slice::<serde_json::Value>(&answer.body)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        }
    };
    let loaded = Load {
        in_flight: IN_FLIGHT,
        warmup: opts.warmup,
        window: opts.duration,
    };
    let mut comparison = Comparison {
        grpc: Vec::new(),
        json: Vec::new(),
        single: None,
        json_bytes,
    };
    for round in 1..=ROUNDS {
        progress(format!("route over gRPC, window {round}/{ROUNDS}"));
        comparison
            .grpc
            .push(load::on_connections(&channels, loaded, grpc_call.clone()).await);
        progress(format!("route over JSON/HTTP, window {round}/{ROUNDS}"));
        comparison
            .json
            .push(load::closed_loop(loaded, json_call.clone()).await);
    }
    let unloaded = Load {
        in_flight: 1,
        ..loaded
    };
    progress("route over gRPC and JSON, one request in flight");
    let g = load::on_connections(&single_channel, unloaded, grpc_call).await;
    let j = load::closed_loop(unloaded, json_call).await;
    comparison.single = Some((g, j));
    cluster.stop().await;
    comparison
}

/// The `http` scenario's report.
pub fn report(c: &Comparison) -> ScenarioReport {
    let mut header = vec!["round", "path"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        format!(
            "Route over gRPC ({CONNECTIONS} HTTP/2 connections) vs JSON/HTTP (HTTP/1.1 keep-alive), {IN_FLIGHT} in flight, alternating windows"
        ),
        &header,
    );
    let mut ratios = Table::new(
        "JSON/gRPC ratios (req/s below 1 and latency above 1 are the gateway's cost)",
        &[
            "round",
            "req/s ratio",
            "p50 ratio",
            "p99 ratio",
            "CPU/req ratio",
        ],
    );
    let ratio_row = |label: String, g: &Stats, j: &Stats| {
        vec![
            label,
            format!("{:.2}", j.rps.unwrap_or(0.0) / g.rps.unwrap_or(f64::NAN)),
            format!("{:.2}", j.p50_us / g.p50_us),
            format!("{:.2}", j.p99_us / g.p99_us),
            match (j.cpu_us_per_request, g.cpu_us_per_request) {
                (Some(j), Some(g)) => format!("{:.2}", j / g),
                _ => "-".into(),
            },
        ]
    };
    let mut notes = Vec::new();
    for (i, (g, j)) in c.grpc.iter().zip(&c.json).enumerate() {
        let (gs, js) = (g.stats(), j.stats());
        t.stats_row(&[&(i + 1).to_string(), "gRPC"], &gs);
        t.stats_row(&[&(i + 1).to_string(), "JSON/HTTP"], &js);
        ratios.row(ratio_row((i + 1).to_string(), &gs, &js));
        for (name, w) in [("gRPC", g), ("JSON", j)] {
            if let Some(e) = &w.first_error {
                notes.push(format!(
                    "{name} round {}: {} errors, first: {e}",
                    i + 1,
                    w.errors
                ));
            }
        }
    }
    let merged = |ws: &[Window]| {
        let mut all = Window::empty();
        for w in ws {
            all.merge(w);
        }
        all.stats()
    };
    let (g_all, j_all) = (merged(&c.grpc), merged(&c.json));
    ratios.row(ratio_row("all".into(), &g_all, &j_all));
    let mut data = json!({
        "grpc": g_all,
        "json": j_all,
        "ratio_rps": j_all.rps.unwrap_or(0.0) / g_all.rps.unwrap_or(f64::NAN),
        "ratio_p50": j_all.p50_us / g_all.p50_us,
        "ratio_p99": j_all.p99_us / g_all.p99_us,
        "json_answer_mean_bytes": c.json_bytes,
    });
    if let Some((g, j)) = &c.single {
        let (gs, js) = (g.stats(), j.stats());
        t.stats_row(&["1 in flight", "gRPC"], &gs);
        t.stats_row(&["1 in flight", "JSON/HTTP"], &js);
        ratios.row(ratio_row("1 in flight".into(), &gs, &js));
        data["single"] = json!({ "grpc": gs, "json": js });
    }
    notes.push(format!(
        "mean JSON answer {:.0} bytes; every query of the mix gave the same channels over both",
        c.json_bytes
    ));
    ScenarioReport {
        name: "http".into(),
        tables: vec![t, ratios],
        notes,
        verdicts: Vec::new(),
        data,
    }
}

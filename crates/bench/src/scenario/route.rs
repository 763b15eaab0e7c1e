//! `echo` and `route`: grpc.health.v1 Health/Check on the router's server
//! (the floor of a unary call through the same tower stack) and Route on
//! the bundled dataset, measured in alternating windows so that drift of a
//! shared machine falls on both alike.

use std::collections::BTreeSet;
use std::sync::Arc;

use judicial_domain::{InstrumentKind, JurisdictionKind};
use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use serde_json::json;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

use super::{AnswerSize, CONNECTIONS, Cluster, IN_FLIGHT, answer_size, progress, router_client};
use crate::cli::Options;
use crate::load::{self, Load, Stats, Window};
use crate::report::{STATS_HEADER, ScenarioReport, Table, Verdict, stats_cells};
use crate::synth::{self, Rng};

/// Alternating echo/route rounds.
pub const ROUNDS: usize = 3;

/// The health service name the echo checks.
const ROUTER_SERVICE: &str = "judicial.v1.RouterService";

/// Route queries over the bundled dataset: counterparts with bilateral
/// treaties (50%), with conventions only (20%), HK and MO (15%), and with
/// no instrument at all (15%), with every kind of assistance, dates from
/// 1985 to today, some offences and some `explain`.
pub fn bundled_mix(count: usize) -> Vec<pb::RouteRequest> {
    let data = judicial_dataset::bundled();
    let mut treaty = BTreeSet::new();
    let mut convention = BTreeSet::new();
    for inst in &data.instruments {
        let set = match inst.kind {
            InstrumentKind::BilateralTreaty => &mut treaty,
            InstrumentKind::MultilateralConvention => &mut convention,
            InstrumentKind::Arrangement | InstrumentKind::DomesticLaw => continue,
        };
        set.extend(inst.counterparts(synth::HOME).map(str::to_owned));
    }
    let convention_only: Vec<String> = convention.difference(&treaty).cloned().collect();
    let treaty: Vec<String> = treaty.into_iter().collect();
    let none: Vec<String> = data
        .all_jurisdictions()
        .into_iter()
        .filter(|j| j.kind == JurisdictionKind::State && j.code != synth::HOME)
        .map(|j| j.code)
        .filter(|c| !treaty.contains(c) && !convention_only.contains(c))
        .collect();
    let regions = ["HK".to_owned(), "MO".to_owned()];
    let mut rng = Rng::new(0x5eed);
    (0..count)
        .map(|_| {
            let roll = rng.below(100);
            let group: &[String] = match roll {
                0..50 => &treaty,
                50..70 if !convention_only.is_empty() => &convention_only,
                50..85 => &regions,
                _ => &none,
            };
            let c = rng.pick(group).clone();
            synth::query(&c, &mut rng)
        })
        .collect()
}

/// What the echo/route comparison measured.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Echo windows at [`IN_FLIGHT`] over [`CONNECTIONS`], in order.
    pub echo: Vec<Window>,
    /// Route windows, alternating with the echo ones.
    pub route: Vec<Window>,
    /// Route windows whose client does not decode the answers (after each
    /// route window): the router's cost without the load generator's decoding.
    pub route_undecoded: Vec<Window>,
    /// Echo with one request in flight (the unloaded floor).
    pub echo_single: Option<Window>,
    /// Route with one request in flight.
    pub route_single: Option<Window>,
    /// Size of the route answers.
    pub answers: AnswerSize,
}

async fn echo_call(channel: tonic::transport::Channel, _: u64) -> Result<(), tonic::Status> {
    HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: ROUTER_SERVICE.into(),
        })
        .await
        .map(|_| ())
}

/// Measures echo (and, with `with_route`, route in alternating windows).
pub async fn measure(opts: &Options, with_route: bool) -> Comparison {
    let cluster = Cluster::start(Seed::Bundled).await;
    let url = cluster.router_url();
    let channels = load::connections(&url, CONNECTIONS)
        .await
        .expect("connect to the router");
    let single = load::connections(&url, 1).await.expect("connect");
    let mix = Arc::new(bundled_mix(512));
    let answers = if with_route {
        answer_size(single[0].clone(), &mix)
            .await
            .expect("every query of the mix is answered")
    } else {
        AnswerSize::default()
    };
    let route_call = {
        let mix = mix.clone();
        move |channel, n: u64| {
            let q = mix[n as usize % mix.len()].clone();
            async move { router_client(channel).route(q).await.map(|_| ()) }
        }
    };
    let undecoded_call = {
        let mix = mix.clone();
        move |channel, n: u64| {
            let q = mix[n as usize % mix.len()].clone();
            super::undecoded::route(channel, q)
        }
    };
    let loaded = Load {
        in_flight: IN_FLIGHT,
        warmup: opts.warmup,
        window: opts.duration,
    };
    let rounds = if with_route { ROUNDS } else { 1 };
    let mut comparison = Comparison {
        echo: Vec::new(),
        route: Vec::new(),
        route_undecoded: Vec::new(),
        echo_single: None,
        route_single: None,
        answers,
    };
    for round in 1..=rounds {
        progress(format!("echo window {round}/{rounds}"));
        comparison
            .echo
            .push(load::on_connections(&channels, loaded, echo_call).await);
        if with_route {
            progress(format!("route window {round}/{rounds}"));
            comparison
                .route
                .push(load::on_connections(&channels, loaded, route_call.clone()).await);
            progress(format!(
                "route window {round}/{rounds}, answers not decoded"
            ));
            comparison
                .route_undecoded
                .push(load::on_connections(&channels, loaded, undecoded_call.clone()).await);
        }
    }
    let unloaded = Load {
        in_flight: 1,
        ..loaded
    };
    progress("echo, one request in flight");
    comparison.echo_single = Some(load::on_connections(&single, unloaded, echo_call).await);
    if with_route {
        progress("route, one request in flight");
        comparison.route_single = Some(load::on_connections(&single, unloaded, route_call).await);
    }
    cluster.stop().await;
    comparison
}

fn merged(windows: &[Window]) -> Window {
    let mut all = Window::empty();
    for w in windows {
        all.merge(w);
    }
    all
}

fn window_note(name: &str, w: &Window) -> Option<String> {
    w.first_error
        .as_ref()
        .map(|e| format!("{name}: {} errors, first: {e}", w.errors))
}

/// The `echo` scenario's report.
pub fn echo_report(c: &Comparison) -> ScenarioReport {
    let all = merged(&c.echo).stats();
    let single = c
        .echo_single
        .as_ref()
        .map(Window::stats)
        .unwrap_or_default();
    let mut header = vec!["load"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        "echo: grpc.health.v1 Health/Check on the router's server",
        &header,
    );
    t.stats_row(
        &[&format!("{IN_FLIGHT} in flight / {CONNECTIONS} conns")],
        &all,
    );
    t.stats_row(&["1 in flight / 1 conn"], &single);
    let notes = c
        .echo
        .iter()
        .filter_map(|w| window_note("echo", w))
        .collect();
    ScenarioReport {
        name: "echo".into(),
        tables: vec![t],
        notes,
        verdicts: Vec::new(),
        data: json!({ "loaded": all, "single": single }),
    }
}

/// The `route` scenario's report, with its targets.
pub fn route_report(c: &Comparison) -> ScenarioReport {
    let mut header = vec!["round", "rpc"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        format!(
            "route vs echo, {IN_FLIGHT} in flight over {CONNECTIONS} connections, alternating windows"
        ),
        &header,
    );
    let mut ratios = Table::new(
        "route/echo ratios per round and overall",
        &[
            "round",
            "req/s ratio",
            "p99 ratio",
            "p50 ratio",
            "CPU/req ratio",
        ],
    );
    let ratio = |r: &Stats, e: &Stats| {
        (
            r.rps.unwrap_or(0.0) / e.rps.unwrap_or(f64::NAN),
            r.p99_us / e.p99_us,
            r.p50_us / e.p50_us,
        )
    };
    let cpu_ratio = |r: &Stats, e: &Stats| match (r.cpu_us_per_request, e.cpu_us_per_request) {
        (Some(r), Some(e)) => format!("{:.2}", r / e),
        _ => "-".into(),
    };
    let mut rounds = Vec::new();
    for (i, (e, r)) in c.echo.iter().zip(&c.route).enumerate() {
        let (es, rs) = (e.stats(), r.stats());
        t.stats_row(&[&(i + 1).to_string(), "echo"], &es);
        t.stats_row(&[&(i + 1).to_string(), "route"], &rs);
        if let Some(u) = c.route_undecoded.get(i) {
            t.stats_row(&[&(i + 1).to_string(), "route, not decoded"], &u.stats());
        }
        let (a, b, m) = ratio(&rs, &es);
        ratios.row(vec![
            (i + 1).to_string(),
            format!("{a:.2}"),
            format!("{b:.2}"),
            format!("{m:.2}"),
            cpu_ratio(&rs, &es),
        ]);
        rounds.push(json!({
            "echo": es,
            "route": rs,
            "route_undecoded": c.route_undecoded.get(i).map(Window::stats),
            "rps_ratio": a,
            "p99_ratio": b,
        }));
    }
    let (echo, route) = (merged(&c.echo).stats(), merged(&c.route).stats());
    let undecoded = merged(&c.route_undecoded).stats();
    t.stats_row(&["all", "echo"], &echo);
    t.stats_row(&["all", "route"], &route);
    t.stats_row(&["all", "route, not decoded"], &undecoded);
    let (rps_ratio, p99_ratio, p50_ratio) = ratio(&route, &echo);
    ratios.row(vec![
        "all".into(),
        format!("{rps_ratio:.2}"),
        format!("{p99_ratio:.2}"),
        format!("{p50_ratio:.2}"),
        cpu_ratio(&route, &echo),
    ]);
    let (u_rps, u_p99, u_p50) = ratio(&undecoded, &echo);
    ratios.row(vec![
        "all, route answers not decoded".into(),
        format!("{u_rps:.2}"),
        format!("{u_p99:.2}"),
        format!("{u_p50:.2}"),
        cpu_ratio(&undecoded, &echo),
    ]);
    let mut single = Table::new("one request in flight (unloaded latency)", &{
        let mut h = vec!["rpc"];
        h.extend(STATS_HEADER);
        h
    });
    let es = c
        .echo_single
        .as_ref()
        .map(Window::stats)
        .unwrap_or_default();
    let rs = c
        .route_single
        .as_ref()
        .map(Window::stats)
        .unwrap_or_default();
    single.row([vec!["echo".to_owned()], stats_cells(&es)].concat());
    single.row([vec!["route".to_owned()], stats_cells(&rs)].concat());
    let mut notes: Vec<String> = c
        .echo
        .iter()
        .filter_map(|w| window_note("echo", w))
        .chain(c.route.iter().filter_map(|w| window_note("route", w)))
        .chain(
            c.route_undecoded
                .iter()
                .filter_map(|w| window_note("route, not decoded", w)),
        )
        .collect();
    notes.push(format!(
        "route answers over the mix: {:.0} bytes and {:.1} entries (channels + not applicable) on average, at most {}",
        c.answers.mean_bytes, c.answers.mean_entries, c.answers.max_entries
    ));
    ScenarioReport {
        name: "route".into(),
        tables: vec![t, ratios, single],
        notes,
        verdicts: vec![
            Verdict::at_least("route", "route/echo req/s", 0.8, rps_ratio, "x"),
            Verdict::at_least("route", "route not decoded/echo req/s", 0.9, u_rps, "x"),
            Verdict::at_most("route", "route not decoded/echo p99", 1.2, u_p99, "x"),
        ],
        data: json!({
            "in_flight": IN_FLIGHT,
            "connections": CONNECTIONS,
            "rounds": rounds,
            "echo": echo,
            "route": route,
            "route_undecoded": undecoded,
            "undecoded_rps_ratio": u_rps,
            "undecoded_p99_ratio": u_p99,
            "rps_ratio": rps_ratio,
            "p99_ratio": p99_ratio,
            "p50_ratio": p50_ratio,
            "echo_single": es,
            "route_single": rs,
            "answers": c.answers,
        }),
    }
}

//! Smoke tests: the quick echo and route scenarios run against real
//! servers and every request is answered. Benchmarks are programs, not
//! timed tests: nothing here asserts on a duration or a rate.

use std::collections::HashMap;

use judicial_bench::cli::Options;
use judicial_bench::load::Window;
use judicial_bench::scenario::route;
use judicial_bench::synth;
use judicial_domain::Jurisdiction;
use judicial_domain::validation::validate_dataset;

fn assert_clean(name: &str, w: &Window) {
    assert!(!w.latency.is_empty(), "{name}: no request recorded");
    assert_eq!(
        w.errors, 0,
        "{name}: failed requests, first: {:?}",
        w.first_error
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_echo_and_route_answer_every_request() {
    let c = route::measure(&Options::quick(), true).await;
    assert_eq!(c.echo.len(), route::ROUNDS);
    assert_eq!(c.route.len(), route::ROUNDS);
    for w in &c.echo {
        assert_clean("echo", w);
    }
    for w in &c.route {
        assert_clean("route", w);
    }
    assert_eq!(c.route_undecoded.len(), route::ROUNDS);
    for w in &c.route_undecoded {
        assert_clean("route, not decoded", w);
    }
    assert_clean("echo, one in flight", c.echo_single.as_ref().unwrap());
    assert_clean("route, one in flight", c.route_single.as_ref().unwrap());
    // Every answer offers at least the reciprocity fallback.
    assert!(c.answers.mean_entries >= 1.0, "{:?}", c.answers);
    let report = route::route_report(&c);
    assert_eq!(report.verdicts.len(), 3);
    assert!(report.verdicts.iter().all(|v| v.met.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_route_over_json_and_grpc_answers_every_request() {
    let c = judicial_bench::scenario::http::measure(&Options::quick()).await;
    assert_eq!(c.grpc.len(), judicial_bench::scenario::http::ROUNDS);
    for (g, j) in c.grpc.iter().zip(&c.json) {
        assert_clean("route over gRPC", g);
        assert_clean("route over JSON", j);
    }
    let report = judicial_bench::scenario::http::report(&c);
    assert!(report.render().contains("JSON/gRPC ratios"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_echo_alone_records_requests() {
    let c = route::measure(&Options::quick(), false).await;
    assert_eq!(c.echo.len(), 1);
    assert!(c.route.is_empty());
    assert_clean("echo", &c.echo[0]);
    let report = route::echo_report(&c);
    assert!(report.render().contains("Health/Check"));
}

#[test]
fn synthetic_registries_are_valid_for_the_home_state() {
    let mut known: HashMap<String, Jurisdiction> = judicial_domain::jurisdiction::builtin()
        .into_iter()
        .map(|j| (j.code.clone(), j))
        .collect();
    let extra = synth::extra_jurisdiction();
    known.insert(extra.code.clone(), extra);
    assert_eq!(known.len(), 250);
    let states = synth::counterparts();
    let instruments = synth::registry(2_000, &states, 42);
    let violations = validate_dataset(&[], &instruments, &known, synth::HOME);
    assert!(violations.is_empty(), "{violations}");
    let conventions = instruments
        .iter()
        .filter(|i| i.kind == judicial_domain::InstrumentKind::MultilateralConvention)
        .count();
    assert_eq!(conventions, 20);
}

#[test]
fn the_bundled_mix_names_only_known_counterparts() {
    let mix = route::bundled_mix(256);
    assert_eq!(mix.len(), 256);
    let known: Vec<String> = judicial_domain::jurisdiction::builtin()
        .into_iter()
        .map(|j| j.code)
        .collect();
    assert!(
        mix.iter()
            .all(|q| known.contains(&q.counterpart) && q.counterpart != "CN")
    );
    assert!(
        mix.iter()
            .any(|q| q.counterpart == "HK" || q.counterpart == "MO")
    );
}

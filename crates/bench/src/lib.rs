//! judicial-bench: a closed-loop load generator and the benchmark scenarios
//! of the Judicial Channels suite. Every scenario runs real servers in this
//! process (through `judicial-test-support`) on temporary sled directories,
//! and reports ratios to a baseline measured side by side in the same run.
//!
//! Benchmarks are programs, not timed tests: this crate measures and
//! prints; its tests check only that the scenarios run correctly.

pub mod cli;
pub mod load;
pub mod machine;
pub mod report;
pub mod scenario;
pub mod synth;

use serde_json::json;

use cli::{Cli, Options, Scenario};
use machine::Machine;
use report::{Report, ScenarioReport, verdict_table};
use scenario::{fanout, peers, propagation, route, scale, writes};

/// Runs the scenario `cli` names (every one for `all`), printing each
/// report as it completes (Markdown on stdout, or one JSON document at the
/// end with `--json`), and returns the whole report.
pub async fn run(cli: &Cli) -> Report {
    let opts = Options::from(cli);
    let scenario = cli.scenario.clone().unwrap_or(Scenario::All);
    let machine = Machine::detect();
    let settings = json!({
        "scenario": format!("{scenario:?}").to_lowercase(),
        "duration_s": opts.duration.as_secs_f64(),
        "warmup_s": opts.warmup.as_secs_f64(),
        "quick": opts.quick,
    });
    let say = |text: &str| {
        if !cli.json {
            println!("{text}");
        }
    };
    say(&format!("# judicial-bench\n\n{}\n", machine.summary()));
    say(&format!(
        "settings: windows of {:?} after {:?} warm-up{}\n",
        opts.duration,
        opts.warmup,
        if opts.quick {
            " (--quick: smoke run, numbers not meaningful)"
        } else {
            ""
        }
    ));
    let mut reports: Vec<ScenarioReport> = Vec::new();
    let mut emit = |r: ScenarioReport| {
        say(&r.render());
        reports.push(r);
    };
    let all = scenario == Scenario::All;
    match scenario {
        Scenario::Echo => {
            let c = route::measure(&opts, false).await;
            emit(route::echo_report(&c));
        }
        Scenario::Route => {
            let c = route::measure(&opts, true).await;
            emit(route::echo_report(&c));
            emit(route::route_report(&c));
        }
        Scenario::Http => emit(scenario::http::report(
            &scenario::http::measure(&opts).await,
        )),
        Scenario::Propagation => emit(propagation::run(&opts).await),
        Scenario::Writes => emit(writes::run(&opts).await),
        Scenario::Fanout => emit(fanout::run(&opts).await),
        Scenario::Scale => emit(scale::run(&opts).await),
        Scenario::Fairness => emit(scenario::fairness::run(&opts).await),
        Scenario::Peers => emit(peers::run(&opts).await),
        Scenario::All => {
            let c = route::measure(&opts, true).await;
            emit(route::echo_report(&c));
            emit(route::route_report(&c));
            emit(propagation::run(&opts).await);
            emit(writes::run(&opts).await);
            emit(fanout::run(&opts).await);
            emit(scale::run(&opts).await);
            emit(peers::run(&opts).await);
        }
        Scenario::RouterChild { .. } => {}
    }
    let summary: Vec<_> = reports.iter().flat_map(|r| r.verdicts.clone()).collect();
    if all {
        say(&format!(
            "## summary\n\n{}",
            verdict_table("targets of issues 7 and 10", &summary).render()
        ));
    }
    let report = Report {
        machine,
        load_average_at_end: machine::load_average(),
        settings,
        scenarios: reports,
        summary,
    };
    say(&format!(
        "load average at end: {}",
        report.load_average_at_end
    ));
    if cli.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serialises")
        );
    }
    report
}

/// Serves a router on 127.0.0.1:0 following `registry`, prints its port on
/// stdout, and runs until SIGINT or SIGTERM (or until killed): the child
/// process whose memory the scale scenario reads.
pub async fn router_child(registry: &str) -> Result<(), judicial_router::BoxError> {
    use std::io::Write;
    let listener = judicial_test_support::loopback_listener().await;
    let port = listener.local_addr()?.port();
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{port}")?;
    stdout.flush()?;
    let shutdown = judicial_server::Shutdown::new();
    shutdown.on_signals();
    judicial_router::run(
        judicial_router::Config::following(registry),
        listener,
        shutdown,
    )
    .await
}

//! `judicial-bench`: parses flags and runs the benchmark scenarios
//! (`judicial-bench all`, `judicial-bench route --duration 10s`, ...).

use clap::Parser;
use judicial_bench::cli::{Cli, Scenario};

/// mimalloc instead of glibc's malloc: glibc's allocator took about a third
/// of the CPU in every benchmark scenario (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Some(filter) = &cli.log {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    if let Some(Scenario::RouterChild { registry }) = &cli.scenario {
        return match judicial_bench::router_child(registry).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("judicial-bench router-child: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    judicial_bench::run(&cli).await;
    std::process::ExitCode::SUCCESS
}

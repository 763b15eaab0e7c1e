//! `judicial-router`: parses flags, then runs the router until SIGINT or SIGTERM
//! (logging, binding and exit codes are shared: `judicial_server::binary`).

use clap::Parser;
use judicial_router::{Config, run};

/// mimalloc instead of glibc's malloc: glibc's allocator took about a third
/// of the CPU in every benchmark scenario (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let (listen, common) = (config.listen, config.common.clone());
    judicial_server::binary::main("judicial-router", listen, &common, |listener, shutdown| {
        run(config, listener, shutdown)
    })
    .await
}

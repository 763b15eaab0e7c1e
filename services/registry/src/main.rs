//! `judicial-registry`: parses flags, then runs the registry until SIGINT or SIGTERM
//! (logging, binding and exit codes are shared: `judicial_server::binary`).

use clap::Parser;
use judicial_registry::{Config, run};

/// mimalloc instead of glibc's malloc: glibc's allocator took about a third
/// of the CPU in every benchmark scenario (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    if let Some(backup) = &config.restore {
        return judicial_registry::restore(backup, &config.data_dir);
    }
    let (listen, common) = (config.listen, config.common.clone());
    judicial_server::binary::main(
        "judicial-registry",
        listen,
        &common,
        |listener, shutdown| run(config, listener, shutdown),
    )
    .await
}

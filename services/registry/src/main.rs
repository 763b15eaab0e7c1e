//! `judicial-registry`: parses flags, then runs the registry until SIGINT or SIGTERM
//! (logging, binding and exit codes are shared: `judicial_server::binary`).

use clap::Parser;
use judicial_registry::{Config, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let (listen, common) = (config.listen, config.common.clone());
    judicial_server::binary::main(
        "judicial-registry",
        listen,
        &common,
        |listener, shutdown| run(config, listener, shutdown),
    )
    .await
}

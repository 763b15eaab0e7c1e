//! `judicial-router`: parses flags, then runs the router until SIGINT or SIGTERM
//! (logging, binding and exit codes are shared: `judicial_server::binary`).

use clap::Parser;
use judicial_router::{Config, run};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let (listen, common) = (config.listen, config.common.clone());
    judicial_server::binary::main("judicial-router", listen, &common, |listener, shutdown| {
        run(config, listener, shutdown)
    })
    .await
}

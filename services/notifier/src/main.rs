//! `judicial-notifier`: parses flags, sets up logging, binds, and runs the
//! notifier until SIGINT or SIGTERM.

use clap::Parser;
use judicial_notifier::{Config, run};
use judicial_server::Shutdown;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    judicial_server::telemetry::init(config.common.log_format);
    let tls = config.common.tls_cert.is_some();
    if let Err(e) =
        judicial_server::stack::check_plaintext_bind(config.listen, tls, config.common.insecure)
    {
        tracing::error!("{e}");
        return std::process::ExitCode::from(2);
    }
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(listen = %config.listen, "cannot bind: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    match run(config, listener, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("notifier failed: {e}");
            eprintln!("judicial-notifier: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

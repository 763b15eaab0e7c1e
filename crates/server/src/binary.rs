//! What every service binary does around its `run`: logging, binding, the
//! signal handlers, and the exit code.

use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;

use tokio::net::TcpListener;

use crate::config::CommonArgs;
use crate::shutdown::Shutdown;

/// Sets up logging, binds `listen`, runs `run` until SIGINT or SIGTERM, and
/// returns the process exit code (1 when binding or running fails). `name`
/// prefixes the error printed on standard error.
pub async fn main<F, Fut, E>(
    name: &str,
    listen: SocketAddr,
    common: &CommonArgs,
    run: F,
) -> ExitCode
where
    F: FnOnce(TcpListener, Shutdown) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    crate::telemetry::init(common.log_format);
    let listener = match TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(%listen, "cannot bind: {e}");
            eprintln!("{name}: cannot bind {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    match run(listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{name} failed: {e}");
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

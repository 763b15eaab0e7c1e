//! The registry service: the suite's only writer. It keeps jurisdictions and
//! instruments in sled with one global revision and an audit change log, and
//! streams every change to followers (router, notifier) through `Watch`.
//!
//! The logic lives in [`Registry`] and speaks domain types; [`grpc`] adapts
//! it to `judicial.v1.RegistryService`.

pub mod config;
pub mod error;
pub mod grpc;
pub mod query;
pub mod registry;
pub mod seed;
pub mod stats;
pub mod watch;

use std::sync::Arc;

use judicial_proto::v1::registry_service_server::RegistryServiceServer;
use judicial_server::{Limits, Shutdown};
use tokio::net::TcpListener;
use tonic::service::RoutesBuilder;

pub use config::Config;
pub use error::RegistryError;
pub use registry::Registry;

/// Adds the registry's gRPC service (with its message-size limits) to `routes`
/// and marks it SERVING on `health`; `judicial.v1.RegistryService.writes`
/// follows whether the store accepts writes.
pub async fn add_routes(
    registry: Arc<Registry>,
    routes: &mut RoutesBuilder,
    health: &tonic_health::server::HealthReporter,
    limits: &Limits,
    shutdown: Shutdown,
) {
    let writable = registry.store().writable();
    let service = RegistryServiceServer::new(grpc::RegistryGrpc::new(registry, shutdown))
        .max_decoding_message_size(limits.max_message_bytes)
        .max_encoding_message_size(limits.max_message_bytes);
    health
        .set_serving::<RegistryServiceServer<grpc::RegistryGrpc>>()
        .await;
    // Writes get their own health entry: a full disk stops writes, not reads.
    judicial_server::status::report_writes(
        health,
        <RegistryServiceServer<grpc::RegistryGrpc> as tonic::server::NamedService>::NAME,
        writable,
    )
    .await;
    routes.add_service(service);
}

/// Opens the store, seeds an empty one, and serves the registry on
/// `listener` until `shutdown` fires; then drains and flushes the store.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: Shutdown,
) -> Result<(), judicial_server::BoxError> {
    let limits = Limits::from(&config.common);
    let security = judicial_server::stack::prepare(&config.common, &listener)?;
    let web = judicial_server::Web::from_args(&config.common)?;
    let registry = Arc::new(Registry::open(&config).await?);
    let (health, mut routes) =
        judicial_server::stack::base_routes(&config.common, &shutdown).await?;
    add_routes(
        registry.clone(),
        &mut routes,
        &health,
        &limits,
        shutdown.clone(),
    )
    .await;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, revision = registry.revision(), data_dir = %config.data_dir.display(), "registry serving");
    let served = judicial_server::serve(
        routes.routes(),
        listener,
        &limits,
        &security,
        &web,
        shutdown,
    )
    .await;
    registry.close()?;
    tracing::info!("registry stopped; store flushed");
    served?;
    Ok(())
}

/// `judicial-registry --restore FILE --data-dir DIR`: rebuilds DIR from a
/// backup, verifies it and reports on stdout (exit 0) or stderr (exit 1).
pub fn restore(backup: &std::path::Path, data_dir: &std::path::Path) -> std::process::ExitCode {
    match judicial_store::restore(backup, data_dir) {
        Ok(s) => {
            println!(
                "restored {} into {}: revision {}, {} jurisdictions, {} instruments, {} change records from revision {} (hash chain verified)",
                backup.display(),
                data_dir.display(),
                s.revision,
                s.jurisdictions,
                s.instruments,
                s.changes,
                s.first_retained
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("judicial-registry: restore failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

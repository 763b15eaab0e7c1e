//! The router service: follows the registry into an immutable in-memory
//! view and answers channel queries from it in microseconds. It reports
//! NOT_SERVING until its first sync, and through a registry outage keeps
//! answering from its last view, marking answers stale.

pub mod answer;
pub mod cache;
pub mod checklist;
pub mod config;
pub mod error;
pub mod grpc;
pub mod router;
pub mod view;

use std::sync::Arc;

use judicial_server::{Limits, Shutdown};
use tokio::net::TcpListener;
use tonic::service::RoutesBuilder;
use tonic::transport::Channel;

pub use config::Config;
pub use error::RouterError;
pub use router::Router;

pub use judicial_server::BoxError;

/// Starts following the registry on `registry` and adds the router's gRPC
/// service to `routes`. Health is NOT_SERVING until the first sync.
pub async fn add_routes(
    config: &Config,
    registry: Channel,
    routes: &mut RoutesBuilder,
    health: &tonic_health::server::HealthReporter,
    limits: &Limits,
    shutdown: Shutdown,
) -> Arc<Router> {
    let router = Router::new(
        &config.home.home,
        config.home.utc_offset,
        config.answer_cache_bytes,
        config.clock.clone(),
    );
    let on_synced = judicial_server::stack::serving_after_sync::<grpc::RouterServer>(health).await;
    router.follow(registry, shutdown, on_synced);
    let service = grpc::RouterServer::new(grpc::RouterGrpc::new(
        router.clone(),
        config.max_catch_up_wait,
        config.max_not_applicable,
    ))
    .max_decoding_message_size(limits.max_message_bytes)
    .max_encoding_message_size(limits.max_message_bytes);
    routes.add_service(service);
    router
}

/// Serves the router on `listener` until `shutdown` fires.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: Shutdown,
) -> Result<(), BoxError> {
    let limits = Limits::from(&config.common);
    let security = judicial_server::stack::prepare(&config.common, &listener)?;
    let mut web = judicial_server::Web::from_args(&config.common)?;
    web.console = config.console;
    let registry = judicial_client::connect_lazy(
        &config.registry,
        &judicial_client::ClientTls::from_args(&config.common)?,
    )?;
    let (health, mut routes) =
        judicial_server::stack::base_routes(&config.common, &shutdown).await?;
    add_routes(
        &config,
        registry,
        &mut routes,
        &health,
        &limits,
        shutdown.clone(),
    )
    .await;
    tracing::info!(addr = %listener.local_addr()?, registry = %config.registry, home = %config.home.home, "router serving");
    judicial_server::serve(
        routes.routes(),
        listener,
        &limits,
        &security,
        &web,
        shutdown,
    )
    .await?;
    tracing::info!("router stopped");
    Ok(())
}

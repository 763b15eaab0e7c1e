//! The notifier service: follows the registry and turns its changes, and
//! dates that arrive (entry into force, termination), into a durable,
//! gapless event log in sled; subscribers receive matching events at least
//! once, in order, with cumulative acknowledgements and replay.
//!
//! The logic lives in [`Notifier`] and speaks domain types; [`grpc`] adapts
//! it to `judicial.v1.NotifierService`. How events are derived is in
//! [`derive`], how each is derived exactly once across restarts in
//! [`follow`], and the storage layout in [`storage`]. With `--sink`, [`sink`]
//! also publishes every event to a NATS JetStream stream.

pub mod config;
pub mod delivery;
pub mod derive;
pub mod error;
pub mod event;
pub mod follow;
pub mod grpc;
pub mod notifier;
pub mod sink;
pub mod storage;
pub mod subscription;
pub mod view;

use std::sync::Arc;

use judicial_proto::v1::notifier_service_server::NotifierServiceServer;
use judicial_server::{Limits, Shutdown};
use tokio::net::TcpListener;
use tonic::service::RoutesBuilder;
use tonic::transport::Channel;

pub use config::Config;
pub use error::NotifierError;
pub use event::{Event, EventFilter, EventType};
/// The suite's clock, as the notifier's configuration takes it.
pub use judicial_server::clock::{self, Clock, ManualClock};
pub use notifier::Notifier;

pub use judicial_server::BoxError;

/// Opens the notifier's store, starts following the registry on `registry`,
/// and adds the notifier's gRPC service to `routes`. Health is NOT_SERVING
/// until the first registry snapshot is durably applied, and again if the
/// store fails. Call
/// [`Notifier::close`] after serving stops.
pub async fn add_routes(
    config: &Config,
    registry: Channel,
    routes: &mut RoutesBuilder,
    health: &tonic_health::server::HealthReporter,
    limits: &Limits,
    shutdown: Shutdown,
) -> Result<Arc<Notifier>, BoxError> {
    let notifier = Notifier::open(config)?;
    let on_synced = judicial_server::stack::serving_after_sync::<
        NotifierServiceServer<grpc::NotifierGrpc>,
    >(health)
    .await;
    notifier.follow(registry, shutdown.clone(), on_synced);
    let mut failures = notifier.failures();
    let reporter = health.clone();
    tokio::spawn(async move {
        if failures.wait_for(|failed| *failed).await.is_ok() {
            reporter
                .set_not_serving::<NotifierServiceServer<grpc::NotifierGrpc>>()
                .await;
        }
    });
    // Writes get their own health entry: a full disk stops writes, not reads.
    judicial_server::status::report_writes(
        health,
        <NotifierServiceServer<grpc::NotifierGrpc> as tonic::server::NamedService>::NAME,
        notifier.storage().writable(),
    )
    .await;
    spawn_backlog_metrics(notifier.clone(), shutdown.clone());
    if config.sink.enabled() {
        let task = sink::spawn(
            notifier.storage().clone(),
            &config.sink,
            health.clone(),
            shutdown.clone(),
        )
        .await?;
        notifier.keep_sink(task);
    }
    let service = NotifierServiceServer::new(grpc::NotifierGrpc::new(notifier.clone(), shutdown))
        .max_decoding_message_size(limits.max_message_bytes)
        .max_encoding_message_size(limits.max_message_bytes);
    routes.add_service(service);
    Ok(notifier)
}

/// Publishes `judicial_notifier_backlog{subscription}` and the log's last
/// sequence every few seconds until the notifier stops.
fn spawn_backlog_metrics(notifier: Arc<Notifier>, shutdown: Shutdown) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.wait() => return,
            }
            for (subscription, backlog) in notifier.backlogs() {
                metrics::gauge!("judicial_notifier_backlog", "subscription" => subscription)
                    .set(backlog as f64);
            }
            metrics::gauge!("judicial_notifier_last_sequence").set(notifier.last_sequence() as f64);
            metrics::gauge!("judicial_notifier_registry_revision")
                .set(notifier.registry_revision() as f64);
        }
    });
}

/// Serves the notifier on `listener` until `shutdown` fires; then ends the
/// streams, stops following the registry and flushes the store.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: Shutdown,
) -> Result<(), BoxError> {
    let limits = Limits::from(&config.common);
    let security = judicial_server::stack::prepare(&config.common, &listener)?;
    let web = judicial_server::Web::from_args(&config.common)?;
    let registry = judicial_client::connect_lazy(
        &config.registry,
        &judicial_client::ClientTls::from_args(&config.common)?,
    )?;
    let (health, mut routes) =
        judicial_server::stack::base_routes(&config.common, &shutdown).await?;
    let notifier = add_routes(
        &config,
        registry,
        &mut routes,
        &health,
        &limits,
        shutdown.clone(),
    )
    .await?;
    let addr = listener.local_addr()?;
    tracing::info!(
        %addr,
        registry = %config.registry,
        data_dir = %config.data_dir.display(),
        last_sequence = notifier.last_sequence(),
        "notifier serving"
    );
    let served = judicial_server::serve(
        routes.routes(),
        listener,
        &limits,
        &security,
        &web,
        shutdown.clone(),
    )
    .await;
    // Whatever stopped serving, stop following and deriving before flushing.
    shutdown.trigger();
    notifier.stopped().await;
    notifier.close()?;
    tracing::info!("notifier stopped; store flushed");
    served?;
    Ok(())
}

//! Starts real services in process on `127.0.0.1:0` for tests and
//! benchmarks. The listener is bound before the server task is spawned, so a
//! client can connect at once: no sleeps, no polling for readiness.

pub mod dev;
pub mod fixtures;
pub mod http;
pub mod nats;
pub mod notifier;
pub mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use judicial_registry::config::{Config, Seed};
use judicial_server::Shutdown;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};

pub use judicial_server::BoxError;

/// Binds 127.0.0.1 on an ephemeral port.
pub async fn loopback_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0")
}

/// Connects a channel to a local address (lazily; the first call dials).
pub fn channel(addr: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{addr}"))
        .expect("valid endpoint")
        .connect_lazy()
}

/// A registry running in this process.
pub struct RegistryHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data directory.
    pub data_dir: PathBuf,
    shutdown: Shutdown,
    task: JoinHandle<Result<(), BoxError>>,
}

impl RegistryHandle {
    /// Starts a registry on `data_dir` with `seed`.
    pub async fn start(data_dir: &Path, seed: Seed) -> RegistryHandle {
        Self::start_with(Config::for_data_dir(data_dir, seed)).await
    }

    /// Starts a registry with a full configuration (its `listen` is ignored).
    pub async fn start_with(config: Config) -> RegistryHandle {
        Self::start_on(loopback_listener().await, config).await
    }

    /// Starts a registry again on `addr`, where its followers look for it,
    /// on `data_dir` with no seed (the data is already there).
    pub async fn restart_at(addr: SocketAddr, data_dir: &Path) -> RegistryHandle {
        let listener = TcpListener::bind(addr)
            .await
            .expect("rebind the registry's port");
        Self::start_on(listener, Config::for_data_dir(data_dir, Seed::None)).await
    }

    /// Starts a registry on a given listener (to restart on the same port).
    pub async fn start_on(listener: TcpListener, config: Config) -> RegistryHandle {
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let data_dir = config.data_dir.clone();
        let task = tokio::spawn(judicial_registry::run(config, listener, shutdown.clone()));
        RegistryHandle {
            addr,
            data_dir,
            shutdown,
            task,
        }
    }

    /// The endpoint URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client of this registry.
    pub fn client(&self) -> RegistryServiceClient<Channel> {
        RegistryServiceClient::new(channel(self.addr))
    }

    /// Shuts it down gracefully and waits until the store is flushed and closed.
    pub async fn stop(self) -> Result<(), BoxError> {
        self.shutdown.trigger();
        self.task.await.expect("registry task panicked")
    }
}

/// A router running in this process.
pub struct RouterHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Shutdown,
    task: JoinHandle<Result<(), BoxError>>,
}

impl RouterHandle {
    /// Starts a router following the registry at `registry_url` and waits
    /// (through the health service) until it has synced.
    pub async fn start(registry_url: &str) -> RouterHandle {
        Self::start_with(judicial_router::Config::following(registry_url)).await
    }

    /// Starts a router with a full configuration and waits until it has synced.
    pub async fn start_with(config: judicial_router::Config) -> RouterHandle {
        let listener = loopback_listener().await;
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let task = tokio::spawn(judicial_router::run(config, listener, shutdown.clone()));
        let handle = RouterHandle {
            addr,
            shutdown,
            task,
        };
        wait_serving(addr, "judicial.v1.RouterService").await;
        handle
    }

    /// Starts a router with TLS on its own port: `connect` builds the
    /// (TLS) channel used to wait for its health.
    pub async fn start_secured(
        config: judicial_router::Config,
        connect: impl Fn(SocketAddr) -> Channel,
    ) -> RouterHandle {
        let listener = loopback_listener().await;
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let task = tokio::spawn(judicial_router::run(config, listener, shutdown.clone()));
        let handle = RouterHandle {
            addr,
            shutdown,
            task,
        };
        wait_serving_on(connect(addr), "judicial.v1.RouterService").await;
        handle
    }

    /// A client of this router.
    pub fn client(&self) -> RouterServiceClient<Channel> {
        RouterServiceClient::new(channel(self.addr))
    }

    /// Shuts it down gracefully.
    pub async fn stop(self) -> Result<(), BoxError> {
        self.shutdown.trigger();
        self.task.await.expect("router task panicked")
    }
}

/// Waits until `service` on `addr` reports SERVING, using the health Watch
/// stream (the server pushes each status change; nothing is polled).
pub async fn wait_serving(addr: SocketAddr, service: &str) {
    wait_serving_on(channel(addr), service).await
}

/// Like [`wait_serving`], over a given channel (for TLS).
pub async fn wait_serving_on(channel: Channel, service: &str) {
    use tokio_stream::StreamExt;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;
    let mut health = HealthClient::new(channel);
    let request = tonic_health::pb::HealthCheckRequest {
        service: service.into(),
    };
    let mut stream = health
        .watch(request)
        .await
        .expect("health watch")
        .into_inner();
    while let Some(status) = stream.next().await {
        if status.expect("health status").status == ServingStatus::Serving as i32 {
            return;
        }
    }
    panic!("health stream of {service} ended before SERVING");
}

/// Creates an instrument through the registry's API and returns the revision
/// that committed it (panics on an error: tests pass valid instruments).
pub async fn create_instrument(
    registry: &mut RegistryServiceClient<Channel>,
    instrument: judicial_proto::v1::Instrument,
) -> u64 {
    registry
        .create_instrument(judicial_proto::v1::CreateInstrumentRequest {
            instrument: Some(instrument),
            reason: "test".into(),
        })
        .await
        .expect("create instrument")
        .into_inner()
        .revision
}

//! Starts real services in process on `127.0.0.1:0` for tests and
//! benchmarks. The listener is bound before the server task is spawned, so a
//! client can connect at once: no sleeps, no polling for readiness.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::{Config, Seed};
use judicial_server::Shutdown;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};

/// A boxed error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
        let listener = loopback_listener().await;
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

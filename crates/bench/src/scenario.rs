//! The scenarios, and the in-process cluster they load.

pub mod fairness;
pub mod fanout;
pub mod http;
pub mod peers;
pub mod propagation;
pub mod route;
pub mod scale;
pub mod sled_floor;
pub mod undecoded;
pub mod writes;

use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_client::RouterServiceClient;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle};
use prost::Message;
use tempfile::TempDir;
use tonic::transport::Channel;

/// Requests in flight for the route and echo comparisons (the load).
pub const IN_FLIGHT: usize = 50;
/// HTTP/2 connections for the route and echo comparisons.
pub const CONNECTIONS: usize = 4;

/// A registry on a temporary sled directory and a router following it,
/// both in this process on 127.0.0.1:0.
pub struct Cluster {
    /// The registry.
    pub registry: RegistryHandle,
    /// The router (synced: it reported SERVING).
    pub router: RouterHandle,
    _dir: TempDir,
}

impl Cluster {
    /// Starts a registry seeded with `seed` and a router, and waits until
    /// the router has synced.
    pub async fn start(seed: Seed) -> Cluster {
        let dir = tempfile::tempdir().expect("temporary directory");
        let registry = RegistryHandle::start(dir.path(), seed).await;
        let router = RouterHandle::start(&registry.url()).await;
        Cluster {
            registry,
            router,
            _dir: dir,
        }
    }

    /// The router's URL.
    pub fn router_url(&self) -> String {
        format!("http://{}", self.router.addr)
    }

    /// Stops the router, then the registry (flushing its store).
    pub async fn stop(self) {
        let _ = self.router.stop().await;
        let _ = self.registry.stop().await;
    }
}

/// A router client that accepts large answers.
pub fn router_client(channel: Channel) -> RouterServiceClient<Channel> {
    RouterServiceClient::new(channel).max_decoding_message_size(64 * 1024 * 1024)
}

/// The size of the answers to a query mix, asked one at a time.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct AnswerSize {
    /// Mean encoded response, in bytes.
    pub mean_bytes: f64,
    /// Mean channels plus not-applicable entries per answer.
    pub mean_entries: f64,
    /// Largest number of entries in one answer.
    pub max_entries: usize,
}

/// Asks every query of `mix` once and measures the answers.
pub async fn answer_size(
    channel: Channel,
    mix: &[pb::RouteRequest],
) -> Result<AnswerSize, tonic::Status> {
    let mut client = router_client(channel);
    let (mut bytes, mut entries, mut max) = (0usize, 0usize, 0usize);
    for q in mix {
        let answer = client.route(q.clone()).await?.into_inner();
        bytes += answer.encoded_len();
        let n = answer.channels.len() + answer.not_applicable.len();
        entries += n;
        max = max.max(n);
    }
    let n = mix.len().max(1) as f64;
    Ok(AnswerSize {
        mean_bytes: bytes as f64 / n,
        mean_entries: entries as f64 / n,
        max_entries: max,
    })
}

/// Prints a progress line on stderr (stdout carries the report).
pub fn progress(message: impl AsRef<str>) {
    eprintln!("judicial-bench: {}", message.as_ref());
}

//! A notifier running in this process, following a registry.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use judicial_notifier::{Clock, Config, ManualClock};
use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_server::Shutdown;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

use crate::{BoxError, channel, fixtures, loopback_listener, wait_serving};

/// The gRPC service name the notifier reports on health.
pub const SERVICE: &str = "judicial.v1.NotifierService";

/// A notifier running in this process.
pub struct NotifierHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data directory.
    pub data_dir: PathBuf,
    shutdown: Shutdown,
    task: JoinHandle<Result<(), BoxError>>,
}

impl NotifierHandle {
    /// Starts a notifier on `data_dir` following the registry at
    /// `registry_url`, and waits (through the health service) until it has
    /// applied the registry's snapshot.
    pub async fn start(data_dir: &Path, registry_url: &str) -> NotifierHandle {
        Self::start_with(Config::for_data_dir(data_dir, registry_url)).await
    }

    /// Like [`NotifierHandle::start`], with a manual clock the test moves.
    pub async fn start_with_clock(
        data_dir: &Path,
        registry_url: &str,
        clock: &ManualClock,
    ) -> NotifierHandle {
        let mut config = Config::for_data_dir(data_dir, registry_url);
        config.clock = Clock::Manual(clock.clone());
        Self::start_with(config).await
    }

    /// Starts a notifier with a full configuration (its `listen` is
    /// ignored) and waits until it has synced.
    pub async fn start_with(config: Config) -> NotifierHandle {
        Self::start_on(loopback_listener().await, config).await
    }

    /// Starts a notifier on a given listener (to restart on the same port)
    /// and waits until it has synced.
    pub async fn start_on(listener: TcpListener, config: Config) -> NotifierHandle {
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let data_dir = config.data_dir.clone();
        let task = tokio::spawn(judicial_notifier::run(config, listener, shutdown.clone()));
        let handle = NotifierHandle {
            addr,
            data_dir,
            shutdown,
            task,
        };
        wait_serving(addr, SERVICE).await;
        handle
    }

    /// Starts a notifier with TLS on its own port: `connect` builds the
    /// (TLS) channel used to wait for its health.
    pub async fn start_secured(
        config: Config,
        connect: impl Fn(std::net::SocketAddr) -> Channel,
    ) -> NotifierHandle {
        let listener = loopback_listener().await;
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new();
        let data_dir = config.data_dir.clone();
        let task = tokio::spawn(judicial_notifier::run(config, listener, shutdown.clone()));
        let handle = NotifierHandle {
            addr,
            data_dir,
            shutdown,
            task,
        };
        crate::wait_serving_on(connect(addr), SERVICE).await;
        handle
    }

    /// The endpoint URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client of this notifier.
    pub fn client(&self) -> NotifierServiceClient<Channel> {
        NotifierServiceClient::new(channel(self.addr))
    }

    /// Shuts it down gracefully and waits until its store is flushed and closed.
    pub async fn stop(self) -> Result<(), BoxError> {
        self.shutdown.trigger();
        self.task.await.expect("notifier task panicked")
    }
}

/// Longest a test waits for a pushed message before failing.
pub const PUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// A civil/commercial bilateral treaty between CN and `counterpart`
/// covering service of documents, entering into force on `eif` (not in
/// force when None).
pub fn treaty(id: &str, counterpart: &str, eif: Option<(i32, i32, i32)>) -> pb::Instrument {
    let date = |(year, month, day): (i32, i32, i32)| fixtures::date(year, month, day);
    fixtures::treaty(id, counterpart)
        // Signed no later than it enters into force.
        .signed(date(eif.map_or((2020, 1, 1), |d| d.min((2020, 1, 1)))))
        .in_force_from(eif.and_then(date))
        .build()
}

/// Creates a subscription with a counterpart filter (empty: everything).
pub async fn subscribe(
    client: &mut NotifierServiceClient<Channel>,
    id: &str,
    counterparts: &[&str],
    start: pb::StartPosition,
) -> pb::Subscription {
    client
        .create_subscription(pb::CreateSubscriptionRequest {
            subscription: Some(pb::Subscription {
                filter: Some(pb::SubscriptionFilter {
                    counterparts: counterparts.iter().map(|c| c.to_string()).collect(),
                    ..Default::default()
                }),
                start: start as i32,
                ..Default::default()
            }),
            subscription_id: id.into(),
        })
        .await
        .expect("create subscription")
        .into_inner()
}

/// Opens an event stream of `subscriptions/{id}`.
pub async fn open_stream(
    client: &mut NotifierServiceClient<Channel>,
    id: &str,
    max_in_flight: u32,
) -> tonic::Streaming<pb::Event> {
    client
        .stream_events(pb::StreamEventsRequest {
            subscription: format!("subscriptions/{id}"),
            max_in_flight,
        })
        .await
        .expect("stream events")
        .into_inner()
}

/// The next event pushed on a stream; panics after [`PUSH_WAIT`] or when
/// the stream ends or fails.
pub async fn next_event(stream: &mut tonic::Streaming<pb::Event>) -> pb::Event {
    match tokio::time::timeout(PUSH_WAIT, stream.message()).await {
        Ok(Ok(Some(event))) => event,
        Ok(Ok(None)) => panic!("the event stream ended"),
        Ok(Err(status)) => panic!("the event stream failed: {status:?}"),
        Err(_) => panic!("no event within {PUSH_WAIT:?}"),
    }
}

/// Acknowledges up to `sequence`; returns the acked cursor.
pub async fn ack(client: &mut NotifierServiceClient<Channel>, id: &str, sequence: u64) -> u64 {
    client
        .ack_events(pb::AckEventsRequest {
            subscription: format!("subscriptions/{id}"),
            sequence,
        })
        .await
        .expect("ack")
        .into_inner()
        .acked_sequence
}

/// Every retained event, following pages.
pub async fn all_events(client: &mut NotifierServiceClient<Channel>) -> Vec<pb::Event> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_events(pb::ListEventsRequest {
                page_size: 1000,
                page_token: token,
                ..Default::default()
            })
            .await
            .expect("list events")
            .into_inner();
        out.extend(page.events);
        if page.next_page_token.is_empty() {
            return out;
        }
        token = page.next_page_token;
    }
}

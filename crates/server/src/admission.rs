//! Admission by call class: quick reads keep their capacity under overload.
//!
//! One shared limit lets whatever arrives first take every slot: a flood of
//! slow calls (streams, bulk transfers, reads waiting for a revision) sheds
//! the quick `Route` and `Get` calls behind it. Here the limit is split:
//!
//! - **probes** (health) are never limited: an orchestrator must see the
//!   server alive while it sheds;
//! - **bulk** calls (streams until their headers, imports, exports, batches,
//!   reflection) share a quarter of the slots and can never take more;
//! - every other call takes an **interactive** slot; a quick read still
//!   running after `slow_after` has shown itself slow and moves to a bulk
//!   slot when one is free (else it keeps its slot: an admitted call is
//!   never cut short), so slow reads give the interactive slots back when
//!   they can; a quick read finding the interactive share full may overflow
//!   into a free bulk slot. Writes and unknown
//!   methods are never cut short: a write may already be committing.
//!
//! A call that finds its share full is answered RESOURCE_EXHAUSTED with
//! reason OVERLOADED at once, never queued.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use judicial_proto::Reason;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How a method is admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallClass {
    /// Health checks: always admitted.
    Probe,
    /// Streams, bulk transfers and reflection: the bulk share only.
    Bulk,
    /// Quick idempotent reads: an interactive slot, moved to the bulk share
    /// when slow and a bulk slot is free.
    Read,
    /// Writes and anything else: an interactive slot, never cut short.
    Other,
}

impl CallClass {
    /// Its name in metrics and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            CallClass::Probe => "probe",
            CallClass::Bulk => "bulk",
            CallClass::Read => "read",
            CallClass::Other => "other",
        }
    }
}

/// The class of a request path (`/judicial.v1.RouterService/Route`).
/// Every server-streaming RPC must be `Bulk` (a test walks the contract).
pub fn call_class(path: &str) -> CallClass {
    let service = path
        .trim_start_matches('/')
        .split_once('/')
        .map_or("", |(service, _)| service);
    if service == "grpc.health.v1.Health" {
        return CallClass::Probe;
    }
    if service.starts_with("grpc.reflection.") {
        return CallClass::Bulk;
    }
    match path {
        "/judicial.v1.RegistryService/Watch"
        | "/judicial.v1.RegistryService/ImportDataset"
        | "/judicial.v1.RegistryService/ExportDataset"
        | "/judicial.v1.RegistryService/Backup"
        | "/judicial.v1.RegistryService/VerifyChanges"
        | "/judicial.v1.RouterService/BatchRoute"
        | "/judicial.v1.NotifierService/StreamEvents" => CallClass::Bulk,
        "/judicial.v1.RouterService/Route"
        | "/judicial.v1.RouterService/GetCoverage"
        | "/judicial.v1.RegistryService/GetJurisdiction"
        | "/judicial.v1.RegistryService/ListJurisdictions"
        | "/judicial.v1.RegistryService/GetInstrument"
        | "/judicial.v1.RegistryService/ListInstruments"
        | "/judicial.v1.RegistryService/GetStats"
        | "/judicial.v1.RegistryService/ListChanges"
        | "/judicial.v1.NotifierService/GetSubscription"
        | "/judicial.v1.NotifierService/ListSubscriptions"
        | "/judicial.v1.NotifierService/ListEvents" => CallClass::Read,
        // Writes, and methods this table does not know: interactive, never
        // cut short (cutting a write short would hide whether it committed).
        _ => CallClass::Other,
    }
}

/// The capacity shares of a server.
#[derive(Debug, Clone)]
pub struct AdmissionLayer {
    interactive: Arc<Semaphore>,
    bulk: Arc<Semaphore>,
    slow_after: Duration,
}

impl AdmissionLayer {
    /// Splits `limit` slots: a quarter (at least one) for bulk calls, the
    /// rest (at least one) for interactive calls; a read running longer than
    /// `slow_after` moves to the bulk share.
    pub fn new(limit: usize, slow_after: Duration) -> Self {
        let (interactive, bulk) = shares(limit);
        AdmissionLayer {
            interactive: Arc::new(Semaphore::new(interactive)),
            bulk: Arc::new(Semaphore::new(bulk)),
            slow_after,
        }
    }
}

/// The (interactive, bulk) slots of a limit.
pub fn shares(limit: usize) -> (usize, usize) {
    let bulk = (limit / 4).max(1);
    (limit.saturating_sub(bulk).max(1), bulk)
}

impl<S> tower::Layer<S> for AdmissionLayer {
    type Service = Admission<S>;
    fn layer(&self, inner: S) -> Admission<S> {
        Admission {
            inner,
            shares: self.clone(),
        }
    }
}

/// The service [`AdmissionLayer`] produces.
#[derive(Debug, Clone)]
pub struct Admission<S> {
    inner: S,
    shares: AdmissionLayer,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

fn overloaded(class: CallClass, method: &str) -> http::Response<tonic::body::Body> {
    metrics::counter!("judicial_shed_total", "class" => class.as_str()).increment(1);
    crate::status::with_reason(
        tonic::Code::ResourceExhausted,
        format!(
            "Too many requests: every {} slot of the server is taken; retry {method} with backoff",
            match class {
                CallClass::Bulk => "bulk",
                _ => "interactive",
            }
        ),
        Reason::Overloaded,
    )
    .into_http()
}

impl<S, B> tower::Service<http::Request<B>> for Admission<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let class = call_class(request.uri().path());
        let shares = &self.shares;
        let permit: Option<OwnedSemaphorePermit> = match class {
            CallClass::Probe => None,
            CallClass::Bulk => match shares.bulk.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    let response = overloaded(class, request.uri().path());
                    return Box::pin(async move { Ok(response) });
                }
            },
            // A quick read may overflow into a free bulk slot (never the
            // other way round).
            CallClass::Read => match shares.interactive.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => match shares.bulk.clone().try_acquire_owned() {
                    Ok(p) => {
                        let response = call_holding(&mut self.inner, request, p);
                        return response;
                    }
                    Err(_) => {
                        let response = overloaded(class, request.uri().path());
                        return Box::pin(async move { Ok(response) });
                    }
                },
            },
            CallClass::Other => match shares.interactive.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    let response = overloaded(class, request.uri().path());
                    return Box::pin(async move { Ok(response) });
                }
            },
        };
        let method = request.uri().path().to_owned();
        // Take the service that was driven to readiness; leave a clone behind.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let call = inner.call(request);
        if class != CallClass::Read {
            // Streams hold their slot only until their headers are sent.
            return Box::pin(async move {
                let response = call.await;
                drop(permit);
                response
            });
        }
        let bulk = shares.bulk.clone();
        let slow_after = shares.slow_after;
        Box::pin(async move {
            tokio::pin!(call);
            tokio::select! {
                biased;
                response = &mut call => return response,
                _ = tokio::time::sleep(slow_after) => {}
            }
            // Still running: a slow read. Give its interactive slot back
            // when a bulk slot is free; otherwise keep it (an admitted call
            // is answered on its own terms, never cut short).
            match bulk.try_acquire_owned() {
                Ok(slow) => {
                    drop(permit);
                    metrics::counter!("judicial_slow_reads_total", "outcome" => "moved")
                        .increment(1);
                    let response = call.await;
                    drop(slow);
                    response
                }
                Err(_) => {
                    metrics::counter!("judicial_slow_reads_total", "outcome" => "kept")
                        .increment(1);
                    tracing::debug!(%method, slow_after_ms = slow_after.as_millis() as u64, "slow read keeps its slot: the bulk share is full");
                    let response = call.await;
                    drop(permit);
                    response
                }
            }
        })
    }
}

/// Calls `inner` and holds `permit` until the response (headers) is ready.
fn call_holding<S, B>(
    inner: &mut S,
    request: http::Request<B>,
    permit: OwnedSemaphorePermit,
) -> BoxFuture<S::Response, S::Error>
where
    S: tower::Service<http::Request<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let clone = inner.clone();
    let mut inner = std::mem::replace(inner, clone);
    let call = inner.call(request);
    Box::pin(async move {
        let response = call.await;
        drop(permit);
        response
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_leave_room_for_both() {
        assert_eq!(shares(1024), (768, 256));
        assert_eq!(shares(8), (6, 2));
        assert_eq!(shares(2), (1, 1));
        assert_eq!(shares(1), (1, 1));
    }

    #[test]
    fn classes() {
        assert_eq!(call_class("/grpc.health.v1.Health/Check"), CallClass::Probe);
        assert_eq!(call_class("/grpc.health.v1.Health/Watch"), CallClass::Probe);
        assert_eq!(
            call_class("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            CallClass::Bulk
        );
        assert_eq!(
            call_class("/judicial.v1.RouterService/Route"),
            CallClass::Read
        );
        assert_eq!(
            call_class("/judicial.v1.RouterService/BatchRoute"),
            CallClass::Bulk
        );
        assert_eq!(
            call_class("/judicial.v1.RegistryService/CreateInstrument"),
            CallClass::Other
        );
        assert_eq!(
            call_class("/judicial.v1.RegistryService/Nope"),
            CallClass::Other
        );
    }

    /// A server-streaming RPC holds a connection's attention for long: each
    /// one in the contract is in the bulk share.
    #[test]
    fn every_streaming_method_is_bulk() {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(judicial_proto::FILE_DESCRIPTOR_SET)
            .expect("the checked-in descriptor set decodes");
        for file in &set.file {
            for service in &file.service {
                for method in &service.method {
                    let path = format!("/{}.{}/{}", file.package(), service.name(), method.name());
                    if method.server_streaming() || method.client_streaming() {
                        assert_eq!(
                            call_class(&path),
                            CallClass::Bulk,
                            "{path} streams: add it to the Bulk arm of call_class in crates/server/src/admission.rs"
                        );
                    }
                }
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_read_gives_its_interactive_slot_back() {
        use tower::ServiceExt;
        // One interactive slot, one bulk slot.
        let layer = AdmissionLayer::new(2, Duration::from_millis(20));
        let backend = tower::service_fn(|r: http::Request<()>| async move {
            if r.headers().contains_key("slow") {
                std::future::pending::<()>().await;
            }
            Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::empty()))
        });
        let svc = tower::Layer::layer(&layer, backend);
        let route = |slow: bool| {
            let mut b = http::Request::builder().uri("/judicial.v1.RouterService/Route");
            if slow {
                b = b.header("slow", "1");
            }
            b.body(()).unwrap()
        };
        let code = |r: &http::Response<tonic::body::Body>| {
            tonic::Status::from_header_map(r.headers()).map(|s| s.code())
        };
        let call = |request| svc.clone().oneshot(request);

        // A slow read takes the interactive slot: a quick read overflows
        // into the free bulk slot.
        let first = tokio::spawn(call(route(true)));
        tokio::task::yield_now().await;
        let overflow = call(route(false)).await.unwrap();
        assert_eq!(code(&overflow), None);
        // Once it has run past `slow_after` it moves to the bulk slot.
        tokio::time::sleep(Duration::from_millis(30)).await;
        let quick = call(route(false)).await.unwrap();
        assert_eq!(code(&quick), None, "a quick read is admitted again");
        // A second slow read takes the interactive slot; a third overflows
        // into... nothing: both shares are full, so it is shed.
        let second = tokio::spawn(call(route(true)));
        tokio::task::yield_now().await;
        let third = call(route(false)).await.unwrap();
        assert_eq!(code(&third), Some(tonic::Code::ResourceExhausted));
        // Past `slow_after` the second finds the bulk share full and keeps
        // its slot: admitted calls are never cut short.
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(!first.is_finished() && !second.is_finished());
        second.abort();
        // Health is never limited.
        let health = http::Request::builder()
            .uri("/grpc.health.v1.Health/Check")
            .body(())
            .unwrap();
        assert_eq!(code(&call(health).await.unwrap()), None);
        first.abort();
    }
}

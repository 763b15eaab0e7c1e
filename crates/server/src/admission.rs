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
//!
//! A quick read carries its slot in the request's extensions ([`ReadSlot`]):
//! a handler that knows, before doing any work, that the call will wait
//! (a Route whose `min_revision` the router has not applied) calls
//! [`ReadSlot::wait_in_bulk`], which moves the call to the bulk share or, when
//! that is full, sheds it there and then. A waiting call therefore never holds
//! the interactive slots the quick calls need, however many arrive.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use judicial_proto::Reason;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Where a quick read's slot is. The permits are held for their drop:
/// replacing or releasing a variant gives the slot back.
#[derive(Debug)]
enum Held {
    Interactive(#[allow(dead_code)] OwnedSemaphorePermit),
    Bulk(#[allow(dead_code)] OwnedSemaphorePermit),
    Released,
}

#[derive(Debug)]
struct SlotState {
    held: std::sync::Mutex<Held>,
    bulk: Arc<Semaphore>,
}

/// The admission slot of a quick read, put in its request's extensions.
#[derive(Debug, Clone)]
pub struct ReadSlot(Arc<SlotState>);

/// What [`ReadSlot::move_to_bulk`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The call was already in the bulk share (or finished).
    Already,
    /// The call gave its interactive slot back for a bulk slot.
    Moved,
    /// The bulk share is full: the call still holds its interactive slot.
    Full,
}

impl ReadSlot {
    fn new(held: Held, bulk: Arc<Semaphore>) -> Self {
        ReadSlot(Arc::new(SlotState {
            held: std::sync::Mutex::new(held),
            bulk,
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic while holding this lock cannot leave `Held` half-written.
        self.0.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives an interactive slot back for a free bulk slot.
    pub fn move_to_bulk(&self) -> Move {
        let mut held = self.lock();
        if !matches!(*held, Held::Interactive(_)) {
            return Move::Already;
        }
        match self.0.bulk.clone().try_acquire_owned() {
            Ok(bulk) => {
                *held = Held::Bulk(bulk);
                Move::Moved
            }
            Err(_) => Move::Full,
        }
    }

    /// Called by a handler about to wait, before it has done any work: moves
    /// the call to the bulk share, or refuses it (RESOURCE_EXHAUSTED, reason
    /// OVERLOADED) when the bulk share is full, releasing its slot at once.
    pub fn wait_in_bulk(&self, method: &str, what: &str) -> Result<(), tonic::Status> {
        match self.move_to_bulk() {
            Move::Already => Ok(()),
            Move::Moved => {
                metrics::counter!("judicial_waiting_reads_total", "outcome" => "moved")
                    .increment(1);
                Ok(())
            }
            Move::Full => {
                self.release();
                metrics::counter!("judicial_waiting_reads_total", "outcome" => "shed").increment(1);
                Err(shed(
                    "waiting",
                    format!(
                        "Too many requests waiting: every slot for calls that wait ({what}) is taken; retry {method} with backoff, or without waiting"
                    ),
                ))
            }
        }
    }

    fn release(&self) {
        *self.lock() = Held::Released;
    }
}

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

/// The one refusal of the layer: RESOURCE_EXHAUSTED, reason OVERLOADED,
/// counted under `class`.
fn shed(class: &'static str, message: String) -> tonic::Status {
    metrics::counter!("judicial_shed_total", "class" => class).increment(1);
    crate::status::with_reason(tonic::Code::ResourceExhausted, message, Reason::Overloaded)
}

fn overloaded(class: CallClass, method: &str) -> http::Response<tonic::body::Body> {
    let share = match class {
        CallClass::Bulk => "bulk",
        _ => "interactive",
    };
    shed(
        class.as_str(),
        format!(
            "Too many requests: every {share} slot of the server is taken; retry {method} with backoff"
        ),
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
            CallClass::Read => {
                let held = match shares.interactive.clone().try_acquire_owned() {
                    Ok(p) => Held::Interactive(p),
                    Err(_) => match shares.bulk.clone().try_acquire_owned() {
                        Ok(p) => Held::Bulk(p),
                        Err(_) => {
                            let response = overloaded(class, request.uri().path());
                            return Box::pin(async move { Ok(response) });
                        }
                    },
                };
                let slot = ReadSlot::new(held, shares.bulk.clone());
                let mut request = request;
                request.extensions_mut().insert(slot.clone());
                return self.read(request, slot);
            }
            CallClass::Other => match shares.interactive.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => {
                    let response = overloaded(class, request.uri().path());
                    return Box::pin(async move { Ok(response) });
                }
            },
        };
        // Take the service that was driven to readiness; leave a clone behind.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let call = inner.call(request);
        // Streams hold their slot only until their headers are sent.
        Box::pin(async move {
            let response = call.await;
            drop(permit);
            response
        })
    }
}

impl<S> Admission<S> {
    /// Runs a quick read holding `slot`; still running after `slow_after`,
    /// it moves to the bulk share when a bulk slot is free.
    fn read<B>(
        &mut self,
        request: http::Request<B>,
        slot: ReadSlot,
    ) -> BoxFuture<S::Response, S::Error>
    where
        S: tower::Service<http::Request<B>> + Clone + Send + 'static,
        S::Future: Send + 'static,
    {
        let method = request.uri().path().to_owned();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let call = inner.call(request);
        let slow_after = self.shares.slow_after;
        Box::pin(async move {
            tokio::pin!(call);
            tokio::select! {
                biased;
                response = &mut call => {
                    slot.release();
                    return response;
                }
                _ = tokio::time::sleep(slow_after) => {}
            }
            // Still running: a slow read. Give its interactive slot back
            // when a bulk slot is free; otherwise keep it (an admitted call
            // is answered on its own terms, never cut short).
            match slot.move_to_bulk() {
                Move::Already => {}
                Move::Moved => {
                    metrics::counter!("judicial_slow_reads_total", "outcome" => "moved")
                        .increment(1);
                }
                Move::Full => {
                    metrics::counter!("judicial_slow_reads_total", "outcome" => "kept")
                        .increment(1);
                    tracing::debug!(%method, slow_after_ms = slow_after.as_millis() as u64, "slow read keeps its slot: the bulk share is full");
                }
            }
            let response = call.await;
            slot.release();
            response
        })
    }
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

    /// A handler that knows it will wait moves to the bulk share before it
    /// waits, or is shed: waiting calls never hold the interactive slots.
    #[tokio::test(start_paused = true)]
    async fn a_waiting_read_waits_in_the_bulk_share_or_is_shed() {
        use tower::ServiceExt;
        // Three interactive slots, one bulk slot; reads never move by time.
        let layer = AdmissionLayer::new(4, Duration::from_secs(3600));
        let backend = tower::service_fn(|r: http::Request<()>| async move {
            if r.headers().contains_key("wait") {
                let slot = r
                    .extensions()
                    .get::<ReadSlot>()
                    .expect("a read carries its slot");
                if let Err(status) = slot.wait_in_bulk("Route", "for a revision") {
                    return Ok(status.into_http());
                }
                std::future::pending::<()>().await;
            }
            Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::empty()))
        });
        let svc = tower::Layer::layer(&layer, backend);
        let route = |wait: bool| {
            let mut b = http::Request::builder().uri("/judicial.v1.RouterService/Route");
            if wait {
                b = b.header("wait", "1");
            }
            b.body(()).unwrap()
        };
        let status =
            |r: &http::Response<tonic::body::Body>| tonic::Status::from_header_map(r.headers());
        let call = |request| svc.clone().oneshot(request);

        let waiting = tokio::spawn(call(route(true)));
        tokio::task::yield_now().await;
        // The bulk slot is the waiting call's: the next ones are shed at once.
        for _ in 0..5 {
            let shed = call(route(true)).await.unwrap();
            let shed = status(&shed).expect("shed");
            assert_eq!(shed.code(), tonic::Code::ResourceExhausted);
            assert!(
                shed.message().starts_with("Too many requests waiting"),
                "{}",
                shed.message()
            );
        }
        // All three interactive slots stay free for quick reads, at once.
        let quick: Vec<_> = (0..3).map(|_| call(route(false))).collect();
        for r in futures::future::join_all(quick).await {
            assert!(status(&r.unwrap()).is_none());
        }
        assert!(
            !waiting.is_finished(),
            "the admitted waiting call is never cut short"
        );
        // When it ends, its bulk slot is free for the next one.
        waiting.abort();
        let _ = waiting.await;
        let next = tokio::spawn(call(route(true)));
        tokio::task::yield_now().await;
        assert!(
            !next.is_finished(),
            "the next waiting call got the bulk slot"
        );
        next.abort();
    }
}

//! Delivering one subscription over one stream: events in sequence order
//! from the acked cursor, at most a window of them unacknowledged, the
//! unacknowledged ones again after the ack wait.
//!
//! Each stream reads the durable log on its own task and learns of new
//! events through a watch of the last sequence, so a slow or stalled
//! subscriber only ever blocks its own task — never another stream, and
//! never the follower that appends to the log.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use judicial_server::{Clock, Shutdown};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::error::NotifierError;
use crate::event::{Event, EventFilter};
use crate::storage::{Op, READ_BATCH, Storage};

#[cfg(test)]
mod tests;

/// The runtime side of a subscription: who is streaming it, and its acked
/// cursor as a push signal for that stream.
#[derive(Debug)]
pub(crate) struct Live {
    pub(crate) acked: watch::Sender<u64>,
    stream: Mutex<Option<CancellationToken>>,
}

impl Live {
    /// A subscription with no stream yet, acked up to `acked`.
    pub(crate) fn new(acked: u64) -> Live {
        Live {
            acked: watch::channel(acked).0,
            stream: Mutex::new(None),
        }
    }

    /// Makes `token` the open stream's; returns the stream it replaces.
    pub(crate) fn take_over(&self, token: CancellationToken) -> Option<CancellationToken> {
        self.stream.lock().expect("stream lock").replace(token)
    }

    /// Ends the open stream, if any.
    pub(crate) fn end(&self) {
        if let Some(token) = self.stream.lock().expect("stream lock").take() {
            token.cancel();
        }
    }
}

/// One open StreamEvents call. It needs of the notifier only the log (to
/// read events and record deliveries) and the ack wait.
pub(crate) struct Stream {
    pub(crate) storage: Storage,
    pub(crate) ack_wait: Duration,
    /// The clock that stamped the events, for their age at delivery.
    pub(crate) clock: Clock,
    pub(crate) id: String,
    pub(crate) filter: EventFilter,
    pub(crate) live: Arc<Live>,
    pub(crate) token: CancellationToken,
    pub(crate) window: usize,
    pub(crate) tx: mpsc::Sender<Result<Event, NotifierError>>,
    pub(crate) shutdown: Shutdown,
}

/// Why a stream ended.
#[derive(Debug)]
enum End {
    /// A newer stream took over the subscription.
    Replaced,
    /// The server is shutting down.
    Shutdown,
    /// The client went away.
    ClientGone,
    /// Reading the log or recording delivery failed.
    Failed(NotifierError),
}

impl Stream {
    pub(crate) async fn run(self) {
        tracing::debug!(subscription = %self.id, window = self.window, "stream opened");
        let end = self.deliver().await;
        tracing::debug!(subscription = %self.id, ?end, "stream ended");
        // A stalled client may have a full buffer: the last word is best effort.
        let last_word = match end {
            End::Replaced => Some(NotifierError::StreamReplaced(format!(
                "subscriptions/{}",
                self.id
            ))),
            End::Shutdown => Some(NotifierError::Closed),
            End::ClientGone => None,
            End::Failed(e) => Some(e),
        };
        if let Some(e) = last_word {
            let _ = self.tx.try_send(Err(e));
        }
    }

    async fn deliver(&self) -> End {
        let storage = &self.storage;
        let ack_wait = self.ack_wait;
        let mut sequences = storage.sequences();
        let mut acked_rx = self.live.acked.subscribe();
        let mut acked = *acked_rx.borrow_and_update();
        let mut delivered = match storage.subscription(&self.id) {
            Ok(s) => {
                acked = acked.max(s.acked_sequence);
                s.delivered_sequence
            }
            Err(e) => return End::Failed(e),
        };
        // Highest sequence read from the log (delivered or filtered out).
        let mut position = acked;
        // Sequences sent and not yet acknowledged, with when they were sent.
        let mut in_flight: VecDeque<(u64, Instant)> = VecDeque::new();
        loop {
            acked = acked.max(*acked_rx.borrow_and_update());
            while in_flight.front().is_some_and(|(s, _)| *s <= acked) {
                in_flight.pop_front();
            }
            position = position.max(acked);
            if let Some((sequence, sent)) = in_flight.front()
                && sent.elapsed() >= ack_wait
            {
                // Go back to the acked cursor and deliver everything after
                // it again, so the subscriber still sees sequence order.
                tracing::debug!(subscription = %self.id, sequence, acked, "ack wait expired; redelivering");
                in_flight.clear();
                position = acked;
            }
            let last = *sequences.borrow_and_update();
            while in_flight.len() < self.window && position < last {
                let batch = match storage.read_events(position + 1, READ_BATCH) {
                    Ok(batch) => batch,
                    Err(e) => return End::Failed(e),
                };
                if batch.is_empty() {
                    position = last;
                    break;
                }
                let mut to_send = Vec::new();
                for event in batch {
                    if in_flight.len() + to_send.len() == self.window {
                        break;
                    }
                    position = event.sequence;
                    if self.filter.matches(&event) {
                        to_send.push(event);
                    }
                }
                // Record the delivery durably before it happens, so an ack
                // of anything the subscriber received stays valid after a
                // crash of the notifier.
                if let Some(top) = to_send.last().map(|e| e.sequence)
                    && top > delivered
                {
                    let op = Op::Delivered {
                        id: self.id.clone(),
                        sequence: top,
                    };
                    if let Err(e) = storage.commit(op).await {
                        return End::Failed(e);
                    }
                    delivered = top;
                }
                for event in to_send {
                    let sequence = event.sequence;
                    // Time from the event's derivation to its hand-off to this stream.
                    let age_ms = (self.clock.now_ms() - event.time_ms).max(0);
                    tokio::select! {
                        biased;
                        _ = self.token.cancelled() => return End::Replaced,
                        _ = self.shutdown.wait() => return End::Shutdown,
                        sent = self.tx.send(Ok(event)) => {
                            if sent.is_err() {
                                return End::ClientGone;
                            }
                        }
                    }
                    metrics::histogram!("judicial_notifier_delivery_seconds")
                        .record(age_ms as f64 / 1000.0);
                    in_flight.push_back((sequence, Instant::now()));
                }
            }
            let deadline = in_flight.front().map(|(_, sent)| *sent + ack_wait);
            tokio::select! {
                biased;
                _ = self.token.cancelled() => return End::Replaced,
                _ = self.shutdown.wait() => return End::Shutdown,
                _ = self.tx.closed() => return End::ClientGone,
                changed = sequences.changed() => {
                    if changed.is_err() {
                        return End::Shutdown;
                    }
                }
                changed = acked_rx.changed() => {
                    if changed.is_err() {
                        return End::Shutdown;
                    }
                }
                _ = sleep_until(deadline) => {}
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

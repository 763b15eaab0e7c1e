//! The notifier's logic, in domain types: subscriptions, acknowledgements,
//! replay, and the streams that deliver events.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use judicial_domain::CalendarDate;
use judicial_server::Shutdown;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel as GrpcChannel;

use crate::config::Config;
use crate::delivery::{self, Live};
use crate::error::NotifierError;
use crate::event::{Event, EventFilter};
use crate::follow::{self, Progress};
use crate::storage::{LogState, Op, Outcome, READ_BATCH, Retention, Storage};
use crate::subscription::{Caller, NewSubscription, Subscription};
use crate::view::View;
use judicial_server::Clock;

/// Events buffered per stream before its task waits for the client.
const STREAM_BUFFER: usize = 64;
/// Most events one ListEvents or backlog call reads from the log.
const SCAN_LIMIT: usize = 10_000;
/// Largest max_in_flight a stream may ask for.
pub const MAX_IN_FLIGHT_CAP: u32 = 100_000;

/// The notifier: follows the registry into a durable event log and serves
/// subscriptions from it.
pub struct Notifier {
    home: String,
    utc_offset: i32,
    ack_wait: Duration,
    max_in_flight: u32,
    /// Whether events are dropped by age.
    age_retention: bool,
    clock: Clock,
    storage: Storage,
    /// The view loaded from disk, handed to the follower task once.
    stored_view: Mutex<Option<View>>,
    /// The deriver's view, sync and failure, as it reports them.
    progress: Arc<Progress>,
    live: Mutex<HashMap<String, Arc<Live>>>,
    follower: Mutex<Option<JoinHandle<()>>>,
    /// The JetStream sink's task, when one is configured.
    sink: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.storage.state();
        f.debug_struct("Notifier")
            .field("home", &self.home)
            .field("registry_revision", &state.registry_revision)
            .field("last_sequence", &state.last_sequence)
            .finish()
    }
}

impl Notifier {
    /// Opens the store in the configured directory.
    pub fn open(config: &Config) -> Result<Arc<Notifier>, NotifierError> {
        let retention = Retention {
            max_events: config.retain_events,
            max_age_ms: config.retain_age.map(|d| d.as_millis() as i64),
        };
        let (storage, view) =
            Storage::open(&config.data_dir, config.source.clone(), retention.clone())?;
        Ok(Arc::new(Notifier {
            home: config.home.home.clone(),
            utc_offset: config.home.utc_offset,
            ack_wait: config.ack_wait,
            max_in_flight: config.max_in_flight.clamp(1, MAX_IN_FLIGHT_CAP),
            age_retention: retention.max_age_ms.is_some(),
            clock: config.clock.clone(),
            storage,
            progress: Arc::new(Progress::new(view.clone())),
            stored_view: Mutex::new(Some(view)),
            live: Mutex::new(HashMap::new()),
            follower: Mutex::new(None),
            sink: Mutex::new(None),
        }))
    }

    /// Follows the registry on `registry` until `shutdown`, deriving events;
    /// `on_synced` runs once the first snapshot is durably applied.
    pub fn follow(
        self: &Arc<Self>,
        registry: GrpcChannel,
        shutdown: Shutdown,
        on_synced: impl FnOnce() + Send + 'static,
    ) {
        let view = self
            .stored_view
            .lock()
            .expect("stored view lock")
            .take()
            .unwrap_or_default();
        let context = follow::Context {
            home: self.home.clone(),
            utc_offset: self.utc_offset,
            clock: self.clock.clone(),
            storage: self.storage.clone(),
            age_retention: self.age_retention,
            progress: self.progress.clone(),
        };
        let handle = follow::spawn(context, view, registry, shutdown, Box::new(on_synced));
        *self.follower.lock().expect("follower lock") = Some(handle);
    }

    /// Waits until the follower task (and the sink's, if any) has stopped
    /// (they stop on shutdown).
    pub async fn stopped(&self) {
        let handle = self.follower.lock().expect("follower lock").take();
        if let Some(handle) = handle {
            let _ = handle.await;
        }
        let sink = self.sink.lock().expect("sink lock").take();
        if let Some(sink) = sink {
            let _ = sink.await;
        }
    }

    /// Stops the store's writer after it has written everything queued and
    /// flushes; call after serving stops.
    pub fn close(&self) -> Result<(), NotifierError> {
        self.storage.close()
    }

    /// The store, for the tasks beside the notifier (the sink, health).
    pub(crate) fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Keeps the JetStream sink's task, so [`Notifier::stopped`] waits for it.
    pub(crate) fn keep_sink(&self, task: JoinHandle<()>) {
        *self.sink.lock().expect("sink lock") = Some(task);
    }

    /// Becomes true when the notifier stopped deriving events because its
    /// store failed (it then needs a restart; health should say so).
    pub fn failures(&self) -> watch::Receiver<bool> {
        self.progress.failures()
    }

    /// Whether a registry snapshot has been applied since this process started.
    pub fn is_synced(&self) -> bool {
        self.progress.is_synced()
    }

    /// The cursors and subscriptions as of the last durable commit.
    pub fn log_state(&self) -> Arc<LogState> {
        self.storage.state()
    }

    /// The last registry revision applied (0 before the first sync).
    pub fn registry_revision(&self) -> u64 {
        self.storage.state().registry_revision.unwrap_or(0)
    }

    /// The newest event sequence (0 before the first event).
    pub fn last_sequence(&self) -> u64 {
        self.storage.state().last_sequence
    }

    /// Today in the configured offset, by the notifier's clock.
    pub fn today(&self) -> CalendarDate {
        self.clock.today(self.utc_offset)
    }

    /// Whether `code` is a jurisdiction the registry knows (or, before the
    /// first sync, one of the built-in ISO 3166-1 codes).
    pub fn is_known_jurisdiction(&self, code: &str) -> bool {
        let view = self.progress.view();
        if view.jurisdictions.is_empty() {
            judicial_domain::jurisdiction::builtin()
                .iter()
                .any(|j| j.code == code)
        } else {
            view.jurisdictions.contains_key(code)
        }
    }

    /// Creates a subscription; its start is resolved against the log now.
    pub async fn create_subscription(
        &self,
        new: NewSubscription,
    ) -> Result<Arc<Subscription>, NotifierError> {
        let now = self.clock.now_ms();
        match self
            .storage
            .commit(Op::CreateSubscription(new, now))
            .await?
        {
            Outcome::Subscription(s) => {
                tracing::info!(subscription = %s.id, start_sequence = s.start_sequence, "subscription created");
                Ok(s)
            }
            other => Err(unexpected(other)),
        }
    }

    /// One subscription.
    pub fn subscription(&self, id: &str) -> Result<Arc<Subscription>, NotifierError> {
        self.storage.subscription(id)
    }

    /// One subscription, if `caller` may use it.
    pub fn owned_subscription(
        &self,
        id: &str,
        caller: &Caller,
    ) -> Result<Arc<Subscription>, NotifierError> {
        let s = self.subscription(id)?;
        caller.check(&s)?;
        Ok(s)
    }

    /// Up to `limit` of the subscriptions `caller` may use, in id order after
    /// `after`, and the id to continue from when more remain.
    pub fn subscriptions(
        &self,
        caller: &Caller,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<Arc<Subscription>>, Option<String>) {
        let state = self.storage.state();
        let from = match after {
            Some(a) => Bound::Excluded(a.to_owned()),
            None => Bound::Unbounded,
        };
        let mut page: Vec<Arc<Subscription>> = state
            .subscriptions
            .range((from, Bound::Unbounded))
            .map(|(_, s)| s)
            .filter(|s| caller.may_use(s))
            .take(limit + 1)
            .cloned()
            .collect();
        let next = if page.len() > limit {
            page.truncate(limit);
            page.last().map(|s| s.id.clone())
        } else {
            None
        };
        (page, next)
    }

    /// Deletes a subscription and ends its stream.
    pub async fn delete_subscription(&self, id: &str) -> Result<(), NotifierError> {
        self.storage
            .commit(Op::DeleteSubscription(id.to_owned()))
            .await?;
        let live = self.live.lock().expect("live lock").remove(id);
        if let Some(live) = live {
            live.end();
        }
        tracing::info!(subscription = %id, "subscription deleted");
        Ok(())
    }

    /// Acknowledges every event up to `sequence` for a subscription, durably;
    /// returns the acked cursor. Acking below the cursor changes nothing;
    /// acking beyond the last delivered sequence is invalid.
    pub async fn ack(&self, id: &str, sequence: u64) -> Result<u64, NotifierError> {
        let acked = match self
            .storage
            .commit(Op::Ack {
                id: id.to_owned(),
                sequence,
            })
            .await?
        {
            Outcome::Cursor(acked) => acked,
            other => return Err(unexpected(other)),
        };
        let live = self.live.lock().expect("live lock").get(id).cloned();
        if let Some(live) = live {
            live.acked.send_if_modified(|a| {
                let moved = acked > *a;
                *a = (*a).max(acked);
                moved
            });
        }
        Ok(acked)
    }

    /// Starts streaming a subscription from its acked cursor, ending any
    /// stream already open for it. `max_in_flight` 0 means the default.
    pub fn stream(
        self: &Arc<Self>,
        id: &str,
        max_in_flight: u32,
        shutdown: Shutdown,
    ) -> Result<mpsc::Receiver<Result<Event, NotifierError>>, NotifierError> {
        let subscription = self.subscription(id)?;
        let live = {
            let mut map = self.live.lock().expect("live lock");
            map.entry(id.to_owned())
                .or_insert_with(|| Arc::new(Live::new(subscription.acked_sequence)))
                .clone()
        };
        let token = CancellationToken::new();
        if let Some(old) = live.take_over(token.clone()) {
            tracing::info!(subscription = %id, "a new stream takes over the subscription");
            old.cancel();
        }
        let window = match max_in_flight {
            0 => self.max_in_flight,
            n => n.min(MAX_IN_FLIGHT_CAP),
        };
        let (tx, rx) = mpsc::channel(STREAM_BUFFER);
        let stream = delivery::Stream {
            storage: self.storage.clone(),
            ack_wait: self.ack_wait,
            clock: self.clock.clone(),
            id: id.to_owned(),
            filter: subscription.filter.clone(),
            live,
            token,
            window: window as usize,
            tx,
            shutdown,
        };
        tokio::spawn(stream.run());
        Ok(rx)
    }

    /// Up to `limit` retained events matching `filter` from sequence `start`
    /// (0: the oldest retained), and the sequence to continue from when more
    /// may remain. One call reads at most 10,000 events of the log.
    pub fn events(
        &self,
        start: u64,
        filter: &EventFilter,
        limit: usize,
    ) -> Result<(Vec<Event>, Option<u64>), NotifierError> {
        let state = self.storage.state();
        let mut position = start.max(state.first_sequence).max(1);
        let mut out = Vec::new();
        let mut scanned = 0;
        while position <= state.last_sequence && scanned < SCAN_LIMIT {
            let batch = self.storage.read_events(position, READ_BATCH)?;
            let Some(last) = batch.last() else { break };
            position = last.sequence + 1;
            for event in batch {
                scanned += 1;
                if filter.matches(&event) {
                    if out.len() == limit {
                        return Ok((out, Some(event.sequence)));
                    }
                    out.push(event);
                }
            }
        }
        let next = (position <= state.last_sequence).then_some(position);
        Ok((out, next))
    }

    /// Matching events after a subscription's acked cursor: exact for the
    /// first 10,000 events of the log after the cursor, counting every
    /// event beyond (an upper bound).
    pub fn backlog(&self, id: &str) -> Result<u64, NotifierError> {
        let subscription = self.subscription(id)?;
        let state = self.storage.state();
        let mut position = (subscription.acked_sequence + 1).max(state.first_sequence);
        let mut count = 0u64;
        let mut scanned = 0;
        while position <= state.last_sequence && scanned < SCAN_LIMIT {
            let batch = self.storage.read_events(position, READ_BATCH)?;
            let Some(last) = batch.last() else { break };
            position = last.sequence + 1;
            scanned += batch.len();
            count += batch
                .iter()
                .filter(|e| subscription.filter.matches(e))
                .count() as u64;
        }
        Ok(count + (state.last_sequence + 1).saturating_sub(position))
    }

    /// Every subscription's backlog, by id, for metrics.
    pub fn backlogs(&self) -> Vec<(String, u64)> {
        let state = self.storage.state();
        state
            .subscriptions
            .keys()
            .filter_map(|id| Some((id.clone(), self.backlog(id).ok()?)))
            .collect()
    }
}

fn unexpected(outcome: Outcome) -> NotifierError {
    NotifierError::Io(format!("the store answered with {outcome:?}"))
}

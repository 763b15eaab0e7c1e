//! Following the registry: the shared [`Follower`] delivers snapshots and
//! revisions; one task turns them (and days arriving) into events and
//! commits each derivation together with the view and cursors it advanced.
//!
//! Exactly-once derivation across restarts: every commit writes the events
//! of a revision (or of a day), the view entries that revision changed, and
//! the registry (or date) cursor in one sled transaction, flushed before the
//! events are published. After a crash the stored view is exactly the view
//! the stored events were derived from, so:
//!
//! * The follower always starts with a snapshot (revision R). With a stored
//!   cursor c < R the task first replays revisions c+1..=R from the
//!   registry's `Watch(c+1)`, deriving each with its own revision, as if it
//!   had never stopped. When the log no longer holds c+1 (compacted) or the
//!   replay fails, it diffs the stored view against the snapshot instead and
//!   derives the difference under revision R — nothing is skipped, and
//!   nothing already derived is derived again.
//! * The first snapshot an empty notifier sees derives nothing: it only
//!   records the view, the cursor and today's date.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use judicial_client::{Change, FollowEvent, Follower, FollowerOptions};
use judicial_domain::CalendarDate;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_server::Shutdown;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tonic::transport::Channel as GrpcChannel;

use crate::derive;
use crate::error::NotifierError;
use crate::storage::{Derivation, LogState, Op, Storage};
use crate::view::{Touched, View};
use judicial_server::Clock;

/// Longest the catch-up replay waits for the registry's next message.
const CATCH_UP_WAIT: Duration = Duration::from_secs(30);
/// How often events older than the retention age are dropped.
const RETENTION_INTERVAL: Duration = Duration::from_secs(60);

/// What deriving needs of the notifier: the home state, the clock, the log
/// to commit to, and where to say what it did.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// The home state's code.
    pub(crate) home: String,
    /// Seconds east of UTC, for "today".
    pub(crate) utc_offset: i32,
    /// Where time comes from.
    pub(crate) clock: Clock,
    /// The log derivations are committed to.
    pub(crate) storage: Storage,
    /// Whether events are dropped by age (then retention runs every minute).
    pub(crate) age_retention: bool,
    /// What the deriver tells the rest of the notifier.
    pub(crate) progress: Arc<Progress>,
}

impl Context {
    fn today(&self) -> CalendarDate {
        self.clock.today(self.utc_offset)
    }

    fn log_state(&self) -> Arc<LogState> {
        self.storage.state()
    }
}

/// What the deriver tells the rest of the notifier: the view as of the last
/// commit (for validating filters), whether it has synced, whether it failed.
#[derive(Debug)]
pub(crate) struct Progress {
    view: ArcSwap<View>,
    synced: AtomicBool,
    failed: watch::Sender<bool>,
}

impl Progress {
    /// Progress starting from the stored `view`, not synced, not failed.
    pub(crate) fn new(view: View) -> Progress {
        Progress {
            view: ArcSwap::from_pointee(view),
            synced: AtomicBool::new(false),
            failed: watch::channel(false).0,
        }
    }

    /// The view as of the last commit.
    pub(crate) fn view(&self) -> Arc<View> {
        self.view.load_full()
    }

    /// Whether a registry snapshot has been applied since this process started.
    pub(crate) fn is_synced(&self) -> bool {
        self.synced.load(Ordering::Acquire)
    }

    /// Becomes true when deriving stopped on a storage failure.
    pub(crate) fn failures(&self) -> watch::Receiver<bool> {
        self.failed.subscribe()
    }

    fn publish_view(&self, view: &View) {
        self.view.store(Arc::new(view.clone()));
    }

    fn mark_synced(&self) {
        self.synced.store(true, Ordering::Release);
    }

    fn mark_failed(&self) {
        self.failed.send_replace(true);
    }
}

/// Starts the follower and the task that derives events from it.
pub(crate) fn spawn(
    context: Context,
    view: View,
    registry: GrpcChannel,
    shutdown: Shutdown,
    on_synced: Box<dyn FnOnce() + Send>,
) -> JoinHandle<()> {
    let (tx, rx) = mpsc::unbounded_channel();
    let follower = Follower::new(registry.clone(), FollowerOptions::default());
    let follower_shutdown = shutdown.clone();
    // The callback only queues: the follower never waits for a commit.
    tokio::spawn(async move {
        follower
            .run(follower_shutdown, move |event| {
                let _ = tx.send(event);
            })
            .await
    });
    let deriver = Deriver {
        context,
        view,
        registry,
        on_synced: Some(on_synced),
    };
    tokio::spawn(deriver.run(rx, shutdown))
}

/// Owns the view and turns follower events and days into commits.
struct Deriver {
    context: Context,
    /// The view as of the last commit.
    view: View,
    registry: GrpcChannel,
    on_synced: Option<Box<dyn FnOnce() + Send>>,
}

/// How a catch-up replay ended.
enum CatchUp {
    /// Every revision up to the snapshot was derived.
    Done,
    /// The replay could not finish; diff against the snapshot instead.
    Fallback(String),
}

impl Deriver {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<FollowEvent>, shutdown: Shutdown) {
        let mut ticks = self.context.clock.ticks(self.context.utc_offset);
        let mut retention = tokio::time::interval(RETENTION_INTERVAL);
        let age_retention = self.context.age_retention;
        loop {
            let step = tokio::select! {
                biased;
                _ = shutdown.wait() => break,
                event = rx.recv() => match event {
                    Some(event) => self.handle(event).await,
                    None => break,
                },
                _ = ticks.next() => self.check_dates().await,
                _ = retention.tick(), if age_retention => self.retain().await,
            };
            if let Err(e) = step {
                match e {
                    NotifierError::Closed => {
                        tracing::info!("notifier store closed; stopped deriving events")
                    }
                    e => {
                        tracing::error!(error = %e, "cannot record derived events; stopped following the registry");
                        self.context.progress.mark_failed();
                    }
                }
                break;
            }
        }
    }

    async fn handle(&mut self, event: FollowEvent) -> Result<(), NotifierError> {
        match event {
            FollowEvent::Reset {
                revision,
                jurisdictions,
                instruments,
            } => {
                let snapshot = View::from_snapshot(revision, jurisdictions, instruments);
                self.reset(snapshot).await?;
                self.context.progress.mark_synced();
                if let Some(on_synced) = self.on_synced.take() {
                    on_synced();
                }
                Ok(())
            }
            FollowEvent::Revision { revision, changes } => {
                self.check_dates().await?;
                self.apply_revision(revision, &changes).await
            }
            FollowEvent::Progress { .. } => Ok(()),
            FollowEvent::Disconnected { error } => {
                tracing::warn!(
                    revision = self.view.revision,
                    "lost the registry ({error}); events resume when it is back"
                );
                Ok(())
            }
        }
    }

    /// Applies a snapshot: records it on first sync, else catches up to it.
    async fn reset(&mut self, snapshot: View) -> Result<(), NotifierError> {
        let revision = snapshot.revision;
        let Some(cursor) = self.context.log_state().registry_revision else {
            let today = self.context.today();
            let touched = View::default().diff(&snapshot);
            tracing::info!(
                revision,
                instruments = snapshot.instruments.len(),
                "first sync: recorded the registry view; no events for the snapshot"
            );
            self.commit(Vec::new(), snapshot, touched, Some(revision), Some(today))
                .await?;
            return Ok(());
        };
        self.check_dates().await?;
        if cursor < revision {
            match self.catch_up(cursor + 1, revision).await? {
                CatchUp::Done => {}
                CatchUp::Fallback(why) => tracing::warn!(
                    cursor = self.view.revision,
                    revision,
                    "cannot replay the registry's log ({why}); deriving from the difference with its snapshot"
                ),
            }
        } else if cursor > revision {
            tracing::warn!(
                cursor,
                revision,
                "the registry is behind the notifier's cursor (restored from a backup?); deriving from the difference"
            );
        }
        let touched = self.view.diff(&snapshot);
        if touched.is_empty() && self.view.revision == revision {
            tracing::info!(revision, "re-synced with the registry; nothing missed");
            return Ok(());
        }
        let on = self.day();
        let events = derive::revision_events(
            &self.context.home,
            &self.view,
            &snapshot,
            &touched,
            on,
            revision,
        );
        tracing::info!(
            revision,
            events = events.len(),
            instruments = touched.instruments.len(),
            "re-synced with the registry from its snapshot"
        );
        self.commit(events, snapshot, touched, Some(revision), None)
            .await
    }

    /// Derives and commits one registry revision.
    async fn apply_revision(
        &mut self,
        revision: u64,
        changes: &[Change],
    ) -> Result<(), NotifierError> {
        if revision <= self.view.revision {
            return Ok(());
        }
        let (after, touched) = self.view.apply(revision, changes);
        let on = self.day();
        let events = derive::revision_events(
            &self.context.home,
            &self.view,
            &after,
            &touched,
            on,
            revision,
        );
        tracing::debug!(revision, events = events.len(), "registry revision derived");
        self.commit(events, after, touched, Some(revision), None)
            .await
    }

    /// Derives the dates that arrived since the last day checked.
    async fn check_dates(&mut self) -> Result<(), NotifierError> {
        let Some(last) = self.context.log_state().date_cursor else {
            return Ok(());
        };
        let today = self.context.today();
        if today <= last {
            return Ok(());
        }
        let events = derive::date_events(&self.context.home, &self.view, last, today);
        tracing::info!(%today, events = events.len(), "a new day: derived the dates that arrived");
        let view = self.view.clone();
        self.commit(events, view, Touched::default(), None, Some(today))
            .await
    }

    async fn retain(&mut self) -> Result<(), NotifierError> {
        let now_ms = self.context.clock.now_ms();
        self.context
            .storage
            .commit(Op::Retain { now_ms })
            .await
            .map(|_| ())
    }

    /// The day events are derived for: the last day checked.
    fn day(&self) -> CalendarDate {
        self.context
            .log_state()
            .date_cursor
            .unwrap_or_else(|| self.context.today())
    }

    async fn commit(
        &mut self,
        events: Vec<crate::event::NewEvent>,
        view: View,
        touched: Touched,
        registry_revision: Option<u64>,
        date_cursor: Option<CalendarDate>,
    ) -> Result<(), NotifierError> {
        let derivation = Derivation {
            events,
            time_ms: self.context.clock.now_ms(),
            view: view.clone(),
            touched,
            registry_revision,
            date_cursor,
        };
        commit_retrying(&self.context.storage, derivation).await?;
        self.context.progress.publish_view(&view);
        self.view = view;
        Ok(())
    }

    /// Replays revisions `from..=to` from the registry's log.
    async fn catch_up(&mut self, from: u64, to: u64) -> Result<CatchUp, NotifierError> {
        let mut client = RegistryServiceClient::new(self.registry.clone())
            .max_decoding_message_size(64 * 1024 * 1024);
        let request = pb::WatchRequest {
            start_revision: from,
        };
        let mut stream = match tokio::time::timeout(CATCH_UP_WAIT, client.watch(request)).await {
            Ok(Ok(response)) => response.into_inner(),
            Ok(Err(status)) => return Ok(CatchUp::Fallback(status.message().to_owned())),
            Err(_) => return Ok(CatchUp::Fallback("the registry did not answer".into())),
        };
        let mut pending: Vec<Change> = Vec::new();
        let mut replayed = 0;
        loop {
            let message = match tokio::time::timeout(CATCH_UP_WAIT, stream.message()).await {
                Ok(Ok(Some(message))) => message,
                Ok(Ok(None)) => return Ok(CatchUp::Fallback("the watch ended".into())),
                Ok(Err(status)) => return Ok(CatchUp::Fallback(status.message().to_owned())),
                Err(_) => return Ok(CatchUp::Fallback("the registry went quiet".into())),
            };
            let Some(pb::watch_event::Event::Change(change)) = message.event else {
                continue;
            };
            if let Some(c) = Change::from_proto(&change) {
                pending.push(c);
            }
            if change.last_in_revision {
                let revision = message.revision;
                if revision > to {
                    // Past the snapshot; the follower delivers it next.
                    return Ok(CatchUp::Done);
                }
                self.apply_revision(revision, &std::mem::take(&mut pending))
                    .await?;
                replayed += 1;
                if revision == to {
                    tracing::info!(
                        from,
                        to,
                        revisions = replayed,
                        "replayed the registry's log"
                    );
                    return Ok(CatchUp::Done);
                }
            }
        }
    }
}

/// Commits a derivation; while the store refuses writes (a full disk, an
/// I/O error) waits until it recovers and commits again, unless the
/// reloaded store shows the derivation already landed.
async fn commit_retrying(
    storage: &crate::storage::Storage,
    derivation: Derivation,
) -> Result<(), NotifierError> {
    loop {
        match storage.commit(Op::Derive(derivation.clone())).await {
            Err(NotifierError::Store(
                e @ (judicial_store::StoreError::Full { .. }
                | judicial_store::StoreError::Unavailable { .. }),
            )) => {
                tracing::warn!(error = %e, "cannot record derived events; retrying when the store recovers");
                let mut writable = storage.writable();
                if writable.wait_for(|w| *w).await.is_err() {
                    return Err(NotifierError::Closed);
                }
                let state = storage.state();
                let landed = match (derivation.registry_revision, derivation.date_cursor) {
                    (Some(r), _) => state.registry_revision >= Some(r),
                    (None, Some(day)) => state.date_cursor >= Some(day),
                    (None, None) => false,
                };
                if landed {
                    return Ok(());
                }
            }
            other => return other.map(|_| ()),
        }
    }
}

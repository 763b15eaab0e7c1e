//! The router's logic: holds the current view, follows the registry, and
//! answers queries from whatever view is current, in domain types.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use judicial_client::{FollowEvent, Follower, FollowerOptions};
use judicial_domain::routing::{self, Channel, RouteAnswer, RouteError, RouteQuery};
use judicial_domain::{Assistance, CalendarDate, Matter};
use judicial_server::Shutdown;
use tokio::sync::watch;
use tonic::transport::Channel as GrpcChannel;

use crate::view::View;

/// What a router operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    /// The query names something that does not exist or cannot be asked.
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The router has not applied `wanted` within the deadline.
    #[error(
        "the router has applied revision {applied}, not yet {wanted}; retry later or with a longer deadline"
    )]
    NotCaughtUp {
        /// Revision applied.
        applied: u64,
        /// Revision asked for.
        wanted: u64,
    },
    /// No snapshot has been received from the registry yet.
    #[error("the router has not synced with the registry yet")]
    NotSynced,
}

/// An answer with the view it came from.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The routing answer.
    pub answer: RouteAnswer,
    /// The date answered for.
    pub on: CalendarDate,
    /// The counterpart.
    pub counterpart: String,
    /// Revision of the view.
    pub revision: u64,
    /// Whether the router lost the registry.
    pub stale: bool,
    /// Time since the registry was last heard from.
    pub view_age: Duration,
}

/// One jurisdiction's primary channel.
#[derive(Debug, Clone)]
pub struct CoverageEntry {
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// The primary channel.
    pub channel: Channel,
}

/// A query before defaults are applied.
#[derive(Debug, Clone)]
pub struct Query {
    /// Counterpart code.
    pub counterpart: String,
    /// Matter.
    pub matter: Matter,
    /// Assistance.
    pub assistance: Assistance,
    /// Date, or today.
    pub on: Option<CalendarDate>,
    /// Offence.
    pub offence: Option<String>,
    /// Intended transmission.
    pub transmission: Option<String>,
    /// Explain each channel.
    pub explain: bool,
    /// Which way the request travels.
    pub direction: routing::Direction,
}

/// The router.
pub struct Router {
    home: String,
    utc_offset: i32,
    view: ArcSwap<View>,
    applied: watch::Sender<u64>,
    synced: AtomicBool,
    connected: AtomicBool,
    started: Instant,
    /// Milliseconds since `started` when the registry was last heard from.
    last_contact_ms: AtomicU64,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("home", &self.home)
            .field("revision", &self.view.load().revision)
            .finish()
    }
}

impl Router {
    /// A router for `home` with an empty view.
    pub fn new(home: &str, utc_offset: i32) -> Arc<Router> {
        Arc::new(Router {
            home: home.to_owned(),
            utc_offset,
            view: ArcSwap::from_pointee(View::default()),
            applied: watch::channel(0).0,
            synced: AtomicBool::new(false),
            connected: AtomicBool::new(false),
            started: Instant::now(),
            last_contact_ms: AtomicU64::new(0),
        })
    }

    /// Follows the registry on `channel` until `shutdown`; `on_synced` runs
    /// after the first complete snapshot (to report SERVING).
    pub fn follow(
        self: &Arc<Self>,
        channel: GrpcChannel,
        shutdown: Shutdown,
        on_synced: impl FnOnce() + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let router = self.clone();
        let follower = Follower::new(channel, FollowerOptions::default());
        let mut on_synced = Some(on_synced);
        tokio::spawn(async move {
            follower
                .run(shutdown, move |event| {
                    router.handle(event);
                    if router.synced.load(Ordering::Acquire)
                        && let Some(f) = on_synced.take()
                    {
                        f();
                    }
                })
                .await
        })
    }

    /// Applies one follower event.
    pub fn handle(&self, event: FollowEvent) {
        match event {
            FollowEvent::Reset {
                revision,
                jurisdictions,
                instruments,
            } => {
                let view = View::from_snapshot(revision, jurisdictions, instruments);
                tracing::info!(
                    revision,
                    instruments = view.instrument_count(),
                    "view rebuilt from snapshot"
                );
                self.publish(view);
                self.synced.store(true, Ordering::Release);
            }
            FollowEvent::Revision { revision, changes } => {
                let view = self.view.load().apply(revision, &changes);
                tracing::debug!(revision, changes = changes.len(), "view updated");
                self.publish(view);
            }
            FollowEvent::Progress { revision } => {
                metrics::gauge!("judicial_router_lag_revisions")
                    .set(revision.saturating_sub(self.revision()) as f64);
                self.heard()
            }
            FollowEvent::Disconnected { error } => {
                metrics::gauge!("judicial_router_stale").set(1.0);
                if self.connected.swap(false, Ordering::AcqRel) {
                    tracing::warn!(
                        revision = self.revision(),
                        "lost the registry ({error}); serving the last view as stale"
                    );
                }
            }
        }
    }

    fn heard(&self) {
        metrics::gauge!("judicial_router_stale").set(0.0);
        self.last_contact_ms
            .store(self.started.elapsed().as_millis() as u64, Ordering::Release);
        if !self.connected.swap(true, Ordering::AcqRel) {
            tracing::info!(revision = self.revision(), "following the registry");
        }
    }

    fn publish(&self, view: View) {
        let revision = view.revision;
        self.view.store(Arc::new(view));
        self.heard();
        self.applied.send_replace(revision);
        metrics::gauge!("judicial_router_view_revision").set(revision as f64);
    }

    /// The home state's code.
    pub fn home(&self) -> &str {
        &self.home
    }

    /// The revision applied.
    pub fn revision(&self) -> u64 {
        self.view.load().revision
    }

    /// Whether the first snapshot has been applied.
    pub fn is_synced(&self) -> bool {
        self.synced.load(Ordering::Acquire)
    }

    /// Whether answers are currently stale (the registry is unreachable).
    pub fn is_stale(&self) -> bool {
        !self.connected.load(Ordering::Acquire)
    }

    /// Time since the registry was last heard from.
    pub fn view_age(&self) -> Duration {
        let now = self.started.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_contact_ms.load(Ordering::Acquire)))
    }

    /// The current view.
    pub fn view(&self) -> Arc<View> {
        self.view.load_full()
    }

    /// Today in the configured offset.
    pub fn today(&self) -> CalendarDate {
        judicial_server::config::today(self.utc_offset)
    }

    /// Waits until revision `min` is applied, for at most `wait`.
    pub async fn wait_for(&self, min: u64, wait: Duration) -> Result<Arc<View>, RouterError> {
        let view = self.view.load_full();
        if view.revision >= min && self.is_synced() {
            return Ok(view);
        }
        let mut rx = self.applied.subscribe();
        let reached = tokio::time::timeout(wait, rx.wait_for(|r| *r >= min)).await;
        let view = self.view.load_full();
        match reached {
            Ok(Ok(_)) if self.is_synced() => Ok(view),
            _ if !self.is_synced() => Err(RouterError::NotSynced),
            _ => Err(RouterError::NotCaughtUp {
                applied: view.revision,
                wanted: min,
            }),
        }
    }

    /// Answers one query from `view`.
    pub fn route_in(&self, view: &View, query: &Query) -> Result<Answer, RouterError> {
        let on = query.on.unwrap_or_else(|| self.today());
        let q = RouteQuery {
            counterpart: query.counterpart.clone(),
            matter: query.matter,
            assistance: query.assistance,
            on,
            offence: query.offence.clone(),
            transmission: query.transmission.clone(),
            explain: query.explain,
            direction: query.direction,
        };
        let candidates = view.candidates(&q.counterpart);
        let answer = routing::route(&self.home, view, &candidates, &q)?;
        Ok(Answer {
            answer,
            on,
            counterpart: q.counterpart,
            revision: view.revision,
            stale: self.is_stale(),
            view_age: self.view_age(),
        })
    }

    /// The primary channel of every jurisdiction but the home state.
    pub fn coverage(
        &self,
        view: &View,
        matter: Matter,
        assistance: Assistance,
        on: CalendarDate,
    ) -> Vec<CoverageEntry> {
        view.jurisdiction_codes()
            .into_iter()
            .filter(|code| *code != self.home)
            .filter_map(|code| {
                let q = RouteQuery::new(code.clone(), matter, assistance, on);
                let candidates = view.candidates(&code);
                routing::primary(&self.home, view, &candidates, &q)
                    .ok()
                    .map(|channel| CoverageEntry {
                        jurisdiction: code,
                        channel,
                    })
            })
            .collect()
    }
}

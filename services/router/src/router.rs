//! The router's logic: holds the current view, follows the registry, and
//! answers queries from whatever view is current, in domain types.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use judicial_client::{FollowEvent, Follower, FollowerOptions};
use judicial_domain::routing::{self, Channel, DateBoundaries, RouteQuery};
use judicial_domain::validation::JurisdictionLookup;
use judicial_domain::{Assistance, CalendarDate, Matter};
use judicial_server::{Clock, Shutdown};
use tokio::sync::watch;
use tonic::transport::Channel as GrpcChannel;

use crate::answer::{Detail, Encoded, Reply, Shape};
use crate::cache::AnswerCache;
use crate::error::RouterError;
use crate::view::View;

/// One jurisdiction's primary channel.
#[derive(Debug, Clone)]
pub struct CoverageEntry {
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// The primary channel.
    pub channel: Channel,
}

/// Every jurisdiction's primary channel, from one view.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// One entry per jurisdiction but the home state, in code order.
    pub entries: Vec<CoverageEntry>,
    /// Revision of the view.
    pub revision: u64,
    /// Whether the router lost the registry.
    pub stale: bool,
}

/// The router.
pub struct Router {
    home: String,
    utc_offset: i32,
    clock: Clock,
    view: ArcSwap<View>,
    applied: watch::Sender<u64>,
    synced: AtomicBool,
    connected: AtomicBool,
    started: Instant,
    /// Milliseconds since `started` when the registry was last heard from.
    last_contact_ms: AtomicU64,
    /// Generation of the last view published.
    generation: AtomicU64,
    answers: AnswerCache,
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
    /// A router for `home` with an empty view, keeping about
    /// `cache_bytes` of encoded answers (0: none); `clock` decides what
    /// "today" is.
    pub fn new(home: &str, utc_offset: i32, cache_bytes: usize, clock: Clock) -> Arc<Router> {
        Arc::new(Router {
            home: home.to_owned(),
            utc_offset,
            clock,
            view: ArcSwap::from_pointee(View::default()),
            applied: watch::channel(0).0,
            synced: AtomicBool::new(false),
            connected: AtomicBool::new(false),
            started: Instant::now(),
            last_contact_ms: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            answers: AnswerCache::new(cache_bytes),
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

    fn publish(&self, mut view: View) {
        let revision = view.revision;
        view.generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
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
        self.clock.today(self.utc_offset)
    }

    /// Bytes of encoded answers the cache holds.
    pub fn cached_bytes(&self) -> usize {
        self.answers.bytes()
    }

    /// Whether a query with `min_revision` = `min` would wait for it.
    pub fn must_wait(&self, min: u64) -> bool {
        self.view.load().revision < min
    }

    /// Waits until revision `min` is applied, for at most `wait`.
    async fn wait_for(&self, min: u64, wait: Duration) -> Result<Arc<View>, RouterError> {
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

    /// Answers one Route query once the router has applied revision
    /// `min_revision` (waiting at most `wait`).
    pub async fn route(
        &self,
        query: RouteQuery,
        shape: Shape,
        min_revision: u64,
        wait: Duration,
    ) -> Result<Reply, RouterError> {
        let view = self.wait_for(min_revision, wait).await?;
        self.reply(&view, query, shape, true)
    }

    /// Answers every query of a BatchRoute from one view, once the router
    /// has applied `min_revision`; fails with the first query that fails.
    pub async fn batch_route(
        &self,
        queries: Vec<(RouteQuery, Shape)>,
        min_revision: u64,
        wait: Duration,
    ) -> Result<Vec<Reply>, RouterError> {
        let view = self.wait_for(min_revision, wait).await?;
        queries
            .into_iter()
            .enumerate()
            .map(|(index, (q, shape))| {
                self.reply(&view, q, shape, true)
                    .map_err(|e| RouterError::InBatch {
                        index,
                        source: Box::new(e),
                    })
            })
            .collect()
    }

    /// Answers one query from the current view without the cache (the
    /// reference the cache is tested against); `None` before the first sync.
    pub fn route_uncached(&self, query: RouteQuery, shape: Shape) -> Result<Reply, RouterError> {
        if !self.is_synced() {
            return Err(RouterError::NotSynced);
        }
        self.reply(&self.view.load_full(), query, shape, false)
    }

    fn reply(
        &self,
        view: &View,
        query: RouteQuery,
        shape: Shape,
        cached: bool,
    ) -> Result<Reply, RouterError> {
        // BASIC carries no explanation traces: it is answered as without explain.
        let query = match shape.detail {
            Detail::Basic => RouteQuery {
                explain: false,
                ..query
            },
            Detail::Full => query,
        };
        let compute = || self.compute(view, &query, shape);
        let answer = match view.jurisdiction(&query.counterpart) {
            // Unknown counterparts and the home state fail at once (and
            // must not fill the cache).
            Some(_) if cached && !shape.checklist && query.counterpart != self.home => {
                let boundaries = || DateBoundaries::of(&self.home, &query.counterpart, view);
                self.answers
                    .answer(view.generation, &query, shape, boundaries, compute)?
                    .0
            }
            _ => compute()?,
        };
        Ok(Reply {
            answer,
            counterpart: query.counterpart,
            on: query.on,
            revision: view.revision,
            stale: self.is_stale(),
            view_age: self.view_age(),
        })
    }

    fn compute(&self, view: &View, q: &RouteQuery, shape: Shape) -> Result<Encoded, RouterError> {
        let answer = routing::route(&self.home, view, q)?;
        Ok(Encoded::of(answer, shape, view, &self.home, q))
    }

    /// The primary channel of every jurisdiction but the home state on `on`.
    pub async fn coverage(
        &self,
        matter: Matter,
        assistance: Assistance,
        on: CalendarDate,
    ) -> Result<Coverage, RouterError> {
        let view = self.wait_for(0, Duration::ZERO).await?;
        let entries = view
            .jurisdiction_codes()
            .into_iter()
            .filter(|code| *code != self.home)
            .filter_map(|code| {
                let q = RouteQuery::new(code.clone(), matter, assistance, on);
                routing::primary(&self.home, view.as_ref(), &q)
                    .ok()
                    .map(|channel| CoverageEntry {
                        jurisdiction: code,
                        channel,
                    })
            })
            .collect();
        Ok(Coverage {
            entries,
            revision: view.revision,
            stale: self.is_stale(),
        })
    }
}

//! Durable storage on sled: the event log, the registry view events are
//! derived from, the cursors, and subscriptions.
//!
//! Layout (one sled database in the data directory):
//!
//! | tree | key | value |
//! |---|---|---|
//! | `events` | sequence, u64 big-endian | [`Event`] as JSON |
//! | `view_instruments` | instrument id | the instrument as last seen, JSON |
//! | `view_jurisdictions` | code | the jurisdiction as last seen, JSON |
//! | `subscriptions` | id | [`Subscription`] as JSON |
//! | `meta` | `registry_revision`, `date_cursor`, `last_sequence`, `first_sequence`, `log_id` | u64/i64 big-endian, text |
//!
//! Writes go through the group-commit engine of `judicial-store` (the one
//! the registry uses; this module's [`layout`] puts the notifier's trees on
//! it): events, the view entries they were derived from and the cursors
//! advance in one transaction, flushed before the new events are published
//! to streams —
//! so after a crash the log, the view and the cursor agree, and deriving
//! resumes exactly where it stopped. sled's flush survives a crash of the
//! process (SIGKILL-tested); it does not promise to survive a power loss.
//! A full disk or an I/O error refuses writes (`RESOURCE_EXHAUSTED` /
//! `UNAVAILABLE`) until the engine's probe write succeeds again.

mod layout;

use std::path::Path;
use std::sync::Arc;

use imbl::OrdMap;
use judicial_domain::{CalendarDate, Instrument, Jurisdiction};
use judicial_store::engine::{GroupCommit, Tables};
pub(crate) use judicial_store::layout::decode_u64;
use tokio::sync::watch;

use crate::error::NotifierError;
use crate::event::{Event, NewEvent};
use crate::subscription::{NewSubscription, Subscription};
use crate::view::{Touched, View};

pub(crate) const META_REVISION: &[u8] = b"registry_revision";
pub(crate) const META_DATE_CURSOR: &[u8] = b"date_cursor";
pub(crate) const META_LAST_SEQUENCE: &[u8] = b"last_sequence";
pub(crate) const META_FIRST_SEQUENCE: &[u8] = b"first_sequence";
pub(crate) const META_LOG_ID: &[u8] = b"log_id";

/// Retention of the event log.
#[derive(Debug, Clone, Default)]
pub struct Retention {
    /// Keep only the newest N events.
    pub max_events: Option<u64>,
    /// Drop events older than this many milliseconds.
    pub max_age_ms: Option<i64>,
}

/// The cursors and subscriptions as of the last flushed commit.
#[derive(Debug, Clone, Default)]
pub struct LogState {
    /// Oldest retained sequence (`last_sequence + 1` when nothing is retained).
    pub first_sequence: u64,
    /// Newest sequence (0 before the first event).
    pub last_sequence: u64,
    /// Last registry revision applied; None before the first sync ever.
    pub registry_revision: Option<u64>,
    /// Last calendar day whose arriving dates were derived.
    pub date_cursor: Option<CalendarDate>,
    /// Prefix of every event id, fixed when the directory is created.
    pub log_id: String,
    /// Subscriptions by id.
    pub subscriptions: OrdMap<String, Arc<Subscription>>,
}

/// Events derived from one registry revision, a re-sync or a day arriving,
/// with what must advance atomically with them.
#[derive(Debug, Clone)]
pub struct Derivation {
    /// The events, in order.
    pub events: Vec<NewEvent>,
    /// Their CloudEvents time.
    pub time_ms: i64,
    /// The view after the derivation.
    pub view: View,
    /// View entries to write (from `view`; absent ones are removed).
    pub touched: Touched,
    /// The registry revision now applied, if it moved.
    pub registry_revision: Option<u64>,
    /// The day now checked, if it moved.
    pub date_cursor: Option<CalendarDate>,
}

/// Events read from the log per step.
pub(crate) const READ_BATCH: usize = 256;

/// A write for the committer.
#[derive(Debug)]
pub(crate) enum Op {
    Derive(Derivation),
    CreateSubscription(NewSubscription, i64),
    DeleteSubscription(String),
    Ack { id: String, sequence: u64 },
    Delivered { id: String, sequence: u64 },
    Retain { now_ms: i64 },
}

/// What a committed op returns.
#[derive(Debug)]
pub(crate) enum Outcome {
    Derived,
    Subscription(Arc<Subscription>),
    Deleted,
    Cursor(u64),
    Retained,
}

/// A handle on the open store; cheap to clone.
#[derive(Clone)]
pub struct Storage {
    engine: GroupCommit<layout::NotifierLayout>,
    sequences: watch::Receiver<u64>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("path", &self.engine.path())
            .finish()
    }
}

impl Storage {
    /// Opens (or creates) the store in `path` and returns it with the view
    /// it holds. Fails, naming the path, when the directory is locked by
    /// another process, unreadable or corrupt; never overwrites what it
    /// cannot read.
    pub fn open(
        path: &Path,
        source: String,
        retention: Retention,
    ) -> Result<(Storage, View), NotifierError> {
        let (seq_tx, mut sequences) = watch::channel(0);
        let engine =
            GroupCommit::open(path, layout::NotifierLayout::new(source, retention, seq_tx))?;
        sequences.mark_unchanged();
        let tables = engine.tables()?;
        let view = load_view(&tables, path)?;
        let state = engine.state();
        let meta = tables.tree(layout::META);
        let stamp = |e: sled::Error| NotifierError::Open {
            path: path.to_owned(),
            detail: e.to_string(),
        };
        if meta.get(META_LOG_ID).map_err(stamp)?.is_none() {
            meta.insert(META_LOG_ID, state.log_id.as_bytes())
                .map_err(stamp)?;
            tables.db.flush().map_err(stamp)?;
        }
        tracing::info!(
            path = %path.display(),
            registry_revision = state.registry_revision.unwrap_or(0),
            last_sequence = state.last_sequence,
            subscriptions = state.subscriptions.len(),
            "notifier store opened"
        );
        Ok((Storage { engine, sequences }, view))
    }

    /// The cursors and subscriptions as of the last flushed commit.
    pub fn state(&self) -> Arc<LogState> {
        self.engine.state()
    }

    /// True while writes are accepted, false while a full disk or an I/O
    /// error lasts; changes are pushed (for health reporting).
    pub fn writable(&self) -> watch::Receiver<bool> {
        self.engine.writable()
    }

    /// How many times the store has flushed since it opened (one per batch).
    pub fn flushes(&self) -> u64 {
        self.engine.flushes()
    }

    /// The newest durable sequence, pushed after every commit that adds events.
    pub fn sequences(&self) -> watch::Receiver<u64> {
        self.sequences.clone()
    }

    /// Commits an op and waits until it is durable.
    pub(crate) async fn commit(&self, op: Op) -> Result<Outcome, NotifierError> {
        self.engine.commit(op).await
    }

    /// One subscription, as of the last durable commit.
    pub fn subscription(&self, id: &str) -> Result<Arc<Subscription>, NotifierError> {
        self.state()
            .subscriptions
            .get(id)
            .cloned()
            .ok_or_else(|| NotifierError::NotFound(format!("subscriptions/{id}")))
    }

    /// Up to `limit` durable events with sequence ≥ `from`, in order.
    pub fn read_events(&self, from: u64, limit: usize) -> Result<Vec<Event>, NotifierError> {
        // Only what is published is durable: never read past it.
        let last = *self.sequences.borrow();
        if from > last || limit == 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let range = from.to_be_bytes()..=last.to_be_bytes();
        let tables = self.engine.tables()?;
        for item in tables.tree(layout::EVENTS).range(range).take(limit) {
            let (key, value) = item.map_err(|e| NotifierError::Io(e.to_string()))?;
            out.push(decode(self.engine.path(), "events", &key, &value)?);
        }
        Ok(out)
    }

    /// Stops the committer after it has written everything queued, and
    /// flushes. Later commits fail with [`NotifierError::Closed`].
    pub fn close(&self) -> Result<(), NotifierError> {
        Ok(self.engine.close()?)
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    path: &Path,
    tree: &str,
    key: &[u8],
    value: &[u8],
) -> Result<T, NotifierError> {
    serde_json::from_slice(value).map_err(|e| NotifierError::Corrupt {
        path: path.to_owned(),
        key: format!("{tree}/{}", String::from_utf8_lossy(key)),
        detail: e.to_string(),
    })
}

fn new_log_id() -> String {
    // Milliseconds at creation, base 36: ids stay unique if the directory
    // is ever wiped and the sequence starts again.
    // The wall clock, not an injected one: the id must differ from any
    // earlier log's, whatever clock the notifier runs on.
    let mut n = judicial_server::Clock::System.now_ms().max(0) as u64;
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    format!("n{}", String::from_utf8(out).unwrap_or_default())
}

fn load_state(tables: &Tables, path: &Path) -> Result<LogState, NotifierError> {
    let io = |e: sled::Error| NotifierError::Open {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let meta_tree = tables.tree(layout::META);
    let meta = |key: &[u8]| -> Result<Option<u64>, NotifierError> {
        Ok(meta_tree.get(key).map_err(io)?.map(|v| decode_u64(&v)))
    };
    let mut state = LogState {
        first_sequence: meta(META_FIRST_SEQUENCE)?.unwrap_or(1),
        last_sequence: meta(META_LAST_SEQUENCE)?.unwrap_or(0),
        registry_revision: meta(META_REVISION)?,
        date_cursor: meta(META_DATE_CURSOR)?.map(|d| CalendarDate::from_days(d as i64)),
        log_id: match meta_tree.get(META_LOG_ID).map_err(io)? {
            Some(v) => String::from_utf8_lossy(&v).into_owned(),
            None => new_log_id(),
        },
        subscriptions: OrdMap::new(),
    };
    for item in tables.tree(layout::SUBSCRIPTIONS).iter() {
        let (key, value) = item.map_err(io)?;
        let s: Subscription = decode(path, "subscriptions", &key, &value)?;
        state.subscriptions.insert(s.id.clone(), Arc::new(s));
    }
    Ok(state)
}

fn load_view(tables: &Tables, path: &Path) -> Result<View, NotifierError> {
    let io = |e: sled::Error| NotifierError::Open {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let registry_revision = tables
        .tree(layout::META)
        .get(META_REVISION)
        .map_err(io)?
        .map(|v| decode_u64(&v));
    let mut view = View {
        revision: registry_revision.unwrap_or(0),
        ..View::default()
    };
    for item in tables.tree(layout::JURISDICTIONS).iter() {
        let (key, value) = item.map_err(io)?;
        let j: Jurisdiction = decode(path, "view_jurisdictions", &key, &value)?;
        view.jurisdictions.insert(j.code.clone(), Arc::new(j));
    }
    for item in tables.tree(layout::INSTRUMENTS).iter() {
        let (key, value) = item.map_err(io)?;
        let i: Instrument = decode(path, "view_instruments", &key, &value)?;
        view.instruments.insert(i.id.clone(), Arc::new(i));
    }
    Ok(view)
}

impl Storage {
    /// Opens a tree of the store's database for a component that keeps its
    /// own small state beside the log (the JetStream sink's cursor). The
    /// committer never writes it; every commit's flush also makes it durable.
    /// Call it for each use: after a write failure the engine reopens the
    /// database, and a tree opened before would belong to the closed one.
    pub(crate) fn open_tree(&self, name: &str) -> Result<sled::Tree, NotifierError> {
        let tables = self.engine.tables().map_err(NotifierError::from)?;
        tables
            .db
            .open_tree(name)
            .map_err(|e| NotifierError::Io(format!("tree {name}: {e}")))
    }
}

#[cfg(test)]
mod tests;

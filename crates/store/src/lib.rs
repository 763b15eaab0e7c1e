//! Durable storage for the registry on sled: jurisdictions, instruments, one
//! global revision and an append-only change log (the audit trail).
//!
//! One committer thread owns the write path. It drains every pending write,
//! checks each against the state the writes before it produced, applies the
//! whole batch in one sled transaction, flushes once, and only then publishes
//! the new state and acknowledges every write in the batch (group commit).
//! Readers never touch sled: they get an immutable [`State`] that shares
//! structure with its predecessor.
//!
//! Durability: sled's flush survives a crash of this process (it is tested
//! with SIGKILL); it uses `sync_file_range`, which does not promise that data
//! survives a power loss.

mod change;
mod committer;
mod state;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arc_swap::ArcSwap;
use tokio::sync::{mpsc, oneshot, watch};

pub use change::{ChangeKind, ChangeRecord, Commit, Committed, Resource, Write};
pub use state::State;

/// Tunables of a store.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// Keep only the change-log entries of the last N revisions; None keeps
    /// everything (the default: the log is the audit trail).
    pub retain_revisions: Option<u64>,
}

/// What can go wrong with storage or with a write's preconditions.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be opened (locked, unreadable, corrupt).
    #[error("cannot open data directory {path}: {source}")]
    Open {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: sled::Error,
    },
    /// A stored record could not be decoded.
    #[error("data directory {path}: record {key} is unreadable: {detail}")]
    Corrupt {
        /// The directory.
        path: PathBuf,
        /// The record's key.
        key: String,
        /// The decoding error.
        detail: String,
    },
    /// A create named a resource that exists.
    #[error("{name} already exists")]
    AlreadyExists {
        /// Resource name.
        name: String,
    },
    /// A write named a resource that does not exist.
    #[error("{name} not found")]
    NotFound {
        /// Resource name.
        name: String,
    },
    /// The etag given does not match the stored one.
    #[error("{name}: etag {given:?} does not match the current etag {current:?}")]
    EtagMismatch {
        /// Resource name.
        name: String,
        /// Etag in the request.
        given: String,
        /// Etag stored.
        current: String,
    },
    /// sled failed while writing or flushing; the store refuses further writes.
    #[error("storage failure: {0}")]
    Io(String),
    /// The store is shutting down or failed earlier.
    #[error("the store is closed")]
    Closed,
}

struct Pending {
    commit: Commit,
    reply: oneshot::Sender<Result<Committed, StoreError>>,
}

/// A handle on an open store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    db: sled::Db,
    state: Arc<ArcSwap<State>>,
    revisions: watch::Receiver<u64>,
    flushes: Arc<AtomicU64>,
    queue: std::sync::Mutex<Option<mpsc::UnboundedSender<Pending>>>,
    committer: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl Store {
    /// Opens (or creates) the store in `path`. Fails, naming the path, when
    /// the directory is locked by another process, unreadable or corrupt; it
    /// never overwrites what it cannot read.
    pub fn open(path: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        // No periodic background flush: every commit flushes before it is
        // acknowledged, and sled's flusher thread can keep the database (and
        // the directory's lock) alive after the last handle is dropped, so a
        // reopen in the same process failed with WouldBlock under load.
        let db = sled::Config::new()
            .path(path)
            .flush_every_ms(None)
            .open()
            .map_err(open_err)?;
        let trees = committer::Trees::open(&db).map_err(open_err)?;
        let state = state::load(&trees, path)?;
        tracing::info!(
            path = %path.display(),
            revision = state.revision,
            instruments = state.instruments.len(),
            jurisdictions = state.jurisdictions.len(),
            "store opened"
        );
        let (rev_tx, rev_rx) = watch::channel(state.revision);
        let shared = Arc::new(ArcSwap::from_pointee(state));
        let (tx, rx) = mpsc::unbounded_channel();
        let flushes = Arc::new(AtomicU64::new(0));
        let committer = committer::Committer::new(
            db.clone(),
            trees,
            shared.clone(),
            rev_tx,
            options,
            flushes.clone(),
        );
        let handle = std::thread::Builder::new()
            .name("store-committer".into())
            .spawn(move || committer.run(rx))
            .map_err(|e| StoreError::Io(format!("cannot start committer thread: {e}")))?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                db,
                state: shared,
                revisions: rev_rx,
                flushes,
                queue: std::sync::Mutex::new(Some(tx)),
                committer: std::sync::Mutex::new(Some(handle)),
            }),
        })
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The current committed (durable) state.
    pub fn state(&self) -> Arc<State> {
        self.inner.state.load_full()
    }

    /// The current revision.
    pub fn revision(&self) -> u64 {
        self.inner.state.load().revision
    }

    /// How many times the committer has flushed since the store opened: one
    /// per group commit that wrote something, however many writes it held.
    pub fn flushes(&self) -> u64 {
        self.inner.flushes.load(Ordering::Relaxed)
    }

    /// A receiver that sees every newly committed revision.
    pub fn revisions(&self) -> watch::Receiver<u64> {
        self.inner.revisions.clone()
    }

    /// Commits a set of writes atomically; returns once they are durable.
    /// A write whose precondition fails (exists, missing, etag) fails the
    /// whole commit and writes nothing.
    pub async fn commit(&self, commit: Commit) -> Result<Committed, StoreError> {
        let (reply, rx) = oneshot::channel();
        {
            let queue = self.inner.queue.lock().expect("queue lock");
            let tx = queue.as_ref().ok_or(StoreError::Closed)?;
            tx.send(Pending { commit, reply })
                .map_err(|_| StoreError::Closed)?;
        }
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Change-log entries with revision >= `from`, oldest first, at most `limit`.
    pub fn changes_since(&self, from: u64, limit: usize) -> Result<Vec<ChangeRecord>, StoreError> {
        committer::read_changes(&self.inner.db, &self.inner.path, from, 0, limit)
    }

    /// Change-log entries at or after position (`revision`, `index`), oldest
    /// first, at most `limit` (for resuming inside a large revision).
    pub fn changes_from(
        &self,
        revision: u64,
        index: u32,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        committer::read_changes(&self.inner.db, &self.inner.path, revision, index, limit)
    }

    /// Change-log entries with revision < `before`, newest first, at most
    /// `limit` (for paging the audit trail backwards).
    pub fn changes_before(
        &self,
        before: u64,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        committer::read_changes_rev(&self.inner.db, &self.inner.path, before, limit)
    }

    /// Stops accepting writes, lets the committer finish what it holds, and
    /// flushes sled. Idempotent.
    pub fn close(&self) -> Result<(), StoreError> {
        self.inner.queue.lock().expect("queue lock").take();
        if let Some(handle) = self.inner.committer.lock().expect("committer lock").take() {
            let _ = handle.join();
        }
        self.inner
            .db
            .flush()
            .map_err(|e| StoreError::Io(e.to_string()))?;
        Ok(())
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.queue.get_mut().map(|q| q.take()).ok();
        if let Ok(slot) = self.committer.get_mut()
            && let Some(handle) = slot.take()
        {
            let _ = handle.join();
        }
        let _ = self.db.flush();
    }
}

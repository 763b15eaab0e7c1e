//! The group-commit engine both stores are built on.
//!
//! One thread owns the write path of a sled database: it takes every pending
//! op from the queue, lets the store's [`Layout`] check each against the state
//! the ops before it produced, writes the whole batch in one transaction,
//! flushes once, publishes the new state and only then acknowledges the ops
//! (group commit). sled 0.34 deadlocks when several tasks call
//! `flush_async` at once, so nothing else writes.
//!
//! A failed transaction or flush (a full disk, an I/O error) is handled here
//! and only here: the batch is refused (never acknowledged); writes are
//! refused with [`StoreError::Full`] or [`StoreError::Unavailable`] while
//! reads go on from the published state; with backoff the engine checks that
//! the filesystem takes writes again, reopens sled (it poisons itself after
//! an I/O error, and its memory may hold the refused batch), reloads the
//! state from disk and makes a probe write, and writes resume by themselves
//! once it succeeds. [`GroupCommit::writable`] says which of the two the
//! store is in, for health reporting.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use arc_swap::{ArcSwap, ArcSwapOption};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use tokio::sync::{oneshot, watch};

use crate::StoreError;

/// Most ops one group commit takes from the queue.
const MAX_BATCH: usize = 512;
/// First wait before retrying a failed store; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between two recovery attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The `meta` key holding the format version (u64 big-endian).
pub const FORMAT_VERSION_KEY: &[u8] = b"format_version";

/// An open sled database and its trees, in the order of [`Layout::TREES`].
#[derive(Debug)]
pub struct Tables {
    /// The database.
    pub db: sled::Db,
    /// The trees, in [`Layout::TREES`] order.
    pub trees: Vec<sled::Tree>,
}

impl Tables {
    /// The tree at `index` of [`Layout::TREES`].
    pub fn tree(&self, index: usize) -> &sled::Tree {
        &self.trees[index]
    }
}

/// The keys one batch sets or removes, applied in one transaction.
#[derive(Debug, Default)]
pub struct Writes {
    entries: Vec<(usize, Vec<u8>, Option<Vec<u8>>)>,
}

impl Writes {
    /// Sets `key` to `value` in the tree at `tree` (an index of [`Layout::TREES`]).
    pub fn put(&mut self, tree: usize, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.entries.push((tree, key.into(), Some(value.into())));
    }

    /// Removes `key` from the tree at `tree`.
    pub fn remove(&mut self, tree: usize, key: impl Into<Vec<u8>>) {
        self.entries.push((tree, key.into(), None));
    }

    /// Sets or removes `key`.
    pub fn set(&mut self, tree: usize, key: impl Into<Vec<u8>>, value: Option<Vec<u8>>) {
        self.entries.push((tree, key.into(), value));
    }

    /// How many keys the batch writes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A store's layout on top of the engine: its trees, how it reads its state
/// and how an op becomes writes.
pub trait Layout: Send + 'static {
    /// A write request.
    type Op: Send + 'static;
    /// What a committed op returns.
    type Outcome: Send + 'static;
    /// What an op fails with; engine failures convert into it.
    type Error: From<StoreError> + Send + 'static;
    /// The in-memory state readers see; cloned per batch (make it cheap).
    type State: Clone + Send + Sync + 'static;

    /// Store name for logs and metrics (`registry`, `notifier`).
    const NAME: &'static str;
    /// The sled trees, by name. The engine keeps the format version in the
    /// tree named `meta`, which must be listed.
    const TREES: &'static [&'static str];
    /// The on-disk format this code writes and reads.
    const FORMAT_VERSION: u64;

    /// Reads the durable state (at open, and after a reopen).
    fn load(&mut self, tables: &Tables, path: &Path) -> Result<Self::State, Self::Error>;

    /// Rewrites a directory of format `from` (older than
    /// [`Layout::FORMAT_VERSION`]) into the current format; false when
    /// there is no migration from `from`. Runs before [`Layout::load`]; the
    /// engine records the new version after it.
    fn migrate(&mut self, _tables: &Tables, _path: &Path, _from: u64) -> Result<bool, Self::Error> {
        Ok(false)
    }

    /// Checks `op` against `working`, applies it there and adds its writes.
    /// An error refuses this op only; the others of the batch go on.
    fn plan(
        &mut self,
        working: &mut Self::State,
        op: Self::Op,
        writes: &mut Writes,
    ) -> Result<Self::Outcome, Self::Error>;

    /// Runs after a batch is flushed, before it is published (retention).
    fn after_flush(&mut self, _tables: &Tables, _state: &mut Self::State) {}

    /// Runs after a new state is published (for watch channels).
    fn published(&mut self, _state: &Self::State) {}
}

struct Pending<L: Layout> {
    op: L::Op,
    reply: oneshot::Sender<Result<L::Outcome, L::Error>>,
}

/// Why writes are refused right now.
#[derive(Debug, Clone)]
struct Fault {
    full: bool,
    cause: String,
}

impl Fault {
    fn error(&self, path: &Path) -> StoreError {
        if self.full {
            StoreError::Full {
                path: path.to_owned(),
                cause: self.cause.clone(),
            }
        } else {
            StoreError::Unavailable {
                path: path.to_owned(),
                cause: self.cause.clone(),
            }
        }
    }
}

/// Whether an I/O error means the filesystem is out of space (or quota).
fn is_no_space(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(28) | Some(122)) || e.kind() == std::io::ErrorKind::StorageFull
}

/// Describes a sled error in plain words, and whether it is a full disk.
fn describe(e: &sled::Error) -> Fault {
    match e {
        sled::Error::Io(io) if is_no_space(io) => Fault {
            full: true,
            cause: "no space left on the device".into(),
        },
        sled::Error::Io(io) => Fault {
            full: false,
            cause: format!("i/o error: {io}"),
        },
        sled::Error::Corruption { .. } => Fault {
            full: false,
            cause: "sled found corrupted data".into(),
        },
        other => Fault {
            full: false,
            cause: other.to_string(),
        },
    }
}

/// A handle on a running engine; cheap to clone.
pub struct GroupCommit<L: Layout> {
    shared: Arc<Shared<L>>,
}

impl<L: Layout> Clone for GroupCommit<L> {
    fn clone(&self) -> Self {
        GroupCommit {
            shared: self.shared.clone(),
        }
    }
}

struct Shared<L: Layout> {
    path: PathBuf,
    tables: Arc<ArcSwapOption<Tables>>,
    state: Arc<ArcSwap<L::State>>,
    flushes: Arc<AtomicU64>,
    writable: watch::Receiver<bool>,
    queue: Mutex<Option<mpsc::Sender<Pending<L>>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl<L: Layout> Drop for Shared<L> {
    fn drop(&mut self) {
        if let Ok(q) = self.queue.get_mut() {
            q.take();
        }
        if let Ok(slot) = self.thread.get_mut()
            && let Some(handle) = slot.take()
        {
            let _ = handle.join();
        }
    }
}

/// How long an open waits for a lock a closing database in this process
/// still holds.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// Opens sled in `path` with the layout's trees.
pub(crate) fn open_tables<L: Layout>(path: &Path) -> Result<Tables, sled::Error> {
    // No periodic background flush: every commit flushes before it is
    // acknowledged, and sled's flusher thread can keep the database (and
    // the directory's lock) alive after the last handle is dropped, so a
    // reopen in the same process failed with WouldBlock under load.
    // After a close, one of sled's I/O pool threads can still hold the lock
    // for a moment while it finishes its last write: a reopen in the same
    // process (a restart in tests, the recovery after a write failure) waits
    // for it, briefly. Another process holding the lock still fails.
    let config = sled::Config::new().path(path).flush_every_ms(None);
    let deadline = Instant::now() + LOCK_WAIT;
    let db = loop {
        match config.open() {
            Ok(db) => break db,
            Err(e) if lock_held(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    };
    let trees = L::TREES
        .iter()
        .map(|name| db.open_tree(name))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Tables { db, trees })
}

/// Whether sled refused to open because the directory's lock is held
/// (sled 0.34 says so only in the message of an `ErrorKind::Other`).
fn lock_held(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.to_string().starts_with("could not acquire lock"))
}

fn meta_index<L: Layout>() -> usize {
    L::TREES
        .iter()
        .position(|t| *t == "meta")
        .expect("a layout lists a `meta` tree")
}

/// Checks the format version; stamps a new (empty) directory with the
/// current one, and a directory written before versions existed with 1;
/// migrates an older format when the layout knows how.
fn check_format<L: Layout>(layout: &mut L, tables: &Tables, path: &Path) -> Result<(), L::Error> {
    let open_err = |source| StoreError::Open {
        path: path.to_owned(),
        source,
    };
    let meta = tables.tree(meta_index::<L>());
    let found = match meta.get(FORMAT_VERSION_KEY).map_err(open_err)? {
        Some(v) => crate::layout::decode_u64(&v),
        None => {
            let empty = tables.trees.iter().all(|t| t.is_empty());
            // Version 1 is the layout that existed before versions were
            // recorded: an unstamped directory with data is version 1.
            let stamped = if empty { L::FORMAT_VERSION } else { 1 };
            meta.insert(FORMAT_VERSION_KEY, &stamped.to_be_bytes())
                .map_err(open_err)?;
            tables.db.flush().map_err(open_err)?;
            stamped
        }
    };
    let refuse = || StoreError::Format {
        path: path.to_owned(),
        found,
        supported: L::FORMAT_VERSION,
    };
    if found > L::FORMAT_VERSION || found == 0 {
        return Err(refuse().into());
    }
    if found < L::FORMAT_VERSION {
        if !layout.migrate(tables, path, found)? {
            return Err(refuse().into());
        }
        meta.insert(FORMAT_VERSION_KEY, &L::FORMAT_VERSION.to_be_bytes())
            .map_err(open_err)?;
        tables.db.flush().map_err(open_err)?;
        tracing::info!(store = L::NAME, path = %path.display(), from = found, to = L::FORMAT_VERSION, "data directory migrated");
    }
    Ok(())
}

/// Reads the format version recorded in a data directory without opening
/// it for writing; None for a directory that has none.
pub fn format_version(tables: &Tables, meta: usize) -> Option<u64> {
    tables
        .tree(meta)
        .get(FORMAT_VERSION_KEY)
        .ok()
        .flatten()
        .map(|v| crate::layout::decode_u64(&v))
}

impl<L: Layout> GroupCommit<L> {
    /// Opens (or creates) the store in `path`, checks its format version,
    /// loads its state and starts the committer thread. Fails, naming the
    /// path, when the directory is locked, unreadable, corrupt or of another
    /// format version; never overwrites what it cannot read.
    pub fn open(path: &Path, mut layout: L) -> Result<GroupCommit<L>, L::Error> {
        let tables = open_tables::<L>(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        check_format(&mut layout, &tables, path)?;
        let state = layout.load(&tables, path)?;
        let tables = Arc::new(ArcSwapOption::from_pointee(tables));
        let state = Arc::new(ArcSwap::from_pointee(state));
        let flushes = Arc::new(AtomicU64::new(0));
        let (writable_tx, writable) = watch::channel(true);
        let (tx, rx) = mpsc::channel();
        metrics::gauge!("judicial_store_writable", "store" => L::NAME).set(1.0);
        let committer = Committer {
            layout,
            path: path.to_owned(),
            tables: tables.clone(),
            state: state.clone(),
            flushes: flushes.clone(),
            writable: writable_tx,
            fault: None,
        };
        let thread = std::thread::Builder::new()
            .name(format!("{}-committer", L::NAME))
            .spawn(move || committer.run(rx))
            .map_err(|e| StoreError::Unavailable {
                path: path.to_owned(),
                cause: format!("cannot start the committer thread: {e}"),
            })?;
        Ok(GroupCommit {
            shared: Arc::new(Shared {
                path: path.to_owned(),
                tables,
                state,
                flushes,
                writable,
                queue: Mutex::new(Some(tx)),
                thread: Mutex::new(Some(thread)),
            }),
        })
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// The state as of the last flushed batch.
    pub fn state(&self) -> Arc<L::State> {
        self.shared.state.load_full()
    }

    /// The open database, for reads; fails while it is being reopened after
    /// a write failure.
    pub fn tables(&self) -> Result<Arc<Tables>, StoreError> {
        self.shared
            .tables
            .load_full()
            .ok_or_else(|| StoreError::Unavailable {
                path: self.shared.path.clone(),
                cause: "the database is being reopened after a write failure".into(),
            })
    }

    /// How many times the committer has flushed since the store opened: one
    /// per batch that wrote something, however many ops it held.
    pub fn flushes(&self) -> u64 {
        self.shared.flushes.load(Ordering::Relaxed)
    }

    /// True while writes are accepted; false while a write failure (a full
    /// disk, an I/O error) lasts. Changes are pushed.
    pub fn writable(&self) -> watch::Receiver<bool> {
        self.shared.writable.clone()
    }

    /// Commits `op` and waits until it is durable (or refused).
    pub async fn commit(&self, op: L::Op) -> Result<L::Outcome, L::Error> {
        let (reply, rx) = oneshot::channel();
        {
            let queue = self.shared.queue.lock().expect("queue lock");
            let tx = queue.as_ref().ok_or(StoreError::Closed)?;
            tx.send(Pending { op, reply })
                .map_err(|_| StoreError::Closed)?;
        }
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Stops accepting ops, lets the committer finish what it holds, and
    /// flushes. Later commits fail with [`StoreError::Closed`]. Idempotent.
    pub fn close(&self) -> Result<(), StoreError> {
        self.shared.queue.lock().expect("queue lock").take();
        if let Some(handle) = self.shared.thread.lock().expect("thread lock").take() {
            let _ = handle.join();
        }
        if let Some(tables) = self.shared.tables.load_full() {
            tables
                .db
                .flush()
                .map_err(|e| describe(&e).error(&self.shared.path))?;
        }
        Ok(())
    }
}

struct Committer<L: Layout> {
    layout: L,
    path: PathBuf,
    tables: Arc<ArcSwapOption<Tables>>,
    state: Arc<ArcSwap<L::State>>,
    flushes: Arc<AtomicU64>,
    writable: watch::Sender<bool>,
    /// Set while writes are refused: why, and when to try again.
    fault: Option<(Fault, Instant, Duration)>,
}

impl<L: Layout> Committer<L> {
    fn run(mut self, queue: mpsc::Receiver<Pending<L>>) {
        loop {
            let first = match &self.fault {
                None => match queue.recv() {
                    Ok(p) => p,
                    Err(_) => break,
                },
                Some((_, retry_at, _)) => {
                    let wait = retry_at.saturating_duration_since(Instant::now());
                    match queue.recv_timeout(wait) {
                        Ok(p) => p,
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            self.recover();
                            continue;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                }
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
            if self
                .fault
                .as_ref()
                .is_some_and(|(_, at, _)| Instant::now() >= *at)
            {
                self.recover();
            }
            self.commit_batch(batch);
        }
        tracing::debug!(store = L::NAME, "committer stopped");
    }

    fn commit_batch(&mut self, batch: Vec<Pending<L>>) {
        if let Some((fault, _, _)) = &self.fault {
            for p in batch {
                let _ = p.reply.send(Err(fault.error(&self.path).into()));
            }
            return;
        }
        let Some(tables) = self.tables.load_full() else {
            return self.refuse(batch);
        };
        let started = Instant::now();
        let mut working: L::State = (**self.state.load()).clone();
        let mut writes = Writes::default();
        let mut replies = Vec::with_capacity(batch.len());
        for Pending { op, reply } in batch {
            let result = self.layout.plan(&mut working, op, &mut writes);
            replies.push((reply, result));
        }
        if !writes.is_empty()
            && let Err(e) = persist(&tables, &writes)
        {
            drop(tables);
            let fault = describe(&e);
            self.fail(fault.clone());
            for (reply, result) in replies {
                // Ops refused by their own checks keep their own error.
                let answer = match result {
                    Ok(_) => Err(fault.error(&self.path).into()),
                    Err(e) => Err(e),
                };
                let _ = reply.send(answer);
            }
            return;
        }
        if !writes.is_empty() {
            self.flushes.fetch_add(1, Ordering::Relaxed);
        }
        self.layout.after_flush(&tables, &mut working);
        self.publish(working);
        tracing::debug!(
            store = L::NAME,
            writes = writes.len(),
            ops = replies.len(),
            elapsed_us = started.elapsed().as_micros() as u64,
            "group commit"
        );
        for (reply, result) in replies {
            let _ = reply.send(result);
        }
    }

    fn publish(&mut self, state: L::State) {
        let state = Arc::new(state);
        self.state.store(state.clone());
        self.layout.published(&state);
    }

    fn refuse(&self, batch: Vec<Pending<L>>) {
        let fault = self.fault.as_ref().map(|f| f.0.clone()).unwrap_or(Fault {
            full: false,
            cause: "the database is not open".into(),
        });
        for p in batch {
            let _ = p.reply.send(Err(fault.error(&self.path).into()));
        }
    }

    /// Enters the refusing state after a failed write, and reopens the
    /// database at once so that reads go on from what is on disk.
    fn fail(&mut self, fault: Fault) {
        let kind = if fault.full { "full" } else { "io" };
        metrics::counter!("judicial_store_write_failures_total", "store" => L::NAME, "kind" => kind)
            .increment(1);
        metrics::gauge!("judicial_store_writable", "store" => L::NAME).set(0.0);
        tracing::error!(
            store = L::NAME,
            data_dir = %self.path.display(),
            cause = %fault.cause,
            "write failed; refusing writes until the store recovers (retrying with backoff)"
        );
        // sled stays open for reads (its published state never includes the
        // refused batch); it is reopened once the filesystem takes writes.
        self.fault = Some((fault, Instant::now() + FIRST_BACKOFF, FIRST_BACKOFF * 2));
        self.writable.send_replace(false);
    }

    /// Whether the data directory's filesystem takes a small write and an
    /// fsync again (checked before sled is reopened: reopening on a full
    /// disk fails and would leave nothing to read from).
    fn space_returned(&self) -> bool {
        use std::io::Write as _;
        let probe = self.path.join(".write-probe");
        let ok = std::fs::File::create(&probe)
            .and_then(|mut f| {
                f.write_all(&[0u8; 64 * 1024])?;
                f.sync_all()
            })
            .is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    }

    /// Reopens the database and reloads the state from disk; true on success.
    fn reopen(&mut self) -> bool {
        if self.tables.load().is_some() {
            return true;
        }
        let tables = match open_tables::<L>(&self.path) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(store = L::NAME, data_dir = %self.path.display(), cause = %describe(&e).cause, "reopen failed; retrying");
                return false;
            }
        };
        match self.layout.load(&tables, &self.path) {
            Ok(state) => {
                self.tables.store(Some(Arc::new(tables)));
                self.publish(state);
                true
            }
            Err(_) => {
                tracing::warn!(store = L::NAME, data_dir = %self.path.display(), "reload after reopen failed; retrying");
                false
            }
        }
    }

    /// One recovery attempt: reopen if needed, then a probe write and flush
    /// (the format version, rewritten). Success makes the store writable.
    fn recover(&mut self) {
        let Some((fault, _, backoff)) = self.fault.clone() else {
            return;
        };
        let probe = self.space_returned()
            && {
                // Drop sled (it poisons itself after an I/O error, and its
                // memory may hold the refused batch) and read the state back
                // from disk.
                self.tables.store(None);
                self.reopen()
            }
            && self.tables.load_full().is_some_and(|t| {
                let meta = t.tree(meta_index::<L>());
                meta.insert(FORMAT_VERSION_KEY, &L::FORMAT_VERSION.to_be_bytes())
                    .and_then(|_| t.db.flush())
                    .is_ok()
            });
        if probe {
            self.fault = None;
            self.writable.send_replace(true);
            metrics::gauge!("judicial_store_writable", "store" => L::NAME).set(1.0);
            metrics::counter!("judicial_store_recoveries_total", "store" => L::NAME).increment(1);
            tracing::info!(store = L::NAME, data_dir = %self.path.display(), "store writable again");
            return;
        }
        let next = (backoff * 2).min(MAX_BACKOFF);
        tracing::warn!(
            store = L::NAME,
            data_dir = %self.path.display(),
            cause = %fault.cause,
            retry_in_ms = next.as_millis() as u64,
            "store still not writable"
        );
        self.fault = Some((fault, Instant::now() + backoff, next));
        // Readers need an open database meanwhile (a poisoned one still reads).
        self.reopen();
    }
}

/// Applies `writes` in one transaction and flushes.
fn persist(tables: &Tables, writes: &Writes) -> Result<(), sled::Error> {
    let result: Result<(), TransactionError<()>> = tables.trees.as_slice().transaction(|trees| {
        for (tree, key, value) in &writes.entries {
            match value {
                Some(v) => trees[*tree].insert(key.as_slice(), v.as_slice())?,
                None => trees[*tree].remove(key.as_slice())?,
            };
        }
        Ok::<(), ConflictableTransactionError<()>>(())
    });
    match result {
        Ok(()) => {}
        Err(TransactionError::Storage(e)) => return Err(e),
        Err(TransactionError::Abort(())) => unreachable!("the transaction never aborts"),
    }
    tables.db.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reopen wait recognises sled's lock refusal, so a wrong message
    /// match would make reopens fail again instead of waiting.
    #[test]
    fn sleds_lock_refusal_is_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let _held = sled::Config::new().path(dir.path()).open().unwrap();
        let refused = sled::Config::new().path(dir.path()).open().unwrap_err();
        assert!(lock_held(&refused), "{refused}");
        assert!(!lock_held(&sled::Error::Unsupported("x".into())));
    }
}

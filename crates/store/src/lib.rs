//! Durable storage for the registry on sled: jurisdictions, instruments, one
//! global revision and an append-only change log (the audit trail).
//!
//! The write path is the group-commit [`engine`] (shared with the notifier's
//! store): one thread drains every pending write, checks each against the
//! state the writes before it produced, applies the whole batch in one sled
//! transaction, flushes once, and only then publishes the new state and
//! acknowledges every write in the batch. A full disk or an I/O error refuses
//! the batch and the writes after it until the store recovers by itself.
//! Readers never touch sled: they get an immutable [`State`] that shares
//! structure with its predecessor.
//!
//! Durability: sled's flush survives a crash of this process (it is tested
//! with SIGKILL); it uses `sync_file_range`, which does not promise that data
//! survives a power loss.

mod backup;
pub mod chain;
mod change;
pub mod clock;
pub mod engine;
pub mod layout;
mod plan;
mod reads;
mod state;
mod writer;

use std::path::{Path, PathBuf};

use tokio::sync::watch;

pub use backup::{BackupSummary, restore};
pub use chain::{BadRecord, Verification};
pub use change::{ChangeKind, ChangeRecord, Commit, Committed, Resource, Write};
pub use clock::{Clock, ManualClock, Ticks};
pub use engine::{GroupCommit, Layout, Tables, Writes};
pub use state::State;
pub use writer::FORMAT_VERSION;

/// Tunables of a store.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// Keep only the change-log entries of the last N revisions; None keeps
    /// everything (the default: the log is the audit trail).
    pub retain_revisions: Option<u64>,
    /// The clock that stamps each change's commit time (and a backup's).
    pub clock: Clock,
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
    /// The data directory holds a format this build does not read.
    #[error(
        "data directory {path} has format version {found}, this build reads version {supported}; it was left untouched"
    )]
    Format {
        /// The directory.
        path: PathBuf,
        /// The version recorded in it.
        found: u64,
        /// The version this build reads and writes.
        supported: u64,
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
    /// The filesystem of the data directory is full; writes are refused
    /// (and retried) until space is freed.
    #[error(
        "data directory {path} is full ({cause}); the write was not saved, and writes resume by themselves once space is freed"
    )]
    Full {
        /// The directory.
        path: PathBuf,
        /// The cause, in plain words.
        cause: String,
    },
    /// Writing the data directory failed (other than a full disk); writes
    /// are refused (and retried) until it works again.
    #[error(
        "data directory {path} cannot be written ({cause}); the write was not saved, and writes resume by themselves once the store recovers"
    )]
    Unavailable {
        /// The directory.
        path: PathBuf,
        /// The cause, in plain words.
        cause: String,
    },
    /// A backup file cannot be restored.
    #[error("backup {path}: {detail}")]
    Backup {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// An internal inconsistency (not a storage fault).
    #[error("storage failure: {0}")]
    Io(String),
    /// The store is shutting down.
    #[error("the store is closed")]
    Closed,
}

/// A handle on an open store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    engine: GroupCommit<writer::RegistryLayout>,
    revisions: watch::Receiver<u64>,
    clock: Clock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.engine.path())
            .finish()
    }
}

impl Store {
    /// Opens (or creates) the store in `path`. Fails, naming the path, when
    /// the directory is locked by another process, unreadable, corrupt or of
    /// a newer format; it never overwrites what it cannot read.
    pub fn open(path: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        let (rev_tx, revisions) = watch::channel(0);
        let clock = options.clock.clone();
        let engine = GroupCommit::open(
            path,
            writer::RegistryLayout {
                options,
                revisions: rev_tx,
            },
        )?;
        let state = engine.state();
        tracing::info!(
            path = %path.display(),
            revision = state.revision,
            instruments = state.instruments.len(),
            jurisdictions = state.jurisdictions.len(),
            "store opened"
        );
        let mut revisions = revisions;
        // Loading set the revision; receivers see only what comes after.
        revisions.mark_unchanged();
        Ok(Store {
            engine,
            revisions,
            clock,
        })
    }

    /// The clock that stamps commits.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        self.engine.path()
    }

    /// The current committed (durable) state.
    pub fn state(&self) -> std::sync::Arc<State> {
        self.engine.state()
    }

    /// The current revision.
    pub fn revision(&self) -> u64 {
        self.engine.state().revision
    }

    /// How many times the committer has flushed since the store opened: one
    /// per group commit that wrote something, however many writes it held.
    pub fn flushes(&self) -> u64 {
        self.engine.flushes()
    }

    /// True while writes are accepted, false while a full disk or an I/O
    /// error lasts; changes are pushed (for health reporting).
    pub fn writable(&self) -> watch::Receiver<bool> {
        self.engine.writable()
    }

    /// A receiver that sees every newly committed revision.
    pub fn revisions(&self) -> watch::Receiver<u64> {
        self.revisions.clone()
    }

    /// Commits a set of writes atomically; returns once they are durable.
    /// A write whose precondition fails (exists, missing, etag) fails the
    /// whole commit and writes nothing.
    pub async fn commit(&self, commit: Commit) -> Result<Committed, StoreError> {
        self.engine.commit(commit).await
    }

    /// Change-log entries with revision >= `from`, oldest first, at most `limit`.
    pub fn changes_since(&self, from: u64, limit: usize) -> Result<Vec<ChangeRecord>, StoreError> {
        self.changes_from(from, 0, limit)
    }

    /// Change-log entries at or after position (`revision`, `index`), oldest
    /// first, at most `limit` (for resuming inside a large revision).
    pub fn changes_from(
        &self,
        revision: u64,
        index: u32,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        // Only what is published is durable: after a failed flush sled's
        // memory may still hold the refused batch until it is reopened.
        let published = self.revision();
        let tables = self.engine.tables()?;
        let mut out = reads::read_changes(
            tables.tree(layout::CHANGES),
            self.path(),
            revision,
            index,
            limit,
        )?;
        out.retain(|c| c.revision <= published);
        Ok(out)
    }

    /// Change-log entries with revision < `before`, newest first, at most
    /// `limit` (for paging the audit trail backwards).
    pub fn changes_before(
        &self,
        before: u64,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        let before = before.min(self.revision().saturating_add(1));
        let tables = self.engine.tables()?;
        reads::read_changes_rev(tables.tree(layout::CHANGES), self.path(), before, limit)
    }

    /// Checks the audit trail's hash chain from the first retained revision
    /// to the newest, and names the first record that breaks it.
    pub fn verify_chain(&self) -> Result<Verification, StoreError> {
        let tables = self.engine.tables()?;
        Ok(backup::verify_tables(
            &tables,
            self.engine.state().first_retained,
        ))
    }

    /// Writes a consistent snapshot (the state at one revision and the
    /// change log up to it) to `out`, while writes go on.
    pub fn backup(&self, out: &mut dyn std::io::Write) -> Result<BackupSummary, StoreError> {
        backup::write(self, out)
    }

    pub(crate) fn tables(&self) -> Result<std::sync::Arc<Tables>, StoreError> {
        self.engine.tables()
    }

    /// Stops accepting writes, lets the committer finish what it holds, and
    /// flushes sled. Idempotent.
    pub fn close(&self) -> Result<(), StoreError> {
        self.engine.close()
    }
}

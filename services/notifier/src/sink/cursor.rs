//! The sink's durable cursor: the newest event sequence JetStream has
//! acknowledged, in a tree of its own in the notifier's sled store.
//!
//! The cursor only ever moves after an acknowledgement, so it is a lower
//! bound of what the stream holds: after a crash the sink republishes from
//! it, and the stream's duplicate window (`Nats-Msg-Id`) drops the repeats.
//! It is not flushed on every move: each commit of the notifier's committer
//! flushes the whole database, and [`Cursor::flush`] covers quiet periods.

use crate::error::NotifierError;
use crate::storage::{Storage, decode_u64};

/// The tree's name in the store.
pub const TREE: &str = "sink";
const PUBLISHED: &[u8] = b"published_sequence";

/// The "published up to sequence N" cursor.
#[derive(Debug, Clone)]
pub struct Cursor {
    storage: Storage,
}

impl Cursor {
    /// Opens the cursor in `storage` (0 when the sink never published).
    pub fn open(storage: &Storage) -> Result<Cursor, NotifierError> {
        storage.open_tree(TREE)?;
        Ok(Cursor {
            storage: storage.clone(),
        })
    }

    /// The newest sequence JetStream acknowledged (0: none).
    pub fn published(&self) -> Result<u64, NotifierError> {
        Ok(self
            .tree()?
            .get(PUBLISHED)
            .map_err(io)?
            .map(|v| decode_u64(&v))
            .unwrap_or(0))
    }

    /// Records that every event up to `sequence` is in the stream; never
    /// moves the cursor back.
    pub fn advance(&self, sequence: u64) -> Result<(), NotifierError> {
        self.tree()?
            .fetch_and_update(PUBLISHED, |old| {
                let old = old.map(decode_u64).unwrap_or(0);
                Some(old.max(sequence).to_be_bytes().to_vec())
            })
            .map_err(io)?;
        Ok(())
    }

    /// Makes the cursor durable now.
    pub async fn flush(&self) -> Result<(), NotifierError> {
        // A blocking flush on the blocking pool: sled 0.34's `flush_async`
        // deadlocks when it runs beside another flush (the committer's).
        let tree = self.tree()?;
        tokio::task::spawn_blocking(move || tree.flush())
            .await
            .map_err(|e| NotifierError::Io(format!("sink cursor: flush task: {e}")))?
            .map_err(io)?;
        Ok(())
    }

    /// The cursor's tree in the store's current database.
    fn tree(&self) -> Result<sled::Tree, NotifierError> {
        self.storage.open_tree(TREE)
    }
}

fn io(e: sled::Error) -> NotifierError {
    NotifierError::Io(format!("sink cursor: {e}"))
}

//! Watch: a snapshot, a synced marker, then every committed change in order,
//! read from the durable log so a slow watcher never blocks writers and
//! never misses an event.

use std::sync::Arc;

use judicial_domain::{Instrument, Jurisdiction};
use judicial_server::Shutdown;
use judicial_store::ChangeRecord;
use tokio::sync::mpsc;

use crate::error::RegistryError;
use crate::registry::Registry;

/// Instruments per snapshot batch (keeps each message well under the size limit).
const SNAPSHOT_BATCH: usize = 256;
/// Log entries read per step.
const READ_BATCH: usize = 512;
/// Events buffered per watcher before its reader task waits for the client.
const BUFFER: usize = 64;

/// One event of a watch.
#[derive(Debug, Clone)]
pub enum WatchItem {
    /// A batch of the snapshot at `revision`.
    Snapshot {
        /// Revision of the snapshot.
        revision: u64,
        /// Jurisdictions in this batch.
        jurisdictions: Vec<Arc<Jurisdiction>>,
        /// Instruments in this batch.
        instruments: Vec<Arc<Instrument>>,
    },
    /// The snapshot is complete.
    Synced {
        /// Its revision.
        revision: u64,
    },
    /// One committed change.
    Change(ChangeRecord),
    /// Idle; the registry is at `revision`.
    Progress {
        /// Current revision.
        revision: u64,
    },
}

/// Starts a watch from `start_revision` (0: snapshot first). Fails at once
/// with `Compacted` when the log no longer holds `start_revision`.
pub fn start(
    registry: Arc<Registry>,
    start_revision: u64,
    shutdown: Shutdown,
) -> Result<mpsc::Receiver<Result<WatchItem, RegistryError>>, RegistryError> {
    let state = registry.store().state();
    if start_revision > 0 && start_revision < state.first_retained {
        return Err(RegistryError::Compacted {
            start: start_revision,
            first: state.first_retained,
        });
    }
    let (tx, rx) = mpsc::channel(BUFFER);
    tokio::spawn(async move {
        let next = if start_revision == 0 {
            let revision = state.revision;
            let jurisdictions: Vec<_> = state.jurisdictions.values().cloned().collect();
            let instruments: Vec<_> = state.instruments.values().cloned().collect();
            let mut first = true;
            let mut chunks = instruments.chunks(SNAPSHOT_BATCH).peekable();
            if chunks.peek().is_none() {
                let item = WatchItem::Snapshot {
                    revision,
                    jurisdictions: jurisdictions.clone(),
                    instruments: Vec::new(),
                };
                if tx.send(Ok(item)).await.is_err() {
                    return;
                }
            }
            for chunk in chunks {
                let item = WatchItem::Snapshot {
                    revision,
                    jurisdictions: if first {
                        jurisdictions.clone()
                    } else {
                        Vec::new()
                    },
                    instruments: chunk.to_vec(),
                };
                first = false;
                if tx.send(Ok(item)).await.is_err() {
                    return;
                }
            }
            if tx.send(Ok(WatchItem::Synced { revision })).await.is_err() {
                return;
            }
            revision + 1
        } else {
            start_revision
        };
        follow(registry, next, tx, shutdown).await;
    });
    Ok(rx)
}

async fn follow(
    registry: Arc<Registry>,
    from: u64,
    tx: mpsc::Sender<Result<WatchItem, RegistryError>>,
    shutdown: Shutdown,
) {
    let store = registry.store().clone();
    let mut revisions = store.revisions();
    let mut position = (from, 0u32);
    let mut progress = tokio::time::interval(registry.progress_interval());
    progress.tick().await;
    loop {
        // Only what is published is durable: never read past it.
        let durable = *revisions.borrow_and_update();
        'read: while position.0 <= durable {
            let batch = match store.changes_from(position.0, position.1, READ_BATCH) {
                Ok(b) => b,
                Err(e) => {
                    let _ = tx.send(Err(e.into())).await;
                    return;
                }
            };
            let first_retained = store.state().first_retained;
            if position.0 < first_retained {
                let _ = tx
                    .send(Err(RegistryError::Compacted {
                        start: position.0,
                        first: first_retained,
                    }))
                    .await;
                return;
            }
            let full = batch.len() == READ_BATCH;
            for record in batch {
                if record.revision > durable {
                    position = (durable + 1, 0);
                    break 'read;
                }
                position = (record.revision, record.index + 1);
                if tx.send(Ok(WatchItem::Change(record))).await.is_err() {
                    return;
                }
            }
            if !full {
                position = (durable + 1, 0);
            }
        }
        progress.reset();
        tokio::select! {
            changed = revisions.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = progress.tick() => {
                let revision = *revisions.borrow();
                if tx.send(Ok(WatchItem::Progress { revision })).await.is_err() {
                    return;
                }
            }
            _ = shutdown.wait() => {
                let _ = tx.send(Err(RegistryError::ShuttingDown)).await;
                return;
            }
            _ = tx.closed() => return,
        }
    }
}

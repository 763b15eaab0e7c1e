//! The single writer: group commit over one sled transaction and one flush.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use tokio::sync::{mpsc, watch};

use judicial_domain::{Instrument, Jurisdiction};

use crate::change::{ChangeKind, ChangeRecord, Commit, Committed, Resource, Write};
use crate::state::State;
use crate::{Pending, StoreError, StoreOptions};

pub(crate) const META_REVISION: &[u8] = b"revision";
pub(crate) const META_FIRST_RETAINED: &[u8] = b"first_retained";

/// Most writes one group commit takes from the queue.
const MAX_BATCH: usize = 512;

/// A change ready for the transaction: resource key, new value (None to
/// remove), log key, log record, and whether it is an instrument.
type EncodedChange = (Vec<u8>, Option<Vec<u8>>, [u8; 12], Vec<u8>, bool);

pub(crate) struct Trees {
    pub(crate) jurisdictions: sled::Tree,
    pub(crate) instruments: sled::Tree,
    pub(crate) changes: sled::Tree,
    pub(crate) meta: sled::Tree,
}

impl Trees {
    pub(crate) fn open(db: &sled::Db) -> Result<Trees, sled::Error> {
        Ok(Trees {
            jurisdictions: db.open_tree("jurisdictions")?,
            instruments: db.open_tree("instruments")?,
            changes: db.open_tree("changes")?,
            meta: db.open_tree("meta")?,
        })
    }
}

pub(crate) fn decode_u64(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(buf)
}

fn change_key(revision: u64, index: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&revision.to_be_bytes());
    key[8..].copy_from_slice(&index.to_be_bytes());
    key
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The etag of a resource version: its revision, opaque to clients.
fn etag(revision: u64) -> String {
    format!("r{revision}")
}

pub(crate) struct Committer {
    db: sled::Db,
    trees: Trees,
    shared: Arc<ArcSwap<State>>,
    revisions: watch::Sender<u64>,
    options: StoreOptions,
    failed: bool,
    /// Flushes done so far (one per group commit that wrote something).
    flushes: Arc<AtomicU64>,
}

struct Accepted {
    pending: Pending,
    result: Committed,
}

impl Committer {
    pub(crate) fn new(
        db: sled::Db,
        trees: Trees,
        shared: Arc<ArcSwap<State>>,
        revisions: watch::Sender<u64>,
        options: StoreOptions,
        flushes: Arc<AtomicU64>,
    ) -> Self {
        Committer {
            db,
            trees,
            shared,
            revisions,
            options,
            failed: false,
            flushes,
        }
    }

    pub(crate) fn run(mut self, mut queue: mpsc::UnboundedReceiver<Pending>) {
        while let Some(first) = queue.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
            self.commit_batch(batch);
        }
        tracing::debug!("committer stopped");
    }

    fn commit_batch(&mut self, batch: Vec<Pending>) {
        if self.failed {
            for p in batch {
                let _ = p.reply.send(Err(StoreError::Closed));
            }
            return;
        }
        let started = Instant::now();
        let mut working: State = (**self.shared.load()).clone();
        let mut accepted = Vec::with_capacity(batch.len());
        let time_ms = now_ms();
        for pending in batch {
            match plan(&working, &pending.commit, time_ms) {
                Ok(Planned {
                    state,
                    changes,
                    unchanged,
                }) => {
                    working = state;
                    let result = Committed {
                        revision: working.revision,
                        changes,
                        unchanged,
                    };
                    accepted.push(Accepted { pending, result });
                }
                Err(e) => {
                    let _ = pending.reply.send(Err(e));
                }
            }
        }
        let records: Vec<&ChangeRecord> = accepted
            .iter()
            .flat_map(|a| a.result.changes.iter())
            .collect();
        if !records.is_empty() {
            if let Err(e) = self.persist(&records, working.revision) {
                tracing::error!(error = %e, "commit failed; the store refuses further writes until restarted");
                self.failed = true;
                for a in accepted {
                    let _ = a.pending.reply.send(Err(StoreError::Io(e.clone())));
                }
                return;
            }
            working.first_retained = self.compact(&working);
        }
        let revision = working.revision;
        let writes = records.len();
        self.shared.store(Arc::new(working));
        self.revisions.send_replace(revision);
        tracing::debug!(
            revision,
            writes,
            commits = accepted.len(),
            elapsed_us = started.elapsed().as_micros() as u64,
            "group commit"
        );
        for a in accepted {
            let _ = a.pending.reply.send(Ok(a.result));
        }
    }

    fn persist(&self, records: &[&ChangeRecord], revision: u64) -> Result<(), String> {
        let encoded: Vec<EncodedChange> = records
            .iter()
            .map(|r| {
                let (key, value, is_instrument) = match r.resource() {
                    Some(Resource::Instrument(i)) => (
                        i.id.as_bytes().to_vec(),
                        r.after
                            .as_ref()
                            .map(|_| serde_json::to_vec(i).expect("encode")),
                        true,
                    ),
                    Some(Resource::Jurisdiction(j)) => (
                        j.code.as_bytes().to_vec(),
                        r.after
                            .as_ref()
                            .map(|_| serde_json::to_vec(j).expect("encode")),
                        false,
                    ),
                    None => unreachable!("a change record always carries its resource"),
                };
                (
                    key,
                    value,
                    change_key(r.revision, r.index),
                    serde_json::to_vec(r).expect("encode"),
                    is_instrument,
                )
            })
            .collect();
        let result: Result<(), TransactionError<()>> = (
            &self.trees.jurisdictions,
            &self.trees.instruments,
            &self.trees.changes,
            &self.trees.meta,
        )
            .transaction(|(jur, ins, log, meta)| {
                for (key, value, log_key, record, is_instrument) in &encoded {
                    let tree = if *is_instrument { ins } else { jur };
                    match value {
                        Some(v) => tree.insert(key.as_slice(), v.as_slice())?,
                        None => tree.remove(key.as_slice())?,
                    };
                    log.insert(&log_key[..], record.as_slice())?;
                }
                meta.insert(META_REVISION, &revision.to_be_bytes())?;
                Ok::<(), ConflictableTransactionError<()>>(())
            });
        result.map_err(|e| format!("{e:?}"))?;
        self.db.flush().map_err(|e| e.to_string())?;
        self.flushes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Drops change-log entries beyond the retention; returns the first retained revision.
    fn compact(&self, state: &State) -> u64 {
        let Some(keep) = self.options.retain_revisions else {
            return state.first_retained;
        };
        let first = state.revision.saturating_sub(keep.max(1)) + 1;
        if first <= state.first_retained {
            return state.first_retained;
        }
        // Record the new floor first: a crash between the two steps leaves
        // extra entries, never a log that claims entries it lost.
        if self
            .trees
            .meta
            .insert(META_FIRST_RETAINED, &first.to_be_bytes())
            .is_err()
        {
            return state.first_retained;
        }
        let end = change_key(first, 0);
        let mut batch = sled::Batch::default();
        for key in self.trees.changes.range(..&end[..]).keys().flatten() {
            batch.remove(key);
        }
        let _ = self.trees.changes.apply_batch(batch);
        first
    }
}

/// A commit checked against the state before it.
struct Planned {
    /// The state after the commit (the same state when nothing changed).
    state: State,
    /// Its change records, at revision `state.revision`.
    changes: Vec<ChangeRecord>,
    /// Writes that changed nothing.
    unchanged: usize,
}

/// Checks a commit's preconditions against `state` and returns the state it
/// produces, its change records (at revision state.revision + 1) and how many
/// writes changed nothing.
fn plan(state: &State, commit: &Commit, time_ms: i64) -> Result<Planned, StoreError> {
    let revision = state.revision + 1;
    let mut view = state.clone();
    let mut changes: Vec<ChangeRecord> = Vec::new();
    let mut unchanged = 0;
    let record = |kind,
                  before: Option<Resource>,
                  after: Option<Resource>,
                  changes: &mut Vec<ChangeRecord>| {
        let name = after
            .as_ref()
            .or(before.as_ref())
            .map(Resource::name)
            .unwrap_or_default();
        changes.push(ChangeRecord {
            revision,
            index: changes.len() as u32,
            kind,
            name,
            before,
            after,
            actor: commit.actor.clone(),
            time_ms,
            reason: commit.reason.clone(),
            last_in_revision: false,
        });
    };
    for write in &commit.writes {
        match write {
            Write::CreateJurisdiction(j) | Write::PutJurisdiction(j) => {
                let before = view.jurisdictions.get(&j.code).cloned();
                if let Some(b) = &before {
                    if matches!(write, Write::CreateJurisdiction(_)) {
                        return Err(StoreError::AlreadyExists {
                            name: j.resource_name(),
                        });
                    }
                    if (Jurisdiction {
                        revision: 0,
                        ..(**b).clone()
                    }) == (Jurisdiction {
                        revision: 0,
                        ..j.clone()
                    }) {
                        unchanged += 1;
                        continue;
                    }
                }
                let after = Jurisdiction {
                    revision,
                    ..j.clone()
                };
                view.jurisdictions
                    .insert(after.code.clone(), Arc::new(after.clone()));
                record(
                    ChangeKind::Put,
                    before.map(|b| Resource::Jurisdiction((*b).clone())),
                    Some(Resource::Jurisdiction(after)),
                    &mut changes,
                );
            }
            Write::CreateInstrument(i)
            | Write::PutInstrument(i)
            | Write::UpdateInstrument { instrument: i, .. } => {
                let before = view.instruments.get(&i.id).cloned();
                match (write, &before) {
                    (Write::CreateInstrument(_), Some(_)) => {
                        return Err(StoreError::AlreadyExists {
                            name: i.resource_name(),
                        });
                    }
                    (Write::UpdateInstrument { .. }, None) => {
                        return Err(StoreError::NotFound {
                            name: i.resource_name(),
                        });
                    }
                    (Write::UpdateInstrument { etag: given, .. }, Some(b))
                        if !given.is_empty() && *given != b.etag =>
                    {
                        return Err(StoreError::EtagMismatch {
                            name: i.resource_name(),
                            given: given.clone(),
                            current: b.etag.clone(),
                        });
                    }
                    _ => {}
                }
                if before.as_ref().is_some_and(|b| b.content() == i.content()) {
                    unchanged += 1;
                    continue;
                }
                let after = Instrument {
                    revision,
                    etag: etag(revision),
                    update_time_ms: time_ms,
                    ..i.content()
                };
                view.instruments
                    .insert(after.id.clone(), Arc::new(after.clone()));
                record(
                    ChangeKind::Put,
                    before.map(|b| Resource::Instrument((*b).clone())),
                    Some(Resource::Instrument(after)),
                    &mut changes,
                );
            }
            Write::DeleteInstrument { id, etag: given } => {
                let name = format!("instruments/{id}");
                let Some(before) = view.instruments.get(id).cloned() else {
                    return Err(StoreError::NotFound { name });
                };
                if !given.is_empty() && *given != before.etag {
                    return Err(StoreError::EtagMismatch {
                        name,
                        given: given.clone(),
                        current: before.etag.clone(),
                    });
                }
                view.instruments.remove(id);
                record(
                    ChangeKind::Delete,
                    Some(Resource::Instrument((*before).clone())),
                    None,
                    &mut changes,
                );
            }
        }
    }
    if let Some(last) = changes.last_mut() {
        last.last_in_revision = true;
        view.revision = revision;
    }
    Ok(Planned {
        state: view,
        changes,
        unchanged,
    })
}

fn decode_record(path: &Path, key: &[u8], value: &[u8]) -> Result<ChangeRecord, StoreError> {
    serde_json::from_slice(value).map_err(|e| StoreError::Corrupt {
        path: path.to_owned(),
        key: format!("changes/{:?}", key),
        detail: e.to_string(),
    })
}

pub(crate) fn read_changes(
    db: &sled::Db,
    path: &Path,
    from: u64,
    index: u32,
    limit: usize,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let tree = db
        .open_tree("changes")
        .map_err(|e| StoreError::Io(e.to_string()))?;
    let start = change_key(from, index);
    let mut out = Vec::new();
    for item in tree.range(&start[..]..).take(limit) {
        let (k, v) = item.map_err(|e| StoreError::Io(e.to_string()))?;
        out.push(decode_record(path, &k, &v)?);
    }
    Ok(out)
}

pub(crate) fn read_changes_rev(
    db: &sled::Db,
    path: &Path,
    before: u64,
    limit: usize,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let tree = db
        .open_tree("changes")
        .map_err(|e| StoreError::Io(e.to_string()))?;
    let end = change_key(before, 0);
    let mut out = Vec::new();
    for item in tree.range(..&end[..]).rev().take(limit) {
        let (k, v) = item.map_err(|e| StoreError::Io(e.to_string()))?;
        out.push(decode_record(path, &k, &v)?);
    }
    Ok(out)
}

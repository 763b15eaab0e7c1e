//! The registry's layout on the group-commit engine: a commit becomes
//! resource writes, chained change records and the new revision; retention
//! compacts the log after the flush.

use std::path::Path;

use tokio::sync::watch;

use crate::StoreOptions;
use crate::change::{ChangeRecord, Commit, Committed, Resource};
use crate::engine::{Layout, Tables, Writes};
use crate::layout::{
    CHANGES, INSTRUMENTS, JURISDICTIONS, META, META_CHAIN_ANCHOR, META_FIRST_RETAINED,
    META_REVISION, TREES, change_key,
};
use crate::state::{self, State};
use crate::{StoreError, chain};

/// The registry's on-disk format. 1: records without hashes (before
/// versions were recorded); 2: change records chained by hash.
pub const FORMAT_VERSION: u64 = 2;

pub(crate) struct RegistryLayout {
    pub(crate) options: StoreOptions,
    pub(crate) revisions: watch::Sender<u64>,
}

fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("stored records encode")
}

impl Layout for RegistryLayout {
    type Op = Commit;
    type Outcome = Committed;
    type Error = StoreError;
    type State = State;

    const NAME: &'static str = "registry";
    const TREES: &'static [&'static str] = TREES;
    const FORMAT_VERSION: u64 = FORMAT_VERSION;

    fn load(&mut self, tables: &Tables, path: &Path) -> Result<State, StoreError> {
        let state = state::load(tables, path)?;
        self.revisions.send_replace(state.revision);
        Ok(state)
    }

    fn migrate(&mut self, tables: &Tables, path: &Path, from: u64) -> Result<bool, StoreError> {
        if from != 1 {
            return Ok(false);
        }
        // 1 → 2: chain the existing records, oldest first.
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let mut previous = String::new();
        let mut batch = sled::Batch::default();
        for item in tables.tree(CHANGES).iter() {
            let (key, value) = item.map_err(open_err)?;
            let mut record: ChangeRecord =
                serde_json::from_slice(&value).map_err(|e| StoreError::Corrupt {
                    path: path.to_owned(),
                    key: format!("changes/{key:?}"),
                    detail: e.to_string(),
                })?;
            record.hash = chain::record_hash(&previous, &record);
            previous = record.hash.clone();
            batch.insert(key, encode(&record));
        }
        tables.tree(CHANGES).apply_batch(batch).map_err(open_err)?;
        tracing::info!(path = %path.display(), "change log chained by hash (format 1 -> 2)");
        Ok(true)
    }

    fn plan(
        &mut self,
        working: &mut State,
        commit: Commit,
        writes: &mut Writes,
    ) -> Result<Committed, StoreError> {
        let planned = crate::plan::plan(working, &commit, self.options.clock.now_ms())?;
        let mut state = planned.state;
        let mut changes = planned.changes;
        for record in &mut changes {
            record.hash = chain::record_hash(&state.last_hash, record);
            state.last_hash = record.hash.clone();
            let (tree, key, value) = match record.resource() {
                Some(Resource::Instrument(i)) => (
                    INSTRUMENTS,
                    i.id.as_bytes().to_vec(),
                    record.after.as_ref().map(|_| encode(i)),
                ),
                Some(Resource::Jurisdiction(j)) => (
                    JURISDICTIONS,
                    j.code.as_bytes().to_vec(),
                    record.after.as_ref().map(|_| encode(j)),
                ),
                None => unreachable!("a change record always carries its resource"),
            };
            writes.set(tree, key, value);
            writes.put(
                CHANGES,
                change_key(record.revision, record.index).to_vec(),
                encode(&*record),
            );
        }
        if !changes.is_empty() {
            writes.put(META, META_REVISION, state.revision.to_be_bytes().to_vec());
        }
        *working = state;
        Ok(Committed {
            revision: working.revision,
            changes,
            unchanged: planned.unchanged,
        })
    }

    fn after_flush(&mut self, tables: &Tables, state: &mut State) {
        state.first_retained = compact(&self.options, tables, state);
    }

    fn published(&mut self, state: &State) {
        self.revisions.send_if_modified(|r| {
            let moved = *r != state.revision;
            *r = state.revision;
            moved
        });
    }
}

/// Drops change-log entries beyond the retention; returns the first
/// retained revision. The hash of the last dropped record becomes the
/// chain's anchor, so the log still verifies from its new first record.
fn compact(options: &StoreOptions, tables: &Tables, state: &State) -> u64 {
    let Some(keep) = options.retain_revisions else {
        return state.first_retained;
    };
    let first = state.revision.saturating_sub(keep.max(1)) + 1;
    if first <= state.first_retained {
        return state.first_retained;
    }
    let changes = tables.tree(CHANGES);
    let meta = tables.tree(META);
    let end = change_key(first, 0);
    let anchor = changes
        .range(..&end[..])
        .next_back()
        .and_then(|r| r.ok())
        .and_then(|(_, v)| serde_json::from_slice::<ChangeRecord>(&v).ok())
        .map(|r| r.hash);
    // Record the new floor and anchor first: a crash between the two steps
    // leaves extra entries, never a log that claims entries it lost.
    let mut floor = sled::Batch::default();
    floor.insert(META_FIRST_RETAINED, &first.to_be_bytes());
    if let Some(anchor) = &anchor {
        floor.insert(META_CHAIN_ANCHOR, anchor.as_bytes());
    }
    if meta.apply_batch(floor).is_err() {
        return state.first_retained;
    }
    let mut batch = sled::Batch::default();
    for key in changes.range(..&end[..]).keys().flatten() {
        batch.remove(key);
    }
    let _ = changes.apply_batch(batch);
    first
}

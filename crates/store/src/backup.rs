//! Online backups of the registry store and restoring them into a new data
//! directory, and the chain check both rely on.
//!
//! A backup is JSON lines: a header (format, revision R, first retained
//! revision, the chain's anchor), every jurisdiction and instrument of the
//! state at R, every change record from the first retained revision to R (so
//! the audit trail survives, hashes included), and an `end` line with the
//! counts (a truncated file is refused). The state comes from the published
//! in-memory snapshot and change records up to R are never rewritten, so a
//! backup is consistent while writes continue.

use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chain::{self, Verification};
use crate::engine::{FORMAT_VERSION_KEY, Tables};
use crate::layout::{
    CHANGES, INSTRUMENTS, JURISDICTIONS, META, META_CHAIN_ANCHOR, META_FIRST_RETAINED,
    META_REVISION, TREES, change_key,
};
use crate::writer::{FORMAT_VERSION, RegistryLayout};
use crate::{State, Store, StoreError};

/// The `format` of a backup file's header.
const BACKUP_FORMAT: &str = "judicial-registry-backup";
/// The version of the backup file layout.
const BACKUP_VERSION: u64 = 1;

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    /// The revision of the snapshot.
    pub revision: u64,
    /// The first change-log revision it holds.
    pub first_retained: u64,
    /// Jurisdictions.
    pub jurisdictions: u64,
    /// Instruments.
    pub instruments: u64,
    /// Change records.
    pub changes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Line {
    Header {
        format: String,
        version: u64,
        store_format: u64,
        revision: u64,
        first_retained: u64,
        chain_anchor: String,
        time_ms: i64,
    },
    Jurisdiction {
        value: Value,
    },
    Instrument {
        value: Value,
    },
    Change {
        value: Value,
    },
    End {
        jurisdictions: u64,
        instruments: u64,
        changes: u64,
    },
}

fn anchor(tables: &Tables) -> String {
    tables
        .tree(META)
        .get(META_CHAIN_ANCHOR)
        .ok()
        .flatten()
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default()
}

/// A stored change record: revision, index, raw JSON.
type RawChange = (u64, u32, Vec<u8>);

/// Stored change records from `first` to `last`.
fn raw_changes(tables: &Tables, first: u64, last: Option<u64>) -> Vec<RawChange> {
    let start = change_key(first, 0);
    let end = change_key(last.map_or(u64::MAX, |l| l.saturating_add(1)), 0);
    tables
        .tree(CHANGES)
        .range(&start[..]..&end[..])
        .filter_map(|item| item.ok())
        .map(|(k, v)| {
            let revision = crate::layout::decode_u64(&k[..8]);
            let index = u32::from_be_bytes([k[8], k[9], k[10], k[11]]);
            (revision, index, v.to_vec())
        })
        .collect()
}

pub(crate) fn verify_tables(tables: &Tables, first_retained: u64) -> Verification {
    chain::verify(
        &anchor(tables),
        first_retained,
        raw_changes(tables, first_retained, None),
    )
}

/// One consistent read: the state at R and the records first..=R, verified.
fn snapshot(store: &Store) -> Result<(State, String, Vec<RawChange>), StoreError> {
    let mut last_problem = String::new();
    // Retention may compact the log while it is read; try again then.
    for _ in 0..5 {
        let state = (*store.state()).clone();
        let tables = store.tables()?;
        let anchor = anchor(&tables);
        let records = raw_changes(&tables, state.first_retained, Some(state.revision));
        let check = chain::verify(&anchor, state.first_retained, records.clone());
        let complete = state.revision == 0
            || (check.first_revision == state.first_retained
                && check.last_revision == state.revision);
        match check.first_bad {
            None if complete => return Ok((state, anchor, records)),
            None => last_problem = "the change log moved while it was read".into(),
            Some(bad) => {
                last_problem = format!(
                    "revision {} change {}: {}",
                    bad.revision, bad.index, bad.problem
                )
            }
        }
    }
    Err(StoreError::Backup {
        path: store.path().to_owned(),
        detail: format!("cannot take a consistent snapshot: {last_problem}"),
    })
}

pub(crate) fn write(
    store: &Store,
    out: &mut dyn std::io::Write,
) -> Result<BackupSummary, StoreError> {
    let (state, anchor, records) = snapshot(store)?;
    let io = |e: std::io::Error| StoreError::Backup {
        path: store.path().to_owned(),
        detail: format!("cannot write the backup: {e}"),
    };
    let mut line = |l: &Line| -> Result<(), StoreError> {
        serde_json::to_writer(&mut *out, l).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)
    };
    line(&Line::Header {
        format: BACKUP_FORMAT.into(),
        version: BACKUP_VERSION,
        store_format: FORMAT_VERSION,
        revision: state.revision,
        first_retained: state.first_retained,
        chain_anchor: anchor,
        time_ms: store.clock().now_ms(),
    })?;
    for j in state.jurisdictions.values() {
        let value = serde_json::to_value(j.as_ref()).expect("encodes");
        line(&Line::Jurisdiction { value })?;
    }
    for i in state.instruments.values() {
        let value = serde_json::to_value(i.as_ref()).expect("encodes");
        line(&Line::Instrument { value })?;
    }
    for (_, _, raw) in &records {
        let value: Value = serde_json::from_slice(raw).expect("verified records are json");
        line(&Line::Change { value })?;
    }
    let summary = BackupSummary {
        revision: state.revision,
        first_retained: state.first_retained,
        jurisdictions: state.jurisdictions.len() as u64,
        instruments: state.instruments.len() as u64,
        changes: records.len() as u64,
    };
    line(&Line::End {
        jurisdictions: summary.jurisdictions,
        instruments: summary.instruments,
        changes: summary.changes,
    })?;
    out.flush().map_err(io)?;
    Ok(summary)
}

/// Rebuilds a data directory from a backup file. `data_dir` must be empty
/// or missing; the result is verified (chain, gapless log, counts) and
/// flushed before this returns.
pub fn restore(backup: &Path, data_dir: &Path) -> Result<BackupSummary, StoreError> {
    let bad = |detail: String| StoreError::Backup {
        path: backup.to_owned(),
        detail,
    };
    let file = std::fs::File::open(backup).map_err(|e| bad(format!("cannot open: {e}")))?;
    let mut lines = std::io::BufReader::new(file).lines();
    let mut next = || -> Result<Option<Line>, StoreError> {
        match lines.next() {
            None => Ok(None),
            Some(Err(e)) => Err(bad(format!("cannot read: {e}"))),
            Some(Ok(text)) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| bad(format!("unreadable line: {e}"))),
        }
    };
    let Some(Line::Header {
        format,
        version,
        store_format,
        revision,
        first_retained,
        chain_anchor,
        ..
    }) = next()?
    else {
        return Err(bad("not a registry backup (no header)".into()));
    };
    if format != BACKUP_FORMAT || version != BACKUP_VERSION || store_format != FORMAT_VERSION {
        return Err(bad(format!(
            "backup {format} version {version} of store format {store_format}; this build restores {BACKUP_FORMAT} version {BACKUP_VERSION} of store format {FORMAT_VERSION}"
        )));
    }
    let tables = crate::engine::open_tables::<RegistryLayout>(data_dir).map_err(|source| {
        StoreError::Open {
            path: data_dir.to_owned(),
            source,
        }
    })?;
    let open_err = |source| StoreError::Open {
        path: data_dir.to_owned(),
        source,
    };
    if !tables.trees.iter().all(|t| t.is_empty()) {
        return Err(StoreError::Backup {
            path: backup.to_owned(),
            detail: format!(
                "data directory {} is not empty; restore into a new directory",
                data_dir.display()
            ),
        });
    }
    let mut batches: Vec<sled::Batch> = TREES.iter().map(|_| sled::Batch::default()).collect();
    let mut counts = (0u64, 0u64, 0u64);
    let mut ended = None;
    while let Some(line) = next()? {
        match line {
            Line::Jurisdiction { value } => {
                let code = value["code"].as_str().unwrap_or_default().to_owned();
                batches[JURISDICTIONS].insert(
                    code.as_bytes(),
                    serde_json::to_vec(&value).expect("encodes"),
                );
                counts.0 += 1;
            }
            Line::Instrument { value } => {
                let id = value["id"].as_str().unwrap_or_default().to_owned();
                batches[INSTRUMENTS]
                    .insert(id.as_bytes(), serde_json::to_vec(&value).expect("encodes"));
                counts.1 += 1;
            }
            Line::Change { value } => {
                let r = value["revision"].as_u64().unwrap_or_default();
                let i = value["index"].as_u64().unwrap_or_default() as u32;
                batches[CHANGES].insert(
                    &change_key(r, i)[..],
                    serde_json::to_vec(&value).expect("encodes"),
                );
                counts.2 += 1;
            }
            Line::End {
                jurisdictions,
                instruments,
                changes,
            } => {
                ended = Some((jurisdictions, instruments, changes));
                break;
            }
            Line::Header { .. } => return Err(bad("a second header".into())),
        }
    }
    if ended != Some(counts) {
        return Err(bad(format!(
            "truncated or inconsistent: the end line says {ended:?}, the file holds {counts:?} (jurisdictions, instruments, changes)"
        )));
    }
    let meta = &mut batches[META];
    meta.insert(FORMAT_VERSION_KEY, &FORMAT_VERSION.to_be_bytes());
    meta.insert(META_REVISION, &revision.to_be_bytes());
    meta.insert(META_FIRST_RETAINED, &first_retained.to_be_bytes());
    if !chain_anchor.is_empty() {
        meta.insert(META_CHAIN_ANCHOR, chain_anchor.as_bytes());
    }
    for (tree, batch) in tables.trees.iter().zip(batches) {
        tree.apply_batch(batch).map_err(open_err)?;
    }
    tables.db.flush().map_err(open_err)?;
    let check = verify_tables(&tables, first_retained);
    if let Some(b) = check.first_bad {
        return Err(bad(format!(
            "restored change log does not verify at revision {} change {}: {}",
            b.revision, b.index, b.problem
        )));
    }
    if revision > 0 && counts.2 > 0 && check.last_revision != revision {
        return Err(bad(format!(
            "the change log ends at revision {}, the snapshot is at {revision}",
            check.last_revision
        )));
    }
    Ok(BackupSummary {
        revision,
        first_retained,
        jurisdictions: counts.0,
        instruments: counts.1,
        changes: counts.2,
    })
}

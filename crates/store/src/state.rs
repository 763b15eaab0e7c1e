//! The in-memory, immutable view of the store at one revision.

use std::path::Path;
use std::sync::Arc;

use imbl::OrdMap;
use judicial_domain::{Instrument, Jurisdiction};

use crate::engine::Tables;
use crate::layout::{
    CHANGES, INSTRUMENTS, JURISDICTIONS, META, META_CHAIN_ANCHOR, META_FIRST_RETAINED,
    META_REVISION, decode_u64,
};
use crate::{ChangeRecord, StoreError};

/// Everything the store holds at one revision. Cloning is cheap: the maps
/// share structure with the state they were derived from.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The revision of the last committed write (0 for an empty store).
    pub revision: u64,
    /// Oldest revision still in the change log (1 when nothing was compacted).
    pub first_retained: u64,
    /// Jurisdictions by code.
    pub jurisdictions: OrdMap<String, Arc<Jurisdiction>>,
    /// Instruments by id.
    pub instruments: OrdMap<String, Arc<Instrument>>,
    /// The hash of the newest change record (the next record chains to it).
    pub last_hash: String,
}

pub(crate) fn load(tables: &Tables, path: &Path) -> Result<State, StoreError> {
    let io = |e: sled::Error| StoreError::Open {
        path: path.to_owned(),
        source: e,
    };
    let corrupt = |key: &[u8], detail: String| StoreError::Corrupt {
        path: path.to_owned(),
        key: String::from_utf8_lossy(key).into_owned(),
        detail,
    };
    let meta = tables.tree(META);
    let last_hash = match tables.tree(CHANGES).last().map_err(io)? {
        Some((key, value)) => {
            let record: ChangeRecord =
                serde_json::from_slice(&value).map_err(|e| corrupt(&key, e.to_string()))?;
            record.hash
        }
        None => meta
            .get(META_CHAIN_ANCHOR)
            .map_err(io)?
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default(),
    };
    let mut state = State {
        revision: meta
            .get(META_REVISION)
            .map_err(io)?
            .map(|v| decode_u64(&v))
            .unwrap_or(0),
        first_retained: meta
            .get(META_FIRST_RETAINED)
            .map_err(io)?
            .map(|v| decode_u64(&v))
            .unwrap_or(1),
        last_hash,
        ..State::default()
    };
    for item in tables.tree(JURISDICTIONS).iter() {
        let (key, value) = item.map_err(io)?;
        let j: Jurisdiction =
            serde_json::from_slice(&value).map_err(|e| corrupt(&key, e.to_string()))?;
        state.jurisdictions.insert(j.code.clone(), Arc::new(j));
    }
    for item in tables.tree(INSTRUMENTS).iter() {
        let (key, value) = item.map_err(io)?;
        let i: Instrument =
            serde_json::from_slice(&value).map_err(|e| corrupt(&key, e.to_string()))?;
        state.instruments.insert(i.id.clone(), Arc::new(i));
    }
    Ok(state)
}

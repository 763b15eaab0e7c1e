//! The in-memory, immutable view of the store at one revision.

use std::path::Path;
use std::sync::Arc;

use imbl::OrdMap;
use judicial_domain::{Instrument, Jurisdiction};

use crate::StoreError;
use crate::committer::{META_FIRST_RETAINED, META_REVISION, Trees, decode_u64};

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
}

pub(crate) fn load(trees: &Trees, path: &Path) -> Result<State, StoreError> {
    let io = |e: sled::Error| StoreError::Open {
        path: path.to_owned(),
        source: e,
    };
    let corrupt = |key: &[u8], detail: String| StoreError::Corrupt {
        path: path.to_owned(),
        key: String::from_utf8_lossy(key).into_owned(),
        detail,
    };
    let mut state = State {
        revision: trees
            .meta
            .get(META_REVISION)
            .map_err(io)?
            .map(|v| decode_u64(&v))
            .unwrap_or(0),
        first_retained: trees
            .meta
            .get(META_FIRST_RETAINED)
            .map_err(io)?
            .map(|v| decode_u64(&v))
            .unwrap_or(1),
        ..State::default()
    };
    for item in trees.jurisdictions.iter() {
        let (key, value) = item.map_err(io)?;
        let j: Jurisdiction =
            serde_json::from_slice(&value).map_err(|e| corrupt(&key, e.to_string()))?;
        state.jurisdictions.insert(j.code.clone(), Arc::new(j));
    }
    for item in trees.instruments.iter() {
        let (key, value) = item.map_err(io)?;
        let i: Instrument =
            serde_json::from_slice(&value).map_err(|e| corrupt(&key, e.to_string()))?;
        state.instruments.insert(i.id.clone(), Arc::new(i));
    }
    Ok(state)
}

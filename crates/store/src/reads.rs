//! Reading the change log from sled.

use std::path::Path;

use crate::layout::change_key;
use crate::{ChangeRecord, StoreError};

fn decode_record(path: &Path, key: &[u8], value: &[u8]) -> Result<ChangeRecord, StoreError> {
    serde_json::from_slice(value).map_err(|e| StoreError::Corrupt {
        path: path.to_owned(),
        key: format!("changes/{key:?}"),
        detail: e.to_string(),
    })
}

fn read_err(path: &Path, e: sled::Error) -> StoreError {
    StoreError::Unavailable {
        path: path.to_owned(),
        cause: format!("cannot read the change log: {e}"),
    }
}

pub(crate) fn read_changes(
    tree: &sled::Tree,
    path: &Path,
    from: u64,
    index: u32,
    limit: usize,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let start = change_key(from, index);
    let mut out = Vec::new();
    for item in tree.range(&start[..]..).take(limit) {
        let (k, v) = item.map_err(|e| read_err(path, e))?;
        out.push(decode_record(path, &k, &v)?);
    }
    Ok(out)
}

pub(crate) fn read_changes_rev(
    tree: &sled::Tree,
    path: &Path,
    before: u64,
    limit: usize,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let end = change_key(before, 0);
    let mut out = Vec::new();
    for item in tree.range(..&end[..]).rev().take(limit) {
        let (k, v) = item.map_err(|e| read_err(path, e))?;
        out.push(decode_record(path, &k, &v)?);
    }
    Ok(out)
}

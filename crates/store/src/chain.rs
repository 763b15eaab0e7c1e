//! The tamper-evident audit trail: every change record carries a hash over
//! its content and the previous record's hash, so editing, removing or
//! reordering a stored change breaks the chain from that record on.
//!
//! The hash is SHA-256 over the previous hash (hex), a newline, and the
//! record's canonical JSON without its `hash` field (object keys sorted, as
//! `serde_json::Value` writes them). It is computed from the stored JSON, not
//! from the Rust structs, so a verifier needs no knowledge of the domain.
//! After compaction the hash of the last removed record is kept in `meta`
//! (`chain_anchor`), and the chain verifies from the new first record.

use ring::digest::{SHA256, digest};

use crate::ChangeRecord;

/// The hash a record must carry, given the previous record's hash.
pub fn record_hash(previous: &str, record: &ChangeRecord) -> String {
    let mut value = serde_json::to_value(record).expect("a change record encodes");
    hash_value(previous, &mut value)
}

fn hash_value(previous: &str, value: &mut serde_json::Value) -> String {
    if let Some(map) = value.as_object_mut() {
        map.remove("hash");
    }
    let canonical = serde_json::to_vec(value).expect("json encodes");
    let mut input = Vec::with_capacity(previous.len() + 1 + canonical.len());
    input.extend_from_slice(previous.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(&canonical);
    hex(digest(&SHA256, &input).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The first revision checked (the first retained one).
    pub first_revision: u64,
    /// The last revision checked.
    pub last_revision: u64,
    /// How many records were checked.
    pub records: u64,
    /// The first record that does not verify, if any.
    pub first_bad: Option<BadRecord>,
}

/// A change record that breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// Its revision.
    pub revision: u64,
    /// Its index within the revision.
    pub index: u32,
    /// What is wrong, in plain words.
    pub problem: String,
}

/// Checks stored change records (key, raw JSON value) in key order,
/// starting from `anchor` (the hash before the first record).
pub(crate) fn verify<I>(anchor: &str, first_retained: u64, records: I) -> Verification
where
    I: IntoIterator<Item = (u64, u32, Vec<u8>)>,
{
    let mut previous = anchor.to_owned();
    let mut out = Verification {
        first_revision: first_retained,
        last_revision: 0,
        records: 0,
        first_bad: None,
    };
    // (revision, index) expected next: revisions are gapless, indexes count
    // from 0 within a revision.
    let mut expected: Option<(u64, u32, bool)> = None;
    for (revision, index, raw) in records {
        let bad = |problem: String| BadRecord {
            revision,
            index,
            problem,
        };
        if out.records == 0 {
            out.first_revision = revision;
        }
        if let Some((rev, idx, last)) = expected {
            let ok = if last {
                revision == rev + 1 && index == 0
            } else {
                revision == rev && index == idx + 1
            };
            if !ok {
                out.first_bad = Some(bad(format!(
                    "the log jumps from revision {rev} change {idx} to revision {revision} change {index}"
                )));
                return out;
            }
        }
        let mut value: serde_json::Value = match serde_json::from_slice(&raw) {
            Ok(v) => v,
            Err(e) => {
                out.first_bad = Some(bad(format!("the record is not valid json: {e}")));
                return out;
            }
        };
        let stored = value
            .get("hash")
            .and_then(|h| h.as_str())
            .unwrap_or_default()
            .to_owned();
        let stated = (
            value.get("revision").and_then(|v| v.as_u64()),
            value.get("index").and_then(|v| v.as_u64()),
        );
        if stated != (Some(revision), Some(index as u64)) {
            out.first_bad = Some(bad(
                "the record's revision or index differs from its key".into()
            ));
            return out;
        }
        let last = value
            .get("last_in_revision")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let computed = hash_value(&previous, &mut value);
        if stored.is_empty() {
            out.first_bad = Some(bad("the record carries no hash".into()));
            return out;
        }
        if stored != computed {
            out.first_bad = Some(bad(
                "the record's hash does not match its content and the previous record's hash"
                    .into(),
            ));
            return out;
        }
        out.records += 1;
        out.last_revision = revision;
        expected = Some((revision, index, last));
        previous = stored;
    }
    out
}

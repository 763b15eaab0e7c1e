//! The registry's trees and keys: what every other module of this crate
//! reads and writes, with no dependency on them (so nothing imports back).
//!
//! | tree | key | value |
//! |---|---|---|
//! | `jurisdictions` | code | the jurisdiction, JSON |
//! | `instruments` | id | the instrument, JSON |
//! | `changes` | revision u64 BE + index u32 BE | a [`crate::ChangeRecord`], JSON |
//! | `meta` | `revision`, `first_retained`, `format_version` | u64 BE |
//! | `meta` | `chain_anchor` | hex hash of the last compacted change |

/// Tree names, in the order the engine opens them.
pub(crate) const TREES: &[&str] = &["jurisdictions", "instruments", "changes", "meta"];
pub(crate) const JURISDICTIONS: usize = 0;
pub(crate) const INSTRUMENTS: usize = 1;
pub(crate) const CHANGES: usize = 2;
pub(crate) const META: usize = 3;

pub(crate) const META_REVISION: &[u8] = b"revision";
pub(crate) const META_FIRST_RETAINED: &[u8] = b"first_retained";
pub(crate) const META_CHAIN_ANCHOR: &[u8] = b"chain_anchor";

/// Decodes a big-endian u64, padding a short value with zeros (never panics).
pub fn decode_u64(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = bytes.len().min(8);
    buf[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(buf)
}

/// The key of change `index` of `revision` in the `changes` tree.
pub(crate) fn change_key(revision: u64, index: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&revision.to_be_bytes());
    key[8..].copy_from_slice(&index.to_be_bytes());
    key
}

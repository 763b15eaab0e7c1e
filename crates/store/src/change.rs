//! Writes, and the change records the log keeps for each.

use judicial_domain::{Instrument, Jurisdiction};
use serde::{Deserialize, Serialize};

/// One write of a commit, with its precondition.
#[derive(Debug, Clone)]
pub enum Write {
    /// Creates a jurisdiction; fails if the code exists.
    CreateJurisdiction(Jurisdiction),
    /// Creates or replaces a jurisdiction; unchanged content writes nothing.
    PutJurisdiction(Jurisdiction),
    /// Creates an instrument; fails if the id exists.
    CreateInstrument(Instrument),
    /// Replaces an existing instrument; fails if it is missing or, when
    /// `etag` is non-empty, if the stored etag differs.
    UpdateInstrument {
        /// The new content.
        instrument: Instrument,
        /// Expected etag; empty skips the check.
        etag: String,
    },
    /// Creates or replaces an instrument; unchanged content writes nothing.
    PutInstrument(Instrument),
    /// Deletes an instrument; fails if missing or on etag mismatch.
    DeleteInstrument {
        /// Its id.
        id: String,
        /// Expected etag; empty skips the check.
        etag: String,
    },
}

/// An atomic set of writes with its audit attributes.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The writes, applied in order.
    pub writes: Vec<Write>,
    /// Who asks (certificate identity or `anonymous`).
    pub actor: String,
    /// Why.
    pub reason: String,
}

/// The outcome of a durable commit.
#[derive(Debug, Clone)]
pub struct Committed {
    /// The revision of this commit, or the current revision if it changed nothing.
    pub revision: u64,
    /// What changed, in write order.
    pub changes: Vec<ChangeRecord>,
    /// Writes that left a resource as it was.
    pub unchanged: usize,
}

/// A stored resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// A jurisdiction.
    Jurisdiction(Jurisdiction),
    /// An instrument.
    Instrument(Instrument),
}

impl Resource {
    /// The resource name.
    pub fn name(&self) -> String {
        match self {
            Resource::Jurisdiction(j) => j.resource_name(),
            Resource::Instrument(i) => i.resource_name(),
        }
    }
}

/// Whether a change wrote or removed a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Created or replaced.
    Put,
    /// Deleted.
    Delete,
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The revision that committed it.
    pub revision: u64,
    /// Its position within that revision.
    pub index: u32,
    /// Put or delete.
    pub kind: ChangeKind,
    /// Resource name.
    pub name: String,
    /// Before; None for a creation.
    pub before: Option<Resource>,
    /// After; None for a deletion.
    pub after: Option<Resource>,
    /// Who.
    pub actor: String,
    /// When, Unix milliseconds.
    pub time_ms: i64,
    /// Why.
    pub reason: String,
    /// Whether this is the last change of its revision.
    #[serde(default)]
    pub last_in_revision: bool,
    /// SHA-256 (hex) over this record and the previous record's hash: the
    /// audit trail's chain (see [`crate::chain`]).
    #[serde(default)]
    pub hash: String,
}

impl ChangeRecord {
    /// The resource as it is after a put, or as it was before a delete.
    pub fn resource(&self) -> Option<&Resource> {
        self.after.as_ref().or(self.before.as_ref())
    }
}

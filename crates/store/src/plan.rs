//! Checking a commit against the state before it: the state it produces
//! and its change records.

use std::sync::Arc;

use judicial_domain::{Instrument, Jurisdiction};

use crate::StoreError;
use crate::change::{ChangeKind, ChangeRecord, Commit, Resource, Write};
use crate::state::State;

/// The etag of a resource version: its revision, opaque to clients.
fn etag(revision: u64) -> String {
    format!("r{revision}")
}

/// A commit checked against the state before it.
pub(crate) struct Planned {
    /// The state after the commit (the same state when nothing changed).
    pub(crate) state: State,
    /// Its change records, at revision `state.revision`.
    pub(crate) changes: Vec<ChangeRecord>,
    /// Writes that changed nothing.
    pub(crate) unchanged: usize,
}

/// Checks a commit's preconditions against `state` and returns the state it
/// produces, its change records (at revision state.revision + 1) and how many
/// writes changed nothing.
pub(crate) fn plan(state: &State, commit: &Commit, time_ms: i64) -> Result<Planned, StoreError> {
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
            hash: String::new(),
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

//! The registry's logic, in domain types.

use std::sync::Arc;
use std::time::Duration;

use judicial_domain::validation::{self, JurisdictionLookup, Violations};
use judicial_domain::{CalendarDate, Instrument, InstrumentField, Jurisdiction};
use judicial_store::{ChangeRecord, Commit, Store, StoreOptions, Write};

use crate::config::Config;
use crate::error::RegistryError;
use crate::query::{self, ChangeFilter, InstrumentFilter, JurisdictionFilter, Page};
use crate::seed;

/// Looks jurisdictions up in a store state.
pub struct StateLookup<'a>(pub &'a judicial_store::State);

impl JurisdictionLookup for StateLookup<'_> {
    fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.0.jurisdictions.get(code).map(|j| j.as_ref())
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Revision after the import.
    pub revision: u64,
    /// Resources created.
    pub created: usize,
    /// Resources replaced.
    pub updated: usize,
    /// Resources left as they were.
    pub unchanged: usize,
}

/// The registry: a store plus the rules for writing it.
#[derive(Debug)]
pub struct Registry {
    store: Store,
    home: String,
    utc_offset: i32,
    progress_interval: Duration,
}

impl Registry {
    /// Opens the store in the configured directory and seeds it if empty.
    pub async fn open(
        config: &Config,
    ) -> Result<Registry, Box<dyn std::error::Error + Send + Sync>> {
        let store = Store::open(
            &config.data_dir,
            StoreOptions {
                retain_revisions: config.retain_revisions,
                clock: config.clock.clone(),
            },
        )?;
        if store.revision() == 0 {
            let (jurisdictions, instruments, what) =
                seed::contents(&config.seed, &config.home.home)?;
            let mut writes: Vec<Write> = jurisdictions
                .into_iter()
                .map(Write::PutJurisdiction)
                .collect();
            let n = instruments.len();
            writes.extend(instruments.into_iter().map(Write::PutInstrument));
            let committed = store
                .commit(Commit {
                    writes,
                    actor: "system".into(),
                    reason: format!("initial seed: {what}"),
                })
                .await?;
            tracing::info!(revision = committed.revision, instruments = n, seed = %what, "seeded empty data directory");
        }
        metrics::gauge!("judicial_registry_revision").set(store.revision() as f64);
        Ok(Registry {
            store,
            home: config.home.home.clone(),
            utc_offset: config.home.utc_offset,
            progress_interval: config.progress_interval,
        })
    }

    /// The store (for watchers).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The home state.
    pub fn home(&self) -> &str {
        &self.home
    }

    /// The current revision.
    pub fn revision(&self) -> u64 {
        self.store.revision()
    }

    /// Interval of progress events on idle watches.
    pub fn progress_interval(&self) -> Duration {
        self.progress_interval
    }

    /// Today in the configured offset.
    pub fn today(&self) -> CalendarDate {
        self.store.clock().today(self.utc_offset)
    }

    /// Flushes and closes the store.
    pub fn close(&self) -> Result<(), RegistryError> {
        self.store.close().map_err(RegistryError::from)
    }

    /// Returns one jurisdiction.
    pub fn get_jurisdiction(&self, code: &str) -> Result<Arc<Jurisdiction>, RegistryError> {
        self.store
            .state()
            .jurisdictions
            .get(code)
            .cloned()
            .ok_or_else(|| RegistryError::NotFound(format!("jurisdictions/{code}")))
    }

    /// Lists jurisdictions in code order.
    pub fn list_jurisdictions(
        &self,
        page: &Page,
        filter: &JurisdictionFilter,
    ) -> (Vec<Arc<Jurisdiction>>, Option<String>) {
        let state = self.store.state();
        let range = match &page.after {
            Some(after) => state.jurisdictions.range::<_, String>((
                std::ops::Bound::Excluded(after.clone()),
                std::ops::Bound::Unbounded,
            )),
            None => state.jurisdictions.range::<_, String>(..),
        };
        query::take_page(
            range.map(|(_, j)| j.clone()).filter(|j| filter.matches(j)),
            page.size,
            |j| j.code.clone(),
        )
    }

    /// Creates a jurisdiction after validating it.
    pub async fn create_jurisdiction(
        &self,
        j: Jurisdiction,
        actor: &str,
        reason: &str,
    ) -> Result<Jurisdiction, RegistryError> {
        let state = self.store.state();
        validation::validate_jurisdiction(&j, &StateLookup(&state), "jurisdiction.")
            .into_result()
            .map_err(RegistryError::Invalid)?;
        let committed = self
            .commit(vec![Write::CreateJurisdiction(j.clone())], actor, reason)
            .await?;
        Ok(Jurisdiction {
            revision: committed.revision,
            ..j
        })
    }

    /// Returns one instrument.
    pub fn get_instrument(&self, id: &str) -> Result<Arc<Instrument>, RegistryError> {
        self.store
            .state()
            .instruments
            .get(id)
            .cloned()
            .ok_or_else(|| RegistryError::NotFound(format!("instruments/{id}")))
    }

    /// Lists instruments in id order.
    pub fn list_instruments(
        &self,
        page: &Page,
        filter: &InstrumentFilter,
    ) -> (Vec<Arc<Instrument>>, Option<String>) {
        let state = self.store.state();
        let range = match &page.after {
            Some(after) => state.instruments.range::<_, String>((
                std::ops::Bound::Excluded(after.clone()),
                std::ops::Bound::Unbounded,
            )),
            None => state.instruments.range::<_, String>(..),
        };
        query::take_page(
            range
                .map(|(_, i)| i.clone())
                .filter(|i| filter.matches(i, &self.home)),
            page.size,
            |i| i.id.clone(),
        )
    }

    fn validate(&self, inst: &Instrument) -> Result<(), RegistryError> {
        let state = self.store.state();
        validation::validate_instrument(inst, &StateLookup(&state), &self.home, "instrument.")
            .into_result()
            .map_err(RegistryError::Invalid)
    }

    /// Creates an instrument after validating it.
    pub async fn create_instrument(
        &self,
        inst: Instrument,
        actor: &str,
        reason: &str,
    ) -> Result<Instrument, RegistryError> {
        self.validate(&inst)?;
        let committed = self
            .commit(vec![Write::CreateInstrument(inst)], actor, reason)
            .await?;
        instrument_after(committed)
    }

    /// Replaces the fields named in `mask` (every updatable field when None).
    /// With an empty etag the update still cannot overwrite a concurrent
    /// change it did not see: it is based on a read and retried on conflict.
    pub async fn update_instrument(
        &self,
        patch: Instrument,
        mask: Option<Vec<String>>,
        actor: &str,
        reason: &str,
    ) -> Result<Instrument, RegistryError> {
        let fields = match mask {
            None => InstrumentField::ALL.to_vec(),
            Some(paths) => {
                let mut v = Violations::default();
                let mut fields = Vec::with_capacity(paths.len());
                for (i, p) in paths.iter().enumerate() {
                    match InstrumentField::parse(p) {
                        Some(field) => fields.push(field),
                        None => v.add(
                            format!("update_mask.paths[{i}]"),
                            format!(
                                "{p:?} is not an updatable field (one of {})",
                                InstrumentField::ALL.map(InstrumentField::as_str).join(", ")
                            ),
                        ),
                    }
                }
                v.into_result().map_err(RegistryError::Invalid)?;
                fields
            }
        };
        for attempt in 0..5 {
            let current = self.get_instrument(&patch.id)?;
            if !patch.etag.is_empty() && patch.etag != current.etag {
                return Err(RegistryError::EtagMismatch {
                    name: patch.resource_name(),
                    given: patch.etag.clone(),
                    current: current.etag.clone(),
                });
            }
            let mut merged = (*current).clone();
            for field in &fields {
                field.copy(&patch, &mut merged);
            }
            self.validate(&merged)?;
            let write = Write::UpdateInstrument {
                instrument: merged,
                etag: current.etag.clone(),
            };
            match self.commit(vec![write], actor, reason).await {
                Ok(committed) if committed.changes.is_empty() => return Ok((*current).clone()),
                Ok(committed) => return instrument_after(committed),
                Err(RegistryError::EtagMismatch { .. }) if patch.etag.is_empty() && attempt < 4 => {
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        Err(RegistryError::Store(judicial_store::StoreError::Io(
            "update kept conflicting with concurrent writes".into(),
        )))
    }

    /// Deletes an instrument.
    pub async fn delete_instrument(
        &self,
        id: &str,
        etag: &str,
        actor: &str,
        reason: &str,
    ) -> Result<u64, RegistryError> {
        let committed = self
            .commit(
                vec![Write::DeleteInstrument {
                    id: id.to_owned(),
                    etag: etag.to_owned(),
                }],
                actor,
                reason,
            )
            .await?;
        Ok(committed.revision)
    }

    /// Imports a dataset atomically: every record is validated first, and
    /// any violation rejects the whole dataset.
    pub async fn import(
        &self,
        jurisdictions: Vec<Jurisdiction>,
        instruments: Vec<Instrument>,
        actor: &str,
        reason: &str,
    ) -> Result<ImportOutcome, RegistryError> {
        let state = self.store.state();
        validation::validate_dataset(
            &jurisdictions,
            &instruments,
            &StateLookup(&state),
            &self.home,
        )
        .into_result()
        .map_err(RegistryError::Invalid)?;
        let mut writes: Vec<Write> = jurisdictions
            .into_iter()
            .map(Write::PutJurisdiction)
            .collect();
        writes.extend(instruments.into_iter().map(Write::PutInstrument));
        let committed = self.commit(writes, actor, reason).await?;
        let created = committed
            .changes
            .iter()
            .filter(|c| c.before.is_none())
            .count();
        Ok(ImportOutcome {
            revision: committed.revision,
            created,
            updated: committed.changes.len() - created,
            unchanged: committed.unchanged,
        })
    }

    /// Everything at one revision.
    pub fn export(&self) -> (u64, Vec<Arc<Jurisdiction>>, Vec<Arc<Instrument>>) {
        let state = self.store.state();
        (
            state.revision,
            state.jurisdictions.values().cloned().collect(),
            state.instruments.values().cloned().collect(),
        )
    }

    /// Lists the audit trail, oldest first.
    pub fn list_changes(
        &self,
        page: &query::ChangePage,
        filter: &ChangeFilter,
    ) -> Result<(Vec<ChangeRecord>, Option<String>), RegistryError> {
        const SCAN: usize = 1024;
        let upto = self.store.revision();
        let (mut rev, mut idx) = (page.from.max(1), page.index);
        let mut out = Vec::new();
        loop {
            let batch = self.store.changes_from(rev, idx, SCAN)?;
            let exhausted = batch.len() < SCAN;
            for record in batch {
                if record.revision > upto {
                    return Ok((out, None));
                }
                if filter.matches(&record) {
                    if out.len() == page.size {
                        return Ok((
                            out,
                            Some(query::change_token(record.revision, record.index)),
                        ));
                    }
                    out.push(record.clone());
                }
                (rev, idx) = (record.revision, record.index + 1);
            }
            if exhausted {
                return Ok((out, None));
            }
        }
    }

    async fn commit(
        &self,
        writes: Vec<Write>,
        actor: &str,
        reason: &str,
    ) -> Result<judicial_store::Committed, RegistryError> {
        let committed = self
            .store
            .commit(Commit {
                writes,
                actor: actor.to_owned(),
                reason: reason.to_owned(),
            })
            .await?;
        if !committed.changes.is_empty() {
            tracing::info!(revision = committed.revision, changes = committed.changes.len(), actor, first = %committed.changes[0].name, "committed");
        }
        Ok(committed)
    }
}

/// The instrument a commit wrote last, moved out of the commit (a write
/// must not deep-copy what it just stored).
fn instrument_after(mut c: judicial_store::Committed) -> Result<Instrument, RegistryError> {
    match c.changes.pop().and_then(|r| r.after) {
        Some(judicial_store::Resource::Instrument(i)) => Ok(i),
        _ => Err(RegistryError::Store(judicial_store::StoreError::Io(
            "commit returned no instrument".into(),
        ))),
    }
}

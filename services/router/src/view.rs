//! The router's immutable view of the registry at one revision, indexed by
//! counterpart. A new revision produces a new view that shares everything
//! it did not change; queries load a view and never take a lock.

use std::sync::Arc;

use imbl::HashMap;
use judicial_client::Change;
use judicial_domain::routing::Catalog;
use judicial_domain::validation::JurisdictionLookup;
use judicial_domain::{Instrument, InstrumentKind, Jurisdiction};

type Bucket = Arc<Vec<Arc<Instrument>>>;

/// The registry's contents at one revision, indexed for routing.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Revision applied.
    pub revision: u64,
    /// Which view of this process it is: set when the router publishes it,
    /// increasing with every view (even one of an equal or lower revision,
    /// after a resync), so caches can tell views apart.
    pub generation: u64,
    jurisdictions: HashMap<String, Arc<Jurisdiction>>,
    instruments: HashMap<String, Arc<Instrument>>,
    /// Treaties and arrangements naming each party.
    by_party: HashMap<String, Bucket>,
    /// Every multilateral convention (they are few; each is checked per pair).
    conventions: Bucket,
}

impl JurisdictionLookup for View {
    fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.jurisdictions.get(code).map(|j| j.as_ref())
    }
}

/// The rules choose their candidates from the index: a party's bucket and
/// the conventions.
impl Catalog for View {
    fn naming(&self, code: &str) -> Vec<&Instrument> {
        self.by_party
            .get(code)
            .map(|b| b.iter().map(|i| i.as_ref()).collect())
            .unwrap_or_default()
    }

    fn conventions(&self) -> Vec<&Instrument> {
        self.conventions.iter().map(|i| i.as_ref()).collect()
    }
}

impl View {
    /// A view of a full snapshot.
    pub fn from_snapshot(
        revision: u64,
        jurisdictions: Vec<Jurisdiction>,
        instruments: Vec<Instrument>,
    ) -> View {
        let mut view = View {
            revision,
            ..View::default()
        };
        view.jurisdictions = jurisdictions
            .into_iter()
            .map(|j| (j.code.clone(), Arc::new(j)))
            .collect();
        view.instruments = instruments
            .into_iter()
            .map(|i| (i.id.clone(), Arc::new(i)))
            .collect();
        let mut by_party: std::collections::HashMap<String, Vec<Arc<Instrument>>> =
            std::collections::HashMap::new();
        let mut conventions = Vec::new();
        for inst in view.instruments.values() {
            if inst.kind == InstrumentKind::MultilateralConvention {
                conventions.push(inst.clone());
            } else {
                for p in &inst.parties {
                    by_party
                        .entry(p.jurisdiction.clone())
                        .or_default()
                        .push(inst.clone());
                }
            }
        }
        conventions.sort_by(|a, b| a.id.cmp(&b.id));
        view.conventions = Arc::new(conventions);
        view.by_party = by_party
            .into_iter()
            .map(|(k, mut v)| {
                v.sort_by(|a, b| a.id.cmp(&b.id));
                (k, Arc::new(v))
            })
            .collect();
        view
    }

    /// The view after one revision's changes; touches only the buckets of
    /// the parties involved.
    pub fn apply(&self, revision: u64, changes: &[Change]) -> View {
        let mut next = self.clone();
        next.revision = revision;
        let mut touched_parties = std::collections::BTreeSet::new();
        let mut conventions_touched = false;
        let note = |inst: &Instrument,
                    touched: &mut std::collections::BTreeSet<String>,
                    conv: &mut bool| {
            if inst.kind == InstrumentKind::MultilateralConvention {
                *conv = true;
            } else {
                touched.extend(inst.parties.iter().map(|p| p.jurisdiction.clone()));
            }
        };
        for change in changes {
            match change {
                Change::PutJurisdiction(j) => {
                    next.jurisdictions
                        .insert(j.code.clone(), Arc::new(j.clone()));
                }
                Change::DeleteJurisdiction(j) => {
                    next.jurisdictions.remove(&j.code);
                }
                Change::PutInstrument(i) => {
                    if let Some(old) = next.instruments.get(&i.id).cloned() {
                        note(&old, &mut touched_parties, &mut conventions_touched);
                    }
                    note(i, &mut touched_parties, &mut conventions_touched);
                    next.instruments.insert(i.id.clone(), Arc::new(i.clone()));
                }
                Change::DeleteInstrument(i) => {
                    if let Some(old) = next.instruments.remove(&i.id) {
                        note(&old, &mut touched_parties, &mut conventions_touched);
                    }
                }
            }
        }
        for party in touched_parties {
            // Rebuild the bucket from the old bucket's ids plus changed ids.
            let mut ids: Vec<String> = next
                .by_party
                .get(&party)
                .map(|b| b.iter().map(|i| i.id.clone()).collect())
                .unwrap_or_default();
            for change in changes {
                if let Change::PutInstrument(i) | Change::DeleteInstrument(i) = change {
                    ids.push(i.id.clone());
                }
            }
            ids.sort();
            ids.dedup();
            let bucket: Vec<Arc<Instrument>> = ids
                .iter()
                .filter_map(|id| next.instruments.get(id).cloned())
                .filter(|i| {
                    i.kind != InstrumentKind::MultilateralConvention && i.party(&party).is_some()
                })
                .collect();
            if bucket.is_empty() {
                next.by_party.remove(&party);
            } else {
                next.by_party.insert(party, Arc::new(bucket));
            }
        }
        if conventions_touched {
            let mut conventions: Vec<_> = next
                .instruments
                .values()
                .filter(|i| i.kind == InstrumentKind::MultilateralConvention)
                .cloned()
                .collect();
            conventions.sort_by(|a, b| a.id.cmp(&b.id));
            next.conventions = Arc::new(conventions);
        }
        next
    }

    /// One instrument, if the view has it.
    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instruments.get(id).map(|i| i.as_ref())
    }

    /// The kind of an instrument, if the view has it.
    pub fn kind_of(&self, id: &str) -> Option<InstrumentKind> {
        self.instruments.get(id).map(|i| i.kind)
    }

    /// Every jurisdiction code, sorted.
    pub fn jurisdiction_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.jurisdictions.keys().cloned().collect();
        codes.sort();
        codes
    }

    /// Number of instruments.
    pub fn instrument_count(&self) -> usize {
        self.instruments.len()
    }

    /// Every instrument, sorted by id (for comparing views in tests).
    pub fn instruments_sorted(&self) -> Vec<Arc<Instrument>> {
        let mut all: Vec<_> = self.instruments.values().cloned().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }
}

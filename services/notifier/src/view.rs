//! The notifier's view of the registry: what events are derived from. It is
//! kept in sled beside the events (written in the same transaction), so a
//! restart or a re-sync can diff the registry against exactly what the
//! notifier had seen.

use std::collections::BTreeSet;
use std::sync::Arc;

use imbl::OrdMap;
use judicial_client::Change;
use judicial_domain::routing::{self, Catalog, Channel, RouteQuery};
use judicial_domain::validation::JurisdictionLookup;
use judicial_domain::{Assistance, CalendarDate, Instrument, InstrumentKind, Jurisdiction, Matter};

/// The registry's contents at one revision. Cloning is cheap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    /// Revision applied (0: nothing yet).
    pub revision: u64,
    /// Jurisdictions by code.
    pub jurisdictions: OrdMap<String, Arc<Jurisdiction>>,
    /// Instruments by id.
    pub instruments: OrdMap<String, Arc<Instrument>>,
}

impl JurisdictionLookup for View {
    fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.jurisdictions.get(code).map(|j| j.as_ref())
    }
}

/// The notifier keeps no index: the rules' lookups scan the instruments
/// (the deriver asks about the few pairs a revision touched).
impl Catalog for View {
    fn naming(&self, code: &str) -> Vec<&Instrument> {
        self.instruments
            .values()
            .filter(|i| i.kind != InstrumentKind::MultilateralConvention && i.party(code).is_some())
            .map(|i| i.as_ref())
            .collect()
    }

    fn conventions(&self) -> Vec<&Instrument> {
        self.instruments
            .values()
            .filter(|i| i.kind == InstrumentKind::MultilateralConvention)
            .map(|i| i.as_ref())
            .collect()
    }
}

/// Which resources a revision (or a re-sync) touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Instrument ids.
    pub instruments: BTreeSet<String>,
    /// Jurisdiction codes.
    pub jurisdictions: BTreeSet<String>,
}

impl Touched {
    /// Whether nothing was touched.
    pub fn is_empty(&self) -> bool {
        self.instruments.is_empty() && self.jurisdictions.is_empty()
    }
}

impl View {
    /// A view of a full snapshot.
    pub fn from_snapshot(
        revision: u64,
        jurisdictions: Vec<Jurisdiction>,
        instruments: Vec<Instrument>,
    ) -> View {
        View {
            revision,
            jurisdictions: jurisdictions
                .into_iter()
                .map(|j| (j.code.clone(), Arc::new(j)))
                .collect(),
            instruments: instruments
                .into_iter()
                .map(|i| (i.id.clone(), Arc::new(i)))
                .collect(),
        }
    }

    /// The view after one revision's changes, and what they touched.
    pub fn apply(&self, revision: u64, changes: &[Change]) -> (View, Touched) {
        let mut next = self.clone();
        next.revision = revision;
        let mut touched = Touched::default();
        for change in changes {
            match change {
                Change::PutJurisdiction(j) => {
                    touched.jurisdictions.insert(j.code.clone());
                    next.jurisdictions
                        .insert(j.code.clone(), Arc::new(j.clone()));
                }
                Change::DeleteJurisdiction(j) => {
                    touched.jurisdictions.insert(j.code.clone());
                    next.jurisdictions.remove(&j.code);
                }
                Change::PutInstrument(i) => {
                    touched.instruments.insert(i.id.clone());
                    next.instruments.insert(i.id.clone(), Arc::new(i.clone()));
                }
                Change::DeleteInstrument(i) => {
                    touched.instruments.insert(i.id.clone());
                    next.instruments.remove(&i.id);
                }
            }
        }
        (next, touched)
    }

    /// What differs between this view and `other` (a snapshot).
    pub fn diff(&self, other: &View) -> Touched {
        let mut touched = Touched::default();
        for diff in self.instruments.diff(&other.instruments) {
            touched.instruments.insert(diff_key(diff).clone());
        }
        for diff in self.jurisdictions.diff(&other.jurisdictions) {
            touched.jurisdictions.insert(diff_key(diff).clone());
        }
        touched
    }

    /// The primary channel for one (counterpart, matter, assistance) on a
    /// date, computed with the router's rules; None when the counterpart is
    /// unknown or is the home state.
    pub fn primary(
        &self,
        home: &str,
        counterpart: &str,
        matter: Matter,
        assistance: Assistance,
        on: CalendarDate,
    ) -> Option<Channel> {
        let query = RouteQuery::new(counterpart, matter, assistance, on);
        routing::primary(home, self, &query).ok()
    }
}

fn diff_key<'a, V>(diff: imbl::ordmap::DiffItem<'a, 'a, String, V>) -> &'a String {
    match diff {
        imbl::ordmap::DiffItem::Add(k, _)
        | imbl::ordmap::DiffItem::Remove(k, _)
        | imbl::ordmap::DiffItem::Update { new: (k, _), .. } => k,
    }
}

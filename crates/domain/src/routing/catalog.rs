//! What the rules read of the registry, and how they choose from it the
//! instruments a query must consider. Services keep their own index (the
//! router by party, the notifier as a map) and implement [`Catalog`] over
//! it; the rules, not the services, decide which of those instruments are
//! relevant to a counterpart.

use crate::instrument::Instrument;
use crate::validation::JurisdictionLookup;
use crate::vocabulary::InstrumentKind;

use super::Place;

/// The registry as the rules read it: its jurisdictions, the instruments
/// naming a jurisdiction as a party, and the multilateral conventions.
pub trait Catalog: JurisdictionLookup {
    /// The instruments other than multilateral conventions that name `code`
    /// as a party, in any order.
    fn naming(&self, code: &str) -> Vec<&Instrument>;

    /// Every multilateral convention, in any order.
    fn conventions(&self) -> Vec<&Instrument>;
}

/// A catalog of instruments listed in full beside a jurisdiction lookup,
/// for callers that hold a few instruments (tools, tests) rather than an
/// index: every lookup scans the list.
#[derive(Clone, Copy)]
pub struct Listed<'a> {
    jurisdictions: &'a dyn JurisdictionLookup,
    instruments: &'a [&'a Instrument],
}

impl<'a> Listed<'a> {
    /// A catalog of `instruments`, with `jurisdictions` for the codes.
    pub fn new(
        jurisdictions: &'a dyn JurisdictionLookup,
        instruments: &'a [&'a Instrument],
    ) -> Self {
        Listed {
            jurisdictions,
            instruments,
        }
    }
}

impl std::fmt::Debug for Listed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listed")
            .field("instruments", &self.instruments.len())
            .finish()
    }
}

impl JurisdictionLookup for Listed<'_> {
    fn jurisdiction(&self, code: &str) -> Option<&crate::Jurisdiction> {
        self.jurisdictions.jurisdiction(code)
    }
}

impl Catalog for Listed<'_> {
    fn naming(&self, code: &str) -> Vec<&Instrument> {
        self.instruments
            .iter()
            .copied()
            .filter(|i| i.kind != InstrumentKind::MultilateralConvention && i.party(code).is_some())
            .collect()
    }

    fn conventions(&self) -> Vec<&Instrument> {
        self.instruments
            .iter()
            .copied()
            .filter(|i| i.kind == InstrumentKind::MultilateralConvention)
            .collect()
    }
}

/// Returns the instruments a query from `home` about the counterpart at
/// `place` must consider: every one the rules may offer or report, none
/// they would ignore. Those are the instruments naming the counterpart and
/// every convention; for a region of another state, also its parent's
/// (they reach the region when extended to it, and are reported as not
/// reaching it otherwise); for a region of the home state, also the home
/// state's treaties extended to it (reported: a treaty between states does
/// not govern the state's cooperation with its own region). An instrument
/// may appear twice; [`route`](super::route) considers each id once.
pub(super) fn candidates<'c>(
    home: &str,
    counterpart: &str,
    place: Place<'_>,
    catalog: &'c dyn Catalog,
) -> Vec<&'c Instrument> {
    let mut out = catalog.naming(counterpart);
    match place {
        Place::State => {}
        Place::ForeignRegion { parent } => out.extend(catalog.naming(parent)),
        Place::OwnRegion => out.extend(catalog.naming(home).into_iter().filter(|i| {
            i.party(home)
                .is_some_and(|p| p.extended_to.iter().any(|r| r == counterpart))
        })),
    }
    out.extend(catalog.conventions());
    out
}

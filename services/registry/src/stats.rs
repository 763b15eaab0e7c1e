//! Point-in-time statistics.

use std::collections::{BTreeMap, BTreeSet};

use judicial_domain::{CalendarDate, InstrumentKind, Status};
use judicial_store::State;

use crate::query::instrument_status;

/// Figures about the registry for the home state on a date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Revision computed from.
    pub revision: u64,
    /// Bilateral treaties in force on the date, by treaty type.
    pub by_treaty_type: BTreeMap<String, i32>,
    /// Instruments certainly in force.
    pub in_force: i32,
    /// Instruments signed (or recorded) but not in force.
    pub signed_not_in_force: i32,
    /// Instruments terminated by the date.
    pub terminated: i32,
    /// Instruments whose status cannot be decided.
    pub uncertain: i32,
    /// Distinct states with a bilateral treaty in force.
    pub counterpart_states: i32,
    /// Multilateral conventions in force for the home state.
    pub multilateral_conventions: i32,
    /// Bilateral treaties recorded.
    pub bilateral_treaties: i32,
    /// Arrangements recorded.
    pub arrangements: i32,
    /// Jurisdictions known.
    pub jurisdictions: i32,
    /// Bilateral treaties concluded on or before the date, by treaty type
    /// (see `judicial_dataset::quality::concluded`).
    pub concluded_by_treaty_type: BTreeMap<String, i32>,
    /// Bilateral treaties concluded on or before the date.
    pub concluded: i32,
    /// Distinct states with a bilateral treaty concluded on or before the date.
    pub concluded_counterpart_states: i32,
    /// Bilateral treaties with no date at all for the home state.
    pub concluded_undated: i32,
}

/// Computes the statistics of `state` for `home` on `on`.
pub fn compute(state: &State, home: &str, on: CalendarDate) -> Stats {
    let mut s = Stats {
        revision: state.revision,
        jurisdictions: state.jurisdictions.len() as i32,
        ..Stats::default()
    };
    let mut counterparts = BTreeSet::new();
    for inst in state.instruments.values() {
        // Statutes carry requirements; they are not instruments in force.
        if inst.kind == InstrumentKind::DomesticLaw {
            continue;
        }
        let status = instrument_status(inst, home, on);
        match status {
            Status::InForce => s.in_force += 1,
            Status::Uncertain(_) => s.uncertain += 1,
            Status::NotYetInForce(_) | Status::NotInForce { .. } => s.signed_not_in_force += 1,
            Status::Terminated(_) => s.terminated += 1,
        }
        match inst.kind {
            InstrumentKind::BilateralTreaty => {
                s.bilateral_treaties += 1;
                if status == Status::InForce {
                    if let Some(t) = inst.treaty_type {
                        *s.by_treaty_type
                            .entry(t.as_str().to_ascii_uppercase())
                            .or_default() += 1;
                    }
                    counterparts.extend(inst.counterparts(home).map(str::to_owned));
                }
            }
            InstrumentKind::MultilateralConvention => {
                if status == Status::InForce && inst.party(home).is_some() {
                    s.multilateral_conventions += 1;
                }
            }
            InstrumentKind::Arrangement => s.arrangements += 1,
            InstrumentKind::DomesticLaw => {}
        }
    }
    s.counterpart_states = counterparts.len() as i32;
    let concluded =
        judicial_dataset::quality::concluded(state.instruments.values().map(|i| &**i), home, on);
    s.concluded_by_treaty_type = concluded
        .by_type
        .iter()
        .map(|(t, n)| (t.as_str().to_ascii_uppercase(), *n as i32))
        .collect();
    s.concluded = concluded.total as i32;
    s.concluded_counterpart_states = concluded.counterpart_states as i32;
    s.concluded_undated = concluded.undated as i32;
    s
}

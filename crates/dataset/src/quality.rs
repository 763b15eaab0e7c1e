//! How complete and how well sourced a dataset is: the figures behind the
//! crate README's coverage tables, `judicial dataset report`, and the
//! "concluded by a date" counts that `GetStats` reports beside "in force".
//!
//! Everything here is computed from instruments alone, so the same code
//! describes the bundled data, a TOML directory, or a running registry's
//! export. The known totals that the figures are compared with are the
//! counts the fact base found in its sources (`KNOWN_*` below); extend them
//! when a new count is sourced.

use std::collections::{BTreeMap, BTreeSet};

use judicial_domain::{CalendarDate, Instrument, InstrumentKind, PartialDate, TreatyType};
use serde::Serialize;

/// The known total of bilateral treaties of one type, with its source.
pub const KNOWN_TREATY_TOTALS: &[(TreatyType, &str)] = &[
    (
        TreatyType::Extradition,
        "61: 60 per MFA, Aug 2023, then Botswana and Serbia",
    ),
    (TreatyType::Criminal, "at least 44 (MFA count, Sept 2018)"),
    (
        TreatyType::CivilAndCriminal,
        "19 (all in force, MFA list, Sept 2018)",
    ),
    (TreatyType::CivilCommercial, "21 (Nov 2024)"),
    (TreatyType::TransferOfSentencedPersons, "17 (MOJ, c. 2024)"),
];

/// The known total of all bilateral treaties, with its source.
pub const KNOWN_BILATERAL_TOTAL: &str =
    "173 with 83 states (zh.wikipedia, Nov 2024), plus Serbia extradition (2024/2025)";

/// What the sources say about each convention's full party list, by
/// instrument id. A convention without an entry shows "not recorded".
pub const KNOWN_PARTY_TOTALS: &[(&str, &str)] = &[
    (
        "hague-service-1965",
        "84 (HCCH: 82 in Dec 2023 - Jan 2024, plus 2 in March 2024)",
    ),
    (
        "hague-evidence-1970",
        "65 (HCCH: 64 on 2021-05-31, plus El Salvador)",
    ),
    (
        "un-narcotics-1988",
        "191 as of June 2020, plus South Sudan (2023)",
    ),
    ("untoc-2000", "192 (UN Treaty Collection, as at 2024-05-04)"),
    ("uncac-2003", "192 (per a 2026-02-07 source)"),
    (
        "un-terrorist-financing-1999",
        "190 (a recent list of non-parties; no dated count)",
    ),
];

/// The founding document's figures: "66 treaties with 44 countries: 12 civil
/// and commercial, 11 criminal, 19 civil and criminal, 21 extradition, 2
/// transfer of sentenced persons" (the five figures sum to 65).
pub const FOUNDING_FIGURES: &[(TreatyType, usize)] = &[
    (TreatyType::CivilCommercial, 12),
    (TreatyType::Criminal, 11),
    (TreatyType::CivilAndCriminal, 19),
    (TreatyType::Extradition, 21),
    (TreatyType::TransferOfSentencedPersons, 2),
];

/// The founding document's number of countries.
pub const FOUNDING_COUNTRIES: usize = 44;

/// Words in an instrument's notes that mark a recorded conflict between sources.
const CONFLICT_MARKS: &[&str] = &["conflict", "disagree", "differ", "kept in this note only"];

/// The quality of the bilateral treaties of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreatyTypeQuality {
    /// The treaty type.
    pub treaty_type: TreatyType,
    /// Treaties recorded.
    pub rows: usize,
    /// Distinct counterpart states.
    pub counterparts: usize,
    /// With the home state's signing date.
    pub signed: usize,
    /// With the home state's ratification or approval.
    pub ratified: usize,
    /// With an entry-into-force date.
    pub entry_into_force: usize,
    /// With only an `in_force_as_of` attestation (no entry-into-force date).
    pub in_force_as_of_only: usize,
    /// With neither: nothing says they are in force.
    pub no_in_force_evidence: usize,
    /// With the official title.
    pub with_title: usize,
    /// Resting on a single source.
    pub single_source: usize,
    /// Whose notes flag a source as weak.
    pub flagged_weak: usize,
    /// Resting on a single source that the notes flag as weak.
    pub single_weak_source: usize,
    /// Ids of the treaties whose notes record a conflict between sources.
    pub conflicts: Vec<String>,
    /// The known total, with its source (empty when none is recorded).
    pub known_total: &'static str,
}

/// The quality of one multilateral convention's party list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConventionQuality {
    /// Instrument id.
    pub id: String,
    /// Short name.
    pub name: String,
    /// Parties recorded, the home state included.
    pub parties: usize,
    /// Parties with an entry-into-force date.
    pub with_entry_into_force: usize,
    /// Whether the home state is a recorded party.
    pub home_is_party: bool,
    /// The known total, with its source (empty when none is recorded).
    pub known_total: &'static str,
    /// How complete the recorded list is against the known total.
    pub completeness: String,
    /// Whether its notes record a conflict between sources.
    pub conflict_in_notes: bool,
}

/// The data-quality report of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Bilateral treaties recorded.
    pub bilateral_treaties: usize,
    /// Distinct counterpart states of the bilateral treaties.
    pub bilateral_counterparts: usize,
    /// The known total of bilateral treaties.
    pub bilateral_known_total: &'static str,
    /// One row per treaty type, in contract order (types with no treaty included).
    pub treaty_types: Vec<TreatyTypeQuality>,
    /// One row per multilateral convention, by id (a registry's export and
    /// the files order instruments differently).
    pub conventions: Vec<ConventionQuality>,
    /// Arrangements recorded.
    pub arrangements: usize,
}

/// Returns the data-quality report of `instruments` for the home state `home`.
pub fn report(instruments: &[Instrument], home: &str) -> Report {
    let bilateral: Vec<&Instrument> = instruments
        .iter()
        .filter(|i| i.kind == InstrumentKind::BilateralTreaty)
        .collect();
    let treaty_types = TreatyType::ALL
        .iter()
        .map(|&t| treaty_type_quality(&bilateral, home, t))
        .collect();
    let mut conventions: Vec<ConventionQuality> = instruments
        .iter()
        .filter(|i| i.kind == InstrumentKind::MultilateralConvention)
        .map(|i| convention_quality(i, home))
        .collect();
    conventions.sort_by(|a, b| a.id.cmp(&b.id));
    Report {
        bilateral_treaties: bilateral.len(),
        bilateral_counterparts: counterparts(&bilateral, home),
        bilateral_known_total: KNOWN_BILATERAL_TOTAL,
        treaty_types,
        conventions,
        arrangements: instruments
            .iter()
            .filter(|i| i.kind == InstrumentKind::Arrangement)
            .count(),
    }
}

fn counterparts(treaties: &[&Instrument], home: &str) -> usize {
    treaties
        .iter()
        .flat_map(|t| t.counterparts(home))
        .collect::<BTreeSet<_>>()
        .len()
}

fn records_conflict(notes: &str) -> bool {
    let notes = notes.to_ascii_lowercase();
    CONFLICT_MARKS.iter().any(|m| notes.contains(m))
}

fn treaty_type_quality(bilateral: &[&Instrument], home: &str, t: TreatyType) -> TreatyTypeQuality {
    let rows: Vec<&Instrument> = bilateral
        .iter()
        .copied()
        .filter(|i| i.treaty_type == Some(t))
        .collect();
    let home_party = |i: &&Instrument| i.party(home).cloned().unwrap_or_default();
    let count = |f: &dyn Fn(&Instrument) -> bool| rows.iter().filter(|i| f(i)).count();
    let entry = |i: &Instrument| home_party(&i).entry_into_force.is_some();
    let as_of = |i: &Instrument| home_party(&i).in_force_as_of.is_some();
    let weak = |i: &Instrument| i.notes.to_ascii_lowercase().contains("weak");
    TreatyTypeQuality {
        treaty_type: t,
        rows: rows.len(),
        counterparts: counterparts(&rows, home),
        signed: count(&|i| home_party(&i).signed.is_some()),
        ratified: count(&|i| home_party(&i).ratified.is_some()),
        entry_into_force: count(&entry),
        in_force_as_of_only: count(&|i| !entry(i) && as_of(i)),
        no_in_force_evidence: count(&|i| !entry(i) && !as_of(i)),
        with_title: count(&|i| !i.title.is_empty()),
        single_source: count(&|i| i.sources.len() == 1),
        flagged_weak: count(&weak),
        single_weak_source: count(&|i| i.sources.len() == 1 && weak(i)),
        conflicts: {
            let mut ids: Vec<String> = rows
                .iter()
                .filter(|i| records_conflict(&i.notes))
                .map(|i| i.id.clone())
                .collect();
            ids.sort();
            ids
        },
        known_total: KNOWN_TREATY_TOTALS
            .iter()
            .find(|(k, _)| *k == t)
            .map_or("", |(_, total)| total),
    }
}

fn convention_quality(i: &Instrument, home: &str) -> ConventionQuality {
    let known_total = KNOWN_PARTY_TOTALS
        .iter()
        .find(|(id, _)| *id == i.id)
        .map_or("", |(_, total)| total);
    let parties = i.parties.len();
    let completeness = match leading_number(known_total) {
        Some(total) if parties >= total => format!("{parties} of {total}: complete"),
        Some(total) => format!("{parties} of {total}: partial"),
        None => "unknown: no count recorded".to_owned(),
    };
    ConventionQuality {
        id: i.id.clone(),
        name: i.display_title().to_owned(),
        parties,
        with_entry_into_force: i
            .parties
            .iter()
            .filter(|p| p.entry_into_force.is_some())
            .count(),
        home_is_party: i.party(home).is_some(),
        known_total,
        completeness,
        conflict_in_notes: records_conflict(&i.notes)
            || i.parties.iter().any(|p| records_conflict(&p.notes)),
    }
}

fn leading_number(text: &str) -> Option<usize> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Bilateral treaties concluded on or before a date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Concluded {
    /// The date.
    pub on: String,
    /// Treaties concluded by the date, by type.
    pub by_type: BTreeMap<TreatyType, usize>,
    /// Their sum.
    pub total: usize,
    /// Distinct counterpart states among them.
    pub counterpart_states: usize,
    /// Treaties with no date at all recorded for the home state, which are
    /// never counted.
    pub undated: usize,
}

/// The earliest recorded act of the home state that proves a treaty was
/// concluded: its signature, or, where that is not recorded, a ratification,
/// an entry into force or an attestation in force (each implies a signature
/// before it). `None` when the home state has no date at all.
pub fn concluded_by(treaty: &Instrument, home: &str) -> Option<PartialDate> {
    let p = treaty.party(home)?;
    if p.signed.is_some() {
        return p.signed;
    }
    [p.ratified, p.entry_into_force, p.in_force_as_of]
        .into_iter()
        .flatten()
        .min_by_key(PartialDate::latest)
}

/// Counts the bilateral treaties certainly concluded on or before `on`: those
/// whose [`concluded_by`] date, read at its latest (`"2005"` is 2005-12-31),
/// is not after `on`.
pub fn concluded<'a>(
    instruments: impl IntoIterator<Item = &'a Instrument>,
    home: &str,
    on: CalendarDate,
) -> Concluded {
    let mut c = Concluded {
        on: on.to_string(),
        ..Concluded::default()
    };
    let mut states = BTreeSet::new();
    for i in instruments {
        let (InstrumentKind::BilateralTreaty, Some(t)) = (i.kind, i.treaty_type) else {
            continue;
        };
        match concluded_by(i, home) {
            None => c.undated += 1,
            Some(d) if d.latest() <= on => {
                *c.by_type.entry(t).or_default() += 1;
                c.total += 1;
                states.extend(i.counterparts(home).map(str::to_owned));
            }
            Some(_) => {}
        }
    }
    c.counterpart_states = states.len();
    c
}

/// The date at which the dataset comes closest to the founding document's
/// figures, with the counts on it and their distance: the sum over treaty
/// types of |concluded − founding figure|, plus |countries − 44|. The
/// earliest such date is returned; the counts only change on the dates
/// [`concluded_by`] gives, so only those are tried.
pub fn closest_to_founding_figures(instruments: &[Instrument], home: &str) -> (Concluded, usize) {
    let mut dates: Vec<CalendarDate> = instruments
        .iter()
        .filter(|i| i.kind == InstrumentKind::BilateralTreaty)
        .filter_map(|i| concluded_by(i, home))
        .map(|d| d.latest())
        .collect();
    dates.sort();
    dates.dedup();
    let mut best: Option<(Concluded, usize)> = None;
    for on in dates {
        let c = concluded(instruments, home, on);
        let distance = founding_distance(&c);
        if best.as_ref().is_none_or(|(_, d)| distance < *d) {
            best = Some((c, distance));
        }
    }
    best.unwrap_or_default()
}

/// The distance of concluded counts from the founding document's figures.
pub fn founding_distance(c: &Concluded) -> usize {
    FOUNDING_FIGURES
        .iter()
        .map(|(t, want)| c.by_type.get(t).copied().unwrap_or(0).abs_diff(*want))
        .sum::<usize>()
        + c.counterpart_states.abs_diff(FOUNDING_COUNTRIES)
}

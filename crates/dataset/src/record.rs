//! The records of a dataset file as written (strings, with their positions),
//! and their conversion into domain types. Every value keeps its span so that
//! a problem found later, even by domain validation, can name its line.

mod conversion;

use std::collections::HashMap;
use std::ops::Range;

use judicial_domain::{Instrument, Jurisdiction, Requirement};
use serde::Deserialize;
use toml::Spanned;

use crate::error::Problem;
use crate::location::{LineIndex, field_at, parent_path};

use conversion::Converter;
use conversion::requirement::RequirementRecord;

type Text = Spanned<String>;
type DateValue = Spanned<toml::Value>;

/// A whole file: optional extra jurisdictions, then instruments.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecord {
    #[serde(default)]
    jurisdictions: Vec<Spanned<JurisdictionRecord>>,
    #[serde(default)]
    instruments: Vec<Spanned<InstrumentRecord>>,
    #[serde(default)]
    requirements: Vec<Spanned<RequirementRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JurisdictionRecord {
    code: Option<Text>,
    display_name: Option<Text>,
    kind: Option<Text>,
    parent: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentRecord {
    id: Option<Text>,
    kind: Option<Text>,
    treaty_type: Option<Text>,
    title: Option<Text>,
    title_en: Option<Text>,
    short_name: Option<Text>,
    #[serde(default)]
    offence_scope: Vec<Text>,
    party_list: Option<Spanned<PartyListRecord>>,
    notes: Option<Text>,
    #[serde(default)]
    sources: Vec<Text>,
    #[serde(default)]
    coverage: Vec<Spanned<CoverageRecord>>,
    #[serde(default)]
    parties: Vec<Spanned<PartyRecord>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoverageRecord {
    matter: Option<Text>,
    assistance: Option<Text>,
    articles: Option<Text>,
    #[serde(default)]
    transmissions: Vec<Text>,
    #[serde(default)]
    transmission_articles: std::collections::BTreeMap<String, Text>,
    #[serde(default)]
    conditions: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyListRecord {
    complete_as_of: Option<DateValue>,
    covers: Option<Text>,
    #[serde(default)]
    sources: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptanceRecord {
    by: Option<Text>,
    deposited: Option<DateValue>,
    effective: Option<DateValue>,
    #[serde(default)]
    territories: Vec<Text>,
    #[serde(default)]
    sources: Vec<Text>,
    notes: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtensionRecord {
    region: Option<Text>,
    effective_from: Option<DateValue>,
    effective_until: Option<DateValue>,
    #[serde(default)]
    central_authorities: Vec<Spanned<AuthorityRecord>>,
    #[serde(default)]
    sources: Vec<Text>,
    notes: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyRecord {
    jurisdiction: Option<Text>,
    signed: Option<DateValue>,
    ratified: Option<DateValue>,
    entry_into_force: Option<DateValue>,
    termination_notice: Option<DateValue>,
    termination_effective: Option<DateValue>,
    in_force_as_of: Option<DateValue>,
    accession_requires_acceptance: Option<Spanned<bool>>,
    #[serde(default)]
    accepted_by: Vec<Text>,
    #[serde(default)]
    extended_to: Vec<Text>,
    #[serde(default)]
    central_authorities: Vec<Spanned<AuthorityRecord>>,
    #[serde(default)]
    reservations: Vec<Spanned<ReservationRecord>>,
    notes: Option<Text>,
    continues_for: Option<Text>,
    #[serde(default)]
    acceptances: Vec<Spanned<AcceptanceRecord>>,
    #[serde(default)]
    extensions: Vec<Spanned<ExtensionRecord>>,
    #[serde(default)]
    statements_recorded: Vec<Text>,
    #[serde(default)]
    sources: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityRecord {
    name: Option<Text>,
    matter: Option<Text>,
    assistance: Option<Text>,
    notes: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReservationRecord {
    article: Option<Text>,
    text: Option<Text>,
    #[serde(default)]
    excluded_assistances: Vec<Text>,
    #[serde(default)]
    excluded_transmissions: Vec<Text>,
    kind: Option<Text>,
    binds: Option<Text>,
    effective_from: Option<DateValue>,
    effective_until: Option<DateValue>,
    #[serde(default)]
    sources: Vec<Text>,
    required_language: Option<Text>,
    #[serde(default)]
    objects_to: Vec<Text>,
    #[serde(default)]
    regions: Vec<Text>,
    notes: Option<Text>,
}

/// One parsed file: its records as domain values, and where each field is.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    pub(crate) name: String,
    pub(crate) jurisdictions: Vec<Jurisdiction>,
    pub(crate) instruments: Vec<Instrument>,
    /// `[[requirements]]` records, in file order: the id of the instrument
    /// each belongs to, and the requirement (merged in by the loader).
    pub(crate) requirements: Vec<(String, Requirement)>,
    lines: LineIndex,
    spans: HashMap<String, Range<usize>>,
}

impl ParsedFile {
    /// Parses a file's text; on failure returns every problem found in it.
    pub(crate) fn parse(name: &str, text: &str) -> Result<ParsedFile, Vec<Problem>> {
        let lines = LineIndex::new(text);
        let record: FileRecord = match toml::from_str(text) {
            Ok(record) => record,
            Err(error) => {
                let offset = error.span().map(|s| s.start);
                return Err(vec![Problem {
                    file: name.to_owned(),
                    line: offset.map(|o| lines.line(o)),
                    field: offset.map(|o| field_at(text, o)).unwrap_or_default(),
                    message: error.message().trim().to_owned(),
                }]);
            }
        };
        let mut convert = Converter {
            file: name,
            lines: &lines,
            spans: HashMap::new(),
            problems: Vec::new(),
        };
        let jurisdictions = record
            .jurisdictions
            .iter()
            .enumerate()
            .filter_map(|(i, j)| convert.jurisdiction(&format!("jurisdictions[{i}]"), j))
            .collect();
        let instruments = record
            .instruments
            .iter()
            .enumerate()
            .filter_map(|(i, r)| convert.instrument(&format!("instruments[{i}]"), r))
            .collect();
        let requirements = record
            .requirements
            .iter()
            .enumerate()
            .filter_map(|(i, r)| convert.requirement(&format!("requirements[{i}]"), r))
            .collect();
        let Converter {
            spans, problems, ..
        } = convert;
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ParsedFile {
            name: name.to_owned(),
            jurisdictions,
            instruments,
            requirements,
            lines,
            spans,
        })
    }

    /// Locates a field path of this file (`instruments[3].parties[1].signed`)
    /// as a problem: the line of the field, or of the nearest enclosing record.
    pub(crate) fn problem(&self, field: String, message: String) -> Problem {
        let mut path = field.as_str();
        let line = loop {
            if let Some(span) = self.spans.get(path) {
                break Some(self.lines.line(span.start));
            }
            match parent_path(path) {
                Some(parent) => path = parent,
                None => break None,
            }
        };
        Problem {
            file: self.name.clone(),
            line,
            field,
            message,
        }
    }
}

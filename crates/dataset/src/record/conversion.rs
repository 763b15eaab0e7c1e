//! Conversion of records into domain values: closed vocabularies and dates
//! are parsed here, and every field's span is remembered for later problems.

pub(crate) mod requirement;

use std::collections::HashMap;
use std::fmt::Display;
use std::ops::Range;

use judicial_domain::{
    Acceptance, Assistance, Binds, CentralAuthority, Coverage, Extension, Instrument,
    InstrumentKind, Jurisdiction, JurisdictionKind, Matter, PartialDate, Party, PartyList,
    Reservation, StatementKind, TreatyType,
};
use toml::Spanned;

use super::{
    AcceptanceRecord, AuthorityRecord, CoverageRecord, DateValue, ExtensionRecord,
    InstrumentRecord, JurisdictionRecord, PartyListRecord, PartyRecord, ReservationRecord, Text,
};
use crate::error::Problem;
use crate::location::LineIndex;

/// Converts records to domain values, recording spans and problems.
pub(super) struct Converter<'a> {
    pub(super) file: &'a str,
    pub(super) lines: &'a LineIndex,
    pub(super) spans: HashMap<String, Range<usize>>,
    pub(super) problems: Vec<Problem>,
}

impl Converter<'_> {
    fn mark(&mut self, path: &str, span: Range<usize>) {
        self.spans.insert(path.to_owned(), span);
    }

    fn problem(&mut self, path: &str, span: Range<usize>, message: String) {
        self.problems.push(Problem {
            file: self.file.to_owned(),
            line: Some(self.lines.line(span.start)),
            field: path.to_owned(),
            message,
        });
    }

    fn text(&mut self, path: &str, value: &Option<Text>) -> String {
        match value {
            Some(v) => {
                self.mark(path, v.span());
                v.get_ref().clone()
            }
            None => String::new(),
        }
    }

    fn texts(&mut self, path: &str, values: &[Text]) -> Vec<String> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                self.mark(&format!("{path}[{i}]"), v.span());
                v.get_ref().clone()
            })
            .collect()
    }

    /// Parses a closed-vocabulary value, reporting an unknown one with the
    /// accepted spellings.
    fn word<T: Copy + Display>(
        &mut self,
        path: &str,
        value: &Text,
        what: &str,
        parse: fn(&str) -> Option<T>,
        all: &[T],
    ) -> Option<T> {
        self.mark(path, value.span());
        let parsed = parse(value.get_ref());
        if parsed.is_none() {
            let expected: Vec<String> = all.iter().map(|v| v.to_string()).collect();
            self.problem(
                path,
                value.span(),
                format!(
                    "unknown {what} {:?}; expected one of {}",
                    value.get_ref(),
                    expected.join(", ")
                ),
            );
        }
        parsed
    }

    /// Like `word`, for a value the record must have.
    fn required_word<T: Copy + Display>(
        &mut self,
        path: &str,
        value: &Option<Text>,
        record_span: Range<usize>,
        what: &str,
        parse: fn(&str) -> Option<T>,
        all: &[T],
    ) -> Option<T> {
        match value {
            Some(v) => self.word(path, v, what, parse, all),
            None => {
                let expected: Vec<String> = all.iter().map(|v| v.to_string()).collect();
                self.problem(
                    path,
                    record_span,
                    format!("{what} is required; one of {}", expected.join(", ")),
                );
                None
            }
        }
    }

    fn words<T: Copy + Display>(
        &mut self,
        path: &str,
        values: &[Text],
        what: &str,
        parse: fn(&str) -> Option<T>,
        all: &[T],
    ) -> Vec<T> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.word(&format!("{path}[{i}]"), v, what, parse, all))
            .collect()
    }

    /// Reads a date written as "YYYY", "YYYY-MM" or "YYYY-MM-DD", a bare year
    /// (1987) or a TOML date (1987-05-04).
    fn date(&mut self, path: &str, value: &Option<DateValue>) -> Option<PartialDate> {
        let value = value.as_ref()?;
        self.mark(path, value.span());
        let parsed = match value.get_ref() {
            toml::Value::String(s) => PartialDate::parse(s),
            toml::Value::Integer(year) => i32::try_from(*year)
                .ok()
                .map(PartialDate::year)
                .filter(PartialDate::is_valid),
            toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => Some(PartialDate::day(i32::from(d.year), d.month, d.day))
                    .filter(PartialDate::is_valid),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            let shown = match value.get_ref() {
                toml::Value::String(s) => format!("{s:?}"),
                other => other.to_string(),
            };
            self.problem(
                path,
                value.span(),
                format!(
                    "invalid date {shown}: write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" with a real month and day"
                ),
            );
        }
        parsed
    }

    pub(super) fn jurisdiction(
        &mut self,
        path: &str,
        record: &Spanned<JurisdictionRecord>,
    ) -> Option<Jurisdiction> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let code = self.text(&format!("{path}.code"), &r.code);
        let display_name = self.text(&format!("{path}.display_name"), &r.display_name);
        let parent = r.parent.as_ref().map(|p| {
            self.mark(&format!("{path}.parent"), p.span());
            p.get_ref().clone()
        });
        let kind = self.required_word(
            &format!("{path}.kind"),
            &r.kind,
            record.span(),
            "jurisdiction kind",
            parse_jurisdiction_kind,
            &[JurisdictionKindName::State, JurisdictionKindName::Region],
        )?;
        Some(Jurisdiction {
            code,
            display_name,
            kind: match kind {
                JurisdictionKindName::State => JurisdictionKind::State,
                JurisdictionKindName::Region => JurisdictionKind::Region,
            },
            parent,
            revision: 0,
        })
    }

    pub(super) fn instrument(
        &mut self,
        path: &str,
        record: &Spanned<InstrumentRecord>,
    ) -> Option<Instrument> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let id = self.text(&format!("{path}.id"), &r.id);
        // An instrument's line is best shown by its id line: a table's own span
        // may start at its header or at its first key.
        if let Some(id) = &r.id {
            self.mark(path, id.span());
        }
        let kind = self.required_word(
            &format!("{path}.kind"),
            &r.kind,
            record.span(),
            "instrument kind",
            InstrumentKind::parse,
            InstrumentKind::ALL,
        );
        let treaty_type = r.treaty_type.as_ref().and_then(|t| {
            self.word(
                &format!("{path}.treaty_type"),
                t,
                "treaty type",
                TreatyType::parse,
                TreatyType::ALL,
            )
        });
        let title = self.text(&format!("{path}.title"), &r.title);
        let title_en = self.text(&format!("{path}.title_en"), &r.title_en);
        let short_name = self.text(&format!("{path}.short_name"), &r.short_name);
        let offence_scope = self.texts(&format!("{path}.offence_scope"), &r.offence_scope);
        let notes = self.text(&format!("{path}.notes"), &r.notes);
        let sources = self.texts(&format!("{path}.sources"), &r.sources);
        let party_list = match &r.party_list {
            Some(l) => Some(self.party_list(&format!("{path}.party_list"), l)?),
            None => None,
        };
        let coverage: Vec<Option<Coverage>> = r
            .coverage
            .iter()
            .enumerate()
            .map(|(i, c)| self.coverage(&format!("{path}.coverage[{i}]"), c))
            .collect();
        let parties: Vec<Option<Party>> = r
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| self.party(&format!("{path}.parties[{i}]"), p))
            .collect();
        let mut instrument = Instrument::new(id, kind?, title);
        instrument.treaty_type = treaty_type;
        instrument.title_en = title_en;
        instrument.short_name = short_name;
        instrument.offence_scope = offence_scope;
        instrument.notes = notes;
        instrument.sources = sources;
        instrument.party_list = party_list;
        instrument.coverage = coverage.into_iter().collect::<Option<_>>()?;
        instrument.parties = parties.into_iter().collect::<Option<_>>()?;
        Some(instrument)
    }

    fn coverage(&mut self, path: &str, record: &Spanned<CoverageRecord>) -> Option<Coverage> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let matter = self.required_word(
            &format!("{path}.matter"),
            &r.matter,
            record.span(),
            "matter",
            Matter::parse,
            Matter::ALL,
        );
        let assistance = self.required_word(
            &format!("{path}.assistance"),
            &r.assistance,
            record.span(),
            "assistance",
            Assistance::parse,
            Assistance::ALL,
        );
        let articles = self.text(&format!("{path}.articles"), &r.articles);
        let transmissions = self.texts(&format!("{path}.transmissions"), &r.transmissions);
        let transmission_articles = r
            .transmission_articles
            .iter()
            .map(|(k, v)| {
                self.mark(&format!("{path}.transmission_articles.{k}"), v.span());
                (k.clone(), v.get_ref().clone())
            })
            .collect();
        Some(Coverage {
            matter: matter?,
            assistance: assistance?,
            articles,
            transmissions,
            transmission_articles,
            conditions: self.texts(&format!("{path}.conditions"), &r.conditions),
        })
    }

    fn party_list(&mut self, path: &str, record: &Spanned<PartyListRecord>) -> Option<PartyList> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let complete_as_of = self.date(&format!("{path}.complete_as_of"), &r.complete_as_of);
        if r.complete_as_of.is_some() && complete_as_of.is_none() {
            return None;
        }
        Some(PartyList {
            complete_as_of,
            covers: self.text(&format!("{path}.covers"), &r.covers),
            sources: self.texts(&format!("{path}.sources"), &r.sources),
        })
    }

    fn acceptance(&mut self, path: &str, record: &Spanned<AcceptanceRecord>) -> Option<Acceptance> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let deposited = self.date(&format!("{path}.deposited"), &r.deposited);
        let effective = self.date(&format!("{path}.effective"), &r.effective);
        if (r.deposited.is_some() && deposited.is_none())
            || (r.effective.is_some() && effective.is_none())
        {
            return None;
        }
        Some(Acceptance {
            by: self.text(&format!("{path}.by"), &r.by),
            deposited,
            effective,
            territories: self.texts(&format!("{path}.territories"), &r.territories),
            sources: self.texts(&format!("{path}.sources"), &r.sources),
            notes: self.text(&format!("{path}.notes"), &r.notes),
        })
    }

    fn extension(&mut self, path: &str, record: &Spanned<ExtensionRecord>) -> Option<Extension> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let effective_from = self.date(&format!("{path}.effective_from"), &r.effective_from);
        let effective_until = self.date(&format!("{path}.effective_until"), &r.effective_until);
        if (r.effective_from.is_some() && effective_from.is_none())
            || (r.effective_until.is_some() && effective_until.is_none())
        {
            return None;
        }
        let authorities: Vec<Option<CentralAuthority>> = r
            .central_authorities
            .iter()
            .enumerate()
            .map(|(i, a)| self.authority(&format!("{path}.central_authorities[{i}]"), a))
            .collect();
        Some(Extension {
            region: self.text(&format!("{path}.region"), &r.region),
            effective_from,
            effective_until,
            central_authorities: authorities.into_iter().collect::<Option<_>>()?,
            sources: self.texts(&format!("{path}.sources"), &r.sources),
            notes: self.text(&format!("{path}.notes"), &r.notes),
        })
    }

    fn party(&mut self, path: &str, record: &Spanned<PartyRecord>) -> Option<Party> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let mut ok = true;
        let mut date = |c: &mut Self, name: &str, value: &Option<DateValue>| {
            let parsed = c.date(&format!("{path}.{name}"), value);
            ok &= value.is_none() || parsed.is_some();
            parsed
        };
        let signed = date(self, "signed", &r.signed);
        let ratified = date(self, "ratified", &r.ratified);
        let entry_into_force = date(self, "entry_into_force", &r.entry_into_force);
        let termination_notice = date(self, "termination_notice", &r.termination_notice);
        let termination_effective = date(self, "termination_effective", &r.termination_effective);
        let in_force_as_of = date(self, "in_force_as_of", &r.in_force_as_of);
        let authorities: Vec<Option<CentralAuthority>> = r
            .central_authorities
            .iter()
            .enumerate()
            .map(|(i, a)| self.authority(&format!("{path}.central_authorities[{i}]"), a))
            .collect();
        let reservations: Vec<Option<Reservation>> = r
            .reservations
            .iter()
            .enumerate()
            .map(|(i, a)| self.reservation(&format!("{path}.reservations[{i}]"), a))
            .collect();
        let acceptances: Vec<Option<Acceptance>> = r
            .acceptances
            .iter()
            .enumerate()
            .map(|(i, a)| self.acceptance(&format!("{path}.acceptances[{i}]"), a))
            .collect();
        let extensions: Vec<Option<Extension>> = r
            .extensions
            .iter()
            .enumerate()
            .map(|(i, a)| self.extension(&format!("{path}.extensions[{i}]"), a))
            .collect();
        if let Some(flag) = &r.accession_requires_acceptance {
            self.mark(
                &format!("{path}.accession_requires_acceptance"),
                flag.span(),
            );
        }
        let party = Party {
            jurisdiction: self.text(&format!("{path}.jurisdiction"), &r.jurisdiction),
            signed,
            ratified,
            entry_into_force,
            termination_notice,
            termination_effective,
            in_force_as_of,
            reservations: reservations.into_iter().collect::<Option<_>>()?,
            central_authorities: authorities.into_iter().collect::<Option<_>>()?,
            accession_requires_acceptance: r
                .accession_requires_acceptance
                .as_ref()
                .is_some_and(|f| *f.get_ref()),
            accepted_by: self.texts(&format!("{path}.accepted_by"), &r.accepted_by),
            extended_to: self.texts(&format!("{path}.extended_to"), &r.extended_to),
            notes: self.text(&format!("{path}.notes"), &r.notes),
            continues_for: self.text(&format!("{path}.continues_for"), &r.continues_for),
            acceptances: acceptances.into_iter().collect::<Option<_>>()?,
            extensions: extensions.into_iter().collect::<Option<_>>()?,
            statements_recorded: self.texts(
                &format!("{path}.statements_recorded"),
                &r.statements_recorded,
            ),
            sources: self.texts(&format!("{path}.sources"), &r.sources),
        };
        ok.then_some(party)
    }

    fn authority(
        &mut self,
        path: &str,
        record: &Spanned<AuthorityRecord>,
    ) -> Option<CentralAuthority> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let matter = match &r.matter {
            Some(m) => Some(self.word(
                &format!("{path}.matter"),
                m,
                "matter",
                Matter::parse,
                Matter::ALL,
            )?),
            None => None,
        };
        let assistance = match &r.assistance {
            Some(a) => Some(self.word(
                &format!("{path}.assistance"),
                a,
                "assistance",
                Assistance::parse,
                Assistance::ALL,
            )?),
            None => None,
        };
        Some(CentralAuthority {
            matter,
            assistance,
            name: self.text(&format!("{path}.name"), &r.name),
            notes: self.text(&format!("{path}.notes"), &r.notes),
        })
    }

    fn reservation(
        &mut self,
        path: &str,
        record: &Spanned<ReservationRecord>,
    ) -> Option<Reservation> {
        self.mark(path, record.span());
        let r = record.get_ref();
        let excluded_assistances = self.words(
            &format!("{path}.excluded_assistances"),
            &r.excluded_assistances,
            "assistance",
            Assistance::parse,
            Assistance::ALL,
        );
        if excluded_assistances.len() != r.excluded_assistances.len() {
            return None;
        }
        let kind = match &r.kind {
            Some(k) => Some(self.word(
                &format!("{path}.kind"),
                k,
                "statement kind",
                StatementKind::parse,
                StatementKind::ALL,
            )?),
            None => None,
        };
        let binds = match &r.binds {
            Some(b) => Some(self.word(
                &format!("{path}.binds"),
                b,
                "binds value",
                Binds::parse,
                Binds::ALL,
            )?),
            None => None,
        };
        let effective_from = self.date(&format!("{path}.effective_from"), &r.effective_from);
        let effective_until = self.date(&format!("{path}.effective_until"), &r.effective_until);
        if (r.effective_from.is_some() && effective_from.is_none())
            || (r.effective_until.is_some() && effective_until.is_none())
        {
            return None;
        }
        Some(Reservation {
            article: self.text(&format!("{path}.article"), &r.article),
            text: self.text(&format!("{path}.text"), &r.text),
            excluded_assistances,
            excluded_transmissions: self.texts(
                &format!("{path}.excluded_transmissions"),
                &r.excluded_transmissions,
            ),
            kind,
            binds,
            effective_from,
            effective_until,
            sources: self.texts(&format!("{path}.sources"), &r.sources),
            required_language: self
                .text(&format!("{path}.required_language"), &r.required_language),
            objects_to: self.texts(&format!("{path}.objects_to"), &r.objects_to),
            regions: self.texts(&format!("{path}.regions"), &r.regions),
            notes: self.text(&format!("{path}.notes"), &r.notes),
        })
    }
}

/// The spellings of `JurisdictionKind` in files.
#[derive(Debug, Clone, Copy)]
enum JurisdictionKindName {
    State,
    Region,
}

impl Display for JurisdictionKindName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JurisdictionKindName::State => "state",
            JurisdictionKindName::Region => "region",
        })
    }
}

fn parse_jurisdiction_kind(text: &str) -> Option<JurisdictionKindName> {
    match text.trim().to_ascii_lowercase().as_str() {
        "state" => Some(JurisdictionKindName::State),
        "region" => Some(JurisdictionKindName::Region),
        _ => None,
    }
}

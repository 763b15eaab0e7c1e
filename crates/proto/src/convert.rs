//! Conversions between the wire messages and the domain model. Messages
//! coming in are checked field by field: every unset enum, impossible date or
//! malformed value becomes a field violation rather than a panic or a default.

use judicial_domain::validation::Violations;
use judicial_domain::{
    Acceptance, Assistance, Binds, CalendarDate, CentralAuthority, ChannelKind, Coverage,
    Extension, Instrument, InstrumentKind, Jurisdiction, JurisdictionKind, Matter, PartialDate,
    Party, PartyList, Requirement, RequirementDirection, Reservation, StatementKind, Topic,
    TreatyType,
};

use crate::v1 as pb;

/// Converts a domain matter to its wire value.
pub fn matter_to_proto(m: Matter) -> pb::Matter {
    match m {
        Matter::CivilCommercial => pb::Matter::CivilCommercial,
        Matter::Criminal => pb::Matter::Criminal,
    }
}

/// Converts a wire matter; None for unspecified or unknown values.
pub fn matter_from_proto(v: i32) -> Option<Matter> {
    match pb::Matter::try_from(v).ok()? {
        pb::Matter::Unspecified => None,
        pb::Matter::CivilCommercial => Some(Matter::CivilCommercial),
        pb::Matter::Criminal => Some(Matter::Criminal),
    }
}

/// Converts a domain assistance to its wire value.
pub fn assistance_to_proto(a: Assistance) -> pb::Assistance {
    match a {
        Assistance::ServiceOfDocuments => pb::Assistance::ServiceOfDocuments,
        Assistance::TakingOfEvidence => pb::Assistance::TakingOfEvidence,
        Assistance::RecognitionAndEnforcement => pb::Assistance::RecognitionAndEnforcement,
        Assistance::AssetRecovery => pb::Assistance::AssetRecovery,
        Assistance::LegalInformation => pb::Assistance::LegalInformation,
        Assistance::Extradition => pb::Assistance::Extradition,
        Assistance::TransferOfSentencedPersons => pb::Assistance::TransferOfSentencedPersons,
        Assistance::RecognitionOfArbitralAwards => pb::Assistance::RecognitionOfArbitralAwards,
        Assistance::InterimMeasures => pb::Assistance::InterimMeasures,
    }
}

/// Converts a wire assistance; None for unspecified or unknown values.
pub fn assistance_from_proto(v: i32) -> Option<Assistance> {
    Some(match pb::Assistance::try_from(v).ok()? {
        pb::Assistance::Unspecified => return None,
        pb::Assistance::ServiceOfDocuments => Assistance::ServiceOfDocuments,
        pb::Assistance::TakingOfEvidence => Assistance::TakingOfEvidence,
        pb::Assistance::RecognitionAndEnforcement => Assistance::RecognitionAndEnforcement,
        pb::Assistance::AssetRecovery => Assistance::AssetRecovery,
        pb::Assistance::LegalInformation => Assistance::LegalInformation,
        pb::Assistance::Extradition => Assistance::Extradition,
        pb::Assistance::TransferOfSentencedPersons => Assistance::TransferOfSentencedPersons,
        pb::Assistance::RecognitionOfArbitralAwards => Assistance::RecognitionOfArbitralAwards,
        pb::Assistance::InterimMeasures => Assistance::InterimMeasures,
    })
}

/// Converts a domain instrument kind to its wire value.
pub fn kind_to_proto(k: InstrumentKind) -> pb::InstrumentKind {
    match k {
        InstrumentKind::BilateralTreaty => pb::InstrumentKind::BilateralTreaty,
        InstrumentKind::MultilateralConvention => pb::InstrumentKind::MultilateralConvention,
        InstrumentKind::Arrangement => pb::InstrumentKind::Arrangement,
        InstrumentKind::DomesticLaw => pb::InstrumentKind::DomesticLaw,
    }
}

/// Converts a wire instrument kind; None for unspecified or unknown values.
pub fn kind_from_proto(v: i32) -> Option<InstrumentKind> {
    Some(match pb::InstrumentKind::try_from(v).ok()? {
        pb::InstrumentKind::Unspecified => return None,
        pb::InstrumentKind::BilateralTreaty => InstrumentKind::BilateralTreaty,
        pb::InstrumentKind::MultilateralConvention => InstrumentKind::MultilateralConvention,
        pb::InstrumentKind::Arrangement => InstrumentKind::Arrangement,
        pb::InstrumentKind::DomesticLaw => InstrumentKind::DomesticLaw,
    })
}

/// Converts a domain treaty type to its wire value.
pub fn treaty_type_to_proto(t: TreatyType) -> pb::TreatyType {
    match t {
        TreatyType::CivilCommercial => pb::TreatyType::CivilCommercial,
        TreatyType::Criminal => pb::TreatyType::Criminal,
        TreatyType::CivilAndCriminal => pb::TreatyType::CivilAndCriminal,
        TreatyType::Extradition => pb::TreatyType::Extradition,
        TreatyType::TransferOfSentencedPersons => pb::TreatyType::TransferOfSentencedPersons,
    }
}

/// Converts a wire treaty type: Ok(None) for unspecified, Err for unknown values.
pub fn treaty_type_from_proto(v: i32) -> Result<Option<TreatyType>, ()> {
    Ok(Some(match pb::TreatyType::try_from(v).map_err(|_| ())? {
        pb::TreatyType::Unspecified => return Ok(None),
        pb::TreatyType::CivilCommercial => TreatyType::CivilCommercial,
        pb::TreatyType::Criminal => TreatyType::Criminal,
        pb::TreatyType::CivilAndCriminal => TreatyType::CivilAndCriminal,
        pb::TreatyType::Extradition => TreatyType::Extradition,
        pb::TreatyType::TransferOfSentencedPersons => TreatyType::TransferOfSentencedPersons,
    }))
}

/// Converts a domain channel kind to its wire value.
pub fn channel_kind_to_proto(k: ChannelKind) -> pb::ChannelKind {
    match k {
        ChannelKind::BilateralTreaty => pb::ChannelKind::BilateralTreaty,
        ChannelKind::MultilateralConvention => pb::ChannelKind::MultilateralConvention,
        ChannelKind::Arrangement => pb::ChannelKind::Arrangement,
        ChannelKind::Reciprocity => pb::ChannelKind::Reciprocity,
    }
}

/// Converts a partial date to the wire.
pub fn date_to_proto(d: PartialDate) -> pb::Date {
    pb::Date {
        year: d.year,
        month: i32::from(d.month),
        day: i32::from(d.day),
    }
}

/// Converts a full date to the wire.
pub fn calendar_to_proto(d: CalendarDate) -> pb::Date {
    date_to_proto(d.into())
}

/// Converts a wire date with possibly unknown parts, recording a violation
/// for an impossible one.
pub fn partial_from_proto(
    d: Option<&pb::Date>,
    field: &str,
    v: &mut Violations,
) -> Option<PartialDate> {
    let d = d?;
    if d.year == 0 && d.month == 0 && d.day == 0 {
        return None;
    }
    let date = PartialDate {
        year: d.year,
        month: u8::try_from(d.month).unwrap_or(u8::MAX),
        day: u8::try_from(d.day).unwrap_or(u8::MAX),
    };
    if date.is_valid() {
        Some(date)
    } else {
        v.add(field, format!("impossible date {}-{}-{} (year 1-9999, month 0-12, day valid for the month; 0 = unknown)", d.year, d.month, d.day));
        None
    }
}

/// Converts a wire date that must be a complete calendar day.
pub fn calendar_from_proto(d: &pb::Date, field: &str, v: &mut Violations) -> Option<CalendarDate> {
    let date = u8::try_from(d.month)
        .ok()
        .zip(u8::try_from(d.day).ok())
        .and_then(|(m, day)| CalendarDate::new(d.year, m, day));
    if date.is_none() {
        v.add(
            field,
            format!(
                "{}-{}-{} is not a calendar day (a full year, month and day are required)",
                d.year, d.month, d.day
            ),
        );
    }
    date
}

/// Converts a jurisdiction to the wire.
pub fn jurisdiction_to_proto(j: &Jurisdiction) -> pb::Jurisdiction {
    pb::Jurisdiction {
        name: j.resource_name(),
        code: j.code.clone(),
        display_name: j.display_name.clone(),
        kind: match j.kind {
            JurisdictionKind::State => pb::JurisdictionKind::State,
            JurisdictionKind::Region => pb::JurisdictionKind::Region,
        } as i32,
        parent: j.parent.clone().unwrap_or_default(),
        revision: j.revision,
    }
}

/// Converts a wire jurisdiction, recording violations under `prefix`.
pub fn jurisdiction_from_proto(
    p: &pb::Jurisdiction,
    prefix: &str,
    v: &mut Violations,
) -> Jurisdiction {
    let kind = match pb::JurisdictionKind::try_from(p.kind) {
        Ok(pb::JurisdictionKind::State) => JurisdictionKind::State,
        Ok(pb::JurisdictionKind::Region) => JurisdictionKind::Region,
        _ => {
            v.add(format!("{prefix}kind"), "kind must be STATE or REGION");
            JurisdictionKind::State
        }
    };
    Jurisdiction {
        code: p.code.clone(),
        display_name: p.display_name.clone(),
        kind,
        parent: (!p.parent.is_empty()).then(|| p.parent.clone()),
        revision: 0,
    }
}

fn timestamp_from_ms(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

/// Converts Unix milliseconds to a wire timestamp (None for 0).
pub fn timestamp_to_proto(ms: i64) -> Option<prost_types::Timestamp> {
    (ms != 0).then(|| timestamp_from_ms(ms))
}

/// Converts a wire timestamp to Unix milliseconds (0 when unset).
pub fn timestamp_ms_from_proto(t: Option<&prost_types::Timestamp>) -> i64 {
    t.map(|t| t.seconds * 1000 + i64::from(t.nanos) / 1_000_000)
        .unwrap_or(0)
}

/// Converts an instrument as a server stored it (from Watch, Get, List or
/// Export), keeping the server-kept revision, etag and update time that
/// [`instrument_from_proto`] drops from client input. The server validated
/// it, so malformed fields are not expected and are skipped.
pub fn stored_instrument(p: &pb::Instrument) -> Instrument {
    let mut ignored = Violations::default();
    Instrument {
        revision: p.revision,
        etag: p.etag.clone(),
        update_time_ms: timestamp_ms_from_proto(p.update_time.as_ref()),
        ..instrument_from_proto(p, "", &mut ignored)
    }
}

/// Converts a jurisdiction as a server stored it, keeping its revision.
pub fn stored_jurisdiction(p: &pb::Jurisdiction) -> Jurisdiction {
    let mut ignored = Violations::default();
    Jurisdiction {
        revision: p.revision,
        ..jurisdiction_from_proto(p, "", &mut ignored)
    }
}

/// Converts an instrument to the wire.
pub fn instrument_to_proto(i: &Instrument) -> pb::Instrument {
    pb::Instrument {
        name: i.resource_name(),
        id: i.id.clone(),
        kind: kind_to_proto(i.kind) as i32,
        treaty_type: i
            .treaty_type
            .map(|t| treaty_type_to_proto(t) as i32)
            .unwrap_or(0),
        title: i.title.clone(),
        parties: i.parties.iter().map(party_to_proto).collect(),
        coverage: i
            .coverage
            .iter()
            .map(|c| pb::Coverage {
                matter: matter_to_proto(c.matter) as i32,
                assistance: assistance_to_proto(c.assistance) as i32,
                articles: c.articles.clone(),
                transmissions: c.transmissions.clone(),
                transmission_articles: c
                    .transmission_articles
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                conditions: c.conditions.clone(),
            })
            .collect(),
        offence_scope: i.offence_scope.clone(),
        sources: i.sources.clone(),
        notes: i.notes.clone(),
        revision: i.revision,
        etag: i.etag.clone(),
        update_time: timestamp_to_proto(i.update_time_ms),
        short_name: i.short_name.clone(),
        title_en: i.title_en.clone(),
        requirements: i.requirements.iter().map(requirement_to_proto).collect(),
        party_list: i.party_list.as_ref().map(|l| pb::PartyList {
            complete_as_of: l.complete_as_of.map(date_to_proto),
            covers: l.covers.clone(),
            sources: l.sources.clone(),
        }),
    }
}

fn party_to_proto(p: &Party) -> pb::Party {
    pb::Party {
        jurisdiction: p.jurisdiction.clone(),
        signed: p.signed.map(date_to_proto),
        ratified: p.ratified.map(date_to_proto),
        entry_into_force: p.entry_into_force.map(date_to_proto),
        termination_notice: p.termination_notice.map(date_to_proto),
        termination_effective: p.termination_effective.map(date_to_proto),
        in_force_as_of: p.in_force_as_of.map(date_to_proto),
        reservations: p
            .reservations
            .iter()
            .map(|r| pb::Reservation {
                article: r.article.clone(),
                text: r.text.clone(),
                excluded_assistances: r
                    .excluded_assistances
                    .iter()
                    .map(|a| assistance_to_proto(*a) as i32)
                    .collect(),
                excluded_transmissions: r.excluded_transmissions.clone(),
                kind: r.kind.map(statement_kind_to_proto).unwrap_or(0),
                binds: r.binds.map(binds_to_proto).unwrap_or(0),
                effective_from: r.effective_from.map(date_to_proto),
                effective_until: r.effective_until.map(date_to_proto),
                sources: r.sources.clone(),
                required_language: r.required_language.clone(),
                objects_to: r.objects_to.clone(),
                regions: r.regions.clone(),
                notes: r.notes.clone(),
            })
            .collect(),
        central_authorities: p
            .central_authorities
            .iter()
            .map(authority_to_proto)
            .collect(),
        accession_requires_acceptance: p.accession_requires_acceptance,
        accepted_by: p.accepted_by.clone(),
        extended_to: p.extended_to.clone(),
        notes: p.notes.clone(),
        continues_for: p.continues_for.clone(),
        acceptances: p
            .acceptances
            .iter()
            .map(|a| pb::Acceptance {
                by: a.by.clone(),
                deposited: a.deposited.map(date_to_proto),
                effective: a.effective.map(date_to_proto),
                territories: a.territories.clone(),
                sources: a.sources.clone(),
                notes: a.notes.clone(),
            })
            .collect(),
        extensions: p
            .extensions
            .iter()
            .map(|e| pb::TerritorialExtension {
                region: e.region.clone(),
                effective_from: e.effective_from.map(date_to_proto),
                effective_until: e.effective_until.map(date_to_proto),
                central_authorities: e
                    .central_authorities
                    .iter()
                    .map(authority_to_proto)
                    .collect(),
                sources: e.sources.clone(),
                notes: e.notes.clone(),
            })
            .collect(),
        statements_recorded: p.statements_recorded.clone(),
        sources: p.sources.clone(),
    }
}

fn authority_to_proto(a: &CentralAuthority) -> pb::CentralAuthority {
    pb::CentralAuthority {
        matter: a.matter.map(|m| matter_to_proto(m) as i32).unwrap_or(0),
        assistance: a
            .assistance
            .map(|x| assistance_to_proto(x) as i32)
            .unwrap_or(0),
        name: a.name.clone(),
        notes: a.notes.clone(),
    }
}

fn statement_kind_to_proto(k: StatementKind) -> i32 {
    (match k {
        StatementKind::Reservation => pb::StatementKind::Reservation,
        StatementKind::Declaration => pb::StatementKind::Declaration,
        StatementKind::Objection => pb::StatementKind::Objection,
        StatementKind::Withdrawal => pb::StatementKind::Withdrawal,
        StatementKind::Notification => pb::StatementKind::Notification,
    }) as i32
}

fn statement_kind_from_proto(v: i32) -> Result<Option<StatementKind>, ()> {
    Ok(match pb::StatementKind::try_from(v).map_err(|_| ())? {
        pb::StatementKind::Unspecified => None,
        pb::StatementKind::Reservation => Some(StatementKind::Reservation),
        pb::StatementKind::Declaration => Some(StatementKind::Declaration),
        pb::StatementKind::Objection => Some(StatementKind::Objection),
        pb::StatementKind::Withdrawal => Some(StatementKind::Withdrawal),
        pb::StatementKind::Notification => Some(StatementKind::Notification),
    })
}

fn binds_to_proto(b: Binds) -> i32 {
    (match b {
        Binds::RequestsToDeclaringState => pb::StatementBinds::RequestsToDeclaringState,
        Binds::RequestsFromDeclaringState => pb::StatementBinds::RequestsFromDeclaringState,
        Binds::Both => pb::StatementBinds::Both,
        Binds::NotAboutRequests => pb::StatementBinds::NotAboutRequests,
    }) as i32
}

fn binds_from_proto(v: i32) -> Result<Option<Binds>, ()> {
    Ok(match pb::StatementBinds::try_from(v).map_err(|_| ())? {
        pb::StatementBinds::Unspecified => None,
        pb::StatementBinds::RequestsToDeclaringState => Some(Binds::RequestsToDeclaringState),
        pb::StatementBinds::RequestsFromDeclaringState => Some(Binds::RequestsFromDeclaringState),
        pb::StatementBinds::Both => Some(Binds::Both),
        pb::StatementBinds::NotAboutRequests => Some(Binds::NotAboutRequests),
    })
}

/// Converts a wire instrument, recording every malformed field under
/// `prefix`. Output-only fields (name, revision, update_time) are ignored;
/// the etag is kept for precondition checks.
pub fn instrument_from_proto(p: &pb::Instrument, prefix: &str, v: &mut Violations) -> Instrument {
    let kind = kind_from_proto(p.kind).unwrap_or_else(|| {
        v.add(
            format!("{prefix}kind"),
            "kind must be BILATERAL_TREATY, MULTILATERAL_CONVENTION, ARRANGEMENT or DOMESTIC_LAW",
        );
        InstrumentKind::MultilateralConvention
    });
    let treaty_type = treaty_type_from_proto(p.treaty_type).unwrap_or_else(|()| {
        v.add(
            format!("{prefix}treaty_type"),
            format!("unknown treaty type {}", p.treaty_type),
        );
        None
    });
    let mut id = p.id.clone();
    if id.is_empty() {
        if let Some(rest) = p.name.strip_prefix("instruments/") {
            id = rest.to_owned();
        }
    }
    let parties = p
        .parties
        .iter()
        .enumerate()
        .map(|(i, party)| party_from_proto(party, &format!("{prefix}parties[{i}]."), v))
        .collect();
    let coverage = p
        .coverage
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let matter = matter_from_proto(c.matter);
            let assistance = assistance_from_proto(c.assistance);
            if matter.is_none() {
                v.add(
                    format!("{prefix}coverage[{i}].matter"),
                    "matter must be CIVIL_COMMERCIAL or CRIMINAL",
                );
            }
            if assistance.is_none() {
                v.add(
                    format!("{prefix}coverage[{i}].assistance"),
                    "assistance must be set",
                );
            }
            Some(Coverage {
                matter: matter?,
                assistance: assistance?,
                articles: c.articles.clone(),
                transmissions: c.transmissions.clone(),
                transmission_articles: c
                    .transmission_articles
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                conditions: c.conditions.clone(),
            })
        })
        .collect();
    Instrument {
        id,
        kind,
        treaty_type,
        title: p.title.clone(),
        title_en: p.title_en.clone(),
        short_name: p.short_name.clone(),
        parties,
        coverage,
        offence_scope: p.offence_scope.clone(),
        party_list: p.party_list.as_ref().map(|l| PartyList {
            complete_as_of: partial_from_proto(
                l.complete_as_of.as_ref(),
                &format!("{prefix}party_list.complete_as_of"),
                v,
            ),
            covers: l.covers.clone(),
            sources: l.sources.clone(),
        }),
        sources: p.sources.clone(),
        notes: p.notes.clone(),
        revision: 0,
        etag: p.etag.clone(),
        update_time_ms: 0,
        requirements: p
            .requirements
            .iter()
            .enumerate()
            .map(|(i, r)| requirement_from_proto(r, &format!("{prefix}requirements[{i}]."), v))
            .collect(),
    }
}

fn party_from_proto(p: &pb::Party, prefix: &str, v: &mut Violations) -> Party {
    let date = |d: &Option<pb::Date>, name: &str, v: &mut Violations| {
        partial_from_proto(d.as_ref(), &format!("{prefix}{name}"), v)
    };
    Party {
        jurisdiction: p.jurisdiction.clone(),
        signed: date(&p.signed, "signed", v),
        ratified: date(&p.ratified, "ratified", v),
        entry_into_force: date(&p.entry_into_force, "entry_into_force", v),
        termination_notice: date(&p.termination_notice, "termination_notice", v),
        termination_effective: date(&p.termination_effective, "termination_effective", v),
        in_force_as_of: date(&p.in_force_as_of, "in_force_as_of", v),
        reservations: p
            .reservations
            .iter()
            .enumerate()
            .map(|(k, r)| Reservation {
                article: r.article.clone(),
                text: r.text.clone(),
                excluded_assistances: r
                    .excluded_assistances
                    .iter()
                    .enumerate()
                    .filter_map(|(m, a)| {
                        let got = assistance_from_proto(*a);
                        if got.is_none() {
                            v.add(
                                format!("{prefix}reservations[{k}].excluded_assistances[{m}]"),
                                "assistance must be set",
                            );
                        }
                        got
                    })
                    .collect(),
                excluded_transmissions: r.excluded_transmissions.clone(),
                kind: statement_kind_from_proto(r.kind).unwrap_or_else(|()| {
                    v.add(
                        format!("{prefix}reservations[{k}].kind"),
                        format!("unknown statement kind {}", r.kind),
                    );
                    None
                }),
                binds: binds_from_proto(r.binds).unwrap_or_else(|()| {
                    v.add(
                        format!("{prefix}reservations[{k}].binds"),
                        format!("unknown statement binds value {}", r.binds),
                    );
                    None
                }),
                effective_from: date(
                    &r.effective_from,
                    &format!("reservations[{k}].effective_from"),
                    v,
                ),
                effective_until: date(
                    &r.effective_until,
                    &format!("reservations[{k}].effective_until"),
                    v,
                ),
                sources: r.sources.clone(),
                required_language: r.required_language.clone(),
                objects_to: r.objects_to.clone(),
                regions: r.regions.clone(),
                notes: r.notes.clone(),
            })
            .collect(),
        central_authorities: p
            .central_authorities
            .iter()
            .enumerate()
            .map(|(k, a)| authority_from_proto(a, &format!("{prefix}central_authorities[{k}]."), v))
            .collect(),
        accession_requires_acceptance: p.accession_requires_acceptance,
        accepted_by: p.accepted_by.clone(),
        extended_to: p.extended_to.clone(),
        notes: p.notes.clone(),
        continues_for: p.continues_for.clone(),
        acceptances: p
            .acceptances
            .iter()
            .enumerate()
            .map(|(k, a)| Acceptance {
                by: a.by.clone(),
                deposited: date(&a.deposited, &format!("acceptances[{k}].deposited"), v),
                effective: date(&a.effective, &format!("acceptances[{k}].effective"), v),
                territories: a.territories.clone(),
                sources: a.sources.clone(),
                notes: a.notes.clone(),
            })
            .collect(),
        extensions: p
            .extensions
            .iter()
            .enumerate()
            .map(|(k, e)| Extension {
                region: e.region.clone(),
                effective_from: date(
                    &e.effective_from,
                    &format!("extensions[{k}].effective_from"),
                    v,
                ),
                effective_until: date(
                    &e.effective_until,
                    &format!("extensions[{k}].effective_until"),
                    v,
                ),
                central_authorities: e
                    .central_authorities
                    .iter()
                    .enumerate()
                    .map(|(m, a)| {
                        authority_from_proto(
                            a,
                            &format!("{prefix}extensions[{k}].central_authorities[{m}]."),
                            v,
                        )
                    })
                    .collect(),
                sources: e.sources.clone(),
                notes: e.notes.clone(),
            })
            .collect(),
        statements_recorded: p.statements_recorded.clone(),
        sources: p.sources.clone(),
    }
}

fn authority_from_proto(
    a: &pb::CentralAuthority,
    prefix: &str,
    v: &mut Violations,
) -> CentralAuthority {
    let matter = if a.matter == 0 {
        None
    } else {
        matter_from_proto(a.matter)
    };
    if a.matter != 0 && matter.is_none() {
        v.add(
            format!("{prefix}matter"),
            format!("unknown matter {}", a.matter),
        );
    }
    let assistance = if a.assistance == 0 {
        None
    } else {
        assistance_from_proto(a.assistance)
    };
    if a.assistance != 0 && assistance.is_none() {
        v.add(
            format!("{prefix}assistance"),
            format!("unknown assistance {}", a.assistance),
        );
    }
    CentralAuthority {
        matter,
        assistance,
        name: a.name.clone(),
        notes: a.notes.clone(),
    }
}

/// Converts a requirement topic to its wire value.
pub fn topic_to_proto(t: Topic) -> pb::RequirementTopic {
    match t {
        Topic::Form => pb::RequirementTopic::Form,
        Topic::Contents => pb::RequirementTopic::Contents,
        Topic::Language => pb::RequirementTopic::Language,
        Topic::Translation => pb::RequirementTopic::Translation,
        Topic::Copies => pb::RequirementTopic::Copies,
        Topic::Legalisation => pb::RequirementTopic::Legalisation,
        Topic::Authority => pb::RequirementTopic::Authority,
        Topic::Address => pb::RequirementTopic::Address,
        Topic::Transmission => pb::RequirementTopic::Transmission,
        Topic::Costs => pb::RequirementTopic::Costs,
        Topic::TimeLimit => pb::RequirementTopic::TimeLimit,
        Topic::Duration => pb::RequirementTopic::Duration,
        Topic::Declaration => pb::RequirementTopic::Declaration,
        Topic::Refusal => pb::RequirementTopic::Refusal,
        Topic::Scope => pb::RequirementTopic::Scope,
        Topic::Alternative => pb::RequirementTopic::Alternative,
    }
}

/// Converts a wire topic; None for unspecified or unknown values (which
/// validation reports).
pub fn topic_from_proto(v: i32) -> Option<Topic> {
    Some(match pb::RequirementTopic::try_from(v).ok()? {
        pb::RequirementTopic::Unspecified => return None,
        pb::RequirementTopic::Form => Topic::Form,
        pb::RequirementTopic::Contents => Topic::Contents,
        pb::RequirementTopic::Language => Topic::Language,
        pb::RequirementTopic::Translation => Topic::Translation,
        pb::RequirementTopic::Copies => Topic::Copies,
        pb::RequirementTopic::Legalisation => Topic::Legalisation,
        pb::RequirementTopic::Authority => Topic::Authority,
        pb::RequirementTopic::Address => Topic::Address,
        pb::RequirementTopic::Transmission => Topic::Transmission,
        pb::RequirementTopic::Costs => Topic::Costs,
        pb::RequirementTopic::TimeLimit => Topic::TimeLimit,
        pb::RequirementTopic::Duration => Topic::Duration,
        pb::RequirementTopic::Declaration => Topic::Declaration,
        pb::RequirementTopic::Refusal => Topic::Refusal,
        pb::RequirementTopic::Scope => Topic::Scope,
        pb::RequirementTopic::Alternative => Topic::Alternative,
    })
}

/// Converts a requirement direction to its wire value.
pub fn requirement_direction_to_proto(d: RequirementDirection) -> pb::RequirementDirection {
    match d {
        RequirementDirection::Both => pb::RequirementDirection::Both,
        RequirementDirection::To => pb::RequirementDirection::To,
        RequirementDirection::From => pb::RequirementDirection::From,
    }
}

fn channel_kind_from_proto(v: i32) -> Option<ChannelKind> {
    Some(match pb::ChannelKind::try_from(v).ok()? {
        pb::ChannelKind::Unspecified => return None,
        pb::ChannelKind::BilateralTreaty => ChannelKind::BilateralTreaty,
        pb::ChannelKind::MultilateralConvention => ChannelKind::MultilateralConvention,
        pb::ChannelKind::Arrangement => ChannelKind::Arrangement,
        pb::ChannelKind::Reciprocity => ChannelKind::Reciprocity,
    })
}

/// Converts a requirement to the wire.
pub fn requirement_to_proto(r: &Requirement) -> pb::Requirement {
    pb::Requirement {
        topic: r.topic.map(|t| topic_to_proto(t) as i32).unwrap_or(0),
        direction: requirement_direction_to_proto(r.direction) as i32,
        party: r.party.clone(),
        matters: r
            .matters
            .iter()
            .map(|m| matter_to_proto(*m) as i32)
            .collect(),
        assistances: r
            .assistances
            .iter()
            .map(|a| assistance_to_proto(*a) as i32)
            .collect(),
        channels: r
            .channels
            .iter()
            .map(|c| channel_kind_to_proto(*c) as i32)
            .collect(),
        text: r.text.clone(),
        article: r.article.clone(),
        valid_from: r.valid_from.map(date_to_proto),
        valid_until: r.valid_until.map(date_to_proto),
        reported: r.reported.map(date_to_proto),
        conflict: r.conflict.clone(),
        sources: r.sources.clone(),
        notes: r.notes.clone(),
    }
}

/// Converts a wire requirement, recording malformed fields under `prefix`
/// (`instrument.requirements[0].`). An unset or unknown topic is left for
/// validation to report.
pub fn requirement_from_proto(
    p: &pb::Requirement,
    prefix: &str,
    v: &mut Violations,
) -> Requirement {
    let direction = match pb::RequirementDirection::try_from(p.direction) {
        Ok(pb::RequirementDirection::Both) => RequirementDirection::Both,
        Ok(pb::RequirementDirection::To) => RequirementDirection::To,
        Ok(pb::RequirementDirection::From) => RequirementDirection::From,
        Ok(pb::RequirementDirection::Unspecified) | Err(_) => {
            v.add(
                format!("{prefix}direction"),
                "direction must be BOTH, TO or FROM",
            );
            RequirementDirection::Both
        }
    };
    let mut listed = |values: &[i32], name: &str, what: &str| {
        values
            .iter()
            .enumerate()
            .filter(|(k, x)| {
                let known = match name {
                    "matters" => matter_from_proto(**x).is_some(),
                    "assistances" => assistance_from_proto(**x).is_some(),
                    _ => channel_kind_from_proto(**x).is_some(),
                };
                if !known {
                    v.add(
                        format!("{prefix}{name}[{k}]"),
                        format!("unknown {what} {x}"),
                    );
                }
                known
            })
            .map(|(_, x)| *x)
            .collect::<Vec<i32>>()
    };
    let matters = listed(&p.matters, "matters", "matter");
    let assistances = listed(&p.assistances, "assistances", "assistance");
    let channels = listed(&p.channels, "channels", "channel kind");
    Requirement {
        topic: topic_from_proto(p.topic),
        direction,
        party: p.party.clone(),
        matters: matters.into_iter().filter_map(matter_from_proto).collect(),
        assistances: assistances
            .into_iter()
            .filter_map(assistance_from_proto)
            .collect(),
        channels: channels
            .into_iter()
            .filter_map(channel_kind_from_proto)
            .collect(),
        text: p.text.clone(),
        article: p.article.clone(),
        valid_from: partial_from_proto(p.valid_from.as_ref(), &format!("{prefix}valid_from"), v),
        valid_until: partial_from_proto(p.valid_until.as_ref(), &format!("{prefix}valid_until"), v),
        reported: partial_from_proto(p.reported.as_ref(), &format!("{prefix}reported"), v),
        conflict: p.conflict.clone(),
        sources: p.sources.clone(),
        notes: p.notes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instrument_round_trips() {
        let mut i = Instrument::new("cn-fr-civil-1987", InstrumentKind::BilateralTreaty, "t");
        i.treaty_type = Some(TreatyType::CivilCommercial);
        let mut p = Party::new("FR");
        p.entry_into_force = PartialDate::parse("1988-02");
        p.central_authorities.push(CentralAuthority {
            matter: None,
            assistance: Some(Assistance::ServiceOfDocuments),
            name: "MOJ".into(),
            notes: String::new(),
        });
        i.parties.push(p);
        i.coverage.push(Coverage::new(
            Matter::CivilCommercial,
            Assistance::TakingOfEvidence,
        ));
        let mut v = Violations::default();
        let back = instrument_from_proto(&instrument_to_proto(&i), "", &mut v);
        assert!(v.is_empty(), "{v}");
        assert_eq!(back, i);
    }

    #[test]
    fn bad_enums_and_dates_are_violations() {
        let p = pb::Instrument {
            id: "x".into(),
            kind: 0,
            coverage: vec![pb::Coverage {
                matter: 9,
                assistance: 0,
                ..Default::default()
            }],
            parties: vec![pb::Party {
                jurisdiction: "FR".into(),
                signed: Some(pb::Date {
                    year: 2000,
                    month: 2,
                    day: 30,
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut v = Violations::default();
        instrument_from_proto(&p, "instrument.", &mut v);
        let fields: Vec<_> = v.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "instrument.kind",
                "instrument.parties[0].signed",
                "instrument.coverage[0].matter",
                "instrument.coverage[0].assistance"
            ]
        );
    }
}

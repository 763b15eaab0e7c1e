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
    let PartialDate { year, month, day } = d;
    pb::Date {
        year,
        month: i32::from(month),
        day: i32::from(day),
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
    let &pb::Date { year, month, day } = d?;
    if year == 0 && month == 0 && day == 0 {
        return None;
    }
    let date = PartialDate {
        year,
        month: u8::try_from(month).unwrap_or(u8::MAX),
        day: u8::try_from(day).unwrap_or(u8::MAX),
    };
    if date.is_valid() {
        Some(date)
    } else {
        v.add(field, format!("impossible date {year}-{month}-{day} (year 1-9999, month 0-12, day valid for the month; 0 = unknown)"));
        None
    }
}

/// Converts a wire date that must be a complete calendar day.
pub fn calendar_from_proto(d: &pb::Date, field: &str, v: &mut Violations) -> Option<CalendarDate> {
    let &pb::Date { year, month, day } = d;
    let date = u8::try_from(month)
        .ok()
        .zip(u8::try_from(day).ok())
        .and_then(|(m, day)| CalendarDate::new(year, m, day));
    if date.is_none() {
        v.add(
            field,
            format!(
                "{year}-{month}-{day} is not a calendar day (a full year, month and day are required)"
            ),
        );
    }
    date
}

/// Converts a jurisdiction to the wire.
pub fn jurisdiction_to_proto(j: &Jurisdiction) -> pb::Jurisdiction {
    let Jurisdiction {
        code,
        display_name,
        kind,
        parent,
        revision,
    } = j;
    pb::Jurisdiction {
        name: j.resource_name(),
        code: code.clone(),
        display_name: display_name.clone(),
        kind: match kind {
            JurisdictionKind::State => pb::JurisdictionKind::State,
            JurisdictionKind::Region => pb::JurisdictionKind::Region,
        } as i32,
        parent: parent.clone().unwrap_or_default(),
        revision: *revision,
    }
}

/// Converts a wire jurisdiction, recording violations under `prefix`. The
/// name and the server-kept revision are not taken from client input.
pub fn jurisdiction_from_proto(
    p: &pb::Jurisdiction,
    prefix: &str,
    v: &mut Violations,
) -> Jurisdiction {
    let pb::Jurisdiction {
        name: _,
        code,
        display_name,
        kind,
        parent,
        revision: _,
    } = p;
    let kind = match pb::JurisdictionKind::try_from(*kind) {
        Ok(pb::JurisdictionKind::State) => JurisdictionKind::State,
        Ok(pb::JurisdictionKind::Region) => JurisdictionKind::Region,
        _ => {
            v.add(format!("{prefix}kind"), "kind must be STATE or REGION");
            JurisdictionKind::State
        }
    };
    Jurisdiction {
        code: code.clone(),
        display_name: display_name.clone(),
        kind,
        parent: (!parent.is_empty()).then(|| parent.clone()),
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
    let Instrument {
        id,
        kind,
        treaty_type,
        title,
        title_en,
        short_name,
        parties,
        coverage,
        offence_scope,
        party_list,
        sources,
        notes,
        revision,
        etag,
        update_time_ms,
        requirements,
    } = i;
    pb::Instrument {
        name: i.resource_name(),
        id: id.clone(),
        kind: kind_to_proto(*kind) as i32,
        treaty_type: treaty_type
            .map(|t| treaty_type_to_proto(t) as i32)
            .unwrap_or(0),
        title: title.clone(),
        parties: parties.iter().map(party_to_proto).collect(),
        coverage: coverage.iter().map(coverage_to_proto).collect(),
        offence_scope: offence_scope.clone(),
        sources: sources.clone(),
        notes: notes.clone(),
        revision: *revision,
        etag: etag.clone(),
        update_time: timestamp_to_proto(*update_time_ms),
        short_name: short_name.clone(),
        title_en: title_en.clone(),
        requirements: requirements.iter().map(requirement_to_proto).collect(),
        party_list: party_list.as_ref().map(|l| {
            let PartyList {
                complete_as_of,
                covers,
                sources,
            } = l;
            pb::PartyList {
                complete_as_of: complete_as_of.map(date_to_proto),
                covers: covers.clone(),
                sources: sources.clone(),
            }
        }),
    }
}

fn coverage_to_proto(c: &Coverage) -> pb::Coverage {
    let Coverage {
        matter,
        assistance,
        articles,
        transmissions,
        transmission_articles,
        conditions,
    } = c;
    pb::Coverage {
        matter: matter_to_proto(*matter) as i32,
        assistance: assistance_to_proto(*assistance) as i32,
        articles: articles.clone(),
        transmissions: transmissions.clone(),
        transmission_articles: transmission_articles
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        conditions: conditions.clone(),
    }
}

fn party_to_proto(p: &Party) -> pb::Party {
    let Party {
        jurisdiction,
        signed,
        ratified,
        entry_into_force,
        termination_notice,
        termination_effective,
        in_force_as_of,
        reservations,
        central_authorities,
        accession_requires_acceptance,
        accepted_by,
        extended_to,
        notes,
        continues_for,
        acceptances,
        extensions,
        statements_recorded,
        sources,
    } = p;
    pb::Party {
        jurisdiction: jurisdiction.clone(),
        signed: signed.map(date_to_proto),
        ratified: ratified.map(date_to_proto),
        entry_into_force: entry_into_force.map(date_to_proto),
        termination_notice: termination_notice.map(date_to_proto),
        termination_effective: termination_effective.map(date_to_proto),
        in_force_as_of: in_force_as_of.map(date_to_proto),
        reservations: reservations.iter().map(reservation_to_proto).collect(),
        central_authorities: central_authorities.iter().map(authority_to_proto).collect(),
        accession_requires_acceptance: *accession_requires_acceptance,
        accepted_by: accepted_by.clone(),
        extended_to: extended_to.clone(),
        notes: notes.clone(),
        continues_for: continues_for.clone(),
        acceptances: acceptances.iter().map(acceptance_to_proto).collect(),
        extensions: extensions.iter().map(extension_to_proto).collect(),
        statements_recorded: statements_recorded.clone(),
        sources: sources.clone(),
    }
}

fn reservation_to_proto(r: &Reservation) -> pb::Reservation {
    let Reservation {
        article,
        text,
        excluded_assistances,
        excluded_transmissions,
        kind,
        binds,
        effective_from,
        effective_until,
        sources,
        required_language,
        objects_to,
        regions,
        notes,
    } = r;
    pb::Reservation {
        article: article.clone(),
        text: text.clone(),
        excluded_assistances: excluded_assistances
            .iter()
            .map(|a| assistance_to_proto(*a) as i32)
            .collect(),
        excluded_transmissions: excluded_transmissions.clone(),
        kind: kind.map(statement_kind_to_proto).unwrap_or(0),
        binds: binds.map(binds_to_proto).unwrap_or(0),
        effective_from: effective_from.map(date_to_proto),
        effective_until: effective_until.map(date_to_proto),
        sources: sources.clone(),
        required_language: required_language.clone(),
        objects_to: objects_to.clone(),
        regions: regions.clone(),
        notes: notes.clone(),
    }
}

fn acceptance_to_proto(a: &Acceptance) -> pb::Acceptance {
    let Acceptance {
        by,
        deposited,
        effective,
        territories,
        sources,
        notes,
    } = a;
    pb::Acceptance {
        by: by.clone(),
        deposited: deposited.map(date_to_proto),
        effective: effective.map(date_to_proto),
        territories: territories.clone(),
        sources: sources.clone(),
        notes: notes.clone(),
    }
}

fn extension_to_proto(e: &Extension) -> pb::TerritorialExtension {
    let Extension {
        region,
        effective_from,
        effective_until,
        central_authorities,
        sources,
        notes,
    } = e;
    pb::TerritorialExtension {
        region: region.clone(),
        effective_from: effective_from.map(date_to_proto),
        effective_until: effective_until.map(date_to_proto),
        central_authorities: central_authorities.iter().map(authority_to_proto).collect(),
        sources: sources.clone(),
        notes: notes.clone(),
    }
}

fn authority_to_proto(a: &CentralAuthority) -> pb::CentralAuthority {
    let CentralAuthority {
        matter,
        assistance,
        name,
        notes,
    } = a;
    pb::CentralAuthority {
        matter: matter.map(|m| matter_to_proto(m) as i32).unwrap_or(0),
        assistance: assistance
            .map(|x| assistance_to_proto(x) as i32)
            .unwrap_or(0),
        name: name.clone(),
        notes: notes.clone(),
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
    let pb::Instrument {
        name,
        id,
        kind,
        treaty_type,
        title,
        parties,
        coverage,
        offence_scope,
        sources,
        notes,
        revision: _,
        etag,
        update_time: _,
        short_name,
        title_en,
        requirements,
        party_list,
    } = p;
    let kind = kind_from_proto(*kind).unwrap_or_else(|| {
        v.add(
            format!("{prefix}kind"),
            "kind must be BILATERAL_TREATY, MULTILATERAL_CONVENTION, ARRANGEMENT or DOMESTIC_LAW",
        );
        InstrumentKind::MultilateralConvention
    });
    let treaty_type = treaty_type_from_proto(*treaty_type).unwrap_or_else(|()| {
        v.add(
            format!("{prefix}treaty_type"),
            format!("unknown treaty type {treaty_type}"),
        );
        None
    });
    let mut id = id.clone();
    if id.is_empty() {
        if let Some(rest) = name.strip_prefix("instruments/") {
            id = rest.to_owned();
        }
    }
    let parties = parties
        .iter()
        .enumerate()
        .map(|(i, party)| party_from_proto(party, &format!("{prefix}parties[{i}]."), v))
        .collect();
    let coverage = coverage
        .iter()
        .enumerate()
        .filter_map(|(i, c)| coverage_from_proto(c, &format!("{prefix}coverage[{i}]."), v))
        .collect();
    Instrument {
        id,
        kind,
        treaty_type,
        title: title.clone(),
        title_en: title_en.clone(),
        short_name: short_name.clone(),
        parties,
        coverage,
        offence_scope: offence_scope.clone(),
        party_list: party_list.as_ref().map(|l| {
            let pb::PartyList {
                complete_as_of,
                covers,
                sources,
            } = l;
            PartyList {
                complete_as_of: partial_from_proto(
                    complete_as_of.as_ref(),
                    &format!("{prefix}party_list.complete_as_of"),
                    v,
                ),
                covers: covers.clone(),
                sources: sources.clone(),
            }
        }),
        sources: sources.clone(),
        notes: notes.clone(),
        revision: 0,
        etag: etag.clone(),
        update_time_ms: 0,
        requirements: requirements
            .iter()
            .enumerate()
            .map(|(i, r)| requirement_from_proto(r, &format!("{prefix}requirements[{i}]."), v))
            .collect(),
    }
}

/// Converts a wire coverage entry; None (with violations) when its matter or
/// assistance is unset or unknown.
fn coverage_from_proto(c: &pb::Coverage, prefix: &str, v: &mut Violations) -> Option<Coverage> {
    let pb::Coverage {
        matter,
        assistance,
        articles,
        transmissions,
        transmission_articles,
        conditions,
    } = c;
    let matter = matter_from_proto(*matter);
    let assistance = assistance_from_proto(*assistance);
    if matter.is_none() {
        v.add(
            format!("{prefix}matter"),
            "matter must be CIVIL_COMMERCIAL or CRIMINAL",
        );
    }
    if assistance.is_none() {
        v.add(format!("{prefix}assistance"), "assistance must be set");
    }
    Some(Coverage {
        matter: matter?,
        assistance: assistance?,
        articles: articles.clone(),
        transmissions: transmissions.clone(),
        transmission_articles: transmission_articles
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        conditions: conditions.clone(),
    })
}

fn party_from_proto(p: &pb::Party, prefix: &str, v: &mut Violations) -> Party {
    let pb::Party {
        jurisdiction,
        signed,
        ratified,
        entry_into_force,
        termination_notice,
        termination_effective,
        in_force_as_of,
        reservations,
        central_authorities,
        accession_requires_acceptance,
        accepted_by,
        extended_to,
        notes,
        continues_for,
        acceptances,
        extensions,
        statements_recorded,
        sources,
    } = p;
    let date = |d: &Option<pb::Date>, name: &str, v: &mut Violations| {
        partial_from_proto(d.as_ref(), &format!("{prefix}{name}"), v)
    };
    Party {
        jurisdiction: jurisdiction.clone(),
        signed: date(signed, "signed", v),
        ratified: date(ratified, "ratified", v),
        entry_into_force: date(entry_into_force, "entry_into_force", v),
        termination_notice: date(termination_notice, "termination_notice", v),
        termination_effective: date(termination_effective, "termination_effective", v),
        in_force_as_of: date(in_force_as_of, "in_force_as_of", v),
        reservations: reservations
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let pb::Reservation {
                    article,
                    text,
                    excluded_assistances,
                    excluded_transmissions,
                    kind,
                    binds,
                    effective_from,
                    effective_until,
                    sources,
                    required_language,
                    objects_to,
                    regions,
                    notes,
                } = r;
                Reservation {
                    article: article.clone(),
                    text: text.clone(),
                    excluded_assistances: excluded_assistances
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
                    excluded_transmissions: excluded_transmissions.clone(),
                    kind: statement_kind_from_proto(*kind).unwrap_or_else(|()| {
                        v.add(
                            format!("{prefix}reservations[{k}].kind"),
                            format!("unknown statement kind {kind}"),
                        );
                        None
                    }),
                    binds: binds_from_proto(*binds).unwrap_or_else(|()| {
                        v.add(
                            format!("{prefix}reservations[{k}].binds"),
                            format!("unknown statement binds value {binds}"),
                        );
                        None
                    }),
                    effective_from: date(
                        effective_from,
                        &format!("reservations[{k}].effective_from"),
                        v,
                    ),
                    effective_until: date(
                        effective_until,
                        &format!("reservations[{k}].effective_until"),
                        v,
                    ),
                    sources: sources.clone(),
                    required_language: required_language.clone(),
                    objects_to: objects_to.clone(),
                    regions: regions.clone(),
                    notes: notes.clone(),
                }
            })
            .collect(),
        central_authorities: central_authorities
            .iter()
            .enumerate()
            .map(|(k, a)| authority_from_proto(a, &format!("{prefix}central_authorities[{k}]."), v))
            .collect(),
        accession_requires_acceptance: *accession_requires_acceptance,
        accepted_by: accepted_by.clone(),
        extended_to: extended_to.clone(),
        notes: notes.clone(),
        continues_for: continues_for.clone(),
        acceptances: acceptances
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let pb::Acceptance {
                    by,
                    deposited,
                    effective,
                    territories,
                    sources,
                    notes,
                } = a;
                Acceptance {
                    by: by.clone(),
                    deposited: date(deposited, &format!("acceptances[{k}].deposited"), v),
                    effective: date(effective, &format!("acceptances[{k}].effective"), v),
                    territories: territories.clone(),
                    sources: sources.clone(),
                    notes: notes.clone(),
                }
            })
            .collect(),
        extensions: extensions
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let pb::TerritorialExtension {
                    region,
                    effective_from,
                    effective_until,
                    central_authorities,
                    sources,
                    notes,
                } = e;
                Extension {
                    region: region.clone(),
                    effective_from: date(
                        effective_from,
                        &format!("extensions[{k}].effective_from"),
                        v,
                    ),
                    effective_until: date(
                        effective_until,
                        &format!("extensions[{k}].effective_until"),
                        v,
                    ),
                    central_authorities: central_authorities
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
                    sources: sources.clone(),
                    notes: notes.clone(),
                }
            })
            .collect(),
        statements_recorded: statements_recorded.clone(),
        sources: sources.clone(),
    }
}

fn authority_from_proto(
    a: &pb::CentralAuthority,
    prefix: &str,
    v: &mut Violations,
) -> CentralAuthority {
    let pb::CentralAuthority {
        matter: wire_matter,
        assistance: wire_assistance,
        name,
        notes,
    } = a;
    let (wire_matter, wire_assistance) = (*wire_matter, *wire_assistance);
    let matter = if wire_matter == 0 {
        None
    } else {
        matter_from_proto(wire_matter)
    };
    if wire_matter != 0 && matter.is_none() {
        v.add(
            format!("{prefix}matter"),
            format!("unknown matter {wire_matter}"),
        );
    }
    let assistance = if wire_assistance == 0 {
        None
    } else {
        assistance_from_proto(wire_assistance)
    };
    if wire_assistance != 0 && assistance.is_none() {
        v.add(
            format!("{prefix}assistance"),
            format!("unknown assistance {wire_assistance}"),
        );
    }
    CentralAuthority {
        matter,
        assistance,
        name: name.clone(),
        notes: notes.clone(),
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
    let Requirement {
        topic,
        direction,
        party,
        matters,
        assistances,
        channels,
        text,
        article,
        valid_from,
        valid_until,
        reported,
        conflict,
        sources,
        notes,
    } = r;
    pb::Requirement {
        topic: topic.map(|t| topic_to_proto(t) as i32).unwrap_or(0),
        direction: requirement_direction_to_proto(*direction) as i32,
        party: party.clone(),
        matters: matters.iter().map(|m| matter_to_proto(*m) as i32).collect(),
        assistances: assistances
            .iter()
            .map(|a| assistance_to_proto(*a) as i32)
            .collect(),
        channels: channels
            .iter()
            .map(|c| channel_kind_to_proto(*c) as i32)
            .collect(),
        text: text.clone(),
        article: article.clone(),
        valid_from: valid_from.map(date_to_proto),
        valid_until: valid_until.map(date_to_proto),
        reported: reported.map(date_to_proto),
        conflict: conflict.clone(),
        sources: sources.clone(),
        notes: notes.clone(),
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
    let pb::Requirement {
        topic,
        direction,
        party,
        matters,
        assistances,
        channels,
        text,
        article,
        valid_from,
        valid_until,
        reported,
        conflict,
        sources,
        notes,
    } = p;
    let direction = match pb::RequirementDirection::try_from(*direction) {
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
    let matters = listed(matters, "matters", "matter");
    let assistances = listed(assistances, "assistances", "assistance");
    let channels = listed(channels, "channels", "channel kind");
    Requirement {
        topic: topic_from_proto(*topic),
        direction,
        party: party.clone(),
        matters: matters.into_iter().filter_map(matter_from_proto).collect(),
        assistances: assistances
            .into_iter()
            .filter_map(assistance_from_proto)
            .collect(),
        channels: channels
            .into_iter()
            .filter_map(channel_kind_from_proto)
            .collect(),
        text: text.clone(),
        article: article.clone(),
        valid_from: partial_from_proto(valid_from.as_ref(), &format!("{prefix}valid_from"), v),
        valid_until: partial_from_proto(valid_until.as_ref(), &format!("{prefix}valid_until"), v),
        reported: partial_from_proto(reported.as_ref(), &format!("{prefix}reported"), v),
        conflict: conflict.clone(),
        sources: sources.clone(),
        notes: notes.clone(),
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

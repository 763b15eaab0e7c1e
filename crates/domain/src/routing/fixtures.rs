//! Hand-built instruments for the routing tests: fakes modelled on real
//! ones (their dates are not a dataset), and helpers to ask and compare.

use std::collections::BTreeMap;

use super::*;
use crate::date::PartialDate;
use crate::instrument::{CentralAuthority, Coverage, Party, Reservation};
use crate::jurisdiction::{self, Jurisdiction};
use crate::vocabulary::{InstrumentKind, TreatyType};

use Assistance::*;
use Matter::*;

pub(super) fn world() -> BTreeMap<String, Jurisdiction> {
    jurisdiction::builtin()
        .into_iter()
        .map(|j| (j.code.clone(), j))
        .collect()
}

pub(super) fn day(text: &str) -> CalendarDate {
    CalendarDate::parse(text).expect("test date")
}

pub(super) fn date(text: &str) -> Option<PartialDate> {
    Some(PartialDate::parse(text).expect("test partial date"))
}

pub(super) fn party(code: &str, signed: &str, eif: &str) -> Party {
    Party {
        signed: (!signed.is_empty()).then(|| date(signed)).flatten(),
        entry_into_force: (!eif.is_empty()).then(|| date(eif)).flatten(),
        ..Party::new(code)
    }
}

pub(super) fn authority(name: &str) -> CentralAuthority {
    CentralAuthority {
        name: name.to_owned(),
        ..CentralAuthority::default()
    }
}

pub(super) fn coverage(pairs: &[(Matter, Assistance)]) -> Vec<Coverage> {
    pairs.iter().map(|&(m, a)| Coverage::new(m, a)).collect()
}

pub(super) fn treaty(id: &str, t: TreatyType, other: &str, signed: &str, eif: &str) -> Instrument {
    let mut inst = Instrument::new(id, InstrumentKind::BilateralTreaty, id);
    inst.treaty_type = Some(t);
    inst.parties = vec![party("CN", signed, eif), party(other, signed, eif)];
    inst.coverage = coverage(&t.default_coverage());
    inst
}

pub(super) fn convention(
    id: &str,
    short: &str,
    parties: Vec<Party>,
    pairs: &[(Matter, Assistance)],
) -> Instrument {
    let mut inst = Instrument::new(id, InstrumentKind::MultilateralConvention, short);
    inst.short_name = short.to_owned();
    inst.parties = parties;
    inst.coverage = coverage(pairs);
    // The fixture world's lists are complete (the partial case is tested on its own).
    inst.party_list = Some(crate::instrument::PartyList {
        complete_as_of: date("2030-01-01"),
        covers: String::new(),
        sources: vec!["fixture".into()],
    });
    inst
}

/// China–France civil treaty: signed 1987-05-04, in force 1988-02-08.
pub(super) fn cn_fr_civil() -> Instrument {
    let mut inst = treaty(
        "cn-fr-civil-1987",
        TreatyType::CivilCommercial,
        "FR",
        "1987-05-04",
        "1988-02-08",
    );
    inst.title_en =
        "Agreement between China and France on Judicial Assistance in Civil and Commercial Matters"
            .into();
    inst.coverage = coverage(&[
        (CivilCommercial, ServiceOfDocuments),
        (CivilCommercial, TakingOfEvidence),
    ]);
    inst.coverage[0].articles = "Arts 7-10".into();
    inst.parties[0].central_authorities = vec![authority("Ministry of Justice")];
    inst.parties[1].central_authorities = vec![authority("Ministère de la Justice")];
    inst
}

pub(super) fn cn_fr_extradition() -> Instrument {
    treaty(
        "cn-fr-extradition-2007",
        TreatyType::Extradition,
        "FR",
        "2007-03-20",
        "2015-07-17",
    )
}

/// Like the Hague Service Convention: CN objects to postal and direct
/// service (Art. 10) and extended it to HK and MO.
pub(super) fn hague_service() -> Instrument {
    let mut cn = party("CN", "", "1992-01-01");
    cn.ratified = date("1991-05-06");
    cn.extended_to = vec!["HK".into(), "MO".into()];
    cn.central_authorities = vec![authority(
        "Ministry of Justice (International Legal Cooperation Center)",
    )];
    cn.reservations = vec![
        Reservation {
            article: "Art. 10".into(),
            text: "objects to service through the channels of Art. 10".into(),
            excluded_transmissions: vec!["postal".into(), "direct".into()],
            ..Reservation::default()
        },
        Reservation {
            article: "Art. 5".into(),
            text: "documents in or translated into Chinese".into(),
            ..Reservation::default()
        },
    ];
    let fr = party("FR", "1967-01-12", "1972-09-01");
    let mut inst = convention(
        "hague-service-1965",
        "Hague Service 1965",
        vec![cn, fr, party("US", "1967-08-21", "1969-02-10")],
        &[(CivilCommercial, ServiceOfDocuments)],
    );
    inst.coverage[0].articles = "Arts 2-6".into();
    if let Some(list) = inst.party_list.as_mut() {
        list.complete_as_of = date("2024-03-21");
    }
    inst.coverage[0].transmissions = vec![
        "central_authority".into(),
        "diplomatic".into(),
        "postal".into(),
    ];
    inst
}

/// Like the Hague Evidence Convention: CN acceded (A*), accepted by FR and
/// KR; DE's acceptance is not recorded (unknown: review finding 2); IT (a
/// fixture, not a fact) objects to China's accession; KR and AR acceded too.
pub(super) fn hague_evidence() -> Instrument {
    let mut cn = party("CN", "", "1998-02-06");
    cn.accession_requires_acceptance = true;
    cn.accepted_by = vec!["FR".into(), "KR".into()];
    let mut kr = party("KR", "", "2009-12-14");
    kr.accession_requires_acceptance = true;
    let mut ar = party("AR", "", "1987-07-07");
    ar.accession_requires_acceptance = true;
    convention(
        "hague-evidence-1970",
        "Hague Evidence 1970",
        vec![
            cn,
            party("FR", "1970-03-18", "1974-10-07"),
            party("DE", "1970-03-18", "1979-06-26"),
            kr,
            ar,
            Party {
                reservations: vec![Reservation {
                    article: "Art. 39(4)".into(),
                    kind: Some(crate::instrument::StatementKind::Objection),
                    objects_to: vec!["CN".into()],
                    ..Reservation::default()
                }],
                ..party("IT", "1970-03-18", "1982-06-22")
            },
        ],
        &[(CivilCommercial, TakingOfEvidence)],
    )
}

/// Like UNTOC: FR excludes extradition under it (a fake reservation).
pub(super) fn untoc() -> Instrument {
    let mut fr = party("FR", "2000-12-12", "2003-09-29");
    fr.reservations = vec![Reservation {
        article: "Art. 16".into(),
        text: "not a legal basis for extradition".into(),
        excluded_assistances: vec![Extradition],
        ..Reservation::default()
    }];
    convention(
        "untoc-2000",
        "UNTOC",
        vec![
            party("CN", "2000-12-12", "2003-10-23"),
            fr,
            party("KE", "", "2004-07-16"),
        ],
        &[(Criminal, TakingOfEvidence), (Criminal, Extradition)],
    )
}

/// Like UNCAC: limited to corruption.
pub(super) fn uncac() -> Instrument {
    let mut inst = convention(
        "uncac-2003",
        "UNCAC",
        vec![
            party("CN", "2003-12-10", "2006-02-12"),
            party("FR", "2003-12-09", "2005-12-14"),
        ],
        &[(Criminal, AssetRecovery), (Criminal, Extradition)],
    );
    inst.offence_scope = vec!["corruption".into()];
    inst
}

pub(super) fn cn_hk_service() -> Instrument {
    let mut inst = Instrument::new(
        "cn-hk-civil-service-1999",
        InstrumentKind::Arrangement,
        "Arrangement for Mutual Service of Judicial Documents (Mainland and Hong Kong)",
    );
    inst.parties = vec![
        party("CN", "1999-01", "1999-03-30"),
        party("HK", "1999-01", "1999-03-30"),
    ];
    inst.parties[1].central_authorities = vec![authority("High Court of the HKSAR")];
    inst.coverage = coverage(&[(CivilCommercial, ServiceOfDocuments)]);
    inst
}

pub(super) fn hk_mo_service() -> Instrument {
    let mut inst = Instrument::new(
        "hk-mo-civil-service-2005",
        InstrumentKind::Arrangement,
        "Arrangement between Hong Kong and Macao on service",
    );
    inst.parties = vec![party("HK", "", "2005-08-01"), party("MO", "", "2005-08-01")];
    inst.coverage = coverage(&[(CivilCommercial, ServiceOfDocuments)]);
    inst
}

pub(super) fn cn_vn_civil_criminal() -> Instrument {
    treaty(
        "cn-vn-civil-criminal-1998",
        TreatyType::CivilAndCriminal,
        "VN",
        "1998-10-19",
        "1999-12-25",
    )
}

pub(super) fn cn_se_terminated() -> Instrument {
    let mut inst = treaty(
        "cn-se-criminal-1994",
        TreatyType::Criminal,
        "SE",
        "1994-03-01",
        "1995-01-01",
    );
    for p in &mut inst.parties {
        p.termination_notice = date("2009-06-30");
        p.termination_effective = date("2010-01-01");
    }
    inst
}

/// Entry into force known only to the year.
pub(super) fn cn_ke_extradition() -> Instrument {
    treaty(
        "cn-ke-extradition-2005",
        TreatyType::Extradition,
        "KE",
        "2004",
        "2005",
    )
}

/// A treaty between two other states: never relevant.
pub(super) fn fr_de_treaty() -> Instrument {
    let mut inst = treaty(
        "fr-de-civil-1990",
        TreatyType::CivilCommercial,
        "DE",
        "1990-01-01",
        "1991-01-01",
    );
    inst.parties[0].jurisdiction = "FR".into();
    inst
}

/// A convention the home state is not a party to.
pub(super) fn without_cn() -> Instrument {
    convention(
        "eu-service-2000",
        "EU Service",
        vec![party("FR", "", "2001-05-31"), party("DE", "", "2001-05-31")],
        &[(CivilCommercial, ServiceOfDocuments)],
    )
}

pub(super) fn all() -> Vec<Instrument> {
    vec![
        cn_fr_civil(),
        cn_fr_extradition(),
        hague_service(),
        hague_evidence(),
        untoc(),
        uncac(),
        cn_hk_service(),
        hk_mo_service(),
        cn_vn_civil_criminal(),
        cn_se_terminated(),
        cn_ke_extradition(),
        fr_de_treaty(),
        without_cn(),
    ]
}

pub(super) fn ask_with(instruments: &[Instrument], query: &RouteQuery) -> RouteAnswer {
    let refs: Vec<&Instrument> = instruments.iter().collect();
    route("CN", &Listed::new(&world(), &refs), query).expect("route")
}

pub(super) fn query(c: &str, m: Matter, a: Assistance, on: &str) -> RouteQuery {
    RouteQuery::new(c, m, a, day(on))
}

pub(super) fn ids(answer: &RouteAnswer) -> Vec<&str> {
    answer
        .channels
        .iter()
        .map(|c| c.instrument_id.as_deref().unwrap_or("fallback"))
        .collect()
}

pub(super) fn reasons(answer: &RouteAnswer) -> Vec<(&str, NotApplicableReason)> {
    answer
        .not_applicable
        .iter()
        .map(|n| (n.instrument_id.as_str(), n.code))
        .collect()
}

pub(super) fn find<'a>(answer: &'a RouteAnswer, id: &str) -> &'a NotApplicable {
    answer
        .not_applicable
        .iter()
        .find(|n| n.instrument_id == id)
        .unwrap_or_else(|| panic!("{id} not in {answer:#?}"))
}

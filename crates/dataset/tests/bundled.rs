//! The bundled dataset: it loads, validates, and holds the facts it was built from.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use judicial_dataset::{HOME, bundled, load_path};
use judicial_domain::jurisdiction::builtin;
use judicial_domain::validation::validate_dataset;
use judicial_domain::{
    Assistance, CalendarDate, Instrument, InstrumentKind, Matter, PartialDate, Status, TreatyType,
};

fn instrument(id: &str) -> &'static Instrument {
    bundled()
        .instrument(id)
        .unwrap_or_else(|| panic!("{id} is not in the bundled dataset"))
}

fn date(text: &str) -> Option<PartialDate> {
    Some(PartialDate::parse(text).expect("test date"))
}

fn day(text: &str) -> CalendarDate {
    CalendarDate::parse(text).expect("test day")
}

fn data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

#[test]
fn bundled_dataset_validates_for_the_home_state() {
    let dataset = bundled();
    let known: HashMap<_, _> = builtin().into_iter().map(|j| (j.code.clone(), j)).collect();
    let violations = validate_dataset(&dataset.jurisdictions, &dataset.instruments, &known, HOME);
    assert!(violations.is_empty(), "{violations}");
    assert!(
        dataset.jurisdictions.is_empty(),
        "the built-in list is enough"
    );
    assert_eq!(dataset.instruments.len(), 136 + 7 + 17 + 1);
}

#[test]
fn the_directory_loads_to_the_same_dataset() {
    assert_eq!(&load_path(&data_dir()).unwrap(), bundled());
}

#[test]
fn china_france_civil_treaty_has_its_sourced_dates() {
    let t = instrument("cn-fr-civil-1987");
    assert_eq!(t.kind, InstrumentKind::BilateralTreaty);
    assert_eq!(t.treaty_type, Some(TreatyType::CivilCommercial));
    assert_eq!(
        t.title,
        "中华人民共和国和法兰西共和国关于民事、商事司法协助的协定"
    );
    assert!(t.title_en.is_empty(), "no source gives an English title");
    for code in ["CN", "FR"] {
        let p = t.party(code).unwrap();
        assert_eq!(p.signed, date("1987-05-04"), "{code}");
        assert_eq!(p.entry_into_force, date("1988-02-08"), "{code}");
        assert_eq!(Status::of_party(p, day("2024-01-01")), Status::InForce);
    }
    assert_eq!(t.party("CN").unwrap().ratified, date("1987-09-05"));
    assert_eq!(t.party("FR").unwrap().ratified, None);
    let cn = t.party("CN").unwrap();
    let authority = cn
        .authority_for(Matter::CivilCommercial, Assistance::ServiceOfDocuments)
        .unwrap();
    assert_eq!(authority.name, "Ministry of Justice");
    assert!(t.party("FR").unwrap().central_authorities.is_empty());
    assert_eq!(t.coverage.len(), 4);
    assert!(t.sources.iter().any(|s| s.contains("senat.fr")));
}

#[test]
fn bilateral_treaties_match_the_fact_base_counts() {
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &bundled().instruments {
        if t.kind == InstrumentKind::BilateralTreaty {
            *by_type.entry(t.treaty_type.unwrap().as_str()).or_default() += 1;
        }
    }
    let want = BTreeMap::from([
        ("extradition", 59),
        ("criminal", 23),
        ("civil_and_criminal", 19),
        ("civil_commercial", 18),
        ("transfer_of_sentenced_persons", 17),
    ]);
    assert_eq!(by_type, want);
    assert_eq!(by_type.values().sum::<usize>(), 136);
}

#[test]
fn bilateral_ids_follow_the_naming_rule() {
    for t in bundled()
        .instruments
        .iter()
        .filter(|t| t.kind == InstrumentKind::BilateralTreaty)
    {
        let counterpart = t.counterparts(HOME).next().unwrap().to_ascii_lowercase();
        let kind = match t.treaty_type.unwrap() {
            TreatyType::CivilCommercial => "civil",
            TreatyType::Criminal => "criminal",
            TreatyType::CivilAndCriminal => "civil-criminal",
            TreatyType::Extradition => "extradition",
            TreatyType::TransferOfSentencedPersons => "transfer",
        };
        let year = t
            .party(HOME)
            .and_then(|p| p.signed)
            .map_or("undated".to_owned(), |d| d.year.to_string());
        assert_eq!(t.id, format!("cn-{counterpart}-{kind}-{year}"));
        assert!(
            !t.title.is_empty() || t.short_name.ends_with("(title not recorded)"),
            "{}: an untitled treaty says so",
            t.id
        );
        assert!(!t.sources.is_empty(), "{}", t.id);
        for p in &t.parties {
            assert_eq!(
                p.signed, t.parties[0].signed,
                "{}: both sign together",
                t.id
            );
        }
    }
}

#[test]
fn coverage_exceptions_from_the_rows_are_kept() {
    for id in ["cn-be-civil-1987", "cn-th-civil-1994"] {
        let t = instrument(id);
        assert!(
            t.covers(
                Matter::CivilCommercial,
                Assistance::RecognitionAndEnforcement
            )
            .is_none(),
            "{id} does not cover recognition and enforcement"
        );
        assert!(
            t.covers(Matter::CivilCommercial, Assistance::ServiceOfDocuments)
                .is_some()
        );
    }
    let sg = instrument("cn-sg-civil-1997");
    assert_eq!(sg.coverage.len(), 3);
    let extradition = instrument("cn-fr-extradition-2007");
    assert_eq!(
        extradition.coverage[0].transmissions,
        ["diplomatic_channels"]
    );
    assert_eq!(
        extradition.party("CN").unwrap().central_authorities[0].name,
        "Ministry of Foreign Affairs"
    );
}

#[test]
fn list_attestations_become_in_force_as_of() {
    // "all in force as of Sept 2018 (M18)": no entry-into-force date, but in force after it.
    let mongolia = instrument("cn-mn-civil-criminal-undated");
    let p = mongolia.party("MN").unwrap();
    assert_eq!(p.entry_into_force, None);
    assert_eq!(p.in_force_as_of, date("2018-09"));
    assert_eq!(Status::of_party(p, day("2019-01-01")), Status::InForce);
    assert!(matches!(
        Status::of_party(p, day("2010-01-01")),
        Status::Uncertain(_)
    ));
    // The earliest of two attestations (Xinhua 2010, mixi 2018) is used.
    assert_eq!(
        instrument("cn-za-extradition-undated")
            .party("ZA")
            .unwrap()
            .in_force_as_of,
        date("2010-10")
    );
    // "not in force as of Sept 2018": no entry into force at all.
    let belgium = instrument("cn-be-civil-1987").party("BE").unwrap();
    assert_eq!(belgium.entry_into_force, None);
    assert_eq!(belgium.in_force_as_of, None);
    assert_eq!(
        Status::of_party(belgium, day("2024-01-01")).name(),
        "SIGNED_NOT_IN_FORCE"
    );
}

#[test]
fn conflicts_use_one_value_and_note_the_other() {
    let argentina = instrument("cn-ar-criminal-2012");
    assert_eq!(argentina.party("CN").unwrap().ratified, date("2014-04-24"));
    assert!(argentina.notes.contains("2015-04-24"));
    let korea = instrument("cn-kr-extradition-2000");
    assert_eq!(
        korea.party("KR").unwrap().entry_into_force,
        date("2002-04-12")
    );
    assert!(korea.notes.contains("2002-04-11"));
    let algeria = instrument("cn-dz-civil-2010");
    assert_eq!(
        algeria.party("DZ").unwrap().entry_into_force,
        date("2012-10-16")
    );
    assert!(algeria.notes.contains("2012-06-16"));
}

#[test]
fn partial_dates_stay_partial() {
    let argentina = instrument("cn-ar-civil-2001");
    assert_eq!(
        argentina.party("CN").unwrap().signed,
        Some(PartialDate::year(2001))
    );
    let uae = instrument("cn-ae-civil-undated");
    assert_eq!(
        uae.party("CN").unwrap().ratified,
        Some(PartialDate::month(2004, 12))
    );
}

#[test]
fn hague_service_records_china_reservation_and_parties() {
    let hague = instrument("hague-service-1965");
    assert_eq!(hague.kind, InstrumentKind::MultilateralConvention);
    let cn = hague.party("CN").unwrap();
    assert_eq!(cn.ratified, date("1991-05-06"));
    assert_eq!(cn.entry_into_force, date("1992-01-01"));
    assert_eq!(cn.extended_to, ["HK", "MO"]);
    let art10 = cn
        .reservations
        .iter()
        .find(|r| r.article == "Art. 10")
        .unwrap();
    assert_eq!(
        art10.excluded_transmissions,
        ["postal", "direct_judicial_officers"]
    );
    assert_eq!(
        cn.central_authorities[0].name,
        "Ministry of Justice (International Legal Cooperation Center)"
    );
    let fr = hague.party("FR").unwrap();
    assert_eq!(fr.entry_into_force, date("1972-09-01"));
    assert_eq!(fr.signed, date("1967-01-12"));
    // 45 rows in the parties file, China's among them.
    assert_eq!(hague.parties.len(), 45);
    let coverage = hague
        .covers(Matter::CivilCommercial, Assistance::ServiceOfDocuments)
        .unwrap();
    assert_eq!(coverage.articles, "Arts 2-6");
    assert_eq!(coverage.transmissions[0], "central_authority");
}

#[test]
fn hague_evidence_marks_accessions_that_need_acceptance() {
    let hague = instrument("hague-evidence-1970");
    assert_eq!(hague.parties.len(), 35);
    let cn = hague.party("CN").unwrap();
    assert!(cn.accession_requires_acceptance);
    assert!(cn.accepted_by.is_empty(), "acceptances were not tabulated");
    assert!(
        cn.central_authorities.is_empty(),
        "designation not retrieved"
    );
    assert!(cn.reservations.iter().any(|r| {
        r.article == "Art. 33"
            && r.excluded_transmissions
                .contains(&"commissioners".to_owned())
    }));
    assert!(hague.party("AR").unwrap().accession_requires_acceptance);
    assert!(!hague.party("FR").unwrap().accession_requires_acceptance);
    assert_eq!(hague.party("IL").unwrap().entry_into_force, None);
}

#[test]
fn conventions_are_the_judicial_assistance_ones() {
    let ids: Vec<&str> = bundled()
        .instruments
        .iter()
        .filter(|i| i.kind == InstrumentKind::MultilateralConvention)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "hague-service-1965",
            "hague-evidence-1970",
            "un-narcotics-1988",
            "untoc-2000",
            "uncac-2003",
            "un-terrorist-financing-1999",
            "sco-counter-terrorism-2009",
            "new-york-1958",
        ]
    );
    let scopes = [
        ("un-narcotics-1988", "narcotics"),
        ("untoc-2000", "organized_crime"),
        ("uncac-2003", "corruption"),
        ("un-terrorist-financing-1999", "terrorist_financing"),
        ("sco-counter-terrorism-2009", "terrorism"),
    ];
    for (id, scope) in scopes {
        assert_eq!(instrument(id).offence_scope, [scope], "{id}");
        assert_eq!(
            instrument(id).parties.len(),
            1,
            "{id}: counterparts not recorded"
        );
    }
    let uncac = instrument("uncac-2003");
    assert_eq!(
        uncac
            .covers(Matter::Criminal, Assistance::Extradition)
            .unwrap()
            .articles,
        "Art. 44"
    );
    assert_eq!(
        uncac.party("CN").unwrap().entry_into_force,
        date("2006-02-12")
    );
}

#[test]
fn arrangements_join_the_mainland_and_its_regions() {
    let arrangements: Vec<&Instrument> = bundled()
        .instruments
        .iter()
        .filter(|i| i.kind == InstrumentKind::Arrangement)
        .collect();
    assert_eq!(arrangements.len(), 17);
    for a in &arrangements {
        for p in &a.parties {
            assert!(
                ["CN", "HK", "MO", "TW"].contains(&p.jurisdiction.as_str()),
                "{}",
                a.id
            );
            assert!(p.signed.is_some(), "{}: every row has a signing date", a.id);
        }
    }
    let hk_mo = arrangements
        .iter()
        .filter(|a| a.party(HOME).is_none())
        .count();
    assert_eq!(hk_mo, 3);

    let choice = instrument("cn-hk-choice-of-court-judgments-2006");
    for p in &choice.parties {
        assert_eq!(p.termination_effective, date("2024-01-29"));
        assert_eq!(Status::of_party(p, day("2024-06-01")).name(), "TERMINATED");
    }
    let service = instrument("cn-hk-service-1999");
    assert_eq!(
        service.party("HK").unwrap().signed,
        Some(PartialDate::month(1999, 1))
    );
    assert_eq!(service.coverage[0].transmissions, ["court_to_court"]);

    let transfer = instrument("hk-mo-transfer-2005");
    assert!(
        transfer
            .covers(Matter::Criminal, Assistance::TransferOfSentencedPersons)
            .is_some()
    );
    assert!(
        transfer
            .parties
            .iter()
            .all(|p| p.entry_into_force.is_none())
    );

    let macao = instrument("cn-mo-service-evidence-2001");
    for assistance in [
        Assistance::ServiceOfDocuments,
        Assistance::TakingOfEvidence,
        Assistance::LegalInformation,
    ] {
        assert!(macao.covers(Matter::CivilCommercial, assistance).is_some());
    }
}

#[test]
fn every_data_file_is_embedded() {
    let mut on_disk: Vec<String> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk,
        [
            "arrangements.toml",
            "bilateral.toml",
            "conventions.toml",
            "new-york.toml"
        ]
    );
}

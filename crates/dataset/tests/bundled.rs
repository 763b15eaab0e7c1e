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
    // 152 treaties; the 7 conventions of the first pass plus the five UN
    // conventions of un-conventions-parties.csv that carry extradition or
    // assistance articles, and the New York Convention; 17 arrangements (TW
    // added, the Macao amendment folded in); 5 home-state statutes
    // (requirements.toml).
    assert_eq!(dataset.instruments.len(), 152 + 12 + 1 + 17 + 5);
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
        ("extradition", 61),
        ("criminal", 36),
        ("civil_and_criminal", 19),
        ("civil_commercial", 19),
        ("transfer_of_sentenced_persons", 17),
    ]);
    assert_eq!(by_type, want);
    assert_eq!(by_type.values().sum::<usize>(), 152);
    let treaties: Vec<&Instrument> = bundled()
        .instruments
        .iter()
        .filter(|t| t.kind == InstrumentKind::BilateralTreaty)
        .collect();
    let states: std::collections::BTreeSet<&str> =
        treaties.iter().flat_map(|t| t.counterparts(HOME)).collect();
    assert_eq!(states.len(), 79);
    assert_eq!(treaties.iter().filter(|t| !t.title.is_empty()).count(), 74);
    // 60 rows of the fact base have an entry-into-force date; the Cyprus
    // extradition treaty's "in force 2020" comes from its note.
    let in_force = |t: &&&Instrument| t.party(HOME).unwrap().entry_into_force.is_some();
    assert_eq!(treaties.iter().filter(in_force).count(), 61);
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
        // Ids never change: a treaty whose signing was found after its id was
        // fixed keeps its `-undated` id.
        let undated = format!("cn-{counterpart}-{kind}-undated");
        assert!(
            t.id == format!("cn-{counterpart}-{kind}-{year}") || t.id == undated,
            "{}: signed {year}",
            t.id
        );
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
    let turkey = instrument("cn-tr-civil-criminal-undated");
    let p = turkey.party("TR").unwrap();
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
    // Issue 17 item 4: Art. 10(a), (b) and (c) as the Convention splits them.
    assert_eq!(
        art10.excluded_transmissions,
        [
            "postal",
            "judicial_officers_direct",
            "interested_persons_direct"
        ]
    );
    assert_eq!(art10.regions, ["CN"], "the Mainland only");
    assert_eq!(
        cn.central_authorities[0].name,
        "Ministry of Justice (International Legal Cooperation Center)"
    );
    let fr = hague.party("FR").unwrap();
    assert_eq!(fr.entry_into_force, date("1972-09-01"));
    assert_eq!(fr.signed, date("1967-01-12"));
    // 84 rows in the parties file (was 45), China's among them.
    assert_eq!(hague.parties.len(), 84);
    assert!(hague.party("GB").is_some() && hague.party("NL").is_some());
    assert_eq!(
        hague.party_list.as_ref().unwrap().complete_as_of,
        date("2024-03-21")
    );
    let coverage = hague
        .covers(Matter::CivilCommercial, Assistance::ServiceOfDocuments)
        .unwrap();
    assert_eq!(coverage.articles, "Arts 2-6, 8-10");
    assert_eq!(coverage.transmissions[0], "central_authority");
}

#[test]
fn hague_evidence_marks_accessions_that_need_acceptance() {
    let hague = instrument("hague-evidence-1970");
    assert_eq!(hague.parties.len(), 65);
    let cn = hague.party("CN").unwrap();
    assert!(cn.accession_requires_acceptance);
    // Germany's acceptance of China's accession, the only one the facts found.
    let de = cn.acceptance_by("DE").unwrap();
    assert_eq!(de.effective, date("1998-07-06"));
    assert_eq!(cn.acceptances.len(), 1);
    // NPCSC decision of 1997-07-03 item 1 (review: "can be closed").
    assert_eq!(cn.central_authorities[0].name, "Ministry of Justice");
    let za = hague.party("ZA").unwrap().acceptance_by("CN").unwrap();
    assert_eq!(za.territories, ["HK"]);
    assert!(cn.reservations.iter().any(|r| {
        r.article == "Art. 33"
            && r.excluded_transmissions
                .contains(&"commissioners".to_owned())
    }));
    assert!(hague.party("AR").unwrap().accession_requires_acceptance);
    assert!(!hague.party("FR").unwrap().accession_requires_acceptance);
    // The third pass of the facts found Israel's date (was unknown).
    assert_eq!(
        hague.party("IL").unwrap().entry_into_force,
        date("1979-09-17")
    );
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
            "untoc-2000",
            "uncac-2003",
            "un-narcotics-1988",
            "un-terrorist-financing-1999",
            "un-terrorist-bombings-1997",
            "un-nuclear-terrorism-2005",
            "un-hostages-1979",
            "un-cat-1984",
            "un-protected-persons-1973",
            "sco-counter-terrorism-2009",
            "new-york-1958",
        ]
    );
    // (parties, complete as of): the counts of un-conventions-parties.csv
    // (the EU is not a jurisdiction and is left out).
    let scopes = [
        ("un-narcotics-1988", "drug_trafficking", 191, None),
        ("untoc-2000", "organized_crime", 191, date("2024-05-04")),
        ("uncac-2003", "corruption", 191, date("2026-02-07")),
        (
            "un-terrorist-financing-1999",
            "terrorist_financing",
            190,
            None,
        ),
        ("sco-counter-terrorism-2009", "terrorism", 1, None),
    ];
    for (id, scope, parties, complete) in scopes {
        let i = instrument(id);
        assert_eq!(i.offence_scope, [scope], "{id}");
        assert_eq!(i.parties.len(), parties, "{id}");
        assert_eq!(
            i.party_list.as_ref().unwrap().complete_as_of,
            complete,
            "{id}"
        );
    }
    // Review finding 10: UNTOC Art. 17 is no legal basis for a transfer.
    let untoc = instrument("untoc-2000");
    assert!(
        untoc
            .covers(Matter::Criminal, Assistance::TransferOfSentencedPersons)
            .is_none()
    );
    assert!(
        untoc
            .covers(Matter::Criminal, Assistance::AssetRecovery)
            .unwrap()
            .articles
            .starts_with("Art. 13")
    );
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
            "new-york.toml",
            "requirements.toml"
        ]
    );
}

/// Issue 16, "Done when": every party date in the bundled data has a source,
/// on the party itself or, for a treaty's identical dates, on the instrument.
#[test]
fn every_party_date_has_a_source() {
    let mut missing = Vec::new();
    for i in &bundled().instruments {
        for p in &i.parties {
            let dated = p.signed.is_some()
                || p.ratified.is_some()
                || p.entry_into_force.is_some()
                || p.termination_effective.is_some()
                || p.in_force_as_of.is_some();
            let sourced = !p.sources.is_empty()
                || (i.kind != InstrumentKind::MultilateralConvention && !i.sources.is_empty());
            if dated && !sourced {
                missing.push(format!("{} {}", i.id, p.jurisdiction));
            }
            for a in &p.acceptances {
                if (a.deposited.is_some() || a.effective.is_some()) && a.sources.is_empty() {
                    missing.push(format!(
                        "{} {} acceptance by {}",
                        i.id, p.jurisdiction, a.by
                    ));
                }
            }
            for r in &p.reservations {
                if (r.effective_from.is_some() || r.effective_until.is_some())
                    && r.sources.is_empty()
                {
                    missing.push(format!(
                        "{} {} statement {}",
                        i.id, p.jurisdiction, r.article
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "dates without a source: {missing:?}");
}

/// Every multilateral convention says how complete its party list is.
#[test]
fn every_convention_states_its_party_list_completeness() {
    for i in &bundled().instruments {
        if i.kind == InstrumentKind::MultilateralConvention {
            let list = i.party_list.as_ref().unwrap_or_else(|| panic!("{}", i.id));
            assert!(!list.sources.is_empty(), "{}", i.id);
            assert!(
                list.complete_as_of.is_some() || !list.covers.is_empty(),
                "{}: a partial list says what it covers",
                i.id
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Issue 16, "Done when", on the bundled data: for every (counterpart,
    /// matter, assistance, date) the primary channel is never reciprocity
    /// while a certain convention or treaty applies, and a convention is never
    /// "not a party" for a state absent only because its list is partial.
    #[test]
    fn bundled_partial_lists_never_make_a_non_party(
        idx in 0usize..250,
        m in proptest::sample::select(judicial_domain::Matter::ALL.to_vec()),
        a in proptest::sample::select(judicial_domain::Assistance::ALL.to_vec()),
        y in 1985i32..2030, mo in 1u8..=12, d in 1u8..=28,
    ) {
        use judicial_domain::routing::{Listed, NotApplicableReason, RouteQuery, route};
        let jurisdictions: HashMap<_, _> = builtin().into_iter().map(|j| (j.code.clone(), j)).collect();
        let codes: Vec<&String> = jurisdictions.keys().filter(|c| c.as_str() != HOME).collect();
        let mut codes = codes;
        codes.sort();
        let c = codes[idx % codes.len()].clone();
        let on = judicial_domain::CalendarDate::new(y, mo, d).unwrap();
        let refs: Vec<&Instrument> = bundled().instruments.iter().collect();
        let answer = route(HOME, &Listed::new(&jurisdictions, &refs), &RouteQuery::new(c.clone(), m, a, on)).unwrap();
        if answer.channels.iter().any(|ch| ch.instrument_id.is_some() && ch.uncertain.is_none()) {
            proptest::prop_assert_ne!(answer.channels[0].kind, judicial_domain::ChannelKind::Reciprocity);
        }
        for n in &answer.not_applicable {
            if n.code == NotApplicableReason::NotAParty {
                let inst = bundled().instrument(&n.instrument_id).unwrap();
                if inst.kind == InstrumentKind::MultilateralConvention {
                    proptest::prop_assert!(
                        inst.party_list.as_ref().is_some_and(|l| l.complete_on(on)),
                        "{c} {}: {}", n.instrument_id, n.reason
                    );
                }
            }
        }
    }
}

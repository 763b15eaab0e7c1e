//! Loading files: every problem is located by file, line and field, and what
//! `to_toml` writes reads back unchanged.

use judicial_dataset::{Dataset, LoadError, bundled, load_path, parse, to_toml};
use judicial_domain::{
    Acceptance, Assistance, Binds, CentralAuthority, Coverage, Instrument, InstrumentKind,
    Jurisdiction, JurisdictionKind, Matter, PartialDate, Party, Reservation, StatementKind,
    TreatyType,
};
use proptest::prelude::*;

/// A valid one-treaty file; line numbers in the tests refer to it.
const GOOD: &str = r#"# A test file.
[[instruments]]
id = "cn-fr-civil-1987"
kind = "bilateral_treaty"
treaty_type = "civil_commercial"
title = "中华人民共和国和法兰西共和国关于民事、商事司法协助的协定"
sources = ["https://example.org/treaty"]
coverage = [
  { matter = "civil_commercial", assistance = "service_of_documents", transmissions = ["central_authority"] },
  { matter = "civil_commercial", assistance = "taking_of_evidence" },
]

[[instruments.parties]]
jurisdiction = "CN"
signed = "1987-05-04"
entry_into_force = "1988-02-08"

[[instruments.parties]]
jurisdiction = "FR"
signed = "1987-05-04"
entry_into_force = "1988-02-08"
"#;

fn problems(text: &str) -> Vec<String> {
    match parse("bad.toml", text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(e) => e.to_string().lines().map(str::to_owned).collect(),
    }
}

#[test]
fn a_valid_file_parses() {
    let dataset = parse("good.toml", GOOD).unwrap();
    let t = dataset.instrument("cn-fr-civil-1987").unwrap();
    assert_eq!(
        t.parties[1].entry_into_force,
        PartialDate::parse("1988-02-08")
    );
    assert_eq!(t.coverage[0].transmissions, ["central_authority"]);
}

#[test]
fn a_validation_violation_names_file_line_and_field() {
    let text = GOOD.replacen(
        "entry_into_force = \"1988-02-08\"",
        "entry_into_force = \"1986\"",
        1,
    );
    assert_eq!(
        problems(&text),
        [
            "bad.toml:16: instruments[0].parties[0].entry_into_force: instrument cn-fr-civil-1987: entry into force 1986 precedes signature 1987-05-04 for CN"
        ]
    );
}

#[test]
fn an_impossible_date_names_its_line() {
    let text = GOOD.replacen("signed = \"1987-05-04\"", "signed = \"2005-13\"", 2);
    let got = problems(&text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0]
            .starts_with("bad.toml:15: instruments[0].parties[0].signed: invalid date \"2005-13\""),
        "{got:?}"
    );
    assert!(
        got[1].starts_with("bad.toml:20: instruments[0].parties[1].signed:"),
        "{got:?}"
    );
}

#[test]
fn an_unknown_vocabulary_word_lists_the_accepted_ones() {
    let text = GOOD.replacen(
        "assistance = \"taking_of_evidence\"",
        "assistance = \"evidence\"",
        1,
    );
    assert_eq!(
        problems(&text),
        [
            "bad.toml:10: instruments[0].coverage[1].assistance: unknown assistance \"evidence\"; expected one of service_of_documents, taking_of_evidence, recognition_and_enforcement, asset_recovery, legal_information, extradition, transfer_of_sentenced_persons, recognition_of_arbitral_awards, interim_measures"
        ]
    );
}

#[test]
fn a_missing_kind_is_reported_on_the_record() {
    let text = GOOD.replacen("kind = \"bilateral_treaty\"\n", "", 1);
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("instruments[0].kind: instrument kind is required"),
        "{got:?}"
    );
}

#[test]
fn a_syntax_error_names_its_line() {
    let text = GOOD.replacen("jurisdiction = \"FR\"", "jurisdiction = \"FR", 1);
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("bad.toml:19: instruments[0].parties[1].jurisdiction: "),
        "{got:?}"
    );
}

#[test]
fn an_unknown_field_is_rejected_with_its_line() {
    let text = GOOD.replacen(
        "entry_into_force = \"1988-02-08\"",
        "entry_into_forse = \"1988-02-08\"",
        1,
    );
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("bad.toml:16: instruments[0].parties[0].entry_into_forse: unknown field `entry_into_forse`"), "{got:?}");
}

#[test]
fn a_wrong_type_names_the_inline_field() {
    let text = GOOD.replacen(
        "matter = \"civil_commercial\", assistance = \"taking",
        "matter = 7, assistance = \"taking",
        1,
    );
    let got = problems(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("bad.toml:10: instruments[0].coverage[1].matter: invalid type"),
        "{got:?}"
    );
}

#[test]
fn every_violation_is_reported_at_once() {
    let text = GOOD
        .replacen("jurisdiction = \"FR\"", "jurisdiction = \"HK\"", 1)
        .replacen(
            "coverage = [",
            "coverage = [\n  { matter = \"criminal\", assistance = \"extradition\" },",
            1,
        );
    let got = problems(&text);
    assert!(got.len() >= 2, "{got:?}");
    assert!(
        got.iter()
            .any(|p| p.contains("instruments[0].coverage[0]") && p.starts_with("bad.toml:9:")),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|p| p.contains("instruments[0].parties[1].jurisdiction")
                && p.starts_with("bad.toml:20:")),
        "{got:?}"
    );
}

#[test]
fn native_toml_dates_and_bare_years_are_accepted() {
    let text = GOOD
        .replacen("signed = \"1987-05-04\"", "signed = 1987-05-04", 1)
        .replacen(
            "entry_into_force = \"1988-02-08\"",
            "entry_into_force = 1988",
            1,
        );
    let dataset = parse("dates.toml", &text).unwrap();
    let cn = &dataset.instruments[0].parties[0];
    assert_eq!(cn.signed, Some(PartialDate::day(1987, 5, 4)));
    assert_eq!(cn.entry_into_force, Some(PartialDate::year(1988)));
}

#[test]
fn a_directory_is_one_dataset_and_ids_are_unique_across_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), GOOD).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a dataset").unwrap();
    assert_eq!(load_path(dir.path()).unwrap().instruments.len(), 1);

    std::fs::write(dir.path().join("b.toml"), GOOD).unwrap();
    let err = load_path(dir.path()).unwrap_err();
    let b = dir.path().join("b.toml").display().to_string();
    assert_eq!(err.problems().len(), 1, "{err}");
    assert_eq!(err.problems()[0].file, b);
    assert_eq!(err.problems()[0].line, Some(3));
    assert_eq!(err.problems()[0].field, "instruments[0].id");
    assert!(
        err.to_string().contains("duplicate id cn-fr-civil-1987"),
        "{err}"
    );

    let single = load_path(&dir.path().join("a.toml")).unwrap();
    assert_eq!(single.instruments.len(), 1);
}

#[test]
fn unreadable_paths_are_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        load_path(dir.path()),
        Err(LoadError::NoFiles { .. })
    ));
    let missing = dir.path().join("missing.toml");
    let err = load_path(&missing).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(
        err.to_string().starts_with(&missing.display().to_string()),
        "{err}"
    );
}

#[test]
fn declared_jurisdictions_are_known_to_instruments() {
    let text = format!(
        "[[jurisdictions]]\ncode = \"XK\"\ndisplay_name = \"Kosovo\"\nkind = \"state\"\n{}",
        GOOD.replace("\"FR\"", "\"XK\"")
    );
    let dataset = parse("extra.toml", &text).unwrap();
    assert_eq!(dataset.jurisdictions[0].code, "XK");
    assert!(dataset.all_jurisdictions().iter().any(|j| j.code == "XK"));
    assert_eq!(parse("again.toml", &to_toml(&dataset)).unwrap(), dataset);

    let unknown = GOOD.replace("\"FR\"", "\"XK\"");
    let got = problems(&unknown);
    assert!(
        got.iter()
            .all(|p| p.contains("unknown jurisdiction \"XK\"")),
        "{got:?}"
    );
}

#[test]
fn the_bundled_dataset_round_trips() {
    let text = to_toml(bundled());
    assert_eq!(&parse("export.toml", &text).unwrap(), bundled());
}

fn partial_date(min_year: i32) -> impl Strategy<Value = PartialDate> {
    (min_year..min_year + 30, 0u8..=12, 1u8..=28).prop_map(|(y, m, d)| match m {
        0 => PartialDate::year(y),
        _ if d > 20 => PartialDate::month(y, m),
        _ => PartialDate::day(y, m, d),
    })
}

fn text() -> impl Strategy<Value = String> {
    // Quotes, backslashes, control characters, CJK and dashes must survive.
    "[a-zA-Z0-9 \"'\\\\\n\t\u{1}\u{7f}中华–#=\\[\\]{},.]{0,40}"
}

fn treaty() -> impl Strategy<Value = Instrument> {
    (
        prop::sample::select(TreatyType::ALL),
        text(),
        text(),
        prop::collection::vec(text().prop_map(|s| format!("source {s}")), 1..3),
        partial_date(1950),
        prop::option::of(partial_date(1990)),
        prop::option::of(text().prop_map(|s| format!("authority {s}"))),
        prop::bool::ANY,
    )
        .prop_map(
            |(t, title, notes, sources, signed, eif, authority, reserve)| {
                let mut i = Instrument::new(
                    "cn-fr-test-1",
                    InstrumentKind::BilateralTreaty,
                    format!("t{title}"),
                );
                i.treaty_type = Some(t);
                i.notes = notes;
                i.sources = sources;
                i.coverage = t
                    .default_coverage()
                    .into_iter()
                    .map(|(m, a)| Coverage {
                        articles: if a == Assistance::Extradition {
                            "Art. 2".into()
                        } else {
                            String::new()
                        },
                        transmissions: vec!["central_authority".into()],
                        ..Coverage::new(m, a)
                    })
                    .collect();
                let mut cn = Party {
                    signed: Some(signed),
                    entry_into_force: eif,
                    ..Party::new("CN")
                };
                if let Some(name) = authority {
                    cn.central_authorities.push(CentralAuthority {
                        matter: Some(Matter::Criminal),
                        assistance: None,
                        name,
                        notes: "n\"q".into(),
                    });
                }
                if reserve {
                    cn.reservations.push(Reservation {
                        article: "Art. 10".into(),
                        text: String::new(),
                        excluded_assistances: vec![Assistance::ServiceOfDocuments],
                        excluded_transmissions: vec!["postal".into()],
                        kind: Some(StatementKind::Objection),
                        binds: Some(Binds::RequestsToDeclaringState),
                        effective_from: PartialDate::parse("1992-01-01"),
                        sources: vec!["s\"1".into()],
                        regions: vec!["CN".into()],
                        ..Reservation::default()
                    });
                    cn.acceptances.push(Acceptance {
                        by: "DE".into(),
                        deposited: Some(signed),
                        territories: vec![],
                        sources: vec!["src".into()],
                        ..Acceptance::default()
                    });
                    cn.statements_recorded = vec!["Art. 10".into()];
                    cn.sources = vec!["party source".into()];
                    cn.extended_to = vec!["HK".into()];
                }
                let fr = Party {
                    in_force_as_of: eif,
                    accession_requires_acceptance: reserve,
                    accepted_by: if reserve {
                        vec!["DE".into()]
                    } else {
                        Vec::new()
                    },
                    ..cn.clone()
                };
                i.parties = vec![
                    cn,
                    Party {
                        jurisdiction: "FR".into(),
                        extended_to: Vec::new(),
                        reservations: fr
                            .reservations
                            .iter()
                            .map(|r| Reservation {
                                regions: vec!["FR".into()],
                                ..r.clone()
                            })
                            .collect(),
                        ..fr
                    },
                ];
                i
            },
        )
}

proptest! {
    #[test]
    fn what_to_toml_writes_parses_back(instrument in treaty(), region in prop::bool::ANY) {
        let mut dataset = Dataset { jurisdictions: Vec::new(), instruments: vec![instrument] };
        if region {
            dataset.jurisdictions.push(Jurisdiction {
                code: "XR".into(),
                display_name: "Region \"X\"".into(),
                kind: JurisdictionKind::Region,
                parent: Some("CN".into()),
                revision: 0,
            });
        }
        let text = to_toml(&dataset);
        let back = parse("round.toml", &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, dataset);
    }
}

/// A small convention file for the issue 16 "Bad input" checks.
const CONVENTION: &str = r#"[[instruments]]
id = "hague-evidence-test"
kind = "multilateral_convention"
title = "Evidence"
offence_scope = []
sources = ["s"]
coverage = [
  { matter = "civil_commercial", assistance = "taking_of_evidence" },
]

[instruments.party_list]
complete_as_of = "2023-01-19"
sources = ["facts README"]

[[instruments.parties]]
jurisdiction = "CN"
ratified = "1997-12-08"
entry_into_force = "1998-02-06"
accession_requires_acceptance = true
acceptances = [
  { by = "DE", effective = "1998-07-06", sources = ["BGBl"] },
]
reservations = [
  { article = "Art. 23", kind = "declaration", effective_from = "1998-02-06", sources = ["HCCH"] },
]

[[instruments.parties]]
jurisdiction = "DE"
entry_into_force = "1979-06-26"
"#;

#[test]
fn issue_16_bad_input_is_reported_with_file_line_and_field() {
    assert!(
        parse("conv.toml", CONVENTION).is_ok(),
        "{:?}",
        parse("conv.toml", CONVENTION).err()
    );
    let cases = [
        (
            CONVENTION.replacen("by = \"DE\"", "by = \"XX\"", 1),
            "bad.toml:21: instruments[0].parties[0].acceptances[0].by: instrument hague-evidence-test: acceptance by unknown jurisdiction \"XX\"",
        ),
        (
            CONVENTION.replacen(
                "effective = \"1998-07-06\"",
                "effective = \"1990-01-01\"",
                1,
            ),
            "bad.toml:21: instruments[0].parties[0].acceptances[0].effective: instrument hague-evidence-test: acceptance by DE effective 1990-01-01 precedes CN's accession 1997-12-08",
        ),
        (
            CONVENTION.replacen(
                "sources = [\"HCCH\"] }",
                "effective_until = \"1990\", sources = [\"HCCH\"] }",
                1,
            ),
            "bad.toml:24: instruments[0].parties[0].reservations[0].effective_until: instrument hague-evidence-test: CN's statement under Art. 23 ends 1990 before it starts 1998-02-06",
        ),
        (
            CONVENTION.replacen("jurisdiction = \"DE\"", "jurisdiction = \"FR\"", 1),
            "bad.toml:12: instruments[0].party_list.complete_as_of: instrument hague-evidence-test: the party list is marked complete as of 2023-01-19 but lacks DE, which parties[0].acceptances[0] shows as a party",
        ),
        (
            CONVENTION.replacen("offence_scope = []", "offence_scope = [\"jaywalking\"]", 1),
            "bad.toml:5: instruments[0].offence_scope[0]: unknown offence \"jaywalking\"; known offences: organized_crime",
        ),
        (
            CONVENTION.replacen("kind = \"declaration\"", "kind = \"wish\"", 1),
            "bad.toml:24: instruments[0].parties[0].reservations[0].kind: unknown statement kind \"wish\"",
        ),
    ];
    for (text, want) in cases {
        let got = problems(&text);
        assert!(
            got.iter().any(|g| g.starts_with(want)),
            "want {want}\n got {got:?}"
        );
    }
}

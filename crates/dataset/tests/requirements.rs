//! Requirements: merged from `[[requirements]]` records into the instruments
//! they name; a bad one is reported at its own file, line and field, and
//! nothing is loaded.

use judicial_dataset::{LoadError, bundled, parse, to_toml};
use judicial_domain::{InstrumentKind, PartialDate, RequirementDirection, Topic};

/// A statute with one valid requirement; line numbers refer to this text.
const GOOD: &str = r#"[[instruments]]
id = "cn-law"
kind = "domestic_law"
short_name = "A law"
sources = ["https://example.org/law"]
coverage = [{ matter = "civil_commercial", assistance = "service_of_documents" }]

[[instruments.parties]]
jurisdiction = "CN"

[[requirements]]
instrument = "cn-law"
topic = "translation"
direction = "to"
party = "CN"
article = "Art. 295(1)"
text = "A Chinese translation is attached."
valid_from = "2024-01-01"
sources = ["https://example.org/law"]
"#;

fn problems(text: &str) -> Vec<String> {
    match parse("law.toml", text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(e @ LoadError::Invalid { .. }) => e.to_string().lines().map(str::to_owned).collect(),
        Err(e) => panic!("unexpected {e}"),
    }
}

#[test]
fn a_requirement_is_merged_into_its_instrument() {
    let d = parse("law.toml", GOOD).unwrap();
    let law = d.instrument("cn-law").unwrap();
    assert_eq!(law.kind, InstrumentKind::DomesticLaw);
    assert_eq!(law.requirements.len(), 1);
    let r = &law.requirements[0];
    assert_eq!(r.topic, Some(Topic::Translation));
    assert_eq!(r.direction, RequirementDirection::To);
    assert_eq!(r.party, "CN");
    assert_eq!(r.valid_from, PartialDate::parse("2024-01-01"));
}

#[test]
fn bad_requirements_name_file_line_and_field_and_load_nothing() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "unknown topic",
            "topic = \"translation\"",
            "topic = \"fees\"",
            "law.toml:13: requirements[0].topic: unknown topic \"fees\"; expected one of form, contents,",
        ),
        (
            "statute requirement without an article",
            "article = \"Art. 295(1)\"\n",
            "",
            "law.toml:11: requirements[0].article: instrument cn-law: a statute's requirement needs its article",
        ),
        (
            "validity period ending before it starts",
            "valid_from = \"2024-01-01\"",
            "valid_from = \"2024-01-01\"\nvalid_until = \"2021\"",
            "law.toml:19: requirements[0].valid_until: instrument cn-law: requirement 0 stops applying on 2021, before it starts on 2024-01-01",
        ),
        (
            "unknown instrument",
            "instrument = \"cn-law\"",
            "instrument = \"cn-lwa\"",
            "law.toml:12: requirements[0].instrument: unknown instrument \"cn-lwa\"",
        ),
        (
            "unknown direction",
            "direction = \"to\"",
            "direction = \"into\"",
            "law.toml:14: requirements[0].direction: unknown direction \"into\"",
        ),
        (
            "impossible date",
            "valid_from = \"2024-01-01\"",
            "valid_from = \"2024-02-30\"",
            "law.toml:18: requirements[0].valid_from: invalid date",
        ),
    ];
    for (name, from, to, want) in cases {
        assert!(GOOD.contains(from), "{name}: fixture");
        let text = GOOD.replacen(from, to, 1);
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert!(
            found[0].starts_with(want),
            "{name}:\n  got  {}\n  want {want}",
            found[0]
        );
    }
}

#[test]
fn requirements_survive_export_and_reload() {
    let d = parse("law.toml", GOOD).unwrap();
    let again = parse("again.toml", &to_toml(&d)).unwrap();
    assert_eq!(again, d);
    let bundled = bundled();
    let again = parse("bundled.toml", &to_toml(bundled)).unwrap();
    assert_eq!(&again, bundled);
}

#[test]
fn the_bundled_requirements_come_from_the_fact_base() {
    let d = bundled();
    let count = |id: &str| d.instrument(id).map_or(0, |i| i.requirements.len());
    // Rows per channel in practical-requirements.csv (the Extradition Law
    // adds four rows read by analogy for outgoing requests, Art. 49).
    assert_eq!(count("hague-service-1965"), 41);
    assert_eq!(count("hague-evidence-1970"), 21);
    assert_eq!(count("cn-icja-2018"), 29);
    assert_eq!(count("cn-civil-procedure-law"), 22);
    assert_eq!(count("cn-extradition-law-2000"), 17 + 4);
    assert_eq!(count("cn-diplomatic-channel"), 6);
    assert_eq!(count("cn-data-blocking-rules"), 2);
    // The 2009 cross-strait agreement's rows, with the SPC's 2011 rules.
    assert_eq!(count("cn-tw-cross-strait-2009"), 23);
    let total: usize = d.instruments.iter().map(|i| i.requirements.len()).sum();
    assert_eq!(total, 202 + 4, "every row of the fact base");
    let address = d
        .instrument("hague-service-1965")
        .unwrap()
        .requirements
        .iter()
        .find(|r| r.topic == Some(Topic::Address) && r.party == "CN")
        .unwrap();
    assert!(address.text.contains("33 Pinganli Xidajie"));
    assert!(
        address.conflict.contains("Chaoyangmen"),
        "{}",
        address.conflict
    );
}

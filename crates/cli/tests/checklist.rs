//! `judicial checklist` against a real `judicial dev` on the bundled data:
//! what a clerk must prepare, for the direction asked, from the instrument
//! and the home state's law; and a requirement changed through the registry
//! reaching a subscriber as an `amended` event.

use judicial_test_support::dev::DevSuite;

const BIN: &str = env!("CARGO_BIN_EXE_judicial");

/// Waits (through `route --min-revision 1`) until the router has the seed.
fn synced(dev: &DevSuite) {
    dev.json(&["route", "FR", "civil", "service", "--min-revision", "1"]);
}

fn items(answer: &serde_json::Value) -> &Vec<serde_json::Value> {
    answer["checklist"].as_array().unwrap()
}

fn has(answer: &serde_json::Value, topic: &str, needle: &str) -> bool {
    items(answer)
        .iter()
        .any(|i| i["topic"] == topic && i["text"].as_str().unwrap().contains(needle))
}

#[test]
fn checklists_follow_the_channel_and_the_direction() {
    let dev = DevSuite::start(BIN);
    synced(&dev);

    // A US request to serve documents in China.
    let us = dev.json(&[
        "checklist",
        "US",
        "civil",
        "service-of-documents",
        "--direction",
        "incoming",
        "--on",
        "2025-06-01",
    ]);
    assert_eq!(
        us["channel"]["instrument"], "instruments/hague-service-1965",
        "{us:#}"
    );
    assert!(has(&us, "form", "Model Form"), "{us:#}");
    assert!(has(&us, "translation", "translated into Chinese"));
    assert!(has(
        &us,
        "authority",
        "Central Authority is the Ministry of Justice"
    ));
    assert!(has(&us, "address", "33 Pinganli Xidajie"));
    assert!(has(
        &us,
        "declaration",
        "objects to all Art. 10 channels (postal service"
    ));
    // The address row's conflict is shown, and durations carry their date.
    let address = items(&us).iter().find(|i| i["topic"] == "address").unwrap();
    assert!(
        address["conflict"]
            .as_str()
            .unwrap()
            .contains("Chaoyangmen")
    );
    let duration = items(&us)
        .iter()
        .find(|i| i["topic"] == "duration")
        .unwrap();
    assert_eq!(duration["reported"], "2019");
    // Nothing for the other direction or for Hong Kong, and no postal route.
    for i in items(&us) {
        assert_ne!(i["direction_label"], "requests from CN");
        assert!(
            !i["text"]
                .as_str()
                .unwrap()
                .contains("postal service and service through a Hong Kong solicitor")
        );
        assert!(
            !i["sources"].as_array().unwrap().is_empty() || i["recorded"] == false,
            "{i:#}"
        );
    }
    // Every recorded item names its article; every topic appears, ordered.
    let topics: Vec<&str> = items(&us)
        .iter()
        .map(|i| i["topic"].as_str().unwrap())
        .collect();
    assert_eq!(topics.first(), Some(&"form"));
    assert_eq!(topics.last(), Some(&"alternative"));
    let legalisation_then_authority = topics.iter().position(|t| *t == "legalisation").unwrap()
        < topics.iter().position(|t| *t == "authority").unwrap();
    assert!(legalisation_then_authority);

    // The same request with the direction open labels the one-way items.
    let both = dev.json(&[
        "checklist",
        "US",
        "civil",
        "service-of-documents",
        "--on",
        "2025-06-01",
    ]);
    assert!(
        items(&both)
            .iter()
            .any(|i| i["direction_label"] == "requests to CN")
    );
    assert!(
        items(&both)
            .iter()
            .any(|i| i["direction_label"] == "requests from CN")
    );

    // An outgoing Chinese extradition request (no treaty with the US:
    // reciprocity): what the Extradition Law requires.
    // The UN conventions come first (offered on condition of their offence
    // scope); reciprocity is always the last channel.
    let args = [
        "checklist",
        "US",
        "criminal",
        "extradition",
        "--direction",
        "outgoing",
        "--on",
        "2025-06-01",
    ];
    let first = dev.json(&args);
    let last = first["channel"]["of"].as_u64().unwrap().to_string();
    let mut with_channel = args.to_vec();
    with_channel.extend(["--channel", last.as_str()]);
    let ext = dev.json(&with_channel);
    assert_eq!(ext["channel"]["kind"], "reciprocity", "{ext:#}");
    let articles: Vec<&str> = items(&ext)
        .iter()
        .filter(|i| i["origin"] == "home_law")
        .map(|i| i["article"].as_str().unwrap())
        .collect();
    for want in [
        "Ext. Law Art. 11, by analogy (Art. 49)",
        "Ext. Law Art. 12, by analogy (Art. 49)",
        "Ext. Law Art. 13, by analogy (Art. 49)",
        "Ext. Law Art. 30, by analogy (Art. 49)",
        "Ext. Law Art. 47",
        "Ext. Law Art. 49",
        "Ext. Law Art. 50",
    ] {
        assert!(articles.contains(&want), "{want} in {articles:?}");
    }
    // China's own grounds for refusing requests to it are not for this direction.
    assert!(!articles.contains(&"Ext. Law Art. 8"), "{articles:?}");

    // Hong Kong: the Mainland-HK arrangement, not the Hague Convention.
    let hk = dev.json(&[
        "checklist",
        "HK",
        "civil",
        "service-of-documents",
        "--on",
        "2025-06-01",
    ]);
    assert_eq!(
        hk["channel"]["instrument"], "instruments/cn-hk-service-1999",
        "{hk:#}"
    );
    for i in items(&hk) {
        assert_ne!(i["instrument"], "instruments/hague-service-1965", "{i:#}");
        // The fact base records nothing for the arrangement yet: said so.
        assert_eq!(i["text"], "not recorded", "{i:#}");
    }

    // Markdown for pasting, and an unknown channel number.
    let md = dev.judicial(&[
        "checklist",
        "US",
        "civil",
        "service",
        "--direction",
        "incoming",
        "--format",
        "markdown",
    ]);
    assert!(md.status.success());
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("# Request checklist: US"), "{md}");
    assert!(md.contains("\n## Address\n"), "{md}");
    let bad = dev.judicial(&["checklist", "US", "civil", "service", "--channel", "9"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--channel 9") && err.contains("1. ") && err.contains("(reciprocity)"),
        "{err}"
    );
}

#[test]
fn a_changed_requirement_reaches_a_subscriber_as_amended() {
    let dev = DevSuite::start(BIN);
    let ready = dev.judicial(&[
        "health",
        "--service",
        "judicial.v1.NotifierService",
        "--wait",
    ]);
    assert!(
        ready.status.success(),
        "{}",
        String::from_utf8_lossy(&ready.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fee.toml");
    // The record must stand alone to load; the mask replaces only the
    // requirements of the stored convention.
    std::fs::write(
        &file,
        r#"[[instruments]]
id = "hague-service-1965"
kind = "multilateral_convention"
title = "Hague Service"
sources = ["e2e"]
coverage = [{ matter = "civil_commercial", assistance = "service_of_documents" }]

[[instruments.parties]]
jurisdiction = "CN"

[[requirements]]
instrument = "hague-service-1965"
topic = "costs"
direction = "to"
party = "CN"
article = "Art. 12 (practice)"
text = "A changed fee."
sources = ["e2e"]
"#,
    )
    .unwrap();
    let updated = dev.judicial(&[
        "instruments",
        "update",
        file.to_str().unwrap(),
        "--mask",
        "requirements",
        "--reason",
        "new fee",
    ]);
    assert!(
        updated.status.success(),
        "{}",
        String::from_utf8_lossy(&updated.stderr)
    );
    let out = dev.judicial(&[
        "--json",
        "subscribe",
        "ministry-us",
        "--counterpart",
        "US",
        "--start",
        "earliest",
        "--limit",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let event: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(event["type"], "judicial.v1.instrument.amended", "{event:#}");
    assert_eq!(event["subject"], "instruments/hague-service-1965");
    let data = event["data"].to_string();
    assert!(data.contains("requirements"), "{event:#}");
    // The router's answer carries it once it has applied the update.
    let stdout = String::from_utf8_lossy(&updated.stdout);
    let revision = stdout
        .split("at revision ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_owned();
    dev.json(&[
        "route",
        "US",
        "civil",
        "service",
        "--min-revision",
        &revision,
    ]);
    let us = dev.json(&[
        "checklist",
        "US",
        "civil",
        "service",
        "--direction",
        "incoming",
    ]);
    assert!(has(&us, "costs", "A changed fee."), "{us:#}");
}

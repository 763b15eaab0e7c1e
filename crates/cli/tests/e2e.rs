//! Drives the `judicial` binary against `judicial dev` (real child
//! processes) and checks answers for records of the bundled dataset.

use std::process::Command;

use judicial_test_support::dev::DevSuite;

const BIN: &str = env!("CARGO_BIN_EXE_judicial");

#[test]
fn route_stats_and_exit_codes_against_the_dev_suite() {
    let dev = DevSuite::start(BIN);
    // --min-revision 1 waits (within the deadline) until the router has the seed.
    let fr = dev.json(&[
        "route",
        "FR",
        "civil",
        "service-of-documents",
        "--on",
        "2024-06-01",
        "--min-revision",
        "1",
    ]);
    let primary = &fr["channels"][0];
    assert_eq!(
        primary["instrument"], "instruments/cn-fr-civil-1987",
        "{fr:#}"
    );
    assert_eq!(primary["kind"], "bilateral treaty");
    assert!(
        primary["home_authority"]
            .as_str()
            .unwrap()
            .contains("Ministry of Justice")
    );
    assert_eq!(
        fr["channels"][1]["instrument"],
        "instruments/hague-service-1965"
    );
    assert_eq!(
        fr["channels"].as_array().unwrap().last().unwrap()["kind"],
        "reciprocity"
    );

    // Before 1988-02-08 (treaty) and 1992-01-01 (Hague Service for China): reciprocity only.
    let early = dev.json(&[
        "route",
        "FR",
        "civil",
        "service-of-documents",
        "--on",
        "1987-12-01",
    ]);
    assert_eq!(early["channels"].as_array().unwrap().len(), 1);
    assert_eq!(early["channels"][0]["kind"], "reciprocity");
    let na = early["not_applicable"].as_array().unwrap();
    assert!(
        na.iter()
            .any(|n| n["instrument"] == "instruments/cn-fr-civil-1987"
                && n["code"] == "NOT_APPLICABLE_REASON_NOT_YET_IN_FORCE")
    );

    // Hong Kong: an arrangement.
    let hk = dev.json(&["route", "HK", "civil", "service", "--on", "2024-06-01"]);
    assert_eq!(hk["channels"][0]["kind"], "arrangement", "{hk:#}");

    // The human table names the treaty too.
    let text = dev.judicial(&["route", "FR", "civil", "service-of-documents"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("instruments/cn-fr-civil-1987"));

    let stats = dev.json(&["stats"]);
    assert_eq!(stats["bilateral_treaties_recorded"], 152);
    assert!(
        stats["bilateral_treaties_in_force_by_type"]["EXTRADITION"]
            .as_i64()
            .unwrap()
            > 0
    );
    let text = dev.judicial(&["stats"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("bilateral treaties certainly in force")
    );

    // Exit codes: 2 for bad input (usage or rejected), 1 for an unreachable server.
    assert_eq!(
        dev.judicial(&["route", "QQ", "civil", "service"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        dev.judicial(&["route", "FR", "civil", "teleportation"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        dev.judicial(&["route", "FR", "civil", "service", "--on", "2023-02-29"])
            .status
            .code(),
        Some(2)
    );
    let unreachable = Command::new(BIN)
        .args(["--endpoint", "http://127.0.0.1:9", "stats"])
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unreachable.stderr).contains("127.0.0.1:9"));

    // An import with a bad record changes nothing and exits 2.
    let before = dev.json(&["stats"])["revision"].clone();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[instruments]]\nid = \"cn-xx-civil-2000\"\nkind = \"bilateral_treaty\"\ntreaty_type = \"civil_commercial\"\ntitle = \"x\"\nsources = [\"s\"]\ncoverage = [{ matter = \"civil_commercial\", assistance = \"service_of_documents\" }]\n[[instruments.parties]]\njurisdiction = \"CN\"\n[[instruments.parties]]\njurisdiction = \"XX\"\n").unwrap();
    let out = dev.judicial(&["import", bad.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("XX"));
    assert_eq!(dev.json(&["stats"])["revision"], before);

    // Export, then import the export: nothing changes.
    let export = dir.path().join("export.toml");
    assert!(
        dev.judicial(&["export", "--output", export.to_str().unwrap()])
            .status
            .success()
    );
    let again = dev.json(&["import", export.to_str().unwrap()]);
    assert_eq!(
        (
            again["created"].as_i64(),
            again["updated"].as_i64(),
            again["unchanged"].as_i64()
        ),
        (
            Some(0),
            Some(0),
            Some(judicial_dataset::bundled().instruments.len() as i64)
        )
    );
}

#[test]
fn dev_shuts_down_cleanly_on_sigint() {
    let mut dev = DevSuite::start(BIN);
    assert!(dev.judicial(&["health"]).status.success());
    let file = dev.dir.path().join("write.toml");
    std::fs::write(
        &file,
        "[[instruments]]\nid = \"cn-de-civil-2031\"\nkind = \"bilateral_treaty\"\ntreaty_type = \"civil_commercial\"\ntitle = \"test treaty\"\nsources = [\"e2e\"]\ncoverage = [{ matter = \"civil_commercial\", assistance = \"service_of_documents\" }]\n[[instruments.parties]]\njurisdiction = \"CN\"\n[[instruments.parties]]\njurisdiction = \"DE\"\n",
    )
    .unwrap();
    assert!(
        dev.judicial(&["instruments", "create", file.to_str().unwrap()])
            .status
            .success()
    );
    let pid = dev.child.id() as i32;
    // Ctrl-C, as a person would press it.
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = dev.child.wait().unwrap();
    assert!(exit.success(), "judicial dev exited with {exit}");
    // Both stores were closed (their locks released) with everything written:
    // the registry holds the seed plus the write made before Ctrl-C.
    let registry = judicial_store::Store::open(
        &dev.dir.path().join("registry"),
        judicial_store::StoreOptions::default(),
    )
    .expect("the registry's store reopens after a clean shutdown");
    assert!(
        registry
            .state()
            .instruments
            .contains_key("cn-de-civil-2031")
    );
    // The bundled dataset plus the one instrument written before Ctrl-C.
    assert_eq!(
        registry.state().instruments.len(),
        judicial_dataset::bundled().instruments.len() + 1
    );
    sled::open(dev.dir.path().join("notifier")).expect("the notifier's store reopens");
}

#[test]
fn subscribe_receives_a_change_made_with_the_cli() {
    let dev = DevSuite::start(BIN);
    // The notifier derives events only after its first sync; wait for it.
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
    let file = dir.path().join("new.toml");
    std::fs::write(
        &file,
        "[[instruments]]\nid = \"cn-de-civil-2030\"\nkind = \"bilateral_treaty\"\ntreaty_type = \"civil_commercial\"\ntitle = \"test treaty\"\nsources = [\"e2e\"]\ncoverage = [{ matter = \"civil_commercial\", assistance = \"service_of_documents\" }]\n[[instruments.parties]]\njurisdiction = \"CN\"\n[[instruments.parties]]\njurisdiction = \"DE\"\n",
    )
    .unwrap();
    let created = dev.judicial(&[
        "instruments",
        "create",
        file.to_str().unwrap(),
        "--reason",
        "e2e",
    ]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    // A subscription from the earliest event sees the creation first.
    let out = dev.judicial(&[
        "--json",
        "subscribe",
        "ministry-x",
        "--counterpart",
        "DE",
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
    assert_eq!(event["type"], "judicial.v1.instrument.created", "{event:#}");
    assert_eq!(event["subject"], "instruments/cn-de-civil-2030");
}

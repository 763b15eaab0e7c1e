//! `judicial dataset report`: offline on the bundled data and a TOML
//! directory, and over gRPC against a real registry (crates/test-support).

use std::process::{Command, Output};

use judicial_registry::config::Seed;
use judicial_test_support::RegistryHandle;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_judicial");

/// Runs `judicial` with no endpoint in the environment (so the report is offline).
fn judicial(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("JUDICIAL_ENDPOINT")
        .env_remove("JUDICIAL_REGISTRY_ENDPOINT")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = judicial(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json output")
}

fn treaty_type<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["report"]["treaty_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["treaty_type"] == name)
        .unwrap_or_else(|| panic!("no {name} row"))
}

#[test]
fn offline_report_on_the_bundled_data_gives_its_real_counts() {
    let r = json(&["--json", "dataset", "report"]);
    assert_eq!(r["source"], "bundled dataset");
    assert_eq!(r["report"]["bilateral_treaties"], 152);
    assert_eq!(r["report"]["bilateral_counterparts"], 79);
    let extradition = treaty_type(&r, "extradition");
    assert_eq!(extradition["rows"], 61);
    assert_eq!(extradition["entry_into_force"], 21);
    assert_eq!(extradition["in_force_as_of_only"], 20);
    assert_eq!(extradition["with_title"], 22);
    let criminal = treaty_type(&r, "criminal");
    assert_eq!(
        (
            &criminal["rows"],
            &criminal["entry_into_force"],
            &criminal["single_weak_source"]
        ),
        (&Value::from(36), &Value::from(16), &Value::from(1)),
        "Peru criminal rests on one blog post"
    );
    let civil_criminal = treaty_type(&r, "civil_and_criminal");
    assert_eq!(civil_criminal["in_force_as_of_only"], 8);
    assert!(
        treaty_type(&r, "civil_commercial")["conflicts"]
            .as_array()
            .unwrap()
            .contains(&Value::from("cn-dz-civil-2010")),
        "the Algeria entry-into-force conflict is in its notes"
    );
    // Every convention of the bundled data has a row, with its parties.
    let bundled = judicial_dataset::quality::report(
        &judicial_dataset::bundled().instruments,
        judicial_dataset::HOME,
    );
    let conventions = r["report"]["conventions"].as_array().unwrap();
    assert_eq!(conventions.len(), bundled.conventions.len());
    for (row, want) in conventions.iter().zip(&bundled.conventions) {
        assert_eq!(row["id"], want.id.as_str());
        assert_eq!(row["parties"], want.parties);
        assert_eq!(row["completeness"], want.completeness.as_str());
    }
    let founding = &r["closest_to_founding_figures"]["concluded"];
    assert_eq!(
        (
            &founding["on"],
            &founding["total"],
            &founding["counterpart_states"]
        ),
        (
            &Value::from("2006-06-20"),
            &Value::from(66),
            &Value::from(44)
        )
    );

    let table = judicial(&["dataset", "report"]);
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("152 bilateral treaties with 79 states"),
        "{text}"
    );
    assert!(text.contains("hague-service-1965"), "{text}");
}

#[test]
fn offline_report_reads_a_toml_directory_and_rejects_an_invalid_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../dataset/data/bilateral.toml"
    );
    std::fs::copy(data, dir.path().join("bilateral.toml")).unwrap();
    let path = dir.path().to_str().unwrap();
    let r = json(&["--json", "dataset", "report", "--data", path]);
    assert_eq!(r["report"]["bilateral_treaties"], 152);
    assert_eq!(r["report"]["conventions"].as_array().unwrap().len(), 0);
    assert_eq!(r["source"], path);

    std::fs::write(
        dir.path().join("broken.toml"),
        "[[instruments]]\nid = \"x\"\nkind = \"treaty\"\n",
    )
    .unwrap();
    let out = judicial(&["dataset", "report", "--data", path]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml:3"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_report_reads_a_running_registry() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let url = registry.url();
    let remote = tokio::task::spawn_blocking(move || {
        json(&["--endpoint", &url, "--json", "dataset", "report"])
    })
    .await
    .unwrap();
    assert!(
        remote["source"]
            .as_str()
            .unwrap()
            .starts_with(&format!("registry {}", registry.url())),
        "{}",
        remote["source"]
    );
    // The registry seeded with the bundled data reports what the bundled data does.
    let offline = tokio::task::spawn_blocking(|| json(&["--json", "dataset", "report"]))
        .await
        .unwrap();
    assert_eq!(remote["report"], offline["report"]);
    assert_eq!(
        remote["closest_to_founding_figures"],
        offline["closest_to_founding_figures"]
    );
    // --data and --endpoint together are a usage error.
    let url = registry.url();
    let both = tokio::task::spawn_blocking(move || {
        judicial(&["--endpoint", &url, "dataset", "report", "--data", "."])
    })
    .await
    .unwrap();
    assert_eq!(both.status.code(), Some(2));
    registry.stop().await.unwrap();
}

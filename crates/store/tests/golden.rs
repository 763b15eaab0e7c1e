//! The pinned on-disk format: golden data directories checked into the
//! repository are opened and read back exactly. A change to how records are
//! stored (a renamed domain field, another encoding) without a migration and
//! a new format version fails here.
//!
//! `tests/golden/registry-v2` is the current format; `registry-v1` is the
//! format before versions were recorded (no format key, no hashes), which
//! opening migrates. Regenerate both (and `registry.expected.json`) with
//!
//! ```text
//! JUDICIAL_REGENERATE_GOLDEN=1 cargo test -p judicial-store --test golden
//! ```

use std::path::{Path, PathBuf};

use judicial_domain::{
    Assistance, Coverage, Instrument, InstrumentKind, Jurisdiction, JurisdictionKind, Matter, Party,
};
use judicial_store::{Commit, Store, StoreOptions, Write};
use serde_json::{Value, json};

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Everything a store holds, as JSON, for an exact comparison.
fn dump(store: &Store, with_hashes: bool) -> Value {
    let state = store.state();
    let changes: Vec<Value> = store
        .changes_since(1, 10_000)
        .unwrap()
        .into_iter()
        .map(|mut c| {
            if !with_hashes {
                c.hash.clear();
            }
            serde_json::to_value(c).unwrap()
        })
        .collect();
    json!({
        "revision": state.revision,
        "first_retained": state.first_retained,
        "jurisdictions": state.jurisdictions.values().map(|j| serde_json::to_value(j.as_ref()).unwrap()).collect::<Vec<_>>(),
        "instruments": state.instruments.values().map(|i| serde_json::to_value(i.as_ref()).unwrap()).collect::<Vec<_>>(),
        "changes": changes,
    })
}

async fn generate(dir: &Path) {
    let store = Store::open(dir, StoreOptions::default()).unwrap();
    let commit = |writes, reason: &str| Commit {
        writes,
        actor: "golden".into(),
        reason: reason.into(),
    };
    let jurisdiction = Jurisdiction {
        code: "XA".into(),
        display_name: "Golden Land".into(),
        kind: JurisdictionKind::State,
        parent: None,
        revision: 0,
    };
    let mut a = Instrument::new(
        "golden-a",
        InstrumentKind::BilateralTreaty,
        "Golden treaty A",
    );
    a.parties.push(Party::new("CN"));
    a.parties.push(Party::new("XA"));
    a.coverage.push(Coverage::new(
        Matter::CivilCommercial,
        Assistance::ServiceOfDocuments,
    ));
    a.sources.push("golden test".into());
    let mut b = Instrument::new(
        "golden-b",
        InstrumentKind::MultilateralConvention,
        "Golden convention B",
    );
    b.parties.push(Party::new("CN"));
    b.coverage.push(Coverage::new(
        Matter::Criminal,
        Assistance::TakingOfEvidence,
    ));
    store
        .commit(commit(
            vec![Write::CreateJurisdiction(jurisdiction)],
            "golden jurisdiction",
        ))
        .await
        .unwrap();
    store
        .commit(commit(
            vec![
                Write::CreateInstrument(a.clone()),
                Write::CreateInstrument(b),
            ],
            "golden instruments",
        ))
        .await
        .unwrap();
    a.notes = "updated".into();
    store
        .commit(commit(
            vec![Write::UpdateInstrument {
                instrument: a,
                etag: String::new(),
            }],
            "golden update",
        ))
        .await
        .unwrap();
    store
        .commit(commit(
            vec![Write::DeleteInstrument {
                id: "golden-b".into(),
                etag: String::new(),
            }],
            "golden delete",
        ))
        .await
        .unwrap();
    store.close().unwrap();
}

/// Turns a current directory into the format before versions: no format
/// key, change records without hashes.
fn downgrade_to_v1(dir: &Path) {
    let db = sled::open(dir).unwrap();
    db.open_tree("meta")
        .unwrap()
        .remove("format_version")
        .unwrap();
    let changes = db.open_tree("changes").unwrap();
    for item in changes.iter() {
        let (k, v) = item.unwrap();
        let mut value: Value = serde_json::from_slice(&v).unwrap();
        value.as_object_mut().unwrap().remove("hash");
        changes
            .insert(k, serde_json::to_vec(&value).unwrap())
            .unwrap();
    }
    db.flush().unwrap();
}

#[tokio::test]
async fn golden_directories_open_and_read_back_exactly() {
    let expected_path = golden("registry.expected.json");
    if std::env::var_os("JUDICIAL_REGENERATE_GOLDEN").is_some() {
        for name in ["registry-v2", "registry-v1"] {
            let _ = std::fs::remove_dir_all(golden(name));
        }
        generate(&golden("registry-v2")).await;
        let store = Store::open(&golden("registry-v2"), StoreOptions::default()).unwrap();
        let expected = dump(&store, true);
        drop(store);
        copy_dir(&golden("registry-v2"), &golden("registry-v1"));
        downgrade_to_v1(&golden("registry-v1"));
        std::fs::write(
            &expected_path,
            serde_json::to_string_pretty(&expected).unwrap() + "\n",
        )
        .unwrap();
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();

    // The current format reads back exactly, hashes included.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&golden("registry-v2"), &tmp.path().join("v2"));
    let store = Store::open(&tmp.path().join("v2"), StoreOptions::default()).unwrap();
    assert_eq!(
        dump(&store, true),
        expected,
        "registry-v2 no longer reads back as it was written"
    );
    assert_eq!(store.verify_chain().unwrap().first_bad, None);
    drop(store);

    // The format before versions migrates: same content, the chain computed
    // on opening equals the one the current code wrote.
    copy_dir(&golden("registry-v1"), &tmp.path().join("v1"));
    let store = Store::open(&tmp.path().join("v1"), StoreOptions::default()).unwrap();
    assert_eq!(
        dump(&store, true),
        expected,
        "registry-v1 does not migrate to what v2 holds"
    );
    assert_eq!(store.verify_chain().unwrap().first_bad, None);
}

//! The audit trail's hash chain, the format version, and backups, on real
//! sled directories.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use judicial_domain::{Assistance, Coverage, Instrument, InstrumentKind, Matter, Party};
use judicial_store::{Commit, Store, StoreError, StoreOptions, Write};

fn instrument(id: &str) -> Instrument {
    let mut i = Instrument::new(id, InstrumentKind::BilateralTreaty, format!("title {id}"));
    i.parties.push(Party::new("CN"));
    i.coverage.push(Coverage::new(
        Matter::CivilCommercial,
        Assistance::ServiceOfDocuments,
    ));
    i
}

fn commit(writes: Vec<Write>) -> Commit {
    Commit {
        writes,
        actor: "tester".into(),
        reason: "audit test".into(),
    }
}

async fn create(store: &Store, id: &str) -> u64 {
    store
        .commit(commit(vec![Write::CreateInstrument(instrument(id))]))
        .await
        .unwrap()
        .revision
}

fn change_key(revision: u64, index: u32) -> Vec<u8> {
    let mut k = revision.to_be_bytes().to_vec();
    k.extend_from_slice(&index.to_be_bytes());
    k
}

#[tokio::test]
async fn a_tampered_change_fails_verification_at_its_revision() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        for i in 0..10 {
            create(&store, &format!("i{i}")).await;
        }
        let v = store.verify_chain().unwrap();
        assert_eq!(v.first_bad, None);
        assert_eq!((v.first_revision, v.last_revision, v.records), (1, 10, 10));
        store.close().unwrap();
    }
    // Rewrite revision 6's record directly in sled: a different reason.
    {
        let db = sled::open(dir.path()).unwrap();
        let changes = db.open_tree("changes").unwrap();
        let key = change_key(6, 0);
        let raw = changes.get(&key).unwrap().unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        value["reason"] = "nothing to see here".into();
        changes
            .insert(&key, serde_json::to_vec(&value).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let v = store.verify_chain().unwrap();
    let bad = v.first_bad.expect("the tampered record is found");
    assert_eq!((bad.revision, bad.index), (6, 0), "{bad:?}");
    assert_eq!(v.records, 5, "revisions 1..=5 verified before it");
}

#[tokio::test]
async fn a_removed_change_is_a_gap_in_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        for i in 0..5 {
            create(&store, &format!("i{i}")).await;
        }
        store.close().unwrap();
    }
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("changes")
            .unwrap()
            .remove(change_key(3, 0))
            .unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let bad = store.verify_chain().unwrap().first_bad.unwrap();
    assert_eq!(bad.revision, 4, "{bad:?}");
}

#[tokio::test]
async fn compaction_keeps_the_chain_verifiable_from_the_new_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        retain_revisions: Some(4),
        ..StoreOptions::default()
    };
    {
        let store = Store::open(dir.path(), options.clone()).unwrap();
        for i in 0..12 {
            create(&store, &format!("i{i}")).await;
        }
        let v = store.verify_chain().unwrap();
        assert_eq!(v.first_bad, None, "{v:?}");
        assert_eq!((v.first_revision, v.last_revision), (9, 12));
        store.close().unwrap();
    }
    let store = Store::open(dir.path(), options).unwrap();
    create(&store, "after-reopen").await;
    let v = store.verify_chain().unwrap();
    assert_eq!(v.first_bad, None, "{v:?}");
    assert_eq!((v.first_revision, v.last_revision), (10, 13));
}

#[tokio::test]
async fn a_newer_format_is_refused_naming_the_path_and_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        create(&store, "a").await;
        store.close().unwrap();
    }
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", &99u64.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let err = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Format {
                found: 99,
                supported: judicial_store::FORMAT_VERSION,
                ..
            }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&dir.path().display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("99") && message.contains(&judicial_store::FORMAT_VERSION.to_string()),
        "{message}"
    );
    // Untouched: the version and the data are as they were.
    let db = sled::open(dir.path()).unwrap();
    let version = db
        .open_tree("meta")
        .unwrap()
        .get("format_version")
        .unwrap()
        .unwrap();
    assert_eq!(&version[..], &99u64.to_be_bytes());
    assert!(
        db.open_tree("instruments")
            .unwrap()
            .get("a")
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_concurrent_writes_restores_every_write_before_its_revision() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("live"), StoreOptions::default()).unwrap();
    for i in 0..20 {
        create(&store, &format!("seed-{i}")).await;
    }
    // Writers keep writing; each records (revision, id) once acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (store, stop, acked) = (store.clone(), stop.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = format!("w{w}-{n}");
                let revision = create(&store, &id).await;
                acked.lock().await.push((revision, id));
                n += 1;
            }
        }));
    }
    // Let the writers get going, then back up while they write.
    let mut revisions = store.revisions();
    while *revisions.borrow_and_update() < 60 {
        revisions.changed().await.unwrap();
    }
    let file = dir.path().join("backup.jsonl");
    let s = store.clone();
    let f = file.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let mut out = std::fs::File::create(&f).unwrap();
        s.backup(&mut out).unwrap()
    })
    .await
    .unwrap();
    while *revisions.borrow_and_update() < summary.revision + 50 {
        revisions.changed().await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(
        store.revision() > summary.revision,
        "writes went on during the backup"
    );

    let restored_dir = dir.path().join("restored");
    let restored = judicial_store::restore(&file, &restored_dir).unwrap();
    assert_eq!(restored, summary);
    let restored = Store::open(&restored_dir, StoreOptions::default()).unwrap();
    let state = restored.state();
    assert_eq!(state.revision, summary.revision);
    let acked = acked.lock().await.clone();
    let before: Vec<_> = acked
        .iter()
        .filter(|(r, _)| *r <= summary.revision)
        .collect();
    assert!(!before.is_empty());
    for (revision, id) in &before {
        assert!(
            state.instruments.contains_key(id),
            "write {id} at revision {revision} missing"
        );
    }
    for (revision, id) in acked.iter().filter(|(r, _)| *r > summary.revision) {
        assert!(
            !state.instruments.contains_key(id),
            "write {id} at revision {revision} is after the snapshot"
        );
    }
    // The change log is gapless from 1 to the snapshot's revision and verifies.
    let log = restored.changes_since(1, 100_000).unwrap();
    let revs: Vec<u64> = log.iter().map(|c| c.revision).collect();
    assert_eq!(revs, (1..=summary.revision).collect::<Vec<_>>());
    let v = restored.verify_chain().unwrap();
    assert_eq!(v.first_bad, None);
    assert_eq!(v.last_revision, summary.revision);
    // And it takes writes, chained to the restored log.
    create(&restored, "after-restore").await;
    assert_eq!(restored.revision(), summary.revision + 1);
    assert_eq!(restored.verify_chain().unwrap().first_bad, None);
    eprintln!(
        "backup at revision {} ({} instruments, {} changes) while writers reached revision {}; restored and verified",
        summary.revision,
        summary.instruments,
        summary.changes,
        store.revision()
    );
}

#[tokio::test]
async fn restore_refuses_a_truncated_backup_and_a_non_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("live"), StoreOptions::default()).unwrap();
    for i in 0..3 {
        create(&store, &format!("i{i}")).await;
    }
    let mut bytes = Vec::new();
    store.backup(&mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let truncated: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    let file = dir.path().join("truncated.jsonl");
    std::fs::write(&file, truncated).unwrap();
    let err = judicial_store::restore(&file, &dir.path().join("new")).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let file = dir.path().join("full.jsonl");
    std::fs::write(&file, &text).unwrap();
    drop(store);
    let err = judicial_store::restore(&file, &dir.path().join("live")).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
}

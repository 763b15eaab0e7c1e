//! Store behaviour on real sled directories.

use judicial_domain::{
    Assistance, Coverage, Instrument, InstrumentKind, Jurisdiction, JurisdictionKind, Matter, Party,
};
use judicial_store::{
    ChangeKind, Clock, Commit, ManualClock, Store, StoreError, StoreOptions, Write,
};

fn instrument(id: &str) -> Instrument {
    let mut i = Instrument::new(
        id,
        InstrumentKind::MultilateralConvention,
        format!("title {id}"),
    );
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
        reason: "test".into(),
    }
}

#[tokio::test]
async fn writes_survive_reopen_with_revisions_and_log() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let jur = Jurisdiction {
            code: "XA".into(),
            display_name: "Xa".into(),
            kind: JurisdictionKind::State,
            parent: None,
            revision: 0,
        };
        let c = store
            .commit(commit(vec![Write::CreateJurisdiction(jur)]))
            .await
            .unwrap();
        assert_eq!(c.revision, 1);
        let c = store
            .commit(commit(vec![
                Write::CreateInstrument(instrument("a")),
                Write::CreateInstrument(instrument("b")),
            ]))
            .await
            .unwrap();
        assert_eq!(c.revision, 2);
        assert_eq!(c.changes.len(), 2);
        let err = store
            .commit(commit(vec![
                Write::CreateInstrument(instrument("c")),
                Write::CreateInstrument(instrument("a")),
            ]))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
        assert!(
            !store.state().instruments.contains_key("c"),
            "a failed commit writes nothing"
        );
        store.close().unwrap();
    }
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let state = store.state();
    assert_eq!(state.revision, 2);
    assert_eq!(state.instruments.len(), 2);
    assert_eq!(state.instruments["a"].etag, "r2");
    let log = store.changes_since(1, 100).unwrap();
    assert_eq!(
        log.iter().map(|c| c.revision).collect::<Vec<_>>(),
        vec![1, 2, 2]
    );
    assert!(
        log.iter()
            .all(|c| c.actor == "tester" && c.kind == ChangeKind::Put)
    );
}

#[tokio::test]
async fn etag_mismatch_and_unchanged_puts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    store
        .commit(commit(vec![Write::CreateInstrument(instrument("a"))]))
        .await
        .unwrap();
    let mut changed = instrument("a");
    changed.notes = "amended".into();
    let err = store
        .commit(commit(vec![Write::UpdateInstrument {
            instrument: changed.clone(),
            etag: "r0".into(),
        }]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::EtagMismatch { .. }));
    let ok = store
        .commit(commit(vec![Write::UpdateInstrument {
            instrument: changed.clone(),
            etag: "r1".into(),
        }]))
        .await
        .unwrap();
    assert_eq!(ok.revision, 2);
    let same = store
        .commit(commit(vec![Write::PutInstrument(changed)]))
        .await
        .unwrap();
    assert_eq!(
        (same.revision, same.unchanged, same.changes.len()),
        (2, 1, 0)
    );
    let del = store
        .commit(commit(vec![Write::DeleteInstrument {
            id: "a".into(),
            etag: String::new(),
        }]))
        .await
        .unwrap();
    assert_eq!(del.changes[0].kind, ChangeKind::Delete);
    assert!(store.state().instruments.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_share_flushes_and_get_gapless_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let mut tasks = Vec::new();
    for w in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut revs = Vec::new();
            for n in 0..20 {
                let c = store
                    .commit(commit(vec![Write::CreateInstrument(instrument(&format!(
                        "w{w}-{n}"
                    )))]))
                    .await
                    .unwrap();
                revs.push(c.revision);
            }
            revs
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    assert_eq!(all, (1..=320).collect::<Vec<u64>>());
    // Writers that wait on each other's flush share it: far fewer flushes
    // than writes (one flush per write would be 320).
    let flushes = store.flushes();
    assert!(
        flushes <= 160,
        "{flushes} flushes for 320 writes: writers did not share flushes"
    );
}

#[tokio::test]
async fn retention_compacts_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        dir.path(),
        StoreOptions {
            retain_revisions: Some(3),
            ..StoreOptions::default()
        },
    )
    .unwrap();
    for n in 0..10 {
        store
            .commit(commit(vec![Write::CreateInstrument(instrument(&format!(
                "i{n}"
            )))]))
            .await
            .unwrap();
    }
    assert_eq!(store.state().first_retained, 8);
    let log = store.changes_since(0, 100).unwrap();
    assert_eq!(log.first().unwrap().revision, 8);
}

#[test]
fn a_locked_directory_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let _first = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let err = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn commit_times_come_from_the_store_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_900_000_000_000);
    let store = Store::open(
        dir.path(),
        StoreOptions {
            clock: Clock::Manual(clock.clone()),
            ..StoreOptions::default()
        },
    )
    .unwrap();
    store
        .commit(commit(vec![Write::PutInstrument(instrument("a"))]))
        .await
        .unwrap();
    clock.advance(std::time::Duration::from_secs(90));
    store
        .commit(commit(vec![Write::PutInstrument(instrument("b"))]))
        .await
        .unwrap();
    let times: Vec<i64> = store
        .changes_since(1, 100)
        .unwrap()
        .iter()
        .map(|c| c.time_ms)
        .collect();
    assert_eq!(times, [1_900_000_000_000, 1_900_000_090_000]);
    assert_eq!(
        store.state().instruments["b"].update_time_ms,
        1_900_000_090_000
    );
}

//! Backup and restore through the registry's API, and the audit trail's
//! verification RPC, on real servers.

use std::io::Write as _;

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::{
    RegistryHandle, RouterHandle, create_instrument, fixtures, wait_serving,
};

fn instrument(id: &str) -> pb::Instrument {
    fixtures::convention(id, &["FR"])
        .source("backup test")
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_and_followers_resume_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(&dir.path().join("live"), Seed::None).await;
    let mut client = registry.client();
    let mut acked = Vec::new();
    for i in 0..10 {
        let id = format!("before-{i}");
        acked.push((create_instrument(&mut client, instrument(&id)).await, id));
    }
    // A writer keeps going while the backup streams.
    let mut writer_client = registry.client();
    let writer = tokio::spawn(async move {
        let mut acked = Vec::new();
        for i in 0..40 {
            let id = format!("during-{i}");
            acked.push((
                create_instrument(&mut writer_client, instrument(&id)).await,
                id,
            ));
        }
        acked
    });
    let mut stream = client
        .backup(pb::BackupRequest {})
        .await
        .unwrap()
        .into_inner();
    let file = dir.path().join("backup.jsonl");
    let mut out = std::fs::File::create(&file).unwrap();
    let mut revision = 0;
    while let Some(chunk) = stream.message().await.unwrap() {
        out.write_all(&chunk.data).unwrap();
        revision = chunk.revision;
    }
    drop(out);
    acked.extend(writer.await.unwrap());
    registry.stop().await.unwrap();

    let restored_dir = dir.path().join("restored");
    let code = judicial_registry::restore(&file, &restored_dir);
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let registry = RegistryHandle::start(&restored_dir, Seed::None).await;
    let mut client = registry.client();
    let stats = client
        .verify_changes(pb::VerifyChangesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(stats.ok, "{stats:?}");
    assert_eq!((stats.first_revision, stats.last_revision), (1, revision));
    for (r, id) in acked.iter().filter(|(r, _)| *r <= revision) {
        client
            .get_instrument(pb::GetInstrumentRequest {
                name: format!("instruments/{id}"),
            })
            .await
            .unwrap_or_else(|s| panic!("{id} acknowledged at revision {r} is missing: {s:?}"));
    }
    // A follower watching from 0 gets the snapshot at the restored revision,
    // and one resuming inside the log gets every change after it, gapless.
    let mut watch = client
        .watch(pb::WatchRequest { start_revision: 0 })
        .await
        .unwrap()
        .into_inner();
    let mut snapshot_revision = None;
    while let Some(event) = watch.message().await.unwrap() {
        if let Some(pb::watch_event::Event::Synced(_)) = event.event {
            snapshot_revision = Some(event.revision);
            break;
        }
    }
    assert_eq!(snapshot_revision, Some(revision));
    let router = RouterHandle::start(&registry.url()).await;
    wait_serving(router.addr, "judicial.v1.RouterService").await;
    let after = create_instrument(&mut client, instrument("after-restore")).await;
    assert_eq!(
        after,
        revision + 1,
        "writes continue from the restored revision"
    );
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
    eprintln!(
        "backup at revision {revision} while {} writes were acknowledged; restored, verified, followed",
        acked.len()
    );
}

#[tokio::test]
async fn verify_changes_names_the_first_tampered_revision() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let registry = RegistryHandle::start(&data, Seed::None).await;
    let mut client = registry.client();
    for i in 0..6 {
        create_instrument(&mut client, instrument(&format!("i{i}"))).await;
    }
    let ok = client
        .verify_changes(pb::VerifyChangesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(ok.ok, "{ok:?}");
    registry.stop().await.unwrap();
    // Revision 1 is the seed (many records); tamper with revision 4's only record.
    {
        let db = sled::open(&data).unwrap();
        let changes = db.open_tree("changes").unwrap();
        let mut key = 4u64.to_be_bytes().to_vec();
        key.extend_from_slice(&0u32.to_be_bytes());
        let raw = changes.get(&key).unwrap().unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        value["actor"] = "someone else".into();
        changes
            .insert(&key, serde_json::to_vec(&value).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let registry = RegistryHandle::start(&data, Seed::None).await;
    let bad = registry
        .client()
        .verify_changes(pb::VerifyChangesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(!bad.ok);
    assert_eq!(
        (bad.first_bad_revision, bad.first_bad_index),
        (4, 0),
        "{bad:?}"
    );
    assert!(bad.problem.contains("hash"), "{}", bad.problem);
    registry.stop().await.unwrap();
}

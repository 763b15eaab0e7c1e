//! Registry and notifier in process, over real gRPC on 127.0.0.1:0 with
//! real sled directories: which events registry writes and arriving dates
//! produce, exactly once.

use judicial_domain::CalendarDate;
use judicial_notifier::ManualClock;
use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::RegistryHandle;
use judicial_test_support::create_instrument as create;
use judicial_test_support::notifier::{
    NotifierHandle, all_events, next_event, open_stream, subscribe, treaty,
};

const CREATED: &str = "judicial.v1.instrument.created";
const ENTERED: &str = "judicial.v1.instrument.entered_into_force";
const CHANNEL: &str = "judicial.v1.channel.changed";

#[tokio::test]
async fn a_new_instrument_reaches_only_subscribers_of_its_counterpart() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    let mut writer = registry.client();

    subscribe(&mut client, "fr-desk", &["FR"], pb::StartPosition::Latest).await;
    subscribe(&mut client, "de-desk", &["DE"], pb::StartPosition::Latest).await;
    let mut fr = open_stream(&mut client, "fr-desk", 0).await;
    let mut de = open_stream(&mut client, "de-desk", 0).await;

    let fr_revision = create(&mut writer, treaty("cn-fr-civil", "FR", None)).await;
    let de_revision = create(&mut writer, treaty("cn-de-civil", "DE", None)).await;

    let event = next_event(&mut fr).await;
    assert_eq!(event.r#type, CREATED);
    assert_eq!(event.subject, "instruments/cn-fr-civil");
    assert_eq!(event.source, "/judicial/registry");
    assert_eq!(event.registry_revision, fr_revision);
    assert_eq!(event.counterparts, ["FR"]);
    assert!(!event.id.is_empty() && event.time.is_some());
    let data: serde_json::Value = serde_json::from_str(&event.data).unwrap();
    assert_eq!(data["instrument"], "instruments/cn-fr-civil");

    // Streams are ordered: the DE desk's first event being the later DE
    // treaty proves it never got the FR one.
    let event = next_event(&mut de).await;
    assert_eq!(
        (event.subject.as_str(), event.registry_revision),
        ("instruments/cn-de-civil", de_revision)
    );
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn an_entry_into_force_date_arriving_fires_once_with_a_channel_change() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let clock = ManualClock::at_noon(CalendarDate::new(2030, 1, 1).unwrap(), 8 * 3600);
    let notifier = NotifierHandle::start_with_clock(dirs.1.path(), &registry.url(), &clock).await;
    let mut client = notifier.client();
    let mut writer = registry.client();
    subscribe(&mut client, "fr-desk", &["FR"], pb::StartPosition::Latest).await;
    let mut stream = open_stream(&mut client, "fr-desk", 0).await;

    // Recorded before it arrives, entering into force on 2030-01-03.
    create(&mut writer, treaty("cn-fr-civil", "FR", Some((2030, 1, 3)))).await;
    let created = next_event(&mut stream).await;
    assert_eq!(
        created.r#type, CREATED,
        "not yet in force: no channel change"
    );

    clock.advance_days(1);
    clock.advance_days(1);
    let entered = next_event(&mut stream).await;
    assert_eq!(entered.r#type, ENTERED);
    assert_eq!(entered.subject, "instruments/cn-fr-civil");
    assert_eq!(entered.registry_revision, 0, "no write caused it");
    let changed = next_event(&mut stream).await;
    assert_eq!(changed.r#type, CHANNEL);
    assert_eq!(
        changed.subject,
        "jurisdictions/FR/channels/civil_commercial/service_of_documents"
    );
    let data: serde_json::Value = serde_json::from_str(&changed.data).unwrap();
    assert_eq!(data["before"]["kind"], "reciprocity");
    assert_eq!(data["after"]["kind"], "bilateral_treaty");
    assert_eq!(data["after"]["instrument"], "instruments/cn-fr-civil");

    // Later days derive nothing more for it: the next event is the next write.
    clock.advance_days(3);
    let revision = create(&mut writer, treaty("cn-fr-crim", "FR", None)).await;
    let next = next_event(&mut stream).await;
    assert_eq!(
        (next.r#type.as_str(), next.registry_revision),
        (CREATED, revision)
    );
    let entered_count = all_events(&mut client)
        .await
        .iter()
        .filter(|e| e.r#type == ENTERED)
        .count();
    assert_eq!(entered_count, 1);
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn events_replay_by_sequence_and_filter_in_pages() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = RegistryHandle::start(dirs.0.path(), Seed::None).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let mut client = notifier.client();
    let mut writer = registry.client();
    subscribe(&mut client, "probe", &[], pb::StartPosition::Latest).await;
    let mut probe = open_stream(&mut client, "probe", 0).await;
    for (i, code) in ["FR", "DE", "FR", "IT", "FR"].iter().enumerate() {
        create(&mut writer, treaty(&format!("t{i}"), code, None)).await;
        next_event(&mut probe).await;
    }
    let mut subjects = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = client
            .list_events(pb::ListEventsRequest {
                page_size: 2,
                page_token: token,
                start_sequence: 2,
                filter: Some(pb::SubscriptionFilter {
                    counterparts: vec!["FR".into()],
                    ..Default::default()
                }),
            })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        subjects.extend(page.events.into_iter().map(|e| e.subject));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(subjects, ["instruments/t2", "instruments/t4"]);
    assert!(pages <= 2);
    let all = all_events(&mut client).await;
    let sequences: Vec<u64> = all.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, [1, 2, 3, 4, 5]);
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn a_resync_after_compaction_derives_the_difference_exactly_once() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut registry_config = judicial_registry::Config::for_data_dir(dirs.0.path(), Seed::None);
    registry_config.retain_revisions = Some(2);
    let registry = RegistryHandle::start_with(registry_config).await;
    let mut writer = registry.client();
    create(&mut writer, treaty("gone", "DE", None)).await;
    create(&mut writer, treaty("kept", "IT", None)).await;
    let notifier = NotifierHandle::start(dirs.1.path(), &registry.url()).await;
    let data_dir = notifier.data_dir.clone();
    notifier.stop().await.unwrap();

    // While the notifier is down: more revisions than the registry retains.
    create(&mut writer, treaty("cn-fr", "FR", Some((2001, 1, 1)))).await;
    writer
        .update_instrument(pb::UpdateInstrumentRequest {
            instrument: Some(pb::Instrument {
                name: "instruments/kept".into(),
                title: "kept, retitled".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["title".into()],
            }),
            reason: "test".into(),
        })
        .await
        .unwrap();
    writer
        .delete_instrument(pb::DeleteInstrumentRequest {
            name: "instruments/gone".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    for i in 0..3 {
        create(&mut writer, treaty(&format!("filler-{i}"), "JP", None)).await;
    }
    let snapshot_revision = writer
        .get_stats(pb::GetStatsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .revision;

    let notifier = NotifierHandle::start(&data_dir, &registry.url()).await;
    let mut client = notifier.client();
    let mut got: Vec<(String, String)> = all_events(&mut client)
        .await
        .into_iter()
        .inspect(|e| assert_eq!(e.registry_revision, snapshot_revision))
        .map(|e| (e.r#type, e.subject))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = [
        (
            CHANNEL,
            "jurisdictions/FR/channels/civil_commercial/service_of_documents",
        ),
        (CREATED, "instruments/cn-fr"),
        (CREATED, "instruments/filler-0"),
        (CREATED, "instruments/filler-1"),
        (CREATED, "instruments/filler-2"),
        ("judicial.v1.instrument.amended", "instruments/kept"),
        ("judicial.v1.instrument.deleted", "instruments/gone"),
    ]
    .iter()
    .map(|(t, s)| (t.to_string(), s.to_string()))
    .collect();
    want.sort();
    assert_eq!(got, want);

    // Another restart has nothing new to derive.
    notifier.stop().await.unwrap();
    let notifier = NotifierHandle::start(&data_dir, &registry.url()).await;
    assert_eq!(all_events(&mut notifier.client()).await.len(), want.len());
    notifier.stop().await.unwrap();
    registry.stop().await.unwrap();
}

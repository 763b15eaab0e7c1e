//! The registry over real gRPC, on 127.0.0.1:0, with real sled directories.

use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_server::status::{reason, violated_fields};
use judicial_test_support::RegistryHandle;
use judicial_test_support::fixtures::{self, date};
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::transport::Channel;

fn treaty(id: &str, counterpart: &str, eif: Option<pb::Date>) -> pb::Instrument {
    fixtures::treaty(id, counterpart)
        .signed(date(1987, 5, 4))
        .in_force_from(eif)
        .build()
}

async fn create(
    client: &mut RegistryServiceClient<Channel>,
    inst: pb::Instrument,
) -> pb::Instrument {
    client
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(inst),
            reason: "test".into(),
        })
        .await
        .expect("create succeeds")
        .into_inner()
}

async fn revision(client: &mut RegistryServiceClient<Channel>) -> u64 {
    client
        .get_stats(pb::GetStatsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .revision
}

#[tokio::test]
async fn crud_and_pagination() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();

    let created = create(
        &mut client,
        treaty("cn-fr-civil-1987", "FR", date(1988, 2, 8)),
    )
    .await;
    assert_eq!(created.name, "instruments/cn-fr-civil-1987");
    assert!(!created.etag.is_empty());
    assert!(created.update_time.is_some());
    for (i, code) in ["DE", "IT", "ES", "PT"].iter().enumerate() {
        create(
            &mut client,
            treaty(&format!("cn-{}-civil-{i}", code.to_lowercase()), code, None),
        )
        .await;
    }

    let dup = client
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(treaty("cn-fr-civil-1987", "FR", None)),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(dup.code(), Code::AlreadyExists);

    let mut ids = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = client
            .list_instruments(pb::ListInstrumentsRequest {
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        assert!(page.instruments.len() <= 2);
        ids.extend(page.instruments.into_iter().map(|i| i.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(ids.len(), 5);

    let filtered = client
        .list_instruments(pb::ListInstrumentsRequest {
            filter: "party=FR AND status=IN_FORCE".into(),
            as_of: date(2000, 1, 1),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        filtered
            .instruments
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["cn-fr-civil-1987"]
    );

    // Update with a mask, then a stale etag is rejected and changes nothing.
    let mut patch = pb::Instrument {
        name: created.name.clone(),
        etag: created.etag.clone(),
        notes: "amended".into(),
        ..Default::default()
    };
    let updated = client
        .update_instrument(pb::UpdateInstrumentRequest {
            instrument: Some(patch.clone()),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["notes".into()],
            }),
            reason: "correct notes".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.notes, "amended");
    assert_eq!(
        updated.title, created.title,
        "fields outside the mask are kept"
    );
    assert_ne!(updated.etag, created.etag);
    patch.notes = "stale".into();
    let stale = client
        .update_instrument(pb::UpdateInstrumentRequest {
            instrument: Some(patch),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["notes".into()],
            }),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(stale.code(), Code::Aborted);
    let got = client
        .get_instrument(pb::GetInstrumentRequest {
            name: created.name.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.notes, "amended");

    client
        .delete_instrument(pb::DeleteInstrumentRequest {
            name: created.name.clone(),
            etag: updated.etag,
            reason: "test".into(),
        })
        .await
        .unwrap();
    let gone = client
        .get_instrument(pb::GetInstrumentRequest { name: created.name })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
    assert_eq!(reason(&gone).as_deref(), Some("NOT_FOUND"));

    // Jurisdictions beyond the built-in list can be created once, validated.
    let kosovo = pb::Jurisdiction {
        code: "XK".into(),
        display_name: "Kosovo".into(),
        kind: pb::JurisdictionKind::State as i32,
        ..Default::default()
    };
    let before = revision(&mut client).await;
    let created = client
        .create_jurisdiction(pb::CreateJurisdictionRequest {
            jurisdiction: Some(kosovo.clone()),
            reason: "test".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (created.name.as_str(), created.revision),
        ("jurisdictions/XK", before + 1)
    );
    let got = client
        .get_jurisdiction(pb::GetJurisdictionRequest {
            name: "jurisdictions/XK".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got, created);
    let dup = client
        .create_jurisdiction(pb::CreateJurisdictionRequest {
            jurisdiction: Some(kosovo),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(dup.code(), Code::AlreadyExists);
    let orphan = pb::Jurisdiction {
        code: "XR".into(),
        display_name: "Orphan region".into(),
        kind: pb::JurisdictionKind::Region as i32,
        parent: "QQ".into(),
        ..Default::default()
    };
    let err = client
        .create_jurisdiction(pb::CreateJurisdictionRequest {
            jurisdiction: Some(orphan),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["jurisdiction.parent"]);

    let fr = client
        .get_jurisdiction(pb::GetJurisdictionRequest {
            name: "jurisdictions/FR".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fr.display_name, "France");
    let hk = client
        .get_jurisdiction(pb::GetJurisdictionRequest {
            name: "jurisdictions/HK".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (hk.kind, hk.parent.as_str()),
        (pb::JurisdictionKind::Region as i32, "CN")
    );
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn bad_input_names_every_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    let before = revision(&mut client).await;

    let mut bad = treaty("Bad Id", "XX", date(1986, 1, 1));
    bad.coverage.clear();
    let err = client
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(bad),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let fields = violated_fields(&err);
    for want in [
        "instrument.id",
        "instrument.parties[1].jurisdiction",
        "instrument.parties[0].entry_into_force",
        "instrument.coverage",
    ] {
        assert!(
            fields.iter().any(|f| f == want),
            "{want} missing from {fields:?}"
        );
    }

    let err = client
        .get_instrument(pb::GetInstrumentRequest {
            name: "treaties/x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), violated_fields(&err)),
        (Code::InvalidArgument, vec!["name".to_string()])
    );
    let err = client
        .list_instruments(pb::ListInstrumentsRequest {
            page_size: -1,
            filter: "colour=red".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["page_size", "filter"]);

    // An import with one bad record imports nothing and names the record.
    let good = treaty("cn-de-civil-2000", "DE", None);
    let mut broken = treaty("cn-it-civil-2000", "IT", None);
    broken.parties[1].entry_into_force = date(2001, 2, 30);
    let err = client
        .import_dataset(pb::ImportDatasetRequest {
            instruments: vec![good, broken],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&err),
        ["instruments[1].parties[1].entry_into_force"]
    );
    assert_eq!(revision(&mut client).await, before, "nothing was written");
    let none = client
        .list_instruments(pb::ListInstrumentsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(none.instruments.is_empty());
    registry.stop().await.unwrap();
}

/// Reads a watch until `count` change events have arrived; returns (revision, instrument id, type).
async fn changes(
    stream: &mut tonic::Streaming<pb::WatchEvent>,
    count: usize,
) -> Vec<(u64, String, i32)> {
    let mut out = Vec::new();
    while out.len() < count {
        let event = stream.next().await.expect("stream open").expect("no error");
        if let Some(pb::watch_event::Event::Change(c)) = event.event {
            let id = match c.resource {
                Some(pb::resource_change::Resource::Instrument(i)) => i.id,
                Some(pb::resource_change::Resource::Jurisdiction(j)) => j.code,
                None => String::new(),
            };
            out.push((event.revision, id, c.r#type));
        }
    }
    out
}

#[tokio::test]
async fn watch_from_zero_and_from_a_mid_revision_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    create(&mut client, treaty("cn-fr-civil-1987", "FR", None)).await;
    let snapshot_revision = revision(&mut client).await;

    let mut from_zero = client
        .watch(pb::WatchRequest { start_revision: 0 })
        .await
        .unwrap()
        .into_inner();
    let mut snapshot_instruments = Vec::new();
    let mut jurisdictions = 0;
    loop {
        let event = from_zero.next().await.unwrap().unwrap();
        match event.event {
            Some(pb::watch_event::Event::Snapshot(s)) => {
                assert_eq!(event.revision, snapshot_revision);
                jurisdictions += s.jurisdictions.len();
                snapshot_instruments.extend(s.instruments.into_iter().map(|i| i.id));
            }
            Some(pb::watch_event::Event::Synced(_)) => {
                assert_eq!(event.revision, snapshot_revision);
                break;
            }
            other => panic!("unexpected before synced: {other:?}"),
        }
    }
    assert_eq!(snapshot_instruments, ["cn-fr-civil-1987"]);
    assert_eq!(jurisdictions, 249);

    for code in ["DE", "IT", "ES"] {
        create(
            &mut client,
            treaty(
                &format!("cn-{}-civil-1990", code.to_lowercase()),
                code,
                None,
            ),
        )
        .await;
    }
    client
        .delete_instrument(pb::DeleteInstrumentRequest {
            name: "instruments/cn-de-civil-1990".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let seen = changes(&mut from_zero, 4).await;
    let r = snapshot_revision;
    let put = pb::ChangeType::Put as i32;
    let del = pb::ChangeType::Delete as i32;
    assert_eq!(
        seen,
        vec![
            (r + 1, "cn-de-civil-1990".into(), put),
            (r + 2, "cn-it-civil-1990".into(), put),
            (r + 3, "cn-es-civil-1990".into(), put),
            (r + 4, "cn-de-civil-1990".into(), del),
        ]
    );
    drop(from_zero);
    registry.stop().await.unwrap();

    // Restart on the same directory: the log is intact and resumable.
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    let mut from_mid = client
        .watch(pb::WatchRequest {
            start_revision: r + 2,
        })
        .await
        .unwrap()
        .into_inner();
    create(&mut client, treaty("cn-pt-civil-1990", "PT", None)).await;
    let seen = changes(&mut from_mid, 4).await;
    assert_eq!(
        seen.iter().map(|c| c.0).collect::<Vec<_>>(),
        vec![r + 2, r + 3, r + 4, r + 5]
    );
    assert_eq!(seen[3].1, "cn-pt-civil-1990");
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn a_compacted_start_revision_is_out_of_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = judicial_registry::Config::for_data_dir(dir.path(), Seed::None);
    config.retain_revisions = Some(2);
    let registry = RegistryHandle::start_with(config).await;
    let mut client = registry.client();
    for code in ["DE", "IT", "ES", "PT"] {
        create(
            &mut client,
            treaty(
                &format!("cn-{}-civil-1990", code.to_lowercase()),
                code,
                None,
            ),
        )
        .await;
    }
    let err = client
        .watch(pb::WatchRequest { start_revision: 1 })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::OutOfRange);
    assert_eq!(reason(&err).as_deref(), Some("REVISION_COMPACTED"));
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn stats_count_what_was_in_force_on_the_date() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    create(
        &mut client,
        treaty("cn-fr-civil-1987", "FR", date(1988, 2, 8)),
    )
    .await;
    create(
        &mut client,
        treaty("cn-de-civil-2000", "DE", date(2001, 1, 1)),
    )
    .await;
    create(&mut client, treaty("cn-it-civil-2000", "IT", None)).await;
    let stats = |y, m, d| {
        let mut client = client.clone();
        async move {
            client
                .get_stats(pb::GetStatsRequest {
                    as_of: date(y, m, d),
                })
                .await
                .unwrap()
                .into_inner()
        }
    };
    let s = stats(1990, 1, 1).await;
    assert_eq!(
        (s.in_force, s.signed_not_in_force, s.counterpart_states),
        (1, 2, 1)
    );
    assert_eq!(
        s.instruments_by_treaty_type.get("CIVIL_COMMERCIAL"),
        Some(&1)
    );
    let s = stats(2001, 1, 1).await;
    assert_eq!(
        (s.in_force, s.signed_not_in_force, s.counterpart_states),
        (2, 1, 2)
    );
    let s = stats(1988, 2, 7).await;
    assert_eq!((s.in_force, s.counterpart_states), (0, 0));
    assert!(s.instruments_by_treaty_type.is_empty());
    // Concluded (signed 1987-05-04) even where not in force.
    assert_eq!((s.concluded, s.concluded_counterpart_states), (3, 3));
    assert_eq!(s.concluded_by_treaty_type.get("CIVIL_COMMERCIAL"), Some(&3));
    let s = stats(1987, 5, 3).await;
    assert_eq!((s.concluded, s.concluded_undated), (0, 0));
    let err = client
        .get_stats(pb::GetStatsRequest {
            as_of: date(2001, 2, 29),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["as_of"]);
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn audit_trail_lists_actor_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    create(&mut client, treaty("cn-fr-civil-1987", "FR", None)).await;
    let page = client
        .list_changes(pb::ListChangesRequest {
            filter: "instrument=cn-fr-civil-1987".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.changes.len(), 1);
    let c = &page.changes[0];
    assert_eq!(
        (c.actor.as_str(), c.reason.as_str(), c.before.is_none()),
        ("anonymous", "test", true)
    );
    let seed = client
        .list_changes(pb::ListChangesRequest {
            page_size: 10,
            filter: "actor=system".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(seed.changes.len(), 10, "the seed wrote 249 jurisdictions");
    assert!(!seed.next_page_token.is_empty());
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn health_and_reflection_answer() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let channel = judicial_test_support::channel(registry.addr);
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    for service in ["", "judicial.v1.RegistryService"] {
        let status = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(
            status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32,
            "{service:?}"
        );
    }
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::{
        ServerReflectionRequest, server_reflection_request::MessageRequest,
        server_reflection_response::MessageResponse,
    };
    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.next().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("no list")
    };
    let names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"judicial.v1.RegistryService".to_string()),
        "{names:?}"
    );
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn stats_count_treaties_concluded_by_the_date_on_the_bundled_data() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let mut client = registry.client();
    // The date the dataset README gives as closest to the founding
    // document's "66 treaties with 44 countries".
    let (closest, _) = judicial_dataset::quality::closest_to_founding_figures(
        &judicial_dataset::bundled().instruments,
        "CN",
    );
    assert_eq!(closest.on, "2006-06-20");
    let s = client
        .get_stats(pb::GetStatsRequest {
            as_of: date(2006, 6, 20),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((s.concluded, s.concluded_counterpart_states), (66, 44));
    let by_type = |t: &str| s.concluded_by_treaty_type.get(t).copied().unwrap_or(0);
    assert_eq!(
        [
            by_type("CIVIL_COMMERCIAL"),
            by_type("CRIMINAL"),
            by_type("CIVIL_AND_CRIMINAL"),
            by_type("EXTRADITION"),
            by_type("TRANSFER_OF_SENTENCED_PERSONS"),
        ],
        [12, 17, 16, 19, 2]
    );
    assert_eq!(s.concluded_undated, 22);
    // Fewer are certainly in force than concluded.
    let in_force: i32 = s.instruments_by_treaty_type.values().sum();
    assert!(in_force < s.concluded, "{in_force} in force");
    registry.stop().await.unwrap();
}

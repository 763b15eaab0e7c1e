//! Requirements through the registry's gRPC API: bad ones are rejected with
//! INVALID_ARGUMENT and a BadRequest naming each field; a good one is stored
//! and replaced through `update_mask: requirements`.

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_server::status::violated_fields;
use judicial_test_support::RegistryHandle;
use judicial_test_support::fixtures::date;
use tonic::Code;

fn statute(requirements: Vec<pb::Requirement>) -> pb::Instrument {
    pb::Instrument {
        id: "cn-test-law".into(),
        kind: pb::InstrumentKind::DomesticLaw as i32,
        short_name: "A test law".into(),
        parties: vec![pb::Party {
            jurisdiction: "CN".into(),
            ..Default::default()
        }],
        coverage: vec![pb::Coverage {
            matter: pb::Matter::CivilCommercial as i32,
            assistance: pb::Assistance::ServiceOfDocuments as i32,
            ..Default::default()
        }],
        sources: vec!["test".into()],
        requirements,
        ..Default::default()
    }
}

fn good() -> pb::Requirement {
    pb::Requirement {
        topic: pb::RequirementTopic::Translation as i32,
        direction: pb::RequirementDirection::To as i32,
        party: "CN".into(),
        text: "A Chinese translation is attached.".into(),
        article: "Art. 295(1)".into(),
        sources: vec!["test".into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn bad_requirements_are_invalid_arguments_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    type Edit = fn(&mut pb::Requirement);
    let cases: &[(&str, Edit, &str)] = &[
        (
            "unknown topic",
            |r| r.topic = 99,
            "instrument.requirements[0].topic",
        ),
        (
            "unset topic",
            |r| r.topic = 0,
            "instrument.requirements[0].topic",
        ),
        (
            "statute requirement without an article",
            |r| r.article.clear(),
            "instrument.requirements[0].article",
        ),
        (
            "validity ending before it starts",
            |r| {
                r.valid_from = date(2024, 1, 1);
                r.valid_until = date(2021, 0, 0);
            },
            "instrument.requirements[0].valid_until",
        ),
        (
            "unset direction",
            |r| r.direction = 0,
            "instrument.requirements[0].direction",
        ),
    ];
    for (name, edit, field) in cases {
        let mut r = good();
        edit(&mut r);
        let err = client
            .create_instrument(pb::CreateInstrumentRequest {
                instrument: Some(statute(vec![r])),
                reason: "test".into(),
            })
            .await
            .expect_err(name);
        assert_eq!(err.code(), Code::InvalidArgument, "{name}: {err:?}");
        assert_eq!(violated_fields(&err), [*field], "{name}: {}", err.message());
    }
    // Nothing was stored.
    let missing = client
        .get_instrument(pb::GetInstrumentRequest {
            name: "instruments/cn-test-law".into(),
        })
        .await
        .expect_err("nothing stored");
    assert_eq!(missing.code(), Code::NotFound);
    registry.stop().await.unwrap();
}

#[tokio::test]
async fn requirements_are_stored_and_replaced_by_mask() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let mut client = registry.client();
    let created = client
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(statute(vec![good()])),
            reason: "test".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.requirements, [good()]);
    let mut changed = good();
    changed.text = "A Chinese translation, certified.".into();
    let patch = pb::Instrument {
        id: "cn-test-law".into(),
        requirements: vec![changed.clone(), good()],
        ..statute(Vec::new())
    };
    let updated = client
        .update_instrument(pb::UpdateInstrumentRequest {
            instrument: Some(patch),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["requirements".into()],
            }),
            reason: "new translation rule".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.requirements, [changed, good()]);
    assert!(updated.revision > created.revision);
    registry.stop().await.unwrap();
}

//! Table tests of event derivation.

use judicial_domain::jurisdiction::builtin;
use judicial_domain::{
    Assistance, CalendarDate, ChannelKind, Coverage, Instrument, InstrumentKind, Matter,
    PartialDate, Party, TreatyType,
};

use super::*;
use crate::view::View;

fn day(text: &str) -> CalendarDate {
    CalendarDate::parse(text).unwrap()
}

fn treaty(id: &str, counterpart: &str, eif: Option<&str>, end: Option<&str>) -> Instrument {
    let party = |code: &str| Party {
        signed: PartialDate::parse("2020-01-01"),
        entry_into_force: eif.and_then(PartialDate::parse),
        termination_effective: end.and_then(PartialDate::parse),
        ..Party::new(code)
    };
    Instrument {
        treaty_type: Some(TreatyType::CivilCommercial),
        parties: vec![party("CN"), party(counterpart)],
        coverage: vec![Coverage::new(
            Matter::CivilCommercial,
            Assistance::ServiceOfDocuments,
        )],
        sources: vec!["test".into()],
        ..Instrument::new(id, InstrumentKind::BilateralTreaty, format!("treaty {id}"))
    }
}

fn view(revision: u64, instruments: Vec<Instrument>) -> View {
    View::from_snapshot(revision, builtin(), instruments)
}

fn touched(ids: &[&str]) -> Touched {
    Touched {
        instruments: ids.iter().map(|s| s.to_string()).collect(),
        ..Touched::default()
    }
}

/// (type, subject) of each event, for compact assertions.
fn summary(events: &[NewEvent]) -> Vec<(EventType, String)> {
    events
        .iter()
        .map(|e| (e.event_type, e.subject.clone()))
        .collect()
}

fn data(event: &NewEvent) -> serde_json::Value {
    serde_json::from_str(&event.data).unwrap()
}

const FR_SERVICE: &str = "jurisdictions/FR/channels/civil_commercial/service_of_documents";

#[test]
fn creating_a_treaty_in_force_moves_the_primary_channel() {
    let before = view(1, vec![]);
    let after = view(2, vec![treaty("cn-fr", "FR", Some("2020-06-01"), None)]);
    let events = revision_events(
        "CN",
        &before,
        &after,
        &touched(&["cn-fr"]),
        day("2025-01-01"),
        2,
    );
    assert_eq!(
        summary(&events),
        [
            (EventType::InstrumentCreated, "instruments/cn-fr".into()),
            (EventType::ChannelChanged, FR_SERVICE.into()),
        ]
    );
    assert!(events.iter().all(|e| e.registry_revision == 2));
    assert_eq!(events[0].counterparts, ["FR"]);
    assert_eq!(events[0].assistances, [Assistance::ServiceOfDocuments]);
    let changed = data(&events[1]);
    assert_eq!(changed["before"]["kind"], "reciprocity");
    assert_eq!(changed["after"]["kind"], "bilateral_treaty");
    assert_eq!(changed["after"]["instrument"], "instruments/cn-fr");
    assert_eq!(changed["causes"][0], "instruments/cn-fr");
}

#[test]
fn a_treaty_not_yet_in_force_changes_no_channel() {
    let before = view(1, vec![]);
    let after = view(2, vec![treaty("cn-fr", "FR", Some("2030-06-01"), None)]);
    let events = revision_events(
        "CN",
        &before,
        &after,
        &touched(&["cn-fr"]),
        day("2025-01-01"),
        2,
    );
    assert_eq!(
        summary(&events),
        [(EventType::InstrumentCreated, "instruments/cn-fr".into())]
    );
}

#[test]
fn amendments_name_the_changed_fields_and_past_dates_are_not_arrivals() {
    let old = treaty("cn-fr", "FR", None, None);
    let mut new = treaty("cn-fr", "FR", Some("2020-06-01"), None);
    new.notes = "ratified".into();
    let events = revision_events(
        "CN",
        &view(1, vec![old]),
        &view(2, vec![new]),
        &touched(&["cn-fr"]),
        day("2025-01-01"),
        2,
    );
    // Recording an entry into force that is already past is an amendment
    // (and moves the channel), not an entry into force.
    assert_eq!(
        summary(&events),
        [
            (EventType::InstrumentAmended, "instruments/cn-fr".into()),
            (EventType::ChannelChanged, FR_SERVICE.into()),
        ]
    );
    let amended = data(&events[0]);
    assert_eq!(
        amended["changed_fields"],
        serde_json::json!(["parties", "notes"])
    );
    assert_eq!(amended["changed_parties"], serde_json::json!(["CN", "FR"]));
}

#[test]
fn server_kept_fields_alone_are_no_amendment() {
    let old = treaty("cn-fr", "FR", None, None);
    let new = Instrument {
        revision: 9,
        etag: "r9".into(),
        ..old.clone()
    };
    let events = revision_events(
        "CN",
        &view(1, vec![old]),
        &view(9, vec![new]),
        &touched(&["cn-fr"]),
        day("2025-01-01"),
        9,
    );
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn deleting_a_treaty_in_force_falls_back_to_reciprocity() {
    let before = view(1, vec![treaty("cn-fr", "FR", Some("2020-06-01"), None)]);
    let after = view(2, vec![]);
    let events = revision_events(
        "CN",
        &before,
        &after,
        &touched(&["cn-fr"]),
        day("2025-01-01"),
        2,
    );
    assert_eq!(
        summary(&events),
        [
            (EventType::InstrumentDeleted, "instruments/cn-fr".into()),
            (EventType::ChannelChanged, FR_SERVICE.into()),
        ]
    );
    assert_eq!(
        data(&events[1])["after"]["kind"],
        ChannelKind::Reciprocity.as_str()
    );
}

#[test]
fn dates_arrive_once_on_their_latest_possible_day() {
    let v = view(
        3,
        vec![
            treaty("cn-fr", "FR", Some("2030-06-01"), None),
            treaty("cn-de", "DE", Some("2030"), None),
            treaty("cn-it", "IT", Some("2020-01-01"), Some("2030-06-01")),
        ],
    );
    // (last checked, today, expected events)
    type Case<'a> = (&'a str, &'a str, &'a [(EventType, &'a str)]);
    let cases: &[Case] = &[
        ("2030-05-30", "2030-05-31", &[]),
        (
            "2030-05-31",
            "2030-06-01",
            &[
                (EventType::EnteredIntoForce, "instruments/cn-fr"),
                (EventType::TerminationEffective, "instruments/cn-it"),
                (EventType::ChannelChanged, FR_SERVICE),
                (
                    EventType::ChannelChanged,
                    "jurisdictions/IT/channels/civil_commercial/service_of_documents",
                ),
            ],
        ),
        ("2030-06-01", "2030-06-02", &[]),
        // `2030` is certain only on its last day; on its first day the
        // treaty became possibly in force, which already moves the channel.
        (
            "2029-12-31",
            "2030-01-01",
            &[(
                EventType::ChannelChanged,
                "jurisdictions/DE/channels/civil_commercial/service_of_documents",
            )],
        ),
        (
            "2030-12-30",
            "2030-12-31",
            &[(EventType::EnteredIntoForce, "instruments/cn-de")],
        ),
    ];
    for (last, today, want) in cases {
        let events = date_events("CN", &v, day(last), day(today));
        let got: Vec<(EventType, &str)> = events
            .iter()
            .map(|e| (e.event_type, e.subject.as_str()))
            .collect();
        assert_eq!(&got, want, "({last}, {today}]");
        assert!(events.iter().all(|e| e.registry_revision == 0));
    }
    // Several days at once (the notifier was down): each date once.
    let events = date_events("CN", &v, day("2030-05-01"), day("2031-01-01"));
    let arrivals = events
        .iter()
        .filter(|e| e.event_type != EventType::ChannelChanged)
        .count();
    assert_eq!(arrivals, 3);
}

#[test]
fn an_arrival_names_the_parties_and_counterparts() {
    let v = view(3, vec![treaty("cn-fr", "FR", Some("2030-06-01"), None)]);
    let events = date_events("CN", &v, day("2030-05-31"), day("2030-06-01"));
    let arrival = &events[0];
    assert_eq!(arrival.counterparts, ["FR"]);
    let d = data(arrival);
    assert_eq!(d["parties"][0]["jurisdiction"], "CN");
    assert_eq!(d["parties"][1]["date"], "2030-06-01");
}

#[test]
fn a_touched_jurisdiction_recomputes_its_channels_without_instrument_events() {
    let v = view(1, vec![]);
    let t = Touched {
        jurisdictions: ["FR".to_owned()].into(),
        ..Touched::default()
    };
    let events = revision_events("CN", &v, &v, &t, day("2025-01-01"), 2);
    assert!(events.is_empty(), "{events:?}");
}

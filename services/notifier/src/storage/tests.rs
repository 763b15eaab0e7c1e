//! The store on a real sled directory: what survives a reopen, retention,
//! and the rules of the cursors.

use judicial_domain::jurisdiction::builtin;
use judicial_domain::{Instrument, InstrumentKind};

use super::*;
use crate::event::{EventFilter, EventType};
use crate::subscription::StartPosition;

fn event(subject: &str) -> NewEvent {
    NewEvent {
        event_type: EventType::InstrumentCreated,
        subject: subject.into(),
        data: "{}".into(),
        registry_revision: 7,
        counterparts: vec!["FR".into()],
        assistances: Vec::new(),
    }
}

fn derivation(n: usize, time_ms: i64, view: &View, touched: Touched) -> Op {
    Op::Derive(Derivation {
        events: (0..n)
            .map(|i| event(&format!("instruments/e{i}")))
            .collect(),
        time_ms,
        view: view.clone(),
        touched,
        registry_revision: Some(view.revision),
        date_cursor: CalendarDate::new(2030, 1, 1),
    })
}

fn open(dir: &Path, retention: Retention) -> (Storage, View) {
    Storage::open(dir, "/test".into(), retention).unwrap()
}

fn new_subscription(id: &str, start: StartPosition) -> Op {
    Op::CreateSubscription(
        NewSubscription {
            id: id.into(),
            filter: EventFilter::default(),
            start,
            owner: "anonymous".into(),
        },
        1,
    )
}

#[tokio::test]
async fn events_view_cursors_and_subscriptions_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let view = View::from_snapshot(
        7,
        builtin(),
        vec![Instrument::new("a", InstrumentKind::BilateralTreaty, "A")],
    );
    {
        let (storage, loaded) = open(dir.path(), Retention::default());
        assert_eq!(loaded, View::default());
        let touched = View::default().diff(&view);
        storage
            .commit(derivation(3, 1000, &view, touched))
            .await
            .unwrap();
        storage
            .commit(new_subscription("s", StartPosition::Earliest))
            .await
            .unwrap();
        storage
            .commit(Op::Delivered {
                id: "s".into(),
                sequence: 2,
            })
            .await
            .unwrap();
        storage
            .commit(Op::Ack {
                id: "s".into(),
                sequence: 1,
            })
            .await
            .unwrap();
        storage.close().unwrap();
        assert!(matches!(
            storage.commit(Op::Retain { now_ms: 0 }).await,
            Err(NotifierError::Closed)
        ));
    }
    let (storage, loaded) = open(dir.path(), Retention::default());
    assert_eq!(loaded, view, "the view is stored exactly");
    let state = storage.state();
    assert_eq!(
        (
            state.last_sequence,
            state.registry_revision,
            state.date_cursor
        ),
        (3, Some(7), CalendarDate::new(2030, 1, 1))
    );
    let s = &state.subscriptions["s"];
    assert_eq!(
        (s.start_sequence, s.acked_sequence, s.delivered_sequence),
        (1, 1, 2)
    );
    let events = storage.read_events(1, 10).unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids[0].ends_with("-1") && ids[2].ends_with("-3"));
    assert!(
        events
            .iter()
            .all(|e| e.source == "/test" && e.time_ms == 1000)
    );
    storage.close().unwrap();
}

#[tokio::test]
async fn acks_are_cumulative_and_never_beyond_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let (storage, _) = open(dir.path(), Retention::default());
    let view = View::default();
    storage
        .commit(derivation(5, 0, &view, Touched::default()))
        .await
        .unwrap();
    storage
        .commit(new_subscription("s", StartPosition::Earliest))
        .await
        .unwrap();
    let ack = |sequence| Op::Ack {
        id: "s".into(),
        sequence,
    };
    let invalid = storage.commit(ack(1)).await.unwrap_err();
    assert!(matches!(invalid, NotifierError::Invalid(_)), "{invalid:?}");
    storage
        .commit(Op::Delivered {
            id: "s".into(),
            sequence: 4,
        })
        .await
        .unwrap();
    assert!(matches!(
        storage.commit(ack(3)).await.unwrap(),
        Outcome::Cursor(3)
    ));
    assert!(matches!(
        storage.commit(ack(2)).await.unwrap(),
        Outcome::Cursor(3)
    ));
    assert!(storage.commit(ack(5)).await.is_err());
    let missing = storage
        .commit(Op::Ack {
            id: "nobody".into(),
            sequence: 1,
        })
        .await
        .unwrap_err();
    assert!(matches!(missing, NotifierError::NotFound(_)));
    storage.close().unwrap();
}

#[tokio::test]
async fn retention_by_count_and_by_age() {
    let dir = tempfile::tempdir().unwrap();
    let retention = Retention {
        max_events: Some(3),
        max_age_ms: Some(1_000),
    };
    let (storage, _) = open(dir.path(), retention);
    let view = View::default();
    storage
        .commit(derivation(10, 0, &view, Touched::default()))
        .await
        .unwrap();
    let state = storage.state();
    assert_eq!((state.first_sequence, state.last_sequence), (8, 10));
    let sequences: Vec<u64> = storage
        .read_events(1, 100)
        .unwrap()
        .iter()
        .map(|e| e.sequence)
        .collect();
    assert_eq!(sequences, [8, 9, 10]);
    // Starts resolve against what is retained.
    let Outcome::Subscription(s) = storage
        .commit(new_subscription("early", StartPosition::Earliest))
        .await
        .unwrap()
    else {
        panic!("a subscription");
    };
    assert_eq!(s.start_sequence, 8);
    let gone = storage
        .commit(new_subscription("old", StartPosition::Sequence(2)))
        .await
        .unwrap_err();
    assert!(matches!(gone, NotifierError::Invalid(_)));

    // Two newer events; then everything older than a second goes.
    storage
        .commit(derivation(2, 5_000, &view, Touched::default()))
        .await
        .unwrap();
    storage.commit(Op::Retain { now_ms: 5_500 }).await.unwrap();
    let state = storage.state();
    assert_eq!((state.first_sequence, state.last_sequence), (11, 12));
    storage.close().unwrap();
    drop(storage);
    let (storage, _) = open(dir.path(), Retention::default());
    assert_eq!(storage.state().first_sequence, 11);
    storage.close().unwrap();
}

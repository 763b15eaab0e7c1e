//! Redelivery on a real (temporary) sled store, with tokio's clock paused:
//! time moves only when every task waits, straight to the next deadline, so
//! the ack wait passes at once and exactly.

use std::path::Path;

use judicial_domain::CalendarDate;

use super::*;
use crate::event::{EventType, NewEvent};
use crate::storage::{Derivation, Retention};
use crate::subscription::{NewSubscription, StartPosition};
use crate::view::{Touched, View};

const ACK_WAIT: Duration = Duration::from_secs(30);

type Events = mpsc::Receiver<Result<Event, NotifierError>>;

/// A store holding `events` events (sequences 1..=events) and a
/// subscription `s` from the earliest of them.
async fn store_with_events(dir: &Path, events: usize) -> Storage {
    let (storage, _) = Storage::open(dir, "/test".into(), Retention::default()).unwrap();
    let event = |i: usize| NewEvent {
        event_type: EventType::InstrumentCreated,
        subject: format!("instruments/e{i}"),
        data: "{}".into(),
        registry_revision: 1,
        counterparts: vec!["FR".into()],
        assistances: Vec::new(),
    };
    storage
        .commit(Op::Derive(Derivation {
            events: (1..=events).map(event).collect(),
            time_ms: 1000,
            view: View::default(),
            touched: Touched::default(),
            registry_revision: Some(1),
            date_cursor: CalendarDate::new(2030, 1, 1),
        }))
        .await
        .unwrap();
    storage
        .commit(Op::CreateSubscription(
            NewSubscription {
                id: "s".into(),
                filter: EventFilter::default(),
                start: StartPosition::Earliest,
                owner: "anonymous".into(),
            },
            1000,
        ))
        .await
        .unwrap();
    storage
}

/// Opens a stream of subscription `s` with a window of `window` events.
fn open_stream(storage: &Storage, window: usize) -> (Arc<Live>, Events, Shutdown) {
    let live = Arc::new(Live::new(0));
    let (tx, rx) = mpsc::channel(64);
    let shutdown = Shutdown::new();
    let stream = Stream {
        storage: storage.clone(),
        ack_wait: ACK_WAIT,
        clock: Clock::default(),
        id: "s".into(),
        filter: EventFilter::default(),
        live: live.clone(),
        token: CancellationToken::new(),
        window,
        tx,
        shutdown: shutdown.clone(),
    };
    tokio::spawn(stream.run());
    (live, rx, shutdown)
}

async fn next_sequence(rx: &mut Events) -> u64 {
    rx.recv()
        .await
        .expect("the stream is open")
        .expect("an event, not an error")
        .sequence
}

#[tokio::test(start_paused = true)]
async fn unacknowledged_events_come_again_in_order_after_the_ack_wait() {
    let dir = tempfile::tempdir().unwrap();
    let storage = store_with_events(dir.path(), 3).await;
    let (_live, mut rx, shutdown) = open_stream(&storage, 10);
    let opened = Instant::now();
    for expected in 1..=3 {
        assert_eq!(next_sequence(&mut rx).await, expected);
    }
    assert_eq!(
        opened.elapsed(),
        Duration::ZERO,
        "the first delivery waits for nothing"
    );
    // Nothing is acknowledged: after the ack wait, all three again, in order.
    for expected in 1..=3 {
        assert_eq!(next_sequence(&mut rx).await, expected);
    }
    assert_eq!(opened.elapsed(), ACK_WAIT);
    // The delivery was recorded durably before the events were handed over.
    assert_eq!(storage.subscription("s").unwrap().delivered_sequence, 3);
    shutdown.trigger();
}

#[tokio::test(start_paused = true)]
async fn redelivery_resumes_after_the_acked_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let storage = store_with_events(dir.path(), 3).await;
    let (live, mut rx, shutdown) = open_stream(&storage, 10);
    let opened = Instant::now();
    for expected in 1..=3 {
        assert_eq!(next_sequence(&mut rx).await, expected);
    }
    live.acked.send_replace(2);
    assert_eq!(
        next_sequence(&mut rx).await,
        3,
        "only the unacknowledged event"
    );
    assert_eq!(opened.elapsed(), ACK_WAIT);
    live.acked.send_replace(3);
    // Everything acknowledged: no deadline is left, so nothing more comes
    // however far the clock moves.
    tokio::time::advance(ACK_WAIT * 10).await;
    assert!(rx.try_recv().is_err(), "nothing is redelivered once acked");
    shutdown.trigger();
}

#[tokio::test(start_paused = true)]
async fn a_full_window_waits_for_acks_and_redelivers_only_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let storage = store_with_events(dir.path(), 5).await;
    let (live, mut rx, shutdown) = open_stream(&storage, 2);
    let opened = Instant::now();
    assert_eq!(next_sequence(&mut rx).await, 1);
    assert_eq!(next_sequence(&mut rx).await, 2);
    // The window is full: what comes next is 1 again, at the ack wait.
    assert_eq!(next_sequence(&mut rx).await, 1);
    assert_eq!(opened.elapsed(), ACK_WAIT);
    assert_eq!(next_sequence(&mut rx).await, 2);
    // An ack opens the window at once: 3 and 4, with no wait.
    live.acked.send_replace(2);
    let acked_at = Instant::now();
    assert_eq!(next_sequence(&mut rx).await, 3);
    assert_eq!(next_sequence(&mut rx).await, 4);
    assert_eq!(acked_at.elapsed(), Duration::ZERO);
    shutdown.trigger();
}

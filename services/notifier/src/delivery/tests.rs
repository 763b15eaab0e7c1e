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

/// An open stream of subscription `s` over a temporary store.
struct Open {
    storage: Storage,
    live: Arc<Live>,
    rx: Events,
    shutdown: Shutdown,
    /// When the stream opened (the paused clock's now).
    opened: Instant,
    _dir: tempfile::TempDir,
}

/// Opens a stream with a window of `window` events over a store holding
/// `events` events.
async fn open_stream(events: usize, window: usize) -> Open {
    let dir = tempfile::tempdir().unwrap();
    let storage = store_with_events(dir.path(), events).await;
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
    Open {
        storage,
        live,
        rx,
        shutdown,
        opened: Instant::now(),
        _dir: dir,
    }
}

impl Open {
    /// Asserts that the next events are `sequences`, in order.
    async fn expect(&mut self, sequences: impl IntoIterator<Item = u64>) {
        for expected in sequences {
            let got = self
                .rx
                .recv()
                .await
                .expect("the stream is open")
                .expect("an event, not an error");
            assert_eq!(got.sequence, expected);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn unacknowledged_events_come_again_in_order_after_the_ack_wait() {
    let mut s = open_stream(3, 10).await;
    s.expect(1..=3).await;
    assert_eq!(
        s.opened.elapsed(),
        Duration::ZERO,
        "the first delivery waits for nothing"
    );
    // Nothing is acknowledged: after the ack wait, all three again, in order.
    s.expect(1..=3).await;
    assert_eq!(s.opened.elapsed(), ACK_WAIT);
    // The delivery was recorded durably before the events were handed over.
    assert_eq!(s.storage.subscription("s").unwrap().delivered_sequence, 3);
    s.shutdown.trigger();
}

#[tokio::test(start_paused = true)]
async fn redelivery_resumes_after_the_acked_cursor() {
    let mut s = open_stream(3, 10).await;
    s.expect(1..=3).await;
    s.live.acked.send_replace(2);
    // Only the unacknowledged event, at the ack wait.
    s.expect([3]).await;
    assert_eq!(s.opened.elapsed(), ACK_WAIT);
    s.live.acked.send_replace(3);
    // Everything acknowledged: no deadline is left, so nothing more comes
    // however far the clock moves.
    tokio::time::advance(ACK_WAIT * 10).await;
    assert!(
        s.rx.try_recv().is_err(),
        "nothing is redelivered once acked"
    );
    s.shutdown.trigger();
}

#[tokio::test(start_paused = true)]
async fn a_full_window_waits_for_acks_and_redelivers_only_the_window() {
    let mut s = open_stream(5, 2).await;
    // The window is full after 2: what comes next is 1 again, at the ack wait.
    s.expect([1, 2, 1]).await;
    assert_eq!(s.opened.elapsed(), ACK_WAIT);
    s.expect([2]).await;
    // An ack opens the window at once: 3 and 4, with no wait.
    s.live.acked.send_replace(2);
    let acked_at = Instant::now();
    s.expect([3, 4]).await;
    assert_eq!(acked_at.elapsed(), Duration::ZERO);
    s.shutdown.trigger();
}

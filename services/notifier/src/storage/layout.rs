//! The notifier's layout on the group-commit engine of `judicial-store`:
//! which trees it has, how an op becomes writes, and the event log's
//! retention after each flush. The engine does the queueing, the one
//! transaction, the flush, failures and recovery.

use std::path::Path;
use std::sync::Arc;

use judicial_store::engine::{Layout, Tables, Writes};
use tokio::sync::watch;

use super::{
    Derivation, LogState, META_DATE_CURSOR, META_FIRST_SEQUENCE, META_LAST_SEQUENCE, META_REVISION,
    Op, Outcome, Retention,
};
use crate::error::NotifierError;
use crate::event::Event;
use crate::subscription::{NewSubscription, StartPosition, Subscription};

/// Most events one retention pass removes (the rest wait for the next).
const RETENTION_STEP: usize = 10_000;

/// Tree names, in the order the engine opens them.
const TREES: &[&str] = &[
    "events",
    "view_instruments",
    "view_jurisdictions",
    "subscriptions",
    "meta",
];
pub(crate) const EVENTS: usize = 0;
pub(crate) const INSTRUMENTS: usize = 1;
pub(crate) const JURISDICTIONS: usize = 2;
pub(crate) const SUBSCRIPTIONS: usize = 3;
pub(crate) const META: usize = 4;

/// The notifier's on-disk format (1: the layout in the module docs, JSON
/// values, as written before versions were recorded).
pub const FORMAT_VERSION: u64 = 1;

pub(crate) struct NotifierLayout {
    source: String,
    retention: Retention,
    sequences: watch::Sender<u64>,
    /// Set by the batch being planned: whether it derived events, and the
    /// time of a retention request in it.
    derived: bool,
    retain_now: Option<i64>,
}

impl NotifierLayout {
    pub(crate) fn new(source: String, retention: Retention, sequences: watch::Sender<u64>) -> Self {
        NotifierLayout {
            source,
            retention,
            sequences,
            derived: false,
            retain_now: None,
        }
    }
}

impl Layout for NotifierLayout {
    type Op = Op;
    type Outcome = Outcome;
    type Error = NotifierError;
    type State = LogState;

    const NAME: &'static str = "notifier";
    const TREES: &'static [&'static str] = TREES;
    const FORMAT_VERSION: u64 = FORMAT_VERSION;

    fn load(&mut self, tables: &Tables, path: &Path) -> Result<LogState, NotifierError> {
        let state = super::load_state(tables, path)?;
        self.sequences.send_replace(state.last_sequence);
        Ok(state)
    }

    fn plan(
        &mut self,
        working: &mut LogState,
        op: Op,
        writes: &mut Writes,
    ) -> Result<Outcome, NotifierError> {
        match op {
            Op::Retain { now_ms } => {
                self.retain_now = Some(now_ms);
                Ok(Outcome::Retained)
            }
            op => {
                self.derived |= matches!(op, Op::Derive(_));
                self.plan_op(working, op, writes)
            }
        }
    }

    fn after_flush(&mut self, tables: &Tables, state: &mut LogState) {
        let retain_now = self.retain_now.take();
        if std::mem::take(&mut self.derived) || retain_now.is_some() {
            let now_ms = retain_now.filter(|_| self.retention.max_age_ms.is_some());
            state.first_sequence = self.retain(tables, state, now_ms);
        }
    }

    fn published(&mut self, state: &LogState) {
        let last = state.last_sequence;
        self.sequences.send_if_modified(|s| {
            let moved = *s != last;
            *s = last;
            moved
        });
    }
}

impl NotifierLayout {
    /// Checks one op against `working`, applies it there, and queues its writes.
    fn plan_op(
        &self,
        working: &mut LogState,
        op: Op,
        writes: &mut Writes,
    ) -> Result<Outcome, NotifierError> {
        match op {
            Op::Derive(d) => {
                self.plan_derivation(working, d, writes);
                Ok(Outcome::Derived)
            }
            Op::CreateSubscription(new, time_ms) => {
                let s = create(working, new, time_ms)?;
                subscription_write(writes, &s);
                working.subscriptions.insert(s.id.clone(), s.clone());
                Ok(Outcome::Subscription(s))
            }
            Op::DeleteSubscription(id) => {
                if working.subscriptions.remove(&id).is_none() {
                    return Err(NotifierError::NotFound(format!("subscriptions/{id}")));
                }
                writes.remove(SUBSCRIPTIONS, id.into_bytes());
                Ok(Outcome::Deleted)
            }
            Op::Ack { id, sequence } => {
                let s = existing(working, &id)?;
                if sequence > s.delivered_sequence {
                    return Err(NotifierError::invalid(
                        "sequence",
                        format!(
                            "sequence {sequence} is beyond the last sequence delivered to subscriptions/{id} ({})",
                            s.delivered_sequence
                        ),
                    ));
                }
                if sequence <= s.acked_sequence {
                    return Ok(Outcome::Cursor(s.acked_sequence));
                }
                let s = Arc::new(Subscription {
                    acked_sequence: sequence,
                    ..(*s).clone()
                });
                subscription_write(writes, &s);
                working.subscriptions.insert(id, s);
                Ok(Outcome::Cursor(sequence))
            }
            Op::Delivered { id, sequence } => {
                let s = existing(working, &id)?;
                let sequence = sequence.min(working.last_sequence);
                if sequence <= s.delivered_sequence {
                    return Ok(Outcome::Cursor(s.delivered_sequence));
                }
                let s = Arc::new(Subscription {
                    delivered_sequence: sequence,
                    ..(*s).clone()
                });
                subscription_write(writes, &s);
                working.subscriptions.insert(id, s);
                Ok(Outcome::Cursor(sequence))
            }
            Op::Retain { .. } => Ok(Outcome::Retained),
        }
    }

    fn plan_derivation(&self, working: &mut LogState, d: Derivation, writes: &mut Writes) {
        for new in d.events {
            let sequence = working.last_sequence + 1;
            let event = Event {
                sequence,
                id: format!("{}-{sequence}", working.log_id),
                source: self.source.clone(),
                event_type: new.event_type,
                time_ms: d.time_ms,
                subject: new.subject,
                data: new.data,
                registry_revision: new.registry_revision,
                counterparts: new.counterparts,
                assistances: new.assistances,
            };
            writes.put(
                EVENTS,
                sequence.to_be_bytes().to_vec(),
                serde_json::to_vec(&event).expect("encode event"),
            );
            working.last_sequence = sequence;
        }
        for id in &d.touched.instruments {
            let value = d
                .view
                .instruments
                .get(id)
                .map(|i| serde_json::to_vec(i.as_ref()).expect("encode instrument"));
            writes.set(INSTRUMENTS, id.as_bytes().to_vec(), value);
        }
        for code in &d.touched.jurisdictions {
            let value = d
                .view
                .jurisdictions
                .get(code)
                .map(|j| serde_json::to_vec(j.as_ref()).expect("encode jurisdiction"));
            writes.set(JURISDICTIONS, code.as_bytes().to_vec(), value);
        }
        if let Some(revision) = d.registry_revision {
            working.registry_revision = Some(revision);
            meta(writes, META_REVISION, revision);
        }
        if let Some(day) = d.date_cursor {
            working.date_cursor = Some(day);
            meta(writes, META_DATE_CURSOR, day.to_days() as u64);
        }
        meta(writes, META_LAST_SEQUENCE, working.last_sequence);
    }

    /// Drops events beyond the retention; returns the oldest retained sequence.
    fn retain(&self, tables: &Tables, state: &LogState, now_ms: Option<i64>) -> u64 {
        let events = tables.tree(EVENTS);
        let meta = tables.tree(META);
        let mut first = state.first_sequence.max(1);
        if let Some(keep) = self.retention.max_events {
            first = first.max((state.last_sequence + 1).saturating_sub(keep));
        }
        if let (Some(age), Some(now)) = (self.retention.max_age_ms, now_ms) {
            let cutoff = now - age;
            let from = first.to_be_bytes();
            for item in events.range(from..).take(RETENTION_STEP) {
                let Ok((_, value)) = item else { break };
                match serde_json::from_slice::<Event>(&value) {
                    Ok(e) if e.time_ms < cutoff => first = e.sequence + 1,
                    _ => break,
                }
            }
        }
        let first = first.min(state.last_sequence + 1);
        if first <= state.first_sequence {
            return state.first_sequence;
        }
        // Record the new floor first: a crash between the two steps leaves
        // extra events, never a log that claims events it lost.
        if meta
            .insert(META_FIRST_SEQUENCE, &first.to_be_bytes())
            .is_err()
        {
            return state.first_sequence;
        }
        let end = first.to_be_bytes();
        let mut batch = sled::Batch::default();
        for key in events.range(..end).keys().flatten() {
            batch.remove(key);
        }
        let _ = events.apply_batch(batch);
        tracing::debug!(first_sequence = first, "event log retention applied");
        first
    }
}

fn meta(writes: &mut Writes, key: &[u8], value: u64) {
    writes.put(META, key.to_vec(), value.to_be_bytes().to_vec());
}

fn subscription_write(writes: &mut Writes, s: &Subscription) {
    writes.put(
        SUBSCRIPTIONS,
        s.id.as_bytes().to_vec(),
        serde_json::to_vec(s).expect("encode subscription"),
    );
}

fn existing(working: &LogState, id: &str) -> Result<Arc<Subscription>, NotifierError> {
    working
        .subscriptions
        .get(id)
        .cloned()
        .ok_or_else(|| NotifierError::NotFound(format!("subscriptions/{id}")))
}

/// Resolves the start of a new subscription against the log as it is now.
fn create(
    working: &LogState,
    new: NewSubscription,
    time_ms: i64,
) -> Result<Arc<Subscription>, NotifierError> {
    if working.subscriptions.contains_key(&new.id) {
        return Err(NotifierError::AlreadyExists(format!(
            "subscriptions/{}",
            new.id
        )));
    }
    let next = working.last_sequence + 1;
    let start_sequence = match new.start {
        StartPosition::Earliest => working.first_sequence.clamp(1, next),
        StartPosition::Latest => next,
        StartPosition::Sequence(n) if n < working.first_sequence || n == 0 => {
            return Err(NotifierError::invalid(
                "subscription.start_sequence",
                format!(
                    "sequence {n} is not retained; the oldest retained sequence is {}",
                    working.first_sequence.max(1)
                ),
            ));
        }
        StartPosition::Sequence(n) if n > next => {
            return Err(NotifierError::invalid(
                "subscription.start_sequence",
                format!("sequence {n} is beyond the next sequence {next}"),
            ));
        }
        StartPosition::Sequence(n) => n,
    };
    Ok(Arc::new(Subscription {
        id: new.id,
        filter: new.filter,
        start: new.start,
        start_sequence,
        acked_sequence: start_sequence - 1,
        delivered_sequence: start_sequence - 1,
        create_time_ms: time_ms,
        owner: new.owner,
    }))
}

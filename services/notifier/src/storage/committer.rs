//! The single writer: group commit over one sled transaction and one flush.
//!
//! sled 0.34 deadlocks when several tasks call `flush_async` at once, so
//! nothing else writes: every op is queued here, a batch is checked against
//! the state the ops before it produced, written in one transaction,
//! flushed once, then published and acknowledged.

use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwap;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use tokio::sync::{mpsc, watch};

use super::{
    Derivation, LogState, META_DATE_CURSOR, META_FIRST_SEQUENCE, META_LAST_SEQUENCE, META_REVISION,
    Op, Outcome, Pending, Retention, Trees,
};
use crate::error::NotifierError;
use crate::event::Event;
use crate::subscription::{NewSubscription, StartPosition, Subscription};

/// Most ops one group commit takes from the queue.
const MAX_BATCH: usize = 512;
/// Most events one retention pass removes (the rest wait for the next).
const RETENTION_STEP: usize = 10_000;

/// Which tree a write goes to.
#[derive(Debug, Clone, Copy)]
enum Tree {
    Events,
    Instruments,
    Jurisdictions,
    Subscriptions,
    Meta,
}

/// One key to set (Some) or remove (None).
type Write = (Tree, Vec<u8>, Option<Vec<u8>>);

pub(crate) struct Committer {
    db: sled::Db,
    trees: Trees,
    shared: Arc<ArcSwap<LogState>>,
    sequences: watch::Sender<u64>,
    source: String,
    retention: Retention,
    failed: bool,
}

impl Committer {
    pub(crate) fn new(
        db: sled::Db,
        trees: Trees,
        shared: Arc<ArcSwap<LogState>>,
        sequences: watch::Sender<u64>,
        source: String,
        retention: Retention,
    ) -> Self {
        Committer {
            db,
            trees,
            shared,
            sequences,
            source,
            retention,
            failed: false,
        }
    }

    pub(crate) fn run(mut self, mut queue: mpsc::UnboundedReceiver<Pending>) {
        while let Some(first) = queue.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
            self.commit_batch(batch);
        }
        tracing::debug!("notifier committer stopped");
    }

    fn commit_batch(&mut self, batch: Vec<Pending>) {
        if self.failed {
            for p in batch {
                let _ = p.reply.send(Err(NotifierError::Closed));
            }
            return;
        }
        let started = Instant::now();
        let mut working: LogState = (**self.shared.load()).clone();
        let mut writes: Vec<Write> = Vec::new();
        let mut replies = Vec::with_capacity(batch.len());
        let mut retain_now = None;
        let mut derived = false;
        for Pending { op, reply } in batch {
            if let Op::Retain { now_ms } = op {
                retain_now = Some(now_ms);
                replies.push((reply, Ok(Outcome::Retained)));
                continue;
            }
            derived |= matches!(op, Op::Derive(_));
            let result = self.plan(&mut working, op, &mut writes);
            replies.push((reply, result));
        }
        if !writes.is_empty()
            && let Err(e) = self.persist(&writes)
        {
            tracing::error!(error = %e, "notifier commit failed; the store refuses further writes until restarted");
            self.failed = true;
            for (reply, _) in replies {
                let _ = reply.send(Err(NotifierError::Io(e.clone())));
            }
            return;
        }
        let has_age = self.retention.max_age_ms.is_some();
        if derived || retain_now.is_some() {
            let now_ms = retain_now.filter(|_| has_age);
            working.first_sequence = self.retain(&working, now_ms);
        }
        let last = working.last_sequence;
        self.shared.store(Arc::new(working));
        self.sequences.send_if_modified(|s| {
            let moved = *s != last;
            *s = last;
            moved
        });
        tracing::debug!(
            writes = writes.len(),
            ops = replies.len(),
            last_sequence = last,
            elapsed_us = started.elapsed().as_micros() as u64,
            "notifier group commit"
        );
        for (reply, result) in replies {
            let _ = reply.send(result);
        }
    }

    /// Checks one op against `working`, applies it there, and queues its writes.
    fn plan(
        &self,
        working: &mut LogState,
        op: Op,
        writes: &mut Vec<Write>,
    ) -> Result<Outcome, NotifierError> {
        match op {
            Op::Derive(d) => {
                self.plan_derivation(working, d, writes);
                Ok(Outcome::Derived)
            }
            Op::CreateSubscription(new, time_ms) => {
                let s = create(working, new, time_ms)?;
                writes.push(subscription_write(&s));
                working.subscriptions.insert(s.id.clone(), s.clone());
                Ok(Outcome::Subscription(s))
            }
            Op::DeleteSubscription(id) => {
                if working.subscriptions.remove(&id).is_none() {
                    return Err(NotifierError::NotFound(format!("subscriptions/{id}")));
                }
                writes.push((Tree::Subscriptions, id.into_bytes(), None));
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
                writes.push(subscription_write(&s));
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
                writes.push(subscription_write(&s));
                working.subscriptions.insert(id, s);
                Ok(Outcome::Cursor(sequence))
            }
            Op::Retain { .. } => Ok(Outcome::Retained),
        }
    }

    fn plan_derivation(&self, working: &mut LogState, d: Derivation, writes: &mut Vec<Write>) {
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
            writes.push((
                Tree::Events,
                sequence.to_be_bytes().to_vec(),
                Some(serde_json::to_vec(&event).expect("encode event")),
            ));
            working.last_sequence = sequence;
        }
        for id in &d.touched.instruments {
            let value = d
                .view
                .instruments
                .get(id)
                .map(|i| serde_json::to_vec(i.as_ref()).expect("encode instrument"));
            writes.push((Tree::Instruments, id.as_bytes().to_vec(), value));
        }
        for code in &d.touched.jurisdictions {
            let value = d
                .view
                .jurisdictions
                .get(code)
                .map(|j| serde_json::to_vec(j.as_ref()).expect("encode jurisdiction"));
            writes.push((Tree::Jurisdictions, code.as_bytes().to_vec(), value));
        }
        if let Some(revision) = d.registry_revision {
            working.registry_revision = Some(revision);
            writes.push(meta(META_REVISION, revision));
        }
        if let Some(day) = d.date_cursor {
            working.date_cursor = Some(day);
            writes.push(meta(META_DATE_CURSOR, day.to_days() as u64));
        }
        writes.push(meta(META_LAST_SEQUENCE, working.last_sequence));
    }

    fn persist(&self, writes: &[Write]) -> Result<(), String> {
        let t = &self.trees;
        let result: Result<(), TransactionError<()>> = (
            &t.events,
            &t.instruments,
            &t.jurisdictions,
            &t.subscriptions,
            &t.meta,
        )
            .transaction(
                |(events, instruments, jurisdictions, subscriptions, meta)| {
                    for (tree, key, value) in writes {
                        let tree = match tree {
                            Tree::Events => events,
                            Tree::Instruments => instruments,
                            Tree::Jurisdictions => jurisdictions,
                            Tree::Subscriptions => subscriptions,
                            Tree::Meta => meta,
                        };
                        match value {
                            Some(v) => tree.insert(key.as_slice(), v.as_slice())?,
                            None => tree.remove(key.as_slice())?,
                        };
                    }
                    Ok::<(), ConflictableTransactionError<()>>(())
                },
            );
        result.map_err(|e| format!("{e:?}"))?;
        self.db.flush().map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Drops events beyond the retention; returns the oldest retained sequence.
    fn retain(&self, state: &LogState, now_ms: Option<i64>) -> u64 {
        let mut first = state.first_sequence.max(1);
        if let Some(keep) = self.retention.max_events {
            first = first.max((state.last_sequence + 1).saturating_sub(keep));
        }
        if let (Some(age), Some(now)) = (self.retention.max_age_ms, now_ms) {
            let cutoff = now - age;
            let from = first.to_be_bytes();
            for item in self.trees.events.range(from..).take(RETENTION_STEP) {
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
        if self
            .trees
            .meta
            .insert(META_FIRST_SEQUENCE, &first.to_be_bytes())
            .is_err()
        {
            return state.first_sequence;
        }
        let end = first.to_be_bytes();
        let mut batch = sled::Batch::default();
        for key in self.trees.events.range(..end).keys().flatten() {
            batch.remove(key);
        }
        let _ = self.trees.events.apply_batch(batch);
        tracing::debug!(first_sequence = first, "event log retention applied");
        first
    }
}

fn meta(key: &[u8], value: u64) -> Write {
    (Tree::Meta, key.to_vec(), Some(value.to_be_bytes().to_vec()))
}

fn subscription_write(s: &Subscription) -> Write {
    (
        Tree::Subscriptions,
        s.id.as_bytes().to_vec(),
        Some(serde_json::to_vec(s).expect("encode subscription")),
    )
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

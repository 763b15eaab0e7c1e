//! Encoded answers kept for one view revision, keyed by the query, the part
//! of the answer asked for and the interval of dates the query's date falls
//! in (see [`DateBoundaries`]). Everything is dropped when a newer view is
//! seen; memory is bounded by evicting entries of the shard that is full.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use judicial_domain::routing::{DateBoundaries, Direction, RouteQuery};
use judicial_domain::{Assistance, CalendarDate, Matter};

use crate::answer::{Encoded, Shape};

/// Shards: queries for different counterparts rarely share a lock.
const SHARDS: usize = 16;
/// What an entry costs beyond its bytes (key, map slot, allocations).
const ENTRY_OVERHEAD: usize = 160;

/// What an answer depends on besides the view: the query without its date,
/// the interval the date falls in, and the shape asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    counterpart: String,
    matter: Matter,
    assistance: Assistance,
    offence: Option<String>,
    transmission: Option<String>,
    explain: bool,
    direction: u8,
    interval_start: Option<CalendarDate>,
    shape: Shape,
}

impl Key {
    fn new(q: &RouteQuery, interval_start: Option<CalendarDate>, shape: Shape) -> Key {
        let RouteQuery {
            counterpart,
            matter,
            assistance,
            on: _,
            offence,
            transmission,
            explain,
            direction,
        } = q;
        Key {
            counterpart: counterpart.clone(),
            matter: *matter,
            assistance: *assistance,
            offence: offence.clone(),
            transmission: transmission.clone(),
            explain: *explain,
            direction: match direction {
                Direction::Both => 0,
                Direction::Outgoing => 1,
                Direction::Incoming => 2,
            },
            interval_start,
            shape,
        }
    }
}

#[derive(Debug, Default)]
struct Shard {
    revision: u64,
    bytes: usize,
    answers: HashMap<Key, Encoded>,
    boundaries: HashMap<String, Arc<DateBoundaries>>,
}

impl Shard {
    /// Makes the shard serve `revision`; false when it already serves a
    /// newer one (the caller holds an old view and must not use it).
    fn at(&mut self, revision: u64, total: &AtomicUsize) -> bool {
        if self.revision < revision {
            total.fetch_sub(self.bytes, Ordering::Relaxed);
            self.answers.clear();
            self.boundaries.clear();
            self.bytes = 0;
            self.revision = revision;
        }
        self.revision == revision
    }
}

/// The answer cache. See the module documentation.
#[derive(Debug)]
pub struct AnswerCache {
    shards: Box<[Mutex<Shard>]>,
    shard_budget: usize,
    bytes: AtomicUsize,
    hasher: std::collections::hash_map::RandomState,
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Served from the cache.
    Hit,
    /// Computed and kept.
    Miss,
    /// Computed and not kept (cache off, or an older view).
    Bypass,
}

impl AnswerCache {
    /// A cache holding at most about `budget` bytes (0: off).
    pub fn new(budget: usize) -> AnswerCache {
        AnswerCache {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            shard_budget: budget / SHARDS,
            bytes: AtomicUsize::new(0),
            hasher: Default::default(),
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    fn shard(&self, counterpart: &str) -> &Mutex<Shard> {
        &self.shards[self.hasher.hash_one(counterpart) as usize % SHARDS]
    }

    /// The answer to `query` in `shape` at `revision`: from the cache, or
    /// from `compute` (given the query's date interval boundaries, computed
    /// once per counterpart by `boundaries`) and kept.
    pub fn answer<E>(
        &self,
        revision: u64,
        query: &RouteQuery,
        shape: Shape,
        boundaries: impl FnOnce() -> DateBoundaries,
        compute: impl FnOnce() -> Result<Encoded, E>,
    ) -> Result<(Encoded, Lookup), E> {
        if self.shard_budget == 0 {
            return compute().map(|e| (e, Lookup::Bypass));
        }
        let shard = self.shard(&query.counterpart);
        let known = {
            let mut s = shard.lock().expect("cache lock");
            if !s.at(revision, &self.bytes) {
                drop(s);
                return compute().map(|e| (e, Lookup::Bypass));
            }
            s.boundaries.get(&query.counterpart).cloned()
        };
        // Boundaries are computed outside the lock (they read every
        // candidate of the counterpart once per revision).
        let dates = known.unwrap_or_else(|| Arc::new(boundaries()));
        let key = Key::new(query, dates.interval(query.on).start, shape);
        {
            let mut s = shard.lock().expect("cache lock");
            if !s.at(revision, &self.bytes) {
                drop(s);
                return compute().map(|e| (e, Lookup::Bypass));
            }
            if !s.boundaries.contains_key(&query.counterpart) {
                s.boundaries
                    .insert(query.counterpart.clone(), dates.clone());
            }
            if let Some(hit) = s.answers.get(&key) {
                metrics::counter!("judicial_router_answer_cache_hits_total").increment(1);
                return Ok((hit.clone(), Lookup::Hit));
            }
        }
        metrics::counter!("judicial_router_answer_cache_misses_total").increment(1);
        let encoded = compute()?;
        let cost = encoded.len() + ENTRY_OVERHEAD;
        let mut s = shard.lock().expect("cache lock");
        if !s.at(revision, &self.bytes) || cost > self.shard_budget {
            return Ok((encoded, Lookup::Bypass));
        }
        // Evict arbitrary entries (a hash map's order) until this one fits.
        while s.bytes + cost > self.shard_budget {
            let Some(victim) = s.answers.keys().next().cloned() else {
                break;
            };
            if let Some(old) = s.answers.remove(&victim) {
                let freed = old.len() + ENTRY_OVERHEAD;
                s.bytes -= freed;
                self.bytes.fetch_sub(freed, Ordering::Relaxed);
            }
        }
        if let Some(old) = s.answers.insert(key, encoded.clone()) {
            let freed = old.len() + ENTRY_OVERHEAD;
            s.bytes -= freed;
            self.bytes.fetch_sub(freed, Ordering::Relaxed);
        }
        s.bytes += cost;
        let total = self.bytes.fetch_add(cost, Ordering::Relaxed) + cost;
        drop(s);
        metrics::gauge!("judicial_router_answer_cache_bytes").set(total as f64);
        Ok((encoded, Lookup::Miss))
    }
}

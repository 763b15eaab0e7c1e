//! The one clock of the suite: the time a change is committed (the audit
//! trail's), what "today" is for the registry, the router and the notifier,
//! and when an event was derived. Entry-into-force and termination events
//! fire when a date arrives with no write at all, so tests need to move
//! time: a [`ManualClock`] does that; the system clock is the default.
//!
//! It lives in the store, the lowest crate that needs it (commit times);
//! `judicial-server` re-exports it for the services. This is the only place
//! that reads the wall clock: `clippy.toml` disallows `SystemTime::now`
//! everywhere else.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use judicial_domain::CalendarDate;
use tokio::sync::watch;

/// Longest the system clock goes without re-reading the date (guards
/// against wall-clock jumps and suspended machines).
const MAX_CHECK_INTERVAL: Duration = Duration::from_secs(60);

/// Where time comes from.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The machine's wall clock.
    #[default]
    System,
    /// A clock moved by hand (tests, demos).
    Manual(ManualClock),
}

impl Clock {
    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => system_now_ms(),
            Clock::Manual(m) => *m.now_ms.borrow(),
        }
    }

    /// The calendar date at a UTC offset (seconds east).
    pub fn today(&self, utc_offset: i32) -> CalendarDate {
        CalendarDate::from_unix(self.now_ms().div_euclid(1000), utc_offset)
    }

    /// A source of wake-ups at which the date may have changed.
    pub fn ticks(&self, utc_offset: i32) -> Ticks {
        match self {
            Clock::System => Ticks::System { utc_offset },
            Clock::Manual(m) => Ticks::Manual(m.now_ms.subscribe()),
        }
    }
}

/// The wall clock, in Unix milliseconds (0 before the epoch).
#[allow(clippy::disallowed_methods)] // The one reading of the wall clock.
fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Wake-ups of a clock: the next local midnight (or a minute) for the system
/// clock, every move for a manual one.
#[derive(Debug)]
pub enum Ticks {
    /// Sleeps until the next local midnight, at most a minute.
    System {
        /// Seconds east of UTC.
        utc_offset: i32,
    },
    /// Wakes when the manual clock is moved.
    Manual(watch::Receiver<i64>),
}

impl Ticks {
    /// Completes when the date may have changed. Never completes for a
    /// manual clock whose owner is gone.
    pub async fn next(&mut self) {
        match self {
            Ticks::System { utc_offset } => {
                let now = Clock::System.now_ms();
                let day_ms = 86_400_000;
                let local = now + i64::from(*utc_offset) * 1000;
                let until_midnight = day_ms - local.rem_euclid(day_ms) + 5;
                let wait = Duration::from_millis(until_midnight as u64).min(MAX_CHECK_INTERVAL);
                tokio::time::sleep(wait).await;
            }
            Ticks::Manual(rx) => {
                if rx.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        }
    }
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now_ms: Arc<watch::Sender<i64>>,
}

impl ManualClock {
    /// A clock reading `now_ms` (Unix milliseconds).
    pub fn new(now_ms: i64) -> ManualClock {
        ManualClock {
            now_ms: Arc::new(watch::channel(now_ms).0),
        }
    }

    /// A clock at noon of `date` at a UTC offset (seconds east).
    pub fn at_noon(date: CalendarDate, utc_offset: i32) -> ManualClock {
        let seconds = date.to_days() * 86_400 + 12 * 3600 - i64::from(utc_offset);
        ManualClock::new(seconds * 1000)
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.now_ms.send_modify(|now| *now += by.as_millis() as i64);
    }

    /// Moves the clock forward by whole days.
    pub fn advance_days(&self, days: u32) {
        self.advance(Duration::from_secs(u64::from(days) * 86_400));
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        *self.now_ms.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_days_follow_the_offset() {
        let day = CalendarDate::new(2030, 1, 1).unwrap();
        let manual = ManualClock::at_noon(day, 8 * 3600);
        let clock = Clock::Manual(manual.clone());
        assert_eq!(clock.today(8 * 3600), day);
        manual.advance(Duration::from_secs(11 * 3600 + 59 * 60));
        assert_eq!(clock.today(8 * 3600), day);
        manual.advance(Duration::from_secs(60));
        assert_eq!(clock.today(8 * 3600), day.add_days(1));
        manual.advance_days(2);
        assert_eq!(clock.today(8 * 3600), day.add_days(3));
    }
}

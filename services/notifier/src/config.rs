//! The notifier's command-line configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use judicial_server::config::{CommonArgs, HomeArgs, parse_duration};

use crate::clock::Clock;

/// judicial-notifier: turns registry changes, and dates that arrive (entry
/// into force, termination), into durable events, and delivers them to
/// subscribers at least once, in order, with cumulative acknowledgements.
#[derive(Debug, Clone, Parser)]
#[command(name = "judicial-notifier", version, about, long_about = None)]
pub struct Config {
    /// Address to serve gRPC on.
    #[arg(long, env = "JUDICIAL_LISTEN", default_value = "127.0.0.1:50053")]
    pub listen: SocketAddr,

    /// Directory of the notifier's sled store: the event log, the registry
    /// view it derives events from, and subscriptions (created if missing;
    /// never overwritten when it cannot be read).
    #[arg(long, env = "JUDICIAL_DATA_DIR", default_value = "./notifier-data")]
    pub data_dir: PathBuf,

    /// The registry to follow.
    #[arg(
        long,
        env = "JUDICIAL_REGISTRY",
        default_value = "http://127.0.0.1:50051"
    )]
    pub registry: String,

    /// How long a delivered event may stay unacknowledged before the stream
    /// delivers it (and every later one) again.
    #[arg(long, env = "JUDICIAL_ACK_WAIT", default_value = "30s", value_parser = parse_duration)]
    pub ack_wait: Duration,

    /// Most unacknowledged events in flight per stream when the subscriber
    /// does not ask for fewer or more (StreamEventsRequest.max_in_flight).
    #[arg(long, env = "JUDICIAL_MAX_IN_FLIGHT", default_value_t = 1000)]
    pub max_in_flight: u32,

    /// Keep only the newest N events (default: keep every event).
    #[arg(long, env = "JUDICIAL_RETAIN_EVENTS")]
    pub retain_events: Option<u64>,

    /// Drop events older than this (`90d`, `12h`, `30m`; default: keep every event).
    #[arg(long, env = "JUDICIAL_RETAIN_AGE", value_parser = parse_age)]
    pub retain_age: Option<Duration>,

    /// CloudEvents `source` attribute of every event.
    #[arg(long, env = "JUDICIAL_SOURCE", default_value = "/judicial/registry")]
    pub source: String,

    #[command(flatten)]
    pub home: HomeArgs,

    #[command(flatten)]
    pub common: CommonArgs,

    /// The clock that decides what "today" is; tests and embedders may set a
    /// manual one. Not a flag.
    #[arg(skip)]
    pub clock: Clock,
}

impl Config {
    /// A configuration for tests and embedding: loopback, the given data
    /// directory, following `registry_url`, defaults elsewhere.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>, registry_url: impl Into<String>) -> Config {
        let mut config = Config::parse_from(["judicial-notifier"]);
        config.data_dir = data_dir.into();
        config.registry = registry_url.into();
        config
    }
}

/// Parses an age: `90d`, or anything [`parse_duration`] takes (`12h`, `30m`).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    match text.strip_suffix('d') {
        Some(days) => days
            .parse::<u64>()
            .map(|d| Duration::from_secs(d * 86_400))
            .map_err(|_| format!("{text:?} is not an age like 90d, 12h or 30m")),
        None => parse_duration(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_ages() {
        let c = Config::parse_from(["judicial-notifier"]);
        assert_eq!(c.listen.port(), 50053);
        assert_eq!(c.ack_wait, Duration::from_secs(30));
        assert_eq!(c.max_in_flight, 1000);
        assert_eq!(c.retain_events, None);
        assert_eq!(c.retain_age, None);
        assert_eq!(c.source, "/judicial/registry");
        assert_eq!(parse_age("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_age("2h"), Ok(Duration::from_secs(7200)));
        assert!(parse_age("xd").is_err());
        let c = Config::parse_from(["judicial-notifier", "--retain-age", "7d"]);
        assert_eq!(c.retain_age, Some(Duration::from_secs(7 * 86_400)));
    }
}

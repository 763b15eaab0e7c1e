//! The notifier's command-line configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser};
use judicial_server::config::{CommonArgs, HomeArgs, parse_duration};

use judicial_server::Clock;

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
    pub sink: SinkArgs,

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

/// Where and how the notifier also publishes every event to a NATS
/// JetStream stream (the sink); no sink unless `--sink` is given.
#[derive(Debug, Clone, Args)]
pub struct SinkArgs {
    /// A NATS server to publish every event to, in sequence order, through
    /// JetStream (`nats://HOST:PORT`, or `tls://HOST:PORT`); repeat for the
    /// servers of one cluster. gRPC delivery never waits for the sink.
    #[arg(long = "sink", env = "JUDICIAL_SINK", value_delimiter = ',')]
    pub servers: Vec<String>,

    /// Subject prefix: an event is published on
    /// `{prefix}.{type}.{counterpart}` (`judicial.events.instrument_created.FR`).
    #[arg(
        long = "sink-subject-prefix",
        env = "JUDICIAL_SINK_SUBJECT_PREFIX",
        default_value = "judicial.events"
    )]
    pub subject_prefix: String,

    /// The JetStream stream that holds the events; created when missing,
    /// checked for compatibility when it exists.
    #[arg(
        long = "sink-stream",
        env = "JUDICIAL_SINK_STREAM",
        default_value = "JUDICIAL_EVENTS"
    )]
    pub stream: String,

    /// When the notifier creates the stream: drop messages older than this
    /// (`90d`, `12h`; default: keep by age forever).
    #[arg(long = "sink-max-age", env = "JUDICIAL_SINK_MAX_AGE", value_parser = parse_age)]
    pub max_age: Option<Duration>,

    /// When the notifier creates the stream: drop the oldest messages past
    /// this size (`512MiB`, `10GiB`, or bytes; default: no size limit).
    #[arg(long = "sink-max-bytes", env = "JUDICIAL_SINK_MAX_BYTES", value_parser = parse_bytes)]
    pub max_bytes: Option<u64>,

    /// When the notifier creates the stream: its duplicate window, inside
    /// which a publish repeated after a crash is dropped by its
    /// `Nats-Msg-Id` (an existing stream keeps its own).
    #[arg(
        long = "sink-duplicate-window",
        env = "JUDICIAL_SINK_DUPLICATE_WINDOW",
        default_value = "2m",
        value_parser = parse_duration
    )]
    pub duplicate_window: Duration,

    /// When the notifier creates the stream: its replicas in a JetStream cluster.
    #[arg(
        long = "sink-replicas",
        env = "JUDICIAL_SINK_REPLICAS",
        default_value_t = 1
    )]
    pub replicas: usize,

    /// PEM file of the CA that signed the NATS servers' certificates; the
    /// connection then requires TLS.
    #[arg(long = "sink-tls-ca", env = "JUDICIAL_SINK_TLS_CA")]
    pub tls_ca: Option<PathBuf>,

    /// NATS credentials file (`.creds`: the user JWT and NKey seed that
    /// `nsc` writes) to authenticate with.
    #[arg(long = "sink-creds", env = "JUDICIAL_SINK_CREDS")]
    pub creds: Option<PathBuf>,

    /// How long one publish waits for JetStream's acknowledgement before
    /// the sink retries it.
    #[arg(
        long = "sink-publish-timeout",
        env = "JUDICIAL_SINK_PUBLISH_TIMEOUT",
        default_value = "5s",
        value_parser = parse_duration
    )]
    pub publish_timeout: Duration,
}

impl SinkArgs {
    /// Whether a sink is configured.
    pub fn enabled(&self) -> bool {
        !self.servers.is_empty()
    }
}

/// Parses a size: bytes, or a number with `KB`/`MB`/`GB`/`TB` (powers of
/// 1000) or `KiB`/`MiB`/`GiB`/`TiB` (powers of 1024).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_size: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "{text:?} is not a size like 512MiB, 10GB or 1048576"
            ));
        }
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit_size))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a size like 512MiB, 10GB or 1048576"))
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

    #[test]
    fn sink_flags() {
        let c = Config::parse_from(["judicial-notifier"]);
        assert!(!c.sink.enabled());
        assert_eq!(c.sink.subject_prefix, "judicial.events");
        assert_eq!(c.sink.stream, "JUDICIAL_EVENTS");
        assert_eq!(c.sink.duplicate_window, Duration::from_secs(120));
        let c = Config::parse_from([
            "judicial-notifier",
            "--sink",
            "nats://a:4222",
            "--sink",
            "nats://b:4222",
            "--sink-max-age",
            "30d",
            "--sink-max-bytes",
            "10GiB",
        ]);
        assert_eq!(c.sink.servers, ["nats://a:4222", "nats://b:4222"]);
        assert_eq!(c.sink.max_age, Some(Duration::from_secs(30 * 86_400)));
        assert_eq!(c.sink.max_bytes, Some(10 << 30));
        assert_eq!(parse_bytes("512MB"), Ok(512_000_000));
        assert_eq!(parse_bytes("1048576"), Ok(1 << 20));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("5 parsecs").is_err());
    }
}

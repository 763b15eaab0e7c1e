//! Flags shared by every server binary (each also an env var `JUDICIAL_<NAME>`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use judicial_domain::CalendarDate;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Flags every service takes, flattened into each binary's config.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// Address for Prometheus metrics over HTTP (`/metrics`); off when unset.
    #[arg(long, env = "JUDICIAL_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Address for a plaintext listener that serves only grpc.health.v1, for
    /// probes that cannot present a client certificate (off when unset;
    /// allowed on any address since it exposes nothing but health).
    #[arg(long, env = "JUDICIAL_HEALTH_LISTEN")]
    pub health_listen: Option<SocketAddr>,

    /// Log format.
    #[arg(long, env = "JUDICIAL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Server certificate (PEM) for TLS.
    #[arg(long, env = "JUDICIAL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Server private key (PEM) for TLS.
    #[arg(long, env = "JUDICIAL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// CA bundle (PEM) that client certificates must chain to (mTLS).
    #[arg(long, env = "JUDICIAL_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,

    /// CA (PEM) to trust when this service calls the registry over https
    /// (router, notifier); defaults to --tls-client-ca.
    #[arg(long, env = "JUDICIAL_REGISTRY_CA")]
    pub registry_ca: Option<PathBuf>,

    /// Policy file mapping certificate identities to roles.
    #[arg(long, env = "JUDICIAL_POLICY")]
    pub policy: Option<PathBuf>,

    /// Allow plaintext on a non-loopback address. Without it, a server with
    /// no TLS refuses to bind anywhere but loopback.
    #[arg(long, env = "JUDICIAL_INSECURE")]
    pub insecure: bool,

    /// How long shutdown waits for in-flight requests and streams to drain.
    #[arg(long, env = "JUDICIAL_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,

    /// Most requests handled at once; beyond it requests are rejected at
    /// once with RESOURCE_EXHAUSTED (load shedding, not queueing). A quarter
    /// is reserved for streams and bulk calls (Watch, StreamEvents, import,
    /// export, BatchRoute, and Routes waiting for their min_revision), the
    /// rest serves quick calls; health is never limited.
    #[arg(long, env = "JUDICIAL_CONCURRENCY_LIMIT", default_value_t = 1024)]
    pub concurrency_limit: usize,

    /// How long a quick read (Route, Get, List) holds a slot of the quick
    /// share before it counts as slow; past it, it moves to the bulk share
    /// when a bulk slot is free, else keeps its slot (never cut short).
    #[arg(long, env = "JUDICIAL_SLOW_READ_AFTER", default_value = "50ms", value_parser = parse_duration)]
    pub slow_read_after: Duration,

    /// Longest deadline a request may have; longer or missing deadlines are capped.
    #[arg(long, env = "JUDICIAL_MAX_DEADLINE", default_value = "30s", value_parser = parse_duration)]
    pub max_deadline: Duration,

    /// Largest request or response message, in bytes.
    #[arg(long, env = "JUDICIAL_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,

    /// Web origins (`https://console.example`) whose pages may call this
    /// server from a browser (gRPC-Web or JSON), comma-separated; none by
    /// default, and `*` is refused: list each origin.
    #[arg(long, env = "JUDICIAL_CORS_ALLOW_ORIGIN", value_delimiter = ',')]
    pub cors_allow_origin: Vec<String>,
}

/// Flags of services that compute dates: the home state and its UTC offset.
#[derive(Debug, Clone, Args)]
pub struct HomeArgs {
    /// The home state (ISO 3166-1 alpha-2) whose channels are answered.
    #[arg(long, env = "JUDICIAL_HOME", default_value = "CN", value_parser = parse_home)]
    pub home: String,

    /// UTC offset that decides what "today" is (`+08:00`).
    #[arg(long, env = "JUDICIAL_UTC_OFFSET", default_value = "+08:00", value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub utc_offset: i32,
}

impl HomeArgs {
    /// Today's date in the configured offset.
    pub fn today(&self) -> CalendarDate {
        today(self.utc_offset)
    }
}

/// Today's date at a UTC offset (seconds east), by the system clock.
pub fn today(utc_offset_seconds: i32) -> CalendarDate {
    crate::Clock::System.today(utc_offset_seconds)
}

/// Parses `30s`, `500ms`, `2m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| text.split_at(i))
        .unwrap_or((text, "s"));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 30s, 500ms or 2m"))?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("{text:?}: unit must be ms, s, m or h")),
    };
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses `+08:00`, `-05:30` or `Z` into seconds east of UTC.
pub fn parse_utc_offset(text: &str) -> Result<i32, String> {
    let bad = || format!("{text:?} is not a UTC offset like +08:00");
    if text == "Z" || text == "+00:00" || text == "-00:00" {
        return Ok(0);
    }
    let sign = match text.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(bad()),
    };
    let (h, m) = text[1..].split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if h > 14 || m > 59 || h.to_string().len() > 2 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60))
}

fn parse_home(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    if judicial_domain::jurisdiction::is_code(&code) {
        Ok(code)
    } else {
        Err(format!("{text:?} is not an ISO 3166-1 alpha-2 code"))
    }
}

/// The files a service's client TLS comes from when it calls the registry:
/// `--registry-ca` (else `--tls-client-ca`) to trust, and its own
/// `--tls-cert`/`--tls-key` as identity.
impl From<&CommonArgs> for judicial_client::TlsFiles {
    fn from(args: &CommonArgs) -> Self {
        judicial_client::TlsFiles {
            ca: args
                .registry_ca
                .clone()
                .or_else(|| args.tls_client_ca.clone()),
            cert: args.tls_cert.clone(),
            key: args.tls_key.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_durations() {
        assert_eq!(parse_utc_offset("+08:00"), Ok(8 * 3600));
        assert_eq!(parse_utc_offset("-05:30"), Ok(-(5 * 3600 + 30 * 60)));
        assert!(parse_utc_offset("8").is_err());
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("3 weeks").is_err());
    }
}

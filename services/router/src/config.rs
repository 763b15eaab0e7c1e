//! The router's command-line configuration.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use judicial_server::Clock;
use judicial_server::config::{CommonArgs, HomeArgs, parse_duration};

/// judicial-router: answers "through which channel do we cooperate with
/// state X for request Y on date D" from an in-memory view that follows the
/// registry, and keeps answering (marked stale) when the registry is down.
#[derive(Debug, Clone, Parser)]
#[command(name = "judicial-router", version, about, long_about = None)]
pub struct Config {
    /// Address to serve gRPC on.
    #[arg(long, env = "JUDICIAL_LISTEN", default_value = "127.0.0.1:50052")]
    pub listen: SocketAddr,

    /// The registry to follow.
    #[arg(
        long,
        env = "JUDICIAL_REGISTRY",
        default_value = "http://127.0.0.1:50051"
    )]
    pub registry: String,

    /// Longest a query with min_revision waits for the router to catch up
    /// when the caller sets no deadline.
    #[arg(long, env = "JUDICIAL_MAX_CATCH_UP_WAIT", default_value = "5s", value_parser = parse_duration)]
    pub max_catch_up_wait: Duration,

    /// Most not-applicable entries in one Route answer when the request
    /// sets no page size (the rest come with the page token).
    #[arg(long, env = "JUDICIAL_MAX_NOT_APPLICABLE", default_value_t = 50)]
    pub max_not_applicable: u32,

    /// Memory for encoded answers kept to serve repeated queries, in bytes
    /// (0 turns the cache off).
    #[arg(long, env = "JUDICIAL_ANSWER_CACHE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub answer_cache_bytes: usize,

    /// Serve the console (route form, coverage map, stats, changes) at
    /// `/console/` on the gRPC port; off by default. Its stats and changes
    /// pages need the registry's API on the same port (`judicial dev`).
    #[arg(long, env = "JUDICIAL_CONSOLE")]
    pub console: bool,

    #[command(flatten)]
    pub home: HomeArgs,

    #[command(flatten)]
    pub common: CommonArgs,

    /// The clock that decides what "today" is for a query without a date;
    /// tests and embedders may set a manual one. Not a flag.
    #[arg(skip)]
    pub clock: Clock,
}

impl Config {
    /// A configuration for tests and embedding: loopback, following `registry`.
    pub fn following(registry: impl Into<String>) -> Config {
        let mut config = Config::parse_from(["judicial-router"]);
        config.registry = registry.into();
        config
    }
}

//! The command line of `judicial-bench`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use judicial_server::config::parse_duration;

/// judicial-bench: runs the Judicial Channels services in this process on
/// temporary sled directories and measures them with a closed-loop load
/// generator. Every scenario reports ratios to a baseline measured side by
/// side in the same run, because the machine is shared and noisy.
#[derive(Debug, Clone, Parser)]
#[command(name = "judicial-bench", version, about, long_about = None)]
pub struct Cli {
    /// The scenario to run.
    #[command(subcommand)]
    pub scenario: Option<Scenario>,

    /// Measurement window of each run (each echo/route window, each writer
    /// count, the propagation run).
    #[arg(long, global = true, default_value = "5s", value_parser = parse_duration)]
    pub duration: Duration,

    /// Warm-up before each measurement window (requests complete but are
    /// not recorded).
    #[arg(long, global = true, default_value = "1s", value_parser = parse_duration)]
    pub warmup: Duration,

    /// Print one JSON document on stdout instead of the tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// Smoke run: short windows and small sizes (numbers are not meaningful).
    #[arg(long, global = true)]
    pub quick: bool,

    /// Run the scale scenario's router from this binary (for example
    /// `target/release/judicial-router`) instead of re-executing
    /// judicial-bench as the router.
    #[arg(long, global = true)]
    pub router_bin: Option<PathBuf>,

    /// Log the services' events on stderr at this filter (for example
    /// `judicial_store=debug` shows every group commit with its size and
    /// duration); off by default, since logging costs what it measures.
    #[arg(long, global = true)]
    pub log: Option<String>,

    /// fanout: also publish through the notifier's JetStream sink to a
    /// local nats-server and measure as many NATS consumers of the stream
    /// beside the gRPC subscribers, in the same run (needs nats-server).
    #[arg(long, global = true)]
    pub nats: bool,
}

/// The scenarios.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Scenario {
    /// Every scenario, then a summary of ratios and targets.
    All,
    /// The baseline: grpc.health.v1 Health/Check on the router's server.
    Echo,
    /// Route on the bundled dataset, interleaved with echo windows.
    Route,
    /// Route over the JSON/HTTP gateway beside Route over gRPC, as a ratio.
    Http,
    /// Time from a registry write's acknowledgement to the router answering at its revision.
    Propagation,
    /// Acknowledged durable writes/s at 1 and 64 writers, over gRPC and at the store.
    Writes,
    /// 1,000 subscribers on one notifier: time from write to delivery.
    Fanout,
    /// Router sync time, RSS and Route latency over synthetic registries.
    Scale,
    /// Normal Route latency while the router sheds a 10× flood of slow calls.
    Fairness,
    /// Echo, Route and CreateInstrument beside etcd's Range and Put, in one
    /// run (etcd is started on a temporary directory when it is on PATH).
    Peers,
    /// Internal: serve a router on 127.0.0.1:0 following `--registry`, print
    /// the port on stdout, run until killed (the scale scenario's child).
    #[command(hide = true)]
    RouterChild {
        /// The registry to follow.
        #[arg(long)]
        registry: String,
    },
}

/// Options every scenario reads.
#[derive(Debug, Clone)]
pub struct Options {
    /// Measurement window.
    pub duration: Duration,
    /// Warm-up before each window.
    pub warmup: Duration,
    /// Short windows and small sizes.
    pub quick: bool,
    /// The router binary for the scale scenario's child, if not this one.
    pub router_bin: Option<PathBuf>,
    /// fanout: add the NATS consumers series.
    pub nats: bool,
}

impl Options {
    /// Options for a smoke run (tests): tiny windows and sizes.
    pub fn quick() -> Options {
        Options {
            duration: Duration::from_millis(300),
            warmup: Duration::from_millis(100),
            quick: true,
            router_bin: None,
            nats: false,
        }
    }
}

impl From<&Cli> for Options {
    fn from(cli: &Cli) -> Options {
        if cli.quick {
            return Options {
                router_bin: cli.router_bin.clone(),
                nats: cli.nats,
                ..Options::quick()
            };
        }
        Options {
            duration: cli.duration,
            warmup: cli.warmup,
            quick: false,
            router_bin: cli.router_bin.clone(),
            nats: cli.nats,
        }
    }
}

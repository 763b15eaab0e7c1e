//! The registry's command-line configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use judicial_server::Clock;
use judicial_server::config::{CommonArgs, HomeArgs};

/// Where an empty data directory's first contents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// The dataset bundled into the binary.
    Bundled,
    /// Only the built-in ISO 3166-1 jurisdictions.
    None,
    /// A dataset file or directory (TOML).
    Path(PathBuf),
}

impl std::str::FromStr for Seed {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "bundled" => Seed::Bundled,
            "none" => Seed::None,
            "" => return Err("--seed needs bundled, none or a path".into()),
            path => Seed::Path(PathBuf::from(path)),
        })
    }
}

/// judicial-registry: the registry of jurisdictions and instruments, the
/// suite's only writer, with a revisioned audit log and a resumable Watch.
#[derive(Debug, Clone, Parser)]
#[command(name = "judicial-registry", version, about, long_about = None)]
pub struct Config {
    /// Address to serve gRPC on.
    #[arg(long, env = "JUDICIAL_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,

    /// Directory of the sled store (created if missing; never overwritten
    /// when it cannot be read).
    #[arg(long, env = "JUDICIAL_DATA_DIR", default_value = "./registry-data")]
    pub data_dir: PathBuf,

    /// What an empty data directory is seeded with: `bundled` (the dataset
    /// built into this binary), `none` (only the ISO 3166-1 list), or a path
    /// to a TOML dataset. Ignored when the directory already holds data.
    #[arg(long, env = "JUDICIAL_SEED", default_value = "bundled")]
    pub seed: Seed,

    /// Keep only the last N revisions in the change log (default: keep
    /// everything; the log is the audit trail).
    #[arg(long, env = "JUDICIAL_RETAIN_REVISIONS")]
    pub retain_revisions: Option<u64>,

    /// Interval between `progress` events on idle Watch streams.
    #[arg(long, env = "JUDICIAL_PROGRESS_INTERVAL", default_value = "5s", value_parser = judicial_server::config::parse_duration)]
    pub progress_interval: std::time::Duration,

    /// Rebuild --data-dir (which must be new or empty) from a backup file
    /// made by `judicial backup --to FILE`, verify it, and exit instead of
    /// serving. Start the registry on that directory afterwards.
    #[arg(long, env = "JUDICIAL_RESTORE", value_name = "FILE")]
    pub restore: Option<PathBuf>,

    #[command(flatten)]
    pub home: HomeArgs,

    #[command(flatten)]
    pub common: CommonArgs,

    /// The clock that stamps changes (the audit trail's times) and decides
    /// what "today" is; tests and embedders may set a manual one. Not a flag.
    #[arg(skip)]
    pub clock: Clock,
}

impl Config {
    /// A configuration for tests and embedding: loopback, the given data
    /// directory and seed, defaults elsewhere.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>, seed: Seed) -> Config {
        let mut config = Config::parse_from(["judicial-registry"]);
        config.data_dir = data_dir.into();
        config.seed = seed;
        config
    }
}

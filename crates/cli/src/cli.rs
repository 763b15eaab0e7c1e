//! The command line: one clap structure for the whole tool.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Through which channel do we cooperate with country X for request Y on
/// date D? `judicial` asks the Judicial Channels services, administers the
/// registry, and runs the whole suite locally with `judicial dev`.
///
/// Exit codes: 0 success; 1 the server failed or was unreachable; 2 bad
/// usage or invalid input.
#[derive(Debug, Parser)]
#[command(name = "judicial", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub endpoints: Endpoints,

    /// Print JSON for machines instead of tables for people.
    #[arg(long, global = true, env = "JUDICIAL_JSON")]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,

    /// Whether --endpoint or --registry-endpoint was given (flag or
    /// environment), not defaulted: set by `main` from the parsed matches.
    #[arg(skip)]
    pub endpoint_given: bool,
}

/// Where the services are. One endpoint serves everything when the suite
/// runs all-in-one (`judicial dev`); per-service endpoints override it.
#[derive(Debug, Clone, Args)]
pub struct Endpoints {
    /// Endpoint of the suite (all-in-one) or of every service.
    #[arg(
        long,
        global = true,
        env = "JUDICIAL_ENDPOINT",
        default_value = "http://127.0.0.1:50051"
    )]
    pub endpoint: String,

    /// Registry endpoint (defaults to --endpoint).
    #[arg(long, global = true, env = "JUDICIAL_REGISTRY_ENDPOINT")]
    pub registry_endpoint: Option<String>,

    /// Router endpoint (defaults to --endpoint).
    #[arg(long, global = true, env = "JUDICIAL_ROUTER_ENDPOINT")]
    pub router_endpoint: Option<String>,

    /// Notifier endpoint (defaults to --endpoint).
    #[arg(long, global = true, env = "JUDICIAL_NOTIFIER_ENDPOINT")]
    pub notifier_endpoint: Option<String>,

    /// CA certificate (PEM) to trust for https endpoints.
    #[arg(long, global = true, env = "JUDICIAL_TLS_CA")]
    pub tls_ca: Option<PathBuf>,

    /// Client certificate (PEM) for mTLS.
    #[arg(long, global = true, env = "JUDICIAL_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Client private key (PEM) for mTLS.
    #[arg(long, global = true, env = "JUDICIAL_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Request deadline.
    #[arg(long, global = true, env = "JUDICIAL_TIMEOUT", default_value = "10s", value_parser = judicial_server::config::parse_duration)]
    pub timeout: std::time::Duration,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run registry, router and notifier in this process on one port, with
    /// the bundled dataset seeded on first start.
    Dev(DevArgs),
    /// Which channels apply for COUNTRY, MATTER and ASSISTANCE, in order.
    ///
    /// Example: `judicial route FR civil service-of-documents --explain`
    Route(RouteArgs),
    /// What a request must satisfy through a channel, as a numbered list.
    ///
    /// Example: `judicial checklist US civil service-of-documents --direction incoming`
    Checklist(ChecklistArgs),
    /// Every jurisdiction's primary channel for one kind of assistance.
    Coverage(CoverageArgs),
    /// List, show, create, update or delete instruments.
    #[command(subcommand)]
    Instruments(InstrumentsCommand),
    /// Import a TOML dataset (file or directory) atomically.
    Import(ImportArgs),
    /// Export the registry as a TOML dataset.
    Export(ExportArgs),
    /// Point-in-time figures: treaties by type, in force, counterparts.
    Stats(StatsArgs),
    /// Stream the registry's changes (snapshot first with --from 0).
    Watch(WatchArgs),
    /// Create (if needed) a subscription and stream its events, acking each.
    Subscribe(SubscribeArgs),
    /// The audit trail: who changed what, when and why.
    Changes(ChangesArgs),
    /// Check a service's gRPC health; exits 0 when SERVING.
    Health(HealthArgs),
    /// The offence words `route --offence` accepts, with what each covers (offline).
    Offences,
    /// Development certificates for mTLS.
    #[command(subcommand)]
    Certs(CertsCommand),
    /// Write a consistent online backup of the registry (state and change
    /// log) to FILE, for `judicial-registry --restore FILE --data-dir NEW`.
    Backup(BackupArgs),
    /// The dataset itself: how complete and how well sourced it is.
    #[command(subcommand)]
    Dataset(DatasetCommand),
}

/// `judicial dataset ...`.
#[derive(Debug, Subcommand)]
pub enum DatasetCommand {
    /// Data-quality report: per convention, parties and completeness; per
    /// treaty type, rows with entry into force, with only an "in force as
    /// of" attestation, with title, with a single (weak) source; conflicts
    /// recorded in notes.
    ///
    /// Offline from the bundled data by default, or from `--data DIR`; from
    /// a running registry when `--endpoint` (or `--registry-endpoint`) is given.
    Report(DatasetReportArgs),
}

/// `judicial dataset report`.
#[derive(Debug, Args)]
pub struct DatasetReportArgs {
    /// A TOML dataset file or directory to report on instead of the bundled
    /// data (not together with --endpoint).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Home state the treaties are counted for.
    #[arg(long, env = "JUDICIAL_HOME", default_value = "CN")]
    pub home: String,
}

/// `judicial certs ...`.
#[derive(Debug, Subcommand)]
pub enum CertsCommand {
    /// Create a development CA, certificates for the three services and a
    /// reader and a writer client, and a matching policy.toml, in DIR.
    Init {
        /// Directory to write into (created if missing; an existing CA is never overwritten).
        dir: PathBuf,
    },
}

/// `judicial dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// Address to serve every service on.
    #[arg(long, env = "JUDICIAL_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Directory for the registry's and notifier's data (created if missing).
    #[arg(long, env = "JUDICIAL_DATA_DIR", default_value = "./judicial-data")]
    pub data_dir: PathBuf,
    /// Home state.
    #[arg(long, env = "JUDICIAL_HOME", default_value = "CN")]
    pub home: String,
    /// UTC offset that decides "today".
    #[arg(
        long,
        env = "JUDICIAL_UTC_OFFSET",
        default_value = "+08:00",
        allow_hyphen_values = true
    )]
    pub utc_offset: String,
    /// Log format (text or json).
    #[arg(long, env = "JUDICIAL_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    /// Web origins whose pages may call the suite from a browser (CORS),
    /// comma-separated; none by default (the console is served on the same
    /// port and needs none).
    #[arg(long, env = "JUDICIAL_CORS_ALLOW_ORIGIN", value_delimiter = ',')]
    pub cors_allow_origin: Vec<String>,
}

/// `judicial route`.
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Counterpart: ISO 3166-1 alpha-2 code (FR, US, HK).
    pub country: String,
    /// civil (civil and commercial) or criminal.
    pub matter: String,
    /// service-of-documents, taking-of-evidence, recognition-and-enforcement
    /// (judgments), recognition-of-arbitral-awards, interim-measures,
    /// asset-recovery, legal-information, extradition, transfer-of-sentenced-persons.
    pub assistance: String,
    /// Date of the request, YYYY-MM-DD (default: today in the router's offset).
    #[arg(long)]
    pub on: Option<String>,
    /// Explain each channel step by step.
    #[arg(long)]
    pub explain: bool,
    /// Offence, for instruments limited to some offences (corruption, narcotics, ...).
    #[arg(long)]
    pub offence: Option<String>,
    /// A means of transmission you intend (postal, ...).
    #[arg(long)]
    pub transmission: Option<String>,
    /// Which way the request travels: outgoing (we ask them) or incoming
    /// (they ask us); decides whose objections to a means of transmission
    /// apply. Default: both apply.
    #[arg(long)]
    pub direction: Option<String>,
    /// Wait until the router has applied this registry revision.
    #[arg(long, default_value_t = 0)]
    pub min_revision: u64,
    /// How much to show: full (the channels, traces with --explain, and the
    /// instruments that do not apply, one page at a time) or basic (the
    /// channels only: for scripts that act on the primary channel).
    #[arg(long, default_value = "full")]
    pub view: String,
    /// Most instruments that do not apply to list (default: the router's, 50).
    #[arg(long, default_value_t = 0)]
    pub not_applicable: i32,
    /// Continue the list of instruments that do not apply from this token,
    /// printed by the previous answer to the same query.
    #[arg(long)]
    pub page_token: Option<String>,
}

/// `judicial coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// The assistance (service-of-documents, extradition, ...).
    pub assistance: String,
    /// civil or criminal (default: criminal for extradition, transfer and
    /// asset recovery, else civil).
    #[arg(long)]
    pub matter: Option<String>,
    /// Date, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub on: Option<String>,
}

/// `judicial instruments ...`.
#[derive(Debug, Subcommand)]
pub enum InstrumentsCommand {
    /// List instruments (filter: party=FR AND kind=BILATERAL_TREATY AND treaty_type=EXTRADITION AND status=IN_FORCE).
    List {
        /// Filter expression.
        #[arg(long, default_value = "")]
        filter: String,
        /// Date the status filter is evaluated on.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Show one instrument (id or instruments/id).
    Get {
        /// The instrument.
        id: String,
    },
    /// Create instruments from a TOML dataset file (one or more records).
    Create {
        /// The file.
        file: PathBuf,
        /// Why (recorded in the audit trail).
        #[arg(long, default_value = "created with the judicial CLI")]
        reason: String,
    },
    /// Replace an instrument's fields from a TOML file holding that one record.
    Update {
        /// The file.
        file: PathBuf,
        /// Fields to replace (comma-separated); default: every field.
        #[arg(long, value_delimiter = ',')]
        mask: Vec<String>,
        /// Only if the stored etag is this one.
        #[arg(long, default_value = "")]
        etag: String,
        /// Why.
        #[arg(long, default_value = "updated with the judicial CLI")]
        reason: String,
    },
    /// Delete an instrument.
    Delete {
        /// The instrument.
        id: String,
        /// Only if the stored etag is this one.
        #[arg(long, default_value = "")]
        etag: String,
        /// Why.
        #[arg(long, default_value = "deleted with the judicial CLI")]
        reason: String,
    },
}

/// `judicial import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A TOML dataset file or a directory of them.
    pub path: PathBuf,
    /// Why (recorded in the audit trail).
    #[arg(long, default_value = "imported with the judicial CLI")]
    pub reason: String,
}

/// `judicial export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// `judicial stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Date, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub as_of: Option<String>,
}

/// `judicial watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Start revision: 0 for a snapshot first; default: only new changes.
    #[arg(long)]
    pub from: Option<u64>,
    /// Stop after this many changes.
    #[arg(long)]
    pub limit: Option<usize>,
}

/// `judicial subscribe`.
#[derive(Debug, Args)]
pub struct SubscribeArgs {
    /// Subscription id (created if it does not exist).
    pub name: String,
    /// Only events about these counterparts (repeatable).
    #[arg(long = "counterpart")]
    pub counterparts: Vec<String>,
    /// Only these event types (repeatable).
    #[arg(long = "type")]
    pub types: Vec<String>,
    /// Where a new subscription starts: earliest or latest.
    #[arg(long, default_value = "latest")]
    pub start: String,
    /// Stop after this many events.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Do not acknowledge events (they will be delivered again).
    #[arg(long)]
    pub no_ack: bool,
}

/// `judicial changes`.
#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// Filter: actor=..., instrument=ID, since=YYYY-MM-DD, until=YYYY-MM-DD.
    #[arg(long, default_value = "")]
    pub filter: String,
    /// Most entries to show.
    #[arg(long, default_value_t = 50)]
    pub limit: i32,
    /// Check the audit trail's hash chain instead of listing; exits 1 and
    /// names the first bad revision when it does not verify.
    #[arg(long)]
    pub verify: bool,
}

/// `judicial health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Service name (judicial.v1.RegistryService, ...); empty for the server.
    #[arg(long, default_value = "")]
    pub service: String,
    /// Wait (up to --timeout) until the service reports SERVING, following
    /// the server's health stream instead of polling.
    #[arg(long)]
    pub wait: bool,
}

/// `judicial checklist`.
#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// Counterpart: ISO 3166-1 alpha-2 code (US, FR, HK).
    pub country: String,
    /// civil (civil and commercial) or criminal.
    pub matter: String,
    /// service-of-documents, taking-of-evidence, extradition, ...
    pub assistance: String,
    /// Date of the request, YYYY-MM-DD (default: today in the router's offset).
    #[arg(long)]
    pub on: Option<String>,
    /// outgoing (we ask them) or incoming (they ask us); default: both,
    /// with one-way items labelled.
    #[arg(long)]
    pub direction: Option<String>,
    /// Offence, for instruments limited to some offences (corruption, ...).
    #[arg(long)]
    pub offence: Option<String>,
    /// Which channel of the answer, as numbered by `judicial route`
    /// (default 1, the primary channel).
    #[arg(long)]
    pub channel: Option<usize>,
    /// text (default) or markdown, for pasting into a document.
    #[arg(long)]
    pub format: Option<String>,
}

/// `judicial backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// File to write (JSON lines; written beside as FILE.partial, then renamed).
    #[arg(long)]
    pub to: PathBuf,
}

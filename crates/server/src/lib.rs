//! Plumbing every Judicial Channels server shares: command-line flags,
//! tracing, shutdown on SIGINT/SIGTERM, the mapping of errors to gRPC
//! statuses with `google.rpc` details, health and reflection, the tower
//! stack with its limits, and the web face: gRPC-Web, CORS, and the JSON/HTTP
//! gateway.

pub mod admission;
pub mod auth;
pub mod binary;
pub mod certs;
pub mod config;
pub mod gateway;
pub mod metrics;
pub mod security;
pub mod shutdown;
pub mod stack;
pub mod status;
pub mod telemetry;
pub mod web;

/// The suite's one clock (defined in `judicial-store`, the lowest crate
/// that needs it, for commit times).
pub use judicial_store::clock;

pub use clock::{Clock, ManualClock};
pub use config::{CommonArgs, LogFormat};
pub use security::Security;
pub use web::Web;

/// Any error, boxed: what `run` functions and binaries return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;
pub use shutdown::Shutdown;
pub use stack::{Limits, serve};

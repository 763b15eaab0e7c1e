//! Clients of the Judicial Channels services: connection helpers and the
//! [`Follower`], which keeps a consistent view of the registry the way
//! Kubernetes informers do: a snapshot, then every change in order,
//! reconnecting with backoff and resuming where it left off.

pub mod connect;
pub mod follower;

pub use connect::{ClientTls, TlsFiles, connect_lazy};
pub use follower::{Change, FollowEvent, Follower, FollowerOptions};

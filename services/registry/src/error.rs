//! The registry's errors and their one mapping to gRPC statuses.

use judicial_domain::validation::Violations;
use judicial_server::status::{invalid_argument, with_reason};
use judicial_store::StoreError;
use tonic::{Code, Status};

/// What a registry operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The request is malformed; every violation is listed.
    #[error("invalid request: {0}")]
    Invalid(Violations),
    /// A named resource does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A resource to create exists.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// The etag given is not the current one.
    #[error("{name}: etag {given:?} is not the current etag {current:?}; re-read and retry")]
    EtagMismatch {
        /// Resource.
        name: String,
        /// Given.
        given: String,
        /// Current.
        current: String,
    },
    /// A watch asked for revisions the log no longer holds.
    #[error(
        "revision {start} is compacted; the oldest retained revision is {first}; watch from 0 to re-sync"
    )]
    Compacted {
        /// Requested.
        start: u64,
        /// Oldest retained.
        first: u64,
    },
    /// The store failed or is closed.
    #[error(transparent)]
    Store(StoreError),
    /// The registry is shutting down.
    #[error("the registry is shutting down")]
    ShuttingDown,
}

impl RegistryError {
    /// A single-field validation error.
    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        let mut v = Violations::default();
        v.add(field, description);
        RegistryError::Invalid(v)
    }
}

impl From<StoreError> for RegistryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::AlreadyExists { name } => RegistryError::AlreadyExists(name),
            StoreError::NotFound { name } => RegistryError::NotFound(name),
            StoreError::EtagMismatch {
                name,
                given,
                current,
            } => RegistryError::EtagMismatch {
                name,
                given,
                current,
            },
            other => RegistryError::Store(other),
        }
    }
}

impl From<RegistryError> for Status {
    fn from(e: RegistryError) -> Status {
        let message = e.to_string();
        match e {
            RegistryError::Invalid(v) => invalid_argument(&v),
            RegistryError::NotFound(_) => with_reason(Code::NotFound, message, "NOT_FOUND"),
            RegistryError::AlreadyExists(_) => {
                with_reason(Code::AlreadyExists, message, "ALREADY_EXISTS")
            }
            RegistryError::EtagMismatch { .. } => {
                with_reason(Code::Aborted, message, "ETAG_MISMATCH")
            }
            RegistryError::Compacted { .. } => {
                with_reason(Code::OutOfRange, message, "REVISION_COMPACTED")
            }
            RegistryError::Store(StoreError::Closed) | RegistryError::ShuttingDown => {
                with_reason(Code::Unavailable, message, "SHUTTING_DOWN")
            }
            RegistryError::Store(StoreError::Full { .. }) => with_reason(
                Code::ResourceExhausted,
                message,
                judicial_server::status::STORAGE_FULL,
            ),
            RegistryError::Store(StoreError::Unavailable { .. }) => with_reason(
                Code::Unavailable,
                message,
                judicial_server::status::STORAGE_UNAVAILABLE,
            ),
            RegistryError::Store(
                StoreError::Io(_)
                | StoreError::Open { .. }
                | StoreError::Format { .. }
                | StoreError::Backup { .. }
                | StoreError::Corrupt { .. }
                | StoreError::AlreadyExists { .. }
                | StoreError::NotFound { .. }
                | StoreError::EtagMismatch { .. },
            ) => with_reason(Code::Internal, message, "STORAGE_FAILURE"),
        }
    }
}

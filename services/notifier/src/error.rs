//! The notifier's errors and their one mapping to gRPC statuses.

use std::path::PathBuf;

use judicial_domain::validation::Violations;
use judicial_server::status::{Reason, invalid_argument, with_reason};
use tonic::{Code, Status};

/// What a notifier operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    /// The request is malformed; every violation is listed.
    #[error("invalid request: {0}")]
    Invalid(Violations),
    /// A named resource does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A resource to create exists.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// Another stream took over the subscription.
    #[error("{0}: another stream took over this subscription")]
    StreamReplaced(String),
    /// The data directory could not be opened (locked, unreadable).
    #[error("cannot open data directory {path}: {detail}")]
    Open {
        /// The directory.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// A stored record could not be decoded.
    #[error("data directory {path}: record {key} is unreadable: {detail}")]
    Corrupt {
        /// The directory.
        path: PathBuf,
        /// The record's key.
        key: String,
        /// The decoding error.
        detail: String,
    },
    /// sled failed while writing or flushing; the store refuses further writes.
    #[error("storage failure: {0}")]
    Io(String),
    /// The store cannot write now (a full disk, an I/O error) or refuses
    /// the data directory's format.
    #[error(transparent)]
    Store(judicial_store::StoreError),
    /// The store is closed, or the notifier is shutting down.
    #[error("the notifier is shutting down")]
    Closed,
    /// The subscription belongs to another principal.
    #[error("{principal} does not own {subscription}")]
    NotOwner {
        /// Its resource name.
        subscription: String,
        /// The caller.
        principal: String,
    },
}

impl NotifierError {
    /// A single-field validation error.
    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        let mut v = Violations::default();
        v.add(field, description);
        NotifierError::Invalid(v)
    }
}

impl From<NotifierError> for Status {
    fn from(e: NotifierError) -> Status {
        let message = e.to_string();
        match e {
            NotifierError::Invalid(v) => invalid_argument(&v),
            NotifierError::NotFound(_) => with_reason(Code::NotFound, message, "NOT_FOUND"),
            NotifierError::AlreadyExists(_) => {
                with_reason(Code::AlreadyExists, message, "ALREADY_EXISTS")
            }
            NotifierError::StreamReplaced(_) => {
                with_reason(Code::Aborted, message, "STREAM_REPLACED")
            }
            NotifierError::Closed => with_reason(Code::Unavailable, message, "SHUTTING_DOWN"),
            NotifierError::Store(e) => store_status(&e, message),
            NotifierError::NotOwner { .. } => {
                with_reason(Code::PermissionDenied, message, Reason::NotOwner)
            }
            NotifierError::Open { .. } | NotifierError::Corrupt { .. } | NotifierError::Io(_) => {
                with_reason(Code::Internal, message, "STORAGE_FAILURE")
            }
        }
    }
}

impl From<judicial_store::StoreError> for NotifierError {
    fn from(e: judicial_store::StoreError) -> Self {
        use judicial_store::StoreError;
        match e {
            StoreError::Open { path, source } => NotifierError::Open {
                path,
                detail: source.to_string(),
            },
            StoreError::Corrupt { path, key, detail } => {
                NotifierError::Corrupt { path, key, detail }
            }
            StoreError::Closed => NotifierError::Closed,
            other => NotifierError::Store(other),
        }
    }
}

/// The status of a store failure: a full disk is RESOURCE_EXHAUSTED, another
/// write failure UNAVAILABLE (both retryable), the rest INTERNAL.
fn store_status(e: &judicial_store::StoreError, message: String) -> Status {
    use judicial_server::status::{STORAGE_FULL, STORAGE_UNAVAILABLE};
    use judicial_store::StoreError;
    match e {
        StoreError::Full { .. } => with_reason(Code::ResourceExhausted, message, STORAGE_FULL),
        StoreError::Unavailable { .. } => {
            with_reason(Code::Unavailable, message, STORAGE_UNAVAILABLE)
        }
        StoreError::Closed => with_reason(Code::Unavailable, message, "SHUTTING_DOWN"),
        StoreError::Io(_)
        | StoreError::Open { .. }
        | StoreError::Format { .. }
        | StoreError::Corrupt { .. }
        | StoreError::Backup { .. }
        | StoreError::AlreadyExists { .. }
        | StoreError::NotFound { .. }
        | StoreError::EtagMismatch { .. } => {
            with_reason(Code::Internal, message, "STORAGE_FAILURE")
        }
    }
}

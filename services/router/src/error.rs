//! What the router's operations fail with, and its one mapping to `Status`.

use judicial_domain::routing::RouteError;
use judicial_domain::validation::Violations;
use judicial_server::status::{invalid_argument, with_reason};
use tonic::{Code, Status};

/// What a router operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    /// The query names something that does not exist or cannot be asked.
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The router has not applied `wanted` within the deadline.
    #[error(
        "the router has applied revision {applied}, not yet {wanted}; retry later or with a longer deadline"
    )]
    NotCaughtUp {
        /// Revision applied.
        applied: u64,
        /// Revision asked for.
        wanted: u64,
    },
    /// No snapshot has been received from the registry yet.
    #[error("the router has not synced with the registry yet")]
    NotSynced,
    /// One query of a BatchRoute failed; the whole batch fails with it.
    #[error("requests[{index}]: {source}")]
    InBatch {
        /// Position of the query in the batch.
        index: usize,
        /// Why it failed.
        source: Box<RouterError>,
    },
}

impl From<RouterError> for Status {
    fn from(e: RouterError) -> Status {
        let message = e.to_string();
        status(e, "", message)
    }
}

/// The status of `e`, with `prefix` before field names and `message` as
/// the whole message (a batch's names the query's index).
fn status(e: RouterError, prefix: &str, message: String) -> Status {
    match e {
        RouterError::Route(RouteError::UnknownCounterpart(_)) => {
            with_reason(Code::NotFound, message, "UNKNOWN_JURISDICTION")
        }
        RouterError::Route(RouteError::CounterpartIsHome(_)) => {
            let mut v = Violations::default();
            v.add(format!("{prefix}counterpart"), message);
            invalid_argument(&v)
        }
        RouterError::Route(RouteError::UnknownOffence(..)) => {
            let mut v = Violations::default();
            v.add(format!("{prefix}offence"), message);
            invalid_argument(&v)
        }
        RouterError::NotCaughtUp { .. } => with_reason(Code::Unavailable, message, "NOT_CAUGHT_UP"),
        RouterError::NotSynced => with_reason(Code::Unavailable, message, "NOT_SYNCED"),
        RouterError::InBatch { index, source } => {
            status(*source, &format!("{prefix}requests[{index}]."), message)
        }
    }
}

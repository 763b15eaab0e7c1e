//! Building gRPC statuses with `google.rpc` details: field violations for
//! bad input, and an `ErrorInfo` reason clients can switch on.

use judicial_domain::validation::Violations;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

pub use judicial_proto::reason::{ERROR_DOMAIN, Reason};

/// INVALID_ARGUMENT with a `BadRequest` listing every violation.
pub fn invalid_argument(violations: &Violations) -> Status {
    let message = format!("invalid request: {violations}");
    let fields = violations
        .0
        .iter()
        .map(|v| FieldViolation::new(v.field.clone(), v.description.clone()))
        .collect::<Vec<_>>();
    let mut details = ErrorDetails::with_bad_request(fields);
    details.set_error_info(Reason::InvalidArgument.as_str(), ERROR_DOMAIN, []);
    Status::with_error_details(Code::InvalidArgument, message, details)
}

/// INVALID_ARGUMENT for a single field.
pub fn invalid_field(field: &str, description: impl Into<String>) -> Status {
    let mut v = Violations::default();
    v.add(field, description);
    invalid_argument(&v)
}

/// A status with an `ErrorInfo` reason: a [`Reason`] of the contract (a
/// string is still accepted; new code names the enum variant, and a reason
/// missing from the enum is added there).
pub fn with_reason(code: Code, message: impl Into<String>, reason: impl AsRef<str>) -> Status {
    let details = ErrorDetails::with_error_info(reason.as_ref(), ERROR_DOMAIN, []);
    Status::with_error_details(code, message.into(), details)
}

/// Reads the `ErrorInfo` reason of a status, if any.
pub fn reason(status: &Status) -> Option<String> {
    status.get_details_error_info().map(|info| info.reason)
}

/// Reads the field names of a status's `BadRequest`, if any.
pub fn violated_fields(status: &Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// The time left before the caller's deadline (`grpc-timeout`), if it sent one.
pub fn deadline(metadata: &tonic::metadata::MetadataMap) -> Option<std::time::Duration> {
    let value = metadata.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    use std::time::Duration;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// `ErrorInfo` reason of RESOURCE_EXHAUSTED when a write cannot be saved
/// because the data directory's filesystem is full.
pub const STORAGE_FULL: &str = "STORAGE_FULL";

/// `ErrorInfo` reason of UNAVAILABLE when a write cannot be saved because
/// writing the data directory failed (an I/O error other than a full disk).
pub const STORAGE_UNAVAILABLE: &str = "STORAGE_UNAVAILABLE";

/// The health service name that reports whether `service` accepts writes:
/// `<service>.writes`. It goes NOT_SERVING while the store refuses writes
/// (a full disk, an I/O error) and back to SERVING when it recovers, while
/// `service` itself stays SERVING because reads are still answered.
pub fn writes_health_name(service: &str) -> String {
    format!("{service}.writes")
}

/// Keeps the health entry [`writes_health_name`]`(service)` in step with
/// `writable` (a store's writability) until the store goes away.
pub async fn report_writes(
    health: &tonic_health::server::HealthReporter,
    service: &str,
    mut writable: tokio::sync::watch::Receiver<bool>,
) {
    let health = health.clone();
    let name = writes_health_name(service);
    let status = |writable: bool| {
        if writable {
            tonic_health::ServingStatus::Serving
        } else {
            tonic_health::ServingStatus::NotServing
        }
    };
    // The entry exists before the server accepts a connection: a client
    // watching it from the start must not find it unregistered.
    let first = status(*writable.borrow_and_update());
    health.set_service_status(&name, first).await;
    tokio::spawn(async move {
        while writable.changed().await.is_ok() {
            let now = status(*writable.borrow_and_update());
            health.set_service_status(&name, now).await;
        }
    });
}

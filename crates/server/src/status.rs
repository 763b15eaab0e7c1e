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

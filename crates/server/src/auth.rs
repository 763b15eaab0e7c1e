//! Who is calling: the identity a request carries into the audit trail.

/// The authenticated identity of a caller, placed in request extensions by
/// the authentication layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal(pub String);

/// The identity recorded for callers without a client certificate.
pub const ANONYMOUS: &str = "anonymous";

/// Returns the caller's identity, or `anonymous`.
pub fn principal<T>(request: &tonic::Request<T>) -> String {
    request
        .extensions()
        .get::<Principal>()
        .map(|p| p.0.clone())
        .unwrap_or_else(|| ANONYMOUS.to_owned())
}

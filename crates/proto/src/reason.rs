//! The `ErrorInfo.reason` values of the contract: every reason a server of
//! this suite returns, in one place, so servers and clients agree on the
//! spelling (clients switch on these strings; never rename one).

/// The `ErrorInfo.domain` of every error this suite returns.
pub const ERROR_DOMAIN: &str = "judicial.v1";

/// Why a call failed, as carried in `google.rpc.ErrorInfo.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// INVALID_ARGUMENT: see the `BadRequest` field violations.
    InvalidArgument,
    /// NOT_FOUND: the named resource does not exist.
    NotFound,
    /// ALREADY_EXISTS: a resource with that name exists.
    AlreadyExists,
    /// ABORTED: the etag does not match the current resource.
    EtagMismatch,
    /// OUT_OF_RANGE: the start revision is older than the retained change log.
    RevisionCompacted,
    /// UNAVAILABLE: the server is shutting down (or its store is closed).
    ShuttingDown,
    /// INTERNAL: the store failed.
    StorageFailure,
    /// ABORTED: a newer stream took over the subscription.
    StreamReplaced,
    /// NOT_FOUND: the router knows no such jurisdiction.
    UnknownJurisdiction,
    /// UNAVAILABLE: the router has not applied `min_revision` in time.
    NotCaughtUp,
    /// UNAVAILABLE: the router has not finished its first sync.
    NotSynced,
    /// PERMISSION_DENIED: the caller lacks the role the method needs.
    MissingRole,
    /// PERMISSION_DENIED: the method is not in the authorization table.
    UnknownMethod,
    /// PERMISSION_DENIED: the subscription belongs to another principal.
    NotOwner,
    /// RESOURCE_EXHAUSTED: the server's capacity for this kind of call is taken.
    Overloaded,
}

impl Reason {
    /// Every reason, for tests and documentation.
    pub const ALL: &'static [Reason] = &[
        Reason::InvalidArgument,
        Reason::NotFound,
        Reason::AlreadyExists,
        Reason::EtagMismatch,
        Reason::RevisionCompacted,
        Reason::ShuttingDown,
        Reason::StorageFailure,
        Reason::StreamReplaced,
        Reason::UnknownJurisdiction,
        Reason::NotCaughtUp,
        Reason::NotSynced,
        Reason::MissingRole,
        Reason::UnknownMethod,
        Reason::NotOwner,
        Reason::Overloaded,
    ];

    /// The UPPER_SNAKE string on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::InvalidArgument => "INVALID_ARGUMENT",
            Reason::NotFound => "NOT_FOUND",
            Reason::AlreadyExists => "ALREADY_EXISTS",
            Reason::EtagMismatch => "ETAG_MISMATCH",
            Reason::RevisionCompacted => "REVISION_COMPACTED",
            Reason::ShuttingDown => "SHUTTING_DOWN",
            Reason::StorageFailure => "STORAGE_FAILURE",
            Reason::StreamReplaced => "STREAM_REPLACED",
            Reason::UnknownJurisdiction => "UNKNOWN_JURISDICTION",
            Reason::NotCaughtUp => "NOT_CAUGHT_UP",
            Reason::NotSynced => "NOT_SYNCED",
            Reason::MissingRole => "MISSING_ROLE",
            Reason::UnknownMethod => "UNKNOWN_METHOD",
            Reason::NotOwner => "NOT_OWNER",
            Reason::Overloaded => "OVERLOADED",
        }
    }

    /// The reason a wire string names, if it is one of this contract's.
    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL.iter().copied().find(|r| r.as_str() == text)
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for Reason {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_upper_snake_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &r in Reason::ALL {
            let s = r.as_str();
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
            assert!(seen.insert(s), "{s} twice");
            assert_eq!(Reason::parse(s), Some(r));
        }
        assert_eq!(Reason::parse("missing_role"), None);
    }

    /// Clients match on these strings: they never change.
    #[test]
    fn wire_strings_are_stable() {
        let wire: Vec<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            wire,
            [
                "INVALID_ARGUMENT",
                "NOT_FOUND",
                "ALREADY_EXISTS",
                "ETAG_MISMATCH",
                "REVISION_COMPACTED",
                "SHUTTING_DOWN",
                "STORAGE_FAILURE",
                "STREAM_REPLACED",
                "UNKNOWN_JURISDICTION",
                "NOT_CAUGHT_UP",
                "NOT_SYNCED",
                "MISSING_ROLE",
                "UNKNOWN_METHOD",
                "NOT_OWNER",
                "OVERLOADED",
            ]
        );
    }
}

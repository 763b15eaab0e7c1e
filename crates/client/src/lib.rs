//! Typed clients and the registry follower.

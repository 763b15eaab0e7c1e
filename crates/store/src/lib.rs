//! Durable sled storage for the registry: revisions, change log, group commit.

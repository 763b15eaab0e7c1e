//! Shared server plumbing: flags, tracing, shutdown, health, reflection, limits.

//! The router service.

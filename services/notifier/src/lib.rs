//! The notifier service.

//! The judicial command-line tool.

//! The bundled, sourced treaty dataset (TOML) and its loader.

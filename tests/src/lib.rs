//! Cross-service integration and fault tests.

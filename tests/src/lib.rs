//! Cross-service integration and fault tests (see `tests/`): the contract as clients in other languages see it.

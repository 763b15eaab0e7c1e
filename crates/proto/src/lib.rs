//! Generated protobuf and gRPC code for the `judicial.v1` contract.
//!
//! The Rust in `src/gen/` is generated from `proto/judicial/v1/*.proto` by
//! `tests/codegen.rs` (protox + tonic-prost-build, no `protoc`) and checked in;
//! that test fails when the checked-in code drifts from the proto files.
//! Regenerate with `JUDICIAL_REGENERATE=1 cargo test -p judicial-proto`
//! (`tests/openapi.rs` then regenerates the OpenAPI document from it).
//!
//! # Where conversions live
//!
//! - A message that mirrors a domain type (`Instrument`, `Party`,
//!   `Jurisdiction`, `Requirement`, dates, the shared enums) is converted
//!   here, in [`convert`], once for every crate that speaks the contract:
//!   services, client, CLI and benchmarks.
//! - A message that belongs to one service's API (its requests, responses
//!   and the service's own records: subscriptions, events, route answers,
//!   the audit trail) is converted in that service's `grpc.rs` adapter (or a
//!   module it calls, like the router's `answer.rs`), never in its logic.
//! - Either way a conversion destructures both sides exhaustively, naming
//!   every field and never writing `..` (`let pb::Instrument { name: _, id,
//!   kind, ..., update_time: _ } = p;`, as linkerd's server-policy does), so
//!   a field added to a message or a domain type is a compile error until
//!   the conversion takes it or says it does not (`field: _`). Fields a
//!   client may not set (names, revisions, update times) are the `_` ones on
//!   the way in.
//! - Nothing else converts: logic takes and returns domain types.

#![allow(clippy::all, missing_docs)]

/// The `judicial.v1` package: messages, enums, clients and servers.
pub mod v1 {
    include!("gen/judicial.v1.rs");
}

pub mod convert;
pub mod reason;

pub use reason::{ERROR_DOMAIN, Reason};

/// The encoded `FileDescriptorSet` of the contract (with its imports), for
/// gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("gen/judicial_descriptor.bin");

/// The OpenAPI 3 document of the JSON/HTTP API, generated from the
/// descriptor set's `google.api.http` rules by `tests/openapi.rs` (served at
/// `/v1/openapi.json`).
pub const OPENAPI_JSON: &str = include_str!("gen/judicial.v1.openapi.json");

//! Generated protobuf and gRPC code for the `judicial.v1` contract.
//!
//! The Rust in `src/gen/` is generated from `proto/judicial/v1/*.proto` by
//! `tests/codegen.rs` (protox + tonic-prost-build, no `protoc`) and checked in;
//! that test fails when the checked-in code drifts from the proto files.
//! Regenerate with `JUDICIAL_REGENERATE=1 cargo test -p judicial-proto`
//! (`tests/openapi.rs` then regenerates the OpenAPI document from it).

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

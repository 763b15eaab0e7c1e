//! Regenerates the code in `src/gen/` from `proto/` and fails on drift.
//!
//! Set `JUDICIAL_REGENERATE=1` to write the regenerated files instead.

use std::path::{Path, PathBuf};

const PROTO_FILES: &[&str] = &[
    "judicial/v1/common.proto",
    "judicial/v1/registry.proto",
    "judicial/v1/router.proto",
    "judicial/v1/notifier.proto",
    // Not imported by the contract, but in the descriptor set so that the
    // HTTP gateway can print google.rpc.Status details as JSON.
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate(out: &Path) {
    let root = workspace_root();
    let mut compiler = protox::Compiler::new([root.join("proto")]).expect("proto/ is readable");
    compiler
        .include_source_info(true)
        .include_imports(true)
        .open_files(PROTO_FILES)
        .expect("proto files compile");
    // Encoded by the compiler rather than through prost-types, which would
    // drop custom options: the HTTP gateway and the OpenAPI document read the
    // google.api.http rules from this descriptor set.
    std::fs::write(
        out.join("judicial_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )
    .unwrap();
    let fds = compiler.file_descriptor_set();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .out_dir(out)
        .compile_fds(fds)
        .expect("code generation succeeds");
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name != "judicial.v1.rs" {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
}

#[test]
fn generated_code_matches_proto() {
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gen");
    if std::env::var_os("JUDICIAL_REGENERATE").is_some() {
        generate(&checked_in);
        return;
    }
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path());
    for file in ["judicial.v1.rs", "judicial_descriptor.bin"] {
        let want = std::fs::read(fresh.path().join(file)).unwrap();
        let have = std::fs::read(checked_in.join(file)).unwrap_or_default();
        assert!(
            want == have,
            "crates/proto/src/gen/{file} is out of date with proto/: \
             run `JUDICIAL_REGENERATE=1 cargo test -p judicial-proto --test codegen`"
        );
    }
}

//! Regenerates the code in `src/gen/` from `proto/` and fails on drift.
//!
//! Set `JUDICIAL_REGENERATE=1` to write the regenerated files instead.

use std::path::{Path, PathBuf};

use prost::Message;

const PROTO_FILES: &[&str] = &[
    "judicial/v1/common.proto",
    "judicial/v1/registry.proto",
    "judicial/v1/router.proto",
    "judicial/v1/notifier.proto",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate(out: &Path) {
    let root = workspace_root();
    let fds = protox::compile(PROTO_FILES, [root.join("proto")]).expect("proto files compile");
    std::fs::write(out.join("judicial_descriptor.bin"), fds.encode_to_vec()).unwrap();
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

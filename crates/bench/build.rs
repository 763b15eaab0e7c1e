//! Generates the etcd client (a vendored subset of etcd's rpc.proto) with
//! protox, so no `protoc` is needed.

fn main() {
    println!("cargo:rerun-if-changed=proto/etcd/rpc.proto");
    let fds = protox::compile(["etcd/rpc.proto"], ["proto"]).expect("etcd rpc.proto compiles");
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(false)
        .compile_fds(fds)
        .expect("etcd client generation succeeds");
}

//! Garbage on the wire: raw bytes, truncated gRPC frames, malformed and
//! property-generated messages, oversized messages. The server must answer
//! every bad request with an error and keep serving.

use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle, channel};
use proptest::prelude::*;
use prost::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// Sends one HTTP/2 gRPC request with a hand-made body; returns the
/// grpc-status (from headers or trailers) and the message.
async fn raw_call(channel: tonic::transport::Channel, path: &str, body: Bytes) -> (i32, String) {
    use http_body_util::BodyExt;
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://localhost{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(tonic::body::Body::new(
            http_body_util::Full::new(body).map_err(|never| match never {}),
        ))
        .unwrap();
    let response = channel
        .oneshot(request)
        .await
        .expect("the server answers at the HTTP level");
    let header_status = response
        .headers()
        .get("grpc-status")
        .map(|v| v.to_str().unwrap().parse::<i32>().unwrap());
    let header_message = response
        .headers()
        .get("grpc-message")
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let collected = response.into_body().collect().await.expect("body");
    let trailers = collected.trailers().cloned();
    let status = header_status
        .or_else(|| {
            trailers
                .as_ref()
                .and_then(|t| t.get("grpc-status"))
                .map(|v| v.to_str().unwrap().parse().unwrap())
        })
        .expect("every answer carries a grpc-status");
    let message = header_message
        .or_else(|| {
            trailers
                .as_ref()
                .and_then(|t| t.get("grpc-message"))
                .map(|v| v.to_str().unwrap_or("").to_owned())
        })
        .unwrap_or_default();
    (status, message)
}

fn frame(declared_len: u32, payload: &[u8]) -> Bytes {
    let mut b = BytesMut::new();
    b.put_u8(0);
    b.put_u32(declared_len);
    b.put_slice(payload);
    b.freeze()
}

const UNARY: &[&str] = &[
    "/judicial.v1.RegistryService/CreateInstrument",
    "/judicial.v1.RegistryService/GetInstrument",
    "/judicial.v1.RegistryService/ListInstruments",
    "/judicial.v1.RegistryService/UpdateInstrument",
    "/judicial.v1.RegistryService/ImportDataset",
    "/judicial.v1.RegistryService/GetStats",
    "/judicial.v1.RegistryService/ListChanges",
    "/judicial.v1.RouterService/Route",
    "/judicial.v1.RouterService/BatchRoute",
    "/judicial.v1.RouterService/GetCoverage",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_gets_errors_and_the_servers_keep_serving() {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let router = RouterHandle::start(&registry.url()).await;
    let reg = channel(registry.addr);
    let rt = channel(router.addr);
    let revision = registry
        .client()
        .get_stats(pb::GetStatsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .revision;

    // Raw bytes that are not HTTP/2 at all: the connection is closed, nothing else.
    for garbage in [
        &b"GET / HTTP/1.1\r\n\r\n"[..],
        &[0xff; 64][..],
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x04\x09\x00",
    ] {
        let mut tcp = tokio::net::TcpStream::connect(registry.addr).await.unwrap();
        tcp.write_all(garbage).await.unwrap();
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut sink)).await;
    }

    // Truncated frames: a header promising more bytes than the body holds.
    for path in UNARY {
        let ch = if path.contains("Router") {
            rt.clone()
        } else {
            reg.clone()
        };
        let (status, _) = raw_call(ch.clone(), path, frame(100, &[1, 2, 3])).await;
        assert_ne!(status, 0, "{path}: a truncated frame must fail");
        let (status, _) = raw_call(ch, path, Bytes::from_static(&[0, 0])).await;
        assert_ne!(status, 0, "{path}: a truncated header must fail");
    }
    // An unknown method and a compressed flag without compression.
    let (status, _) = raw_call(
        reg.clone(),
        "/judicial.v1.RegistryService/Nope",
        frame(0, &[]),
    )
    .await;
    assert_eq!(status, tonic::Code::Unimplemented as i32);
    let mut compressed = BytesMut::from(&frame(2, &[8, 1])[..]);
    compressed[0] = 1;
    let (status, _) = raw_call(reg.clone(), UNARY[5], compressed.freeze()).await;
    assert_ne!(status, 0);

    // Bytes that are not a valid protobuf message.
    let (status, _) = raw_call(reg.clone(), UNARY[0], frame(3, &[0x0a, 0xff, 0xff])).await;
    assert_eq!(status, tonic::Code::Internal as i32, "undecodable message");

    // An oversized message is refused before it is decoded.
    let huge = pb::ImportDatasetRequest {
        reason: "x".repeat(20 * 1024 * 1024),
        ..Default::default()
    }
    .encode_to_vec();
    let (status, _) = raw_call(reg.clone(), UNARY[4], frame(huge.len() as u32, &huge)).await;
    assert_eq!(
        status,
        tonic::Code::OutOfRange as i32,
        "tonic refuses a message over the limit with OUT_OF_RANGE"
    );

    // Nothing was written, and both servers still answer.
    let after = registry
        .client()
        .get_stats(pb::GetStatsRequest::default())
        .await
        .unwrap()
        .into_inner()
        .revision;
    assert_eq!(after, revision);
    router
        .client()
        .route(pb::RouteRequest {
            counterpart: "FR".into(),
            matter: 1,
            assistance: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

/// Random bytes as a well-framed message to every unary method
/// (property-generated: 300 cases, each a random method and up to 256 random
/// bytes): every call gets a gRPC status, nothing panics, and whatever was
/// accepted is valid (the export re-imports cleanly).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_messages_are_answered() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (
        0usize..UNARY.len(),
        proptest::collection::vec(any::<u8>(), 0..256),
    );
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let router = RouterHandle::start(&registry.url()).await;
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..300 {
        let (method, bytes) = strategy.new_tree(&mut runner).unwrap().current();
        let path = UNARY[method];
        let ch = if path.contains("Router") {
            channel(router.addr)
        } else {
            channel(registry.addr)
        };
        let (status, message) = raw_call(ch, path, frame(bytes.len() as u32, &bytes)).await;
        assert!(
            (0..=16).contains(&status),
            "{path}: status {status} {message}"
        );
        *statuses.entry(status).or_insert(0) += 1;
    }
    eprintln!("status codes for 300 random messages: {statuses:?}");
    assert!(
        statuses.keys().any(|s| *s != 0),
        "random bytes are mostly refused"
    );
    let mut client = registry.client();
    let export = client
        .export_dataset(pb::ExportDatasetRequest {})
        .await
        .unwrap()
        .into_inner();
    let again = client
        .import_dataset(pb::ImportDatasetRequest {
            instruments: export.instruments,
            ..Default::default()
        })
        .await;
    assert!(again.is_ok(), "{again:?}");
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}

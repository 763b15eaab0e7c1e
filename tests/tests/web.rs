//! The web face of the servers: gRPC-Web and CORS, and the JSON/HTTP gateway
//! giving the same answers and the same errors as gRPC, through the same
//! stack (roles included), on the gRPC port.

use bytes::{BufMut, Bytes, BytesMut};
use http::{Method, StatusCode};
use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::http::HttpClient;
use judicial_test_support::{RegistryHandle, RouterHandle};
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};
use serde_json::{Value, json};

const FR_SERVICE: &str = "/v1/route?counterpart=FR&matter=MATTER_CIVIL_COMMERCIAL\
                          &assistance=ASSISTANCE_SERVICE_OF_DOCUMENTS&on_date=2020-06-01";

fn fr_service() -> pb::RouteRequest {
    pb::RouteRequest {
        counterpart: "FR".into(),
        matter: pb::Matter::CivilCommercial as i32,
        assistance: pb::Assistance::ServiceOfDocuments as i32,
        on_date: Some(pb::Date {
            year: 2020,
            month: 6,
            day: 1,
        }),
        ..Default::default()
    }
}

/// A gRPC message printed by the protobuf JSON mapping, as the gateway does.
fn to_json<M: Message>(message: &M, full_name: &str) -> Value {
    let pool = DescriptorPool::decode(judicial_proto::FILE_DESCRIPTOR_SET).unwrap();
    let desc = pool.get_message_by_name(full_name).unwrap();
    let dynamic = DynamicMessage::decode(desc, message.encode_to_vec().as_slice()).unwrap();
    let mut out = Vec::new();
    dynamic
        .serialize_with_options(
            &mut serde_json::Serializer::new(&mut out),
            &SerializeOptions::new(),
        )
        .unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn without_view_age(mut answer: Value) -> Value {
    answer.as_object_mut().unwrap().remove("viewAge");
    answer
}

fn grpc_web_frame(message: &impl Message) -> Bytes {
    let encoded = message.encode_to_vec();
    let mut frame = BytesMut::new();
    frame.put_u8(0);
    frame.put_u32(encoded.len() as u32);
    frame.put_slice(&encoded);
    frame.freeze()
}

async fn suite(
    router_config: impl FnOnce(&mut judicial_router::Config),
) -> (RegistryHandle, RouterHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::Bundled).await;
    let mut config = judicial_router::Config::following(registry.url());
    router_config(&mut config);
    let router = RouterHandle::start_with(config).await;
    (registry, router, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_web_over_http1_answers_and_cors_follows_the_allow_list() {
    let (_registry, router, _dir) = suite(|config| {
        config.common.cors_allow_origin = vec!["http://console.example".into()];
    })
    .await;
    let http = HttpClient::new(router.addr);

    let answer = http
        .send(
            Method::POST,
            "/judicial.v1.RouterService/Route",
            &[
                ("content-type", "application/grpc-web+proto"),
                ("x-grpc-web", "1"),
                ("origin", "http://console.example"),
            ],
            grpc_web_frame(&fr_service()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.headers["access-control-allow-origin"],
        "http://console.example"
    );
    let body = answer.body;
    assert_eq!(body[0], 0, "first frame is the message");
    let len = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
    let route = pb::RouteResponse::decode(&body[5..5 + len]).unwrap();
    assert_eq!(route.channels[0].instrument, "instruments/cn-fr-civil-1987");
    let trailers = &body[5 + len..];
    assert_eq!(trailers[0], 0x80, "then the trailers frame");
    assert!(
        String::from_utf8_lossy(&trailers[5..]).contains("grpc-status:0"),
        "{:?}",
        String::from_utf8_lossy(&trailers[5..])
    );

    // Preflight: answered for the allowed origin, not for another.
    let preflight = |origin: &'static str| {
        let http = http.clone();
        async move {
            http.send(
                Method::OPTIONS,
                "/judicial.v1.RouterService/Route",
                &[
                    ("origin", origin),
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "content-type,x-grpc-web"),
                ],
                Bytes::new(),
            )
            .await
        }
    };
    let allowed = preflight("http://console.example").await;
    assert!(allowed.status.is_success(), "{}", allowed.status);
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "http://console.example"
    );
    assert!(
        allowed.headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("x-grpc-web")
    );
    let refused = preflight("http://elsewhere.example").await;
    assert!(
        !refused.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        refused.headers
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_off_by_default() {
    let (_registry, router, _dir) = suite(|_| {}).await;
    let http = HttpClient::new(router.addr);
    let preflight = http
        .send(
            Method::OPTIONS,
            "/v1/route",
            &[
                ("origin", "http://console.example"),
                ("access-control-request-method", "GET"),
            ],
            Bytes::new(),
        )
        .await;
    assert!(
        !preflight
            .headers
            .contains_key("access-control-allow-origin")
    );
    let answer = http
        .send(
            Method::GET,
            FR_SERVICE,
            &[("origin", "http://console.example")],
            Bytes::new(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.headers.contains_key("access-control-allow-origin"));
    // The console is off unless asked for.
    assert_eq!(http.get("/console/").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_grpc_give_the_same_answers_and_errors() {
    let (registry, router, _dir) = suite(|_| {}).await;
    let http = HttpClient::new(router.addr);

    // The same Route, over JSON and over gRPC.
    let answer = http.get(FR_SERVICE).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.headers["content-type"], "application/json");
    let over_json = answer.json();
    assert_eq!(
        over_json["channels"][0]["instrument"],
        "instruments/cn-fr-civil-1987"
    );
    assert_eq!(
        over_json["channels"][0]["kind"],
        "CHANNEL_KIND_BILATERAL_TREATY"
    );
    let over_grpc = router
        .client()
        .route(fr_service())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        without_view_age(over_json),
        without_view_age(to_json(&over_grpc, "judicial.v1.RouteResponse"))
    );
    // The date's parts are accepted too.
    let parts = http
        .get(
            "/v1/route?counterpart=FR&matter=MATTER_CIVIL_COMMERCIAL&assistance=ASSISTANCE_SERVICE_OF_DOCUMENTS\
             &on_date.year=2020&on_date.month=6&on_date.day=1",
        )
        .await
        .json();
    assert_eq!(parts["onDate"], json!({"year": 2020, "month": 6, "day": 1}));

    // A value the mapping cannot read: 400 with the field violations.
    let bad = http
        .get("/v1/route?counterpart=FR&matter=MATTER_BOGUS&assistance=ASSISTANCE_SERVICE_OF_DOCUMENTS&colour=red")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text());
    let status = bad.json();
    assert_eq!(status["code"], 3);
    let violations = status["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["@type"] == "type.googleapis.com/google.rpc.BadRequest")
        .expect("a BadRequest detail")["fieldViolations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["field"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(violations, ["matter", "colour"]);

    // The service's own validation, over both: the same status.
    let missing = http.get("/v1/route?counterpart=FR").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let grpc_error = router
        .client()
        .route(pb::RouteRequest {
            counterpart: "FR".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(missing.json()["message"], grpc_error.message());
    let grpc_fields = judicial_server::status::violated_fields(&grpc_error);
    let json_fields: Vec<String> = missing.json()["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("fieldViolations"))
        .flat_map(|v| v.as_array().unwrap().clone())
        .map(|v| v["field"].as_str().unwrap().to_owned())
        .collect();
    assert!(!grpc_fields.is_empty());
    assert_eq!(json_fields, grpc_fields);
    assert!(
        missing.json()["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
                && d["domain"] == judicial_proto::ERROR_DOMAIN)
    );

    // Unknown resources: 404, from the registry and from the gateway.
    let registry_http = HttpClient::new(registry.addr);
    let instrument = registry_http
        .get("/v1/instruments/cn-fr-civil-1987")
        .await
        .json();
    assert_eq!(instrument["name"], "instruments/cn-fr-civil-1987");
    assert!(
        instrument["title"]
            .as_str()
            .unwrap()
            .contains("法兰西共和国")
    );
    let unknown = registry_http.get("/v1/instruments/no-such-treaty").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text());
    assert_eq!(unknown.json()["code"], 5);
    assert_eq!(
        http.get("/v1/nothing-here").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        http.send(Method::DELETE, "/v1/route", &[], Bytes::new())
            .await
            .status,
        StatusCode::NOT_IMPLEMENTED
    );

    // Stats and coverage by query, and the OpenAPI document.
    let stats = registry_http.get("/v1/stats?as_of=2020-01-01").await.json();
    assert_eq!(stats["asOf"], json!({"year": 2020, "month": 1, "day": 1}));
    let coverage = http
        .get("/v1/coverage?matter=MATTER_CIVIL_COMMERCIAL&assistance=ASSISTANCE_SERVICE_OF_DOCUMENTS&on_date=2020-06-01")
        .await
        .json();
    let fr = coverage["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["jurisdiction"] == "FR")
        .unwrap()
        .clone();
    assert_eq!(fr["primaryKind"], "CHANNEL_KIND_BILATERAL_TREATY");
    let openapi = http.get("/v1/openapi.json").await;
    assert_eq!(openapi.text(), judicial_proto::OPENAPI_JSON);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_over_json_is_refused_as_over_grpc_and_leaves_no_change() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "[principals]\nanonymous = [\"reader\"]\n").unwrap();
    let mut config = judicial_registry::Config::for_data_dir(dir.path().join("data"), Seed::None);
    config.common.policy = Some(policy);
    let registry = RegistryHandle::start_with(config).await;
    let http = HttpClient::new(registry.addr);

    let instrument = json!({
        "id": "cn-xx-test",
        "kind": "INSTRUMENT_KIND_BILATERAL_TREATY",
        "title": "test",
    });
    let refused = http.post_json("/v1/instruments", &instrument).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    let grpc = registry
        .client()
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(pb::Instrument {
                id: "cn-xx-test".into(),
                ..Default::default()
            }),
            reason: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(grpc.code(), tonic::Code::PermissionDenied);
    assert_eq!(refused.json()["message"], grpc.message());
    // Reads are allowed, and the trail shows nothing was written.
    let changes = http
        .get("/v1/changes?filter=name%3Dinstruments%2Fcn-xx-test")
        .await;
    assert_eq!(changes.status, StatusCode::OK, "{}", changes.text());
    assert!(
        changes.json().get("changes").is_none(),
        "{}",
        changes.text()
    );
    assert_eq!(
        http.get("/v1/instruments/cn-xx-test").await.status,
        StatusCode::NOT_FOUND
    );
}

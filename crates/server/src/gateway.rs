//! The JSON/HTTP face of a server, declared in the contract: a request that
//! matches an RPC's `google.api.http` rule is translated into that RPC's
//! protobuf request, sent as a gRPC call through the very stack a gRPC
//! client's call goes through (metrics, roles, admission, the service and
//! its audit record), and the answer printed by the protobuf JSON mapping;
//! an error as the `google.rpc.Status` JSON with its details, under the HTTP
//! status of its code. There is no second implementation of anything.
//!
//! Also served here: `/v1/openapi.json` (the contract as OpenAPI 3), and the
//! console's static pages when enabled. Everything else (gRPC, gRPC-Web)
//! passes through.

pub mod message;
pub mod rules;

use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, SerializeOptions};
use tonic::body::Body;
use tonic::{Code, Status};
use tower::ServiceExt;

use rules::Rule;

/// The contract's descriptors and HTTP rules, read once.
struct Contract {
    rules: Vec<Rule>,
    status: MessageDescriptor,
}

static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    let pool = DescriptorPool::decode(judicial_proto::FILE_DESCRIPTOR_SET)
        .expect("the checked-in descriptor set is valid");
    Contract {
        rules: rules::read(&pool),
        status: pool
            .get_message_by_name("google.rpc.Status")
            .expect("google.rpc.Status is in the descriptor set"),
    }
});

/// The HTTP rules of the contract, in declaration order.
pub fn http_rules() -> &'static [Rule] {
    &CONTRACT.rules
}

/// Adds the JSON/HTTP gateway (and the console when `console`) above a
/// gRPC service stack.
#[derive(Debug, Clone)]
pub struct GatewayLayer {
    console: bool,
    max_body_bytes: usize,
}

impl GatewayLayer {
    /// A gateway accepting request bodies up to `max_body_bytes`.
    pub fn new(console: bool, max_body_bytes: usize) -> GatewayLayer {
        LazyLock::force(&CONTRACT);
        GatewayLayer {
            console,
            max_body_bytes,
        }
    }
}

impl<S> tower::Layer<S> for GatewayLayer {
    type Service = Gateway<S>;

    fn layer(&self, inner: S) -> Gateway<S> {
        Gateway {
            inner,
            console: self.console,
            max_body_bytes: self.max_body_bytes,
        }
    }
}

/// The service [`GatewayLayer`] produces.
#[derive(Debug, Clone)]
pub struct Gateway<S> {
    inner: S,
    console: bool,
    max_body_bytes: usize,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// Whether a request is gRPC or gRPC-Web (passed through untouched).
fn is_grpc(request: &Request<Body>) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc"))
}

impl<S> tower::Service<Request<Body>> for Gateway<S>
where
    S: tower::Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<crate::BoxError> + Send,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Response<Body>, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let path = request.uri().path();
        if is_grpc(&request) {
            let clone = self.inner.clone();
            let mut inner = std::mem::replace(&mut self.inner, clone);
            return Box::pin(inner.call(request));
        }
        if path == "/v1/openapi.json" && request.method() == Method::GET {
            return ready(asset(
                "application/json",
                judicial_proto::OPENAPI_JSON.as_bytes(),
            ));
        }
        if path.starts_with("/v1/") {
            let inner = self.inner.clone();
            let max = self.max_body_bytes;
            return Box::pin(async move { Ok(transcode(inner, request, max).await) });
        }
        if self.console {
            if path == "/" {
                return ready(
                    Response::builder()
                        .status(StatusCode::SEE_OTHER)
                        .header(header::LOCATION, "/console/")
                        .body(Body::default())
                        .expect("a valid redirect"),
                );
            }
            if let Some(file) = path.strip_prefix("/console/") {
                let file = if file.is_empty() { "index.html" } else { file };
                return ready(match judicial_console::asset(file) {
                    Some((mime, bytes)) => asset(mime, bytes),
                    None => text(StatusCode::NOT_FOUND, "no such page in the console"),
                });
            }
        }
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(inner.call(request))
    }
}

fn ready<E: Send + 'static>(response: Response<Body>) -> BoxFuture<Response<Body>, E> {
    Box::pin(async move { Ok(response) })
}

fn asset(mime: &'static str, bytes: &'static [u8]) -> Response<Body> {
    Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::CACHE_CONTROL, "no-cache")
        .header("x-content-type-options", "nosniff")
        .body(Body::new(Full::new(Bytes::from_static(bytes))))
        .expect("a valid response")
}

fn text(status: StatusCode, message: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::new(Full::new(Bytes::from(message.to_owned()))))
        .expect("a valid response")
}

/// Answers one JSON/HTTP call through `inner`.
async fn transcode<S>(inner: S, request: Request<Body>, max_body_bytes: usize) -> Response<Body>
where
    S: tower::Service<Request<Body>, Response = Response<Body>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<crate::BoxError> + Send,
{
    let path = request.uri().path().to_owned();
    let mut matched_path = false;
    let mut found = None;
    for rule in http_rules() {
        if let Some(bindings) = rule.matches(&path) {
            matched_path = true;
            if rule.method == request.method() {
                found = Some((rule, bindings));
                break;
            }
        }
    }
    let Some((rule, bindings)) = found else {
        let (code, message) = if matched_path {
            (
                Code::Unimplemented,
                format!("{} is not a method of {path}", request.method()),
            )
        } else {
            (Code::NotFound, format!("no such HTTP resource: {path}"))
        };
        return status_json(&Status::new(code, message));
    };
    let (mut parts, body) = request.into_parts();
    let body = match Limited::new(body, max_body_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            return status_json(&Status::invalid_argument(format!(
                "cannot read the request body: {e}"
            )));
        }
    };
    let message = match message::build(rule, &bindings, parts.uri.query(), &body) {
        Ok(message) => message,
        Err(violations) => {
            return status_json(&crate::status::invalid_argument(&violations));
        }
    };
    // The gRPC request: same extensions (the connection's TLS identity) and
    // headers (authorization, tracing), a gRPC path, body and content type.
    let encoded = message.encode_to_vec();
    let mut frame = BytesMut::with_capacity(5 + encoded.len());
    frame.put_u8(0);
    frame.put_u32(encoded.len() as u32);
    frame.put_slice(&encoded);
    parts.method = Method::POST;
    parts.version = http::Version::HTTP_2;
    parts.uri = rule
        .grpc_path()
        .parse()
        .expect("a gRPC path is a valid URI");
    for name in [
        header::CONTENT_LENGTH,
        header::ACCEPT_ENCODING,
        header::TRANSFER_ENCODING,
    ] {
        parts.headers.remove(name);
    }
    parts.headers.remove("grpc-accept-encoding");
    parts.headers.remove("grpc-encoding");
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/grpc"),
    );
    parts
        .headers
        .insert(header::TE, HeaderValue::from_static("trailers"));
    let grpc = Request::from_parts(parts, Body::new(Full::new(frame.freeze())));
    let response = match inner.oneshot(grpc).await {
        Ok(response) => response,
        Err(e) => {
            let e: crate::BoxError = e.into();
            return status_json(&Status::internal(e.to_string()));
        }
    };
    answer(response, rule.rpc.output()).await
}

/// Turns a gRPC response into its JSON/HTTP form.
async fn answer(response: Response<Body>, output: MessageDescriptor) -> Response<Body> {
    // Trailers-only: the status is in the headers.
    if let Some(status) = Status::from_header_map(response.headers())
        && status.code() != Code::Ok
    {
        return status_json(&status);
    }
    let (parts, body) = response.into_parts();
    let collected = match body.collect().await {
        Ok(collected) => collected,
        Err(e) => return status_json(&Status::internal(format!("reading the answer: {e}"))),
    };
    let trailers = collected.trailers().cloned().unwrap_or_default();
    if let Some(status) = Status::from_header_map(&trailers)
        && status.code() != Code::Ok
    {
        return status_json(&status);
    }
    let bytes = collected.to_bytes();
    if bytes.len() < 5 || bytes[0] != 0 {
        return status_json(&Status::internal(format!(
            "unexpected gRPC answer (HTTP {}, {} bytes)",
            parts.status,
            bytes.len()
        )));
    }
    let len = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]) as usize;
    let payload = bytes.slice(5..(5 + len).min(bytes.len()));
    match DynamicMessage::decode(output, payload) {
        Ok(message) => json_response(StatusCode::OK, &message),
        Err(e) => status_json(&Status::internal(format!("decoding the answer: {e}"))),
    }
}

fn json_options() -> SerializeOptions {
    // The protobuf JSON mapping as grpcurl prints it: lowerCamelCase names,
    // enum names, 64-bit integers as strings, default values left out.
    SerializeOptions::new()
}

fn json_response(status: StatusCode, message: &DynamicMessage) -> Response<Body> {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::new(&mut out);
    if let Err(e) = message.serialize_with_options(&mut serializer, &json_options()) {
        return status_json(&Status::internal(format!("printing the answer: {e}")));
    }
    out.push(b'\n');
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::new(Full::new(Bytes::from(out))))
        .expect("a valid response")
}

/// The HTTP status of a gRPC code (google.rpc.Code's documented mapping).
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).expect("499 is a valid status"),
        Code::Unknown => StatusCode::INTERNAL_SERVER_ERROR,
        Code::InvalidArgument => StatusCode::BAD_REQUEST,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::FailedPrecondition => StatusCode::BAD_REQUEST,
        Code::Aborted => StatusCode::CONFLICT,
        Code::OutOfRange => StatusCode::BAD_REQUEST,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
    }
}

/// The `google.rpc.Status` JSON of `status`, with the details it carries
/// (`BadRequest` field violations, `ErrorInfo`, ...).
fn status_json(status: &Status) -> Response<Body> {
    let desc = CONTRACT.status.clone();
    let decoded = (!status.details().is_empty())
        .then(|| DynamicMessage::decode(desc.clone(), status.details()).ok())
        .flatten();
    let message = decoded.unwrap_or_else(|| {
        let mut m = DynamicMessage::new(desc);
        m.set_field_by_name("code", prost_reflect::Value::I32(status.code() as i32));
        m.set_field_by_name(
            "message",
            prost_reflect::Value::String(status.message().to_owned()),
        );
        m
    });
    json_response(http_status(status.code()), &message)
}

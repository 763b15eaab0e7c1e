//! The server stack every service runs behind, and graceful serving.

use std::time::Duration;

use tokio::net::TcpListener;
use tonic::service::{Routes, RoutesBuilder};
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tower::ServiceBuilder;

use crate::admission::AdmissionLayer;
use crate::auth::AuthLayer;
use crate::config::CommonArgs;
use crate::gateway::GatewayLayer;
use crate::metrics::MetricsLayer;
use crate::security::Security;
use crate::shutdown::Shutdown;
use crate::web::Web;

/// Request limits of a server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most requests in progress at once, across connections (split into
    /// interactive and bulk shares, see [`crate::admission`]).
    pub concurrency_limit: usize,
    /// How long a quick read may hold an interactive slot before it counts
    /// as slow and moves to the bulk share.
    pub slow_read_after: Duration,
    /// Deadline cap applied to every request.
    pub max_deadline: Duration,
    /// How long shutdown waits for in-flight work.
    pub grace: Duration,
    /// Largest message accepted or sent.
    pub max_message_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency_limit: 1024,
            slow_read_after: Duration::from_millis(50),
            max_deadline: Duration::from_secs(30),
            grace: Duration::from_secs(10),
            max_message_bytes: 16 * 1024 * 1024,
        }
    }
}

impl From<&CommonArgs> for Limits {
    fn from(args: &CommonArgs) -> Self {
        Limits {
            concurrency_limit: args.concurrency_limit.max(1),
            slow_read_after: args.slow_read_after,
            max_deadline: args.max_deadline,
            grace: args.shutdown_grace,
            max_message_bytes: args.max_message_bytes,
        }
    }
}

/// Server reflection, v1 and v1alpha (grpcurl and Python's reflection client
/// still speak v1alpha), for the contract and the health service.
pub fn add_reflection(routes: &mut RoutesBuilder) {
    let v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(judicial_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("the checked-in descriptor set is valid");
    let v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(judicial_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .expect("the checked-in descriptor set is valid");
    routes.add_service(v1);
    routes.add_service(v1alpha);
}

/// Serves `routes` on `listener` until `shutdown` fires, then stops
/// accepting, lets in-flight requests finish for up to `limits.grace`, and
/// returns. Storage is flushed by the caller after this returns.
///
/// The same port answers gRPC (HTTP/2), gRPC-Web and the JSON/HTTP gateway
/// (HTTP/1.1 or HTTP/2), told apart by content type and path.
pub async fn serve(
    routes: Routes,
    listener: TcpListener,
    limits: &Limits,
    security: &Security,
    web: &Web,
    shutdown: Shutdown,
) -> Result<(), tonic::transport::Error> {
    let stack = ServiceBuilder::new()
        // Outermost, so a browser's preflight is answered (or not, for an
        // origin off the allow-list) before anything else sees it.
        .option_layer(web.cors())
        // JSON/HTTP calls become gRPC calls here, above everything below, so
        // metrics, roles, admission and the audit trail apply to them as to
        // gRPC. Also serves /v1/openapi.json and the console.
        .layer(GatewayLayer::new(web.console, limits.max_message_bytes))
        // gRPC-Web (HTTP/1.1 or HTTP/2) becomes gRPC; plain gRPC passes.
        .layer(tonic_web::GrpcWebLayer::new())
        // Outermost of the gRPC stack, so every call is counted: shed,
        // denied or served.
        .layer(MetricsLayer)
        // Authorization before admission: a caller without the role never
        // takes a slot. Records the principal for the audit trail.
        .layer(AuthLayer::new(security.policy.clone()))
        // Admission by call class, for all connections at once: health is
        // never limited, streams and bulk calls get a quarter of the slots,
        // quick reads the rest (moved out when slow). A full share answers
        // RESOURCE_EXHAUSTED at once instead of queueing. Streams hold a slot
        // only until their headers.
        .layer(AdmissionLayer::new(
            limits.concurrency_limit,
            limits.slow_read_after,
        ))
        .into_inner();
    let mut server = Server::builder()
        // gRPC-Web and JSON clients (browsers, curl) speak HTTP/1.1.
        .accept_http1(true)
        // Caps every request's deadline; a shorter grpc-timeout still wins.
        .timeout(limits.max_deadline)
        // Detects dead peers on idle connections (watch streams, followers).
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(10)))
        .tcp_keepalive(Some(Duration::from_secs(60)))
        .tcp_nodelay(true)
        // Bounds the work one connection can start at once.
        .max_concurrent_streams(Some(512));
    if let Some(tls) = security.tls.clone() {
        server = server.tls_config(tls)?;
    }
    // serve_with_incoming does not apply the builder's TCP options: set them
    // on the incoming stream (without NODELAY, small responses wait ~40 ms
    // for the peer's delayed ACK).
    let incoming = TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(Duration::from_secs(60)));
    let signal = shutdown.clone();
    let serving = server
        .layer(stack)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, async move { signal.wait().await });
    tokio::pin!(serving);
    tokio::select! {
        result = &mut serving => result,
        _ = async { shutdown.wait().await; tokio::time::sleep(limits.grace).await } => {
            tracing::warn!(grace_ms = limits.grace.as_millis() as u64, "grace period expired; closing the remaining connections");
            Ok(())
        }
    }
}

/// Refuses a plaintext listener on a non-loopback address unless `insecure`.
pub fn check_plaintext_bind(
    addr: std::net::SocketAddr,
    tls: bool,
    insecure: bool,
) -> Result<(), String> {
    if tls || addr.ip().is_loopback() {
        return Ok(());
    }
    if insecure {
        tracing::warn!(%addr, "INSECURE: serving plaintext gRPC on a non-loopback address (--insecure); anyone who can reach it can read and write");
        return Ok(());
    }
    Err(format!(
        "refusing to serve plaintext on {addr}: configure --tls-cert/--tls-key, bind a loopback address, or pass --insecure"
    ))
}

/// Everything a server binary prepares before serving on `listener`: the
/// plaintext-bind check, TLS and policy, and the metrics exporter.
pub fn prepare(args: &CommonArgs, listener: &TcpListener) -> Result<Security, String> {
    let security = Security::from_args(args)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    check_plaintext_bind(addr, security.tls.is_some(), args.insecure)?;
    if let Some(metrics) = args.metrics_listen {
        crate::metrics::install(metrics)?;
    }
    Ok(security)
}

/// Serves only `grpc.health.v1` in plaintext on `addr` (for probes that
/// cannot present a client certificate, such as the kubelet's gRPC probes),
/// until `shutdown`. `health` must hold just the health service.
pub async fn spawn_health_listener(
    addr: Option<std::net::SocketAddr>,
    health: Routes,
    shutdown: Shutdown,
) -> Result<(), String> {
    let Some(addr) = addr else { return Ok(()) };
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen for health probes on {addr}: {e}"))?;
    tracing::info!(%addr, "plaintext health-only listener (grpc.health.v1) for probes");
    tokio::spawn(async move {
        let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
        let result = Server::builder()
            .add_routes(health)
            .serve_with_incoming_shutdown(incoming, async move { shutdown.wait().await })
            .await;
        if let Err(e) = result {
            tracing::error!("health listener failed: {e}");
        }
    });
    Ok(())
}

/// The routes every server starts with: health (also on the plaintext probe
/// listener when `--health-listen` is set) and reflection. Returns the health
/// reporter for the service to mark itself SERVING.
pub async fn base_routes(
    args: &CommonArgs,
    shutdown: &Shutdown,
) -> Result<(tonic_health::server::HealthReporter, RoutesBuilder), String> {
    let (health, health_service) = tonic_health::server::health_reporter();
    let mut probes = RoutesBuilder::default();
    probes.add_service(health_service.clone());
    spawn_health_listener(args.health_listen, probes.routes(), shutdown.clone()).await?;
    let mut routes = RoutesBuilder::default();
    routes.add_service(health_service);
    add_reflection(&mut routes);
    Ok((health, routes))
}

/// Reports service `S` NOT_SERVING now and returns the callback that reports
/// it SERVING, for a follower to call after its first sync.
pub async fn serving_after_sync<S: tonic::server::NamedService>(
    health: &tonic_health::server::HealthReporter,
) -> impl FnOnce() + Send + 'static {
    health.set_not_serving::<S>().await;
    let reporter = health.clone();
    move || {
        tokio::spawn(async move { reporter.set_serving::<S>().await });
    }
}

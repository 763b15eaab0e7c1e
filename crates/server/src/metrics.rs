//! Prometheus metrics: an HTTP exporter and a tower layer that counts every
//! request by method and status code and records its latency.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

/// Latency buckets in seconds: 50µs to 10s.
const LATENCY_BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 10.0,
];

/// Serves `/metrics` on `addr` (Prometheus text format). Call once, inside
/// a tokio runtime.
pub fn install(addr: SocketAddr) -> Result<(), String> {
    PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets_for_metric(Matcher::Suffix("seconds".into()), LATENCY_BUCKETS)
        .map_err(|e| e.to_string())?
        .install()
        .map_err(|e| format!("cannot serve metrics on {addr}: {e}"))?;
    tracing::info!(%addr, "metrics on http://{addr}/metrics");
    Ok(())
}

/// Splits `/pkg.Service/Method` into bounded labels (unknown paths collapse
/// to `unknown`, so garbage requests cannot grow the label set).
fn labels(path: &str) -> (&'static str, String) {
    const SERVICES: &[&str] = &[
        "judicial.v1.RegistryService",
        "judicial.v1.RouterService",
        "judicial.v1.NotifierService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    ];
    match path.trim_start_matches('/').split_once('/') {
        Some((service, method))
            if method.len() <= 64 && method.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            match SERVICES.iter().find(|s| **s == service) {
                Some(s) => (s, method.to_owned()),
                None => ("unknown", "unknown".to_owned()),
            }
        }
        _ => ("unknown", "unknown".to_owned()),
    }
}

/// Records `grpc_server_handled_total{service,method,code}` and
/// `grpc_server_handling_seconds{service,method}` for every request.
#[derive(Debug, Clone, Default)]
pub struct MetricsLayer;

impl<S> tower::Layer<S> for MetricsLayer {
    type Service = Metered<S>;
    fn layer(&self, inner: S) -> Metered<S> {
        Metered { inner }
    }
}

/// The service [`MetricsLayer`] produces.
#[derive(Debug, Clone)]
pub struct Metered<S> {
    inner: S,
}

impl<S, B, RB> tower::Service<http::Request<B>> for Metered<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let (service, method) = labels(request.uri().path());
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let result = future.await;
            let code = match &result {
                // Errors carry grpc-status in the headers (trailers-only); a
                // success sends it in the trailers, after this point.
                Ok(response) => response
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<i32>().ok())
                    .map(tonic::Code::from)
                    .unwrap_or(tonic::Code::Ok),
                // Only load shedding fails at this layer.
                Err(_) => tonic::Code::ResourceExhausted,
            };
            let code = format!("{code:?}");
            metrics::counter!("grpc_server_handled_total", "service" => service, "method" => method.clone(), "code" => code).increment(1);
            metrics::histogram!("grpc_server_handling_seconds", "service" => service, "method" => method).record(started.elapsed().as_secs_f64());
            result
        })
    }
}

//! What a server offers browsers and HTTP clients beside gRPC: gRPC-Web, the
//! JSON/HTTP gateway, the console, and the origins allowed to call them
//! (CORS).

use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::CommonArgs;

/// The web settings of a server.
#[derive(Debug, Clone, Default)]
pub struct Web {
    /// Origins whose pages may call the server (CORS); empty answers no
    /// preflight and sends no `Access-Control-Allow-Origin`, so browsers
    /// only call it from pages it serves itself.
    pub cors_allow_origins: Vec<HeaderValue>,
    /// Serve the console (static pages calling the JSON API) at `/console/`.
    pub console: bool,
}

impl Web {
    /// Builds the settings from `--cors-allow-origin`; the console is off.
    pub fn from_args(args: &CommonArgs) -> Result<Web, String> {
        let mut origins = Vec::new();
        for origin in args.cors_allow_origin.iter().map(|o| o.trim()) {
            if origin.is_empty() {
                continue;
            }
            if origin == "*" {
                return Err(
                    "--cors-allow-origin *: list each origin (https://host[:port]) instead".into(),
                );
            }
            if !(origin.starts_with("http://") || origin.starts_with("https://"))
                || origin.trim_end_matches('/') != origin
            {
                return Err(format!(
                    "--cors-allow-origin {origin:?}: an origin is scheme://host[:port], without a path"
                ));
            }
            origins.push(
                HeaderValue::from_str(origin)
                    .map_err(|e| format!("--cors-allow-origin {origin:?}: {e}"))?,
            );
        }
        Ok(Web {
            cors_allow_origins: origins,
            console: false,
        })
    }

    /// The CORS layer for the allowed origins, or None when there are none.
    pub fn cors(&self) -> Option<CorsLayer> {
        if self.cors_allow_origins.is_empty() {
            return None;
        }
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(self.cors_allow_origins.clone()))
                .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
                // What grpc-web clients and fetch() send.
                .allow_headers([
                    http::header::CONTENT_TYPE,
                    http::header::AUTHORIZATION,
                    HeaderName::from_static("x-grpc-web"),
                    HeaderName::from_static("x-user-agent"),
                    HeaderName::from_static("grpc-timeout"),
                ])
                // A grpc-web client reads the status from these when the
                // answer is trailers-only.
                .expose_headers([
                    HeaderName::from_static("grpc-status"),
                    HeaderName::from_static("grpc-message"),
                    HeaderName::from_static("grpc-status-details-bin"),
                ])
                .max_age(Duration::from_secs(600)),
        )
    }
}

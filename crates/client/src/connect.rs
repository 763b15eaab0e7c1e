//! Building channels to the services, with or without TLS.

use std::time::Duration;

use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

/// Client-side TLS settings: a CA to trust and, for mTLS, an identity.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// The tonic TLS configuration.
    pub config: Option<ClientTlsConfig>,
}

/// Errors building a channel.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is not a valid endpoint.
    #[error("invalid endpoint {url:?}: {source}")]
    InvalidEndpoint {
        /// The URL.
        url: String,
        /// Why.
        source: tonic::transport::Error,
    },
}

/// A lazily-connecting channel to `url` (`http://127.0.0.1:50051` or
/// `https://...` with `tls`), with keepalive so dead peers are noticed.
pub fn connect_lazy(url: &str, tls: &ClientTls) -> Result<Channel, ConnectError> {
    let invalid = |source| ConnectError::InvalidEndpoint {
        url: url.to_owned(),
        source,
    };
    let mut endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(invalid)?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(20))
        .keep_alive_timeout(Duration::from_secs(10))
        .keep_alive_while_idle(true);
    if let Some(config) = &tls.config {
        endpoint = endpoint.tls_config(config.clone()).map_err(invalid)?;
    }
    Ok(endpoint.connect_lazy())
}

//! Building channels to the services, with or without TLS.

use std::time::Duration;

use tonic::transport::{Channel, ClientTlsConfig, Endpoint};

/// Client-side TLS settings: a CA to trust and, for mTLS, an identity.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// The tonic TLS configuration.
    pub config: Option<ClientTlsConfig>,
}

/// The PEM files a client's TLS is built from.
#[derive(Debug, Clone, Default)]
pub struct TlsFiles {
    /// The CA to trust; without one, no TLS.
    pub ca: Option<std::path::PathBuf>,
    /// The certificate presented as the client's identity (mTLS).
    pub cert: Option<std::path::PathBuf>,
    /// Its private key.
    pub key: Option<std::path::PathBuf>,
}

impl ClientTls {
    /// Client TLS from PEM files (a server's flags convert into
    /// [`TlsFiles`]: `--registry-ca` or else `--tls-client-ca`, and
    /// `--tls-cert`/`--tls-key` as its identity). None without a CA.
    pub fn from_args(files: impl Into<TlsFiles>) -> Result<ClientTls, String> {
        let files = files.into();
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let Some(ca) = files.ca.as_ref() else {
            return Ok(ClientTls::default());
        };
        let mut config = ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(read(ca)?));
        if let (Some(cert), Some(key)) = (&files.cert, &files.key) {
            config = config.identity(tonic::transport::Identity::from_pem(
                read(cert)?,
                read(key)?,
            ));
        }
        Ok(ClientTls {
            config: Some(config),
        })
    }
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

//! mTLS for tests: servers configured with the certificates `judicial certs
//! init` writes, and client channels presenting one of its identities.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

/// Configures a server's flags for mTLS with the certificate `name`
/// (`registry`, `router`, `notifier`) from `certs`, and its policy.
pub fn secure(common: &mut judicial_server::CommonArgs, certs: &Path, name: &str) {
    common.tls_cert = Some(certs.join(format!("{name}.pem")));
    common.tls_key = Some(certs.join(format!("{name}-key.pem")));
    common.tls_client_ca = Some(certs.join("ca.pem"));
    common.policy = Some(certs.join("policy.toml"));
}

/// A lazy channel to `addr` over TLS trusting `certs`' CA, presenting the
/// identity `who` (`reader`, `writer`, `admin`, ...) or none.
pub fn channel(addr: SocketAddr, certs: &Path, who: Option<&str>) -> Channel {
    let read = |name: String| std::fs::read(certs.join(name)).expect("read a test certificate");
    let mut tls =
        ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read("ca.pem".into())));
    if let Some(who) = who {
        tls = tls.identity(Identity::from_pem(
            read(format!("{who}.pem")),
            read(format!("{who}-key.pem")),
        ));
    }
    Endpoint::from_shared(format!("https://{addr}"))
        .expect("valid endpoint")
        .tls_config(tls)
        .expect("valid TLS configuration")
        .connect_timeout(Duration::from_secs(5))
        .connect_lazy()
}

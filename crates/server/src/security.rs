//! TLS and authorization settings of a server, from its flags.

use std::sync::Arc;

use tonic::transport::{Certificate, Identity, ServerTlsConfig};

use crate::auth::Policy;
use crate::config::CommonArgs;

/// What a server needs to authenticate and authorize callers.
#[derive(Debug, Clone, Default)]
pub struct Security {
    /// Server TLS (with client-certificate verification when a client CA is set).
    pub tls: Option<ServerTlsConfig>,
    /// Role policy; None lets every caller do everything.
    pub policy: Option<Arc<Policy>>,
}

fn read(path: &std::path::Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

impl Security {
    /// Builds the settings from `--tls-cert`, `--tls-key`, `--tls-client-ca`
    /// and `--policy`; errors name the file at fault.
    pub fn from_args(args: &CommonArgs) -> Result<Security, String> {
        let tls = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => {
                let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(
                    read(cert, "certificate")?,
                    read(key, "key")?,
                ));
                match &args.tls_client_ca {
                    Some(ca) => {
                        tls = tls.client_ca_root(Certificate::from_pem(read(ca, "client CA")?))
                    }
                    None => tracing::warn!(
                        "TLS without --tls-client-ca: clients are not authenticated and act as `anonymous`"
                    ),
                }
                Some(tls)
            }
            _ => {
                if args.tls_client_ca.is_some() {
                    return Err("--tls-client-ca needs --tls-cert and --tls-key".into());
                }
                None
            }
        };
        let policy = args
            .policy
            .as_deref()
            .map(Policy::load)
            .transpose()?
            .map(Arc::new);
        if policy.is_none() && tls.is_some() {
            tracing::warn!("no --policy: every authenticated client has every role");
        }
        Ok(Security { tls, policy })
    }
}

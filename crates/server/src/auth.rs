//! Who is calling and what they may do: the identity in a client
//! certificate (SAN DNS name, else CN), the roles a policy file grants it,
//! and a tower layer that enforces the role each method needs.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};

/// The authenticated identity of a caller, placed in request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal(pub String);

/// The identity recorded for callers without a client certificate.
pub const ANONYMOUS: &str = "anonymous";

/// Returns the caller's identity, or `anonymous`.
pub fn principal<T>(request: &tonic::Request<T>) -> String {
    request
        .extensions()
        .get::<Principal>()
        .map(|p| p.0.clone())
        .unwrap_or_else(|| ANONYMOUS.to_owned())
}

/// Placed in request extensions when the caller holds the admin role (every
/// caller does when no policy is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminRole;

/// Whether the caller holds the admin role.
pub fn is_admin<T>(request: &tonic::Request<T>) -> bool {
    request.extensions().get::<AdminRole>().is_some()
}

/// A permission a policy grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Route, get, list, watch, stats, export, audit trail.
    Reader,
    /// Registry mutations and import.
    Writer,
    /// Notifier subscriptions and events.
    Subscriber,
    /// Everything.
    Admin,
}

impl Role {
    fn parse(text: &str) -> Option<Role> {
        match text {
            "reader" => Some(Role::Reader),
            "writer" => Some(Role::Writer),
            "subscriber" => Some(Role::Subscriber),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Its name in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Writer => "writer",
            Role::Subscriber => "subscriber",
            Role::Admin => "admin",
        }
    }
}

/// Which identities hold which roles.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    principals: BTreeMap<String, BTreeSet<Role>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    principals: BTreeMap<String, Vec<String>>,
}

impl Policy {
    /// Reads a policy file; errors name the file and the line.
    pub fn load(path: &Path) -> Result<Policy, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read policy {}: {e}", path.display()))?;
        Policy::parse(&text).map_err(|e| format!("policy {}: {e}", path.display()))
    }

    /// Parses a policy: `[principals]` mapping identities to role lists.
    pub fn parse(text: &str) -> Result<Policy, String> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1));
            match line {
                Some(l) => format!("line {l}: {}", e.message()),
                None => e.message().to_owned(),
            }
        })?;
        let mut principals = BTreeMap::new();
        for (identity, roles) in file.principals {
            let mut set = BTreeSet::new();
            for role in roles {
                let parsed = Role::parse(&role).ok_or_else(|| {
                    let line = text.lines().position(|l| l.contains(&format!("\"{identity}\"")) || l.trim_start().starts_with(&identity)).map(|i| i + 1).unwrap_or(0);
                    format!("line {line}: unknown role {role:?} for {identity:?} (roles: reader, writer, subscriber, admin)")
                })?;
                set.insert(parsed);
            }
            principals.insert(identity, set);
        }
        Ok(Policy { principals })
    }

    /// Whether `identity` holds `role` (admin holds every role).
    pub fn allows(&self, identity: &str, role: Role) -> bool {
        self.principals
            .get(identity)
            .is_some_and(|roles| roles.contains(&role) || roles.contains(&Role::Admin))
    }
}

/// Services every caller may use, by name: health (probes cannot present a
/// role) and reflection, v1 and v1alpha (it describes only the contract).
pub const OPEN_SERVICES: &[&str] = &[
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// Every RPC of the contract and the role it needs, as `/{service}/{method}`.
/// There is no default: a method missing here is refused to everyone when a
/// policy is set, and `every_contract_method_has_a_role` fails until it is
/// added.
pub const METHOD_ROLES: &[(&str, Role)] = &[
    (
        "/judicial.v1.RegistryService/CreateJurisdiction",
        Role::Writer,
    ),
    ("/judicial.v1.RegistryService/GetJurisdiction", Role::Reader),
    (
        "/judicial.v1.RegistryService/ListJurisdictions",
        Role::Reader,
    ),
    (
        "/judicial.v1.RegistryService/CreateInstrument",
        Role::Writer,
    ),
    ("/judicial.v1.RegistryService/GetInstrument", Role::Reader),
    ("/judicial.v1.RegistryService/ListInstruments", Role::Reader),
    (
        "/judicial.v1.RegistryService/UpdateInstrument",
        Role::Writer,
    ),
    (
        "/judicial.v1.RegistryService/DeleteInstrument",
        Role::Writer,
    ),
    ("/judicial.v1.RegistryService/Watch", Role::Reader),
    ("/judicial.v1.RegistryService/GetStats", Role::Reader),
    ("/judicial.v1.RegistryService/ImportDataset", Role::Writer),
    ("/judicial.v1.RegistryService/ExportDataset", Role::Reader),
    ("/judicial.v1.RegistryService/ListChanges", Role::Reader),
    ("/judicial.v1.RegistryService/VerifyChanges", Role::Reader),
    // The whole state and the audit trail (actors, reasons): operators only.
    ("/judicial.v1.RegistryService/Backup", Role::Admin),
    ("/judicial.v1.RouterService/Route", Role::Reader),
    ("/judicial.v1.RouterService/BatchRoute", Role::Reader),
    ("/judicial.v1.RouterService/GetCoverage", Role::Reader),
    (
        "/judicial.v1.NotifierService/CreateSubscription",
        Role::Subscriber,
    ),
    (
        "/judicial.v1.NotifierService/GetSubscription",
        Role::Subscriber,
    ),
    (
        "/judicial.v1.NotifierService/ListSubscriptions",
        Role::Subscriber,
    ),
    (
        "/judicial.v1.NotifierService/DeleteSubscription",
        Role::Subscriber,
    ),
    (
        "/judicial.v1.NotifierService/StreamEvents",
        Role::Subscriber,
    ),
    ("/judicial.v1.NotifierService/AckEvents", Role::Subscriber),
    ("/judicial.v1.NotifierService/ListEvents", Role::Subscriber),
];

/// What a request path needs before it reaches a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Health and reflection: anyone.
    Open,
    /// A contract RPC: callers holding this role.
    Needs(Role),
    /// Not in the table: nobody (fail closed).
    Unknown,
}

/// Looks `path` (`/judicial.v1.RouterService/Route`) up in the table.
pub fn access(path: &str) -> Access {
    if let Some((service, _method)) = path.trim_start_matches('/').split_once('/')
        && OPEN_SERVICES.contains(&service)
    {
        return Access::Open;
    }
    METHOD_ROLES
        .iter()
        .find(|(known, _)| *known == path)
        .map_or(Access::Unknown, |&(_, role)| Access::Needs(role))
}

/// The identity in a DER certificate: its first SAN DNS name, else its CN.
pub fn certificate_identity(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(dns) = name {
                return Some((*dns).to_owned());
            }
        }
    }
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
}

fn identity_of<B>(request: &http::Request<B>) -> Option<String> {
    let info = request
        .extensions()
        .get::<TlsConnectInfo<TcpConnectInfo>>()?;
    let certs = info.peer_certs()?;
    certs.first().and_then(|c| certificate_identity(c.as_ref()))
}

/// Enforces the policy on every request and records the caller's identity.
#[derive(Debug, Clone, Default)]
pub struct AuthLayer {
    policy: Option<Arc<Policy>>,
}

impl AuthLayer {
    /// Enforces `policy`; without one, every caller may do everything.
    pub fn new(policy: Option<Arc<Policy>>) -> Self {
        AuthLayer { policy }
    }
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = Auth<S>;
    fn layer(&self, inner: S) -> Auth<S> {
        Auth {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// The service [`AuthLayer`] produces.
#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
    policy: Option<Arc<Policy>>,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, B> tower::Service<http::Request<B>> for Auth<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<tonic::body::Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let identity = identity_of(&request).unwrap_or_else(|| ANONYMOUS.to_owned());
        // Without a policy every caller may do everything (development), and
        // an unknown path is left to the router to answer UNIMPLEMENTED.
        if let Some(policy) = &self.policy {
            let method = request.uri().path();
            let refusal = match access(method) {
                Access::Open => None,
                Access::Needs(role) if policy.allows(&identity, role) => None,
                Access::Needs(role) => {
                    tracing::warn!(principal = %identity, %method, role = role.as_str(), "permission denied");
                    Some(missing_role(&identity, role, method))
                }
                Access::Unknown => {
                    tracing::warn!(principal = %identity, %method, "permission denied: method not in the authorization table");
                    Some(unknown_method(method))
                }
            };
            if let Some(status) = refusal {
                return Box::pin(async move { Ok(status.into_http()) });
            }
        }
        if self
            .policy
            .as_ref()
            .is_none_or(|policy| policy.allows(&identity, Role::Admin))
        {
            request.extensions_mut().insert(AdminRole);
        }
        request.extensions_mut().insert(Principal(identity));
        // Take the service that was driven to readiness; leave a clone behind.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(inner.call(request))
    }
}

fn missing_role(identity: &str, role: Role, method: &str) -> tonic::Status {
    crate::status::with_reason(
        tonic::Code::PermissionDenied,
        format!(
            "{identity} lacks the {} role needed for {method}",
            role.as_str()
        ),
        judicial_proto::Reason::MissingRole,
    )
}

fn unknown_method(method: &str) -> tonic::Status {
    crate::status::with_reason(
        tonic::Code::PermissionDenied,
        format!("{method} is not an authorized method of this suite"),
        judicial_proto::Reason::UnknownMethod,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_grants_and_admin_implies_all() {
        let p = Policy::parse(
            "[principals]\n\"w.example\" = [\"writer\", \"reader\"]\n\"ops\" = [\"admin\"]\n",
        )
        .unwrap();
        assert!(p.allows("w.example", Role::Writer));
        assert!(!p.allows("w.example", Role::Subscriber));
        assert!(p.allows("ops", Role::Subscriber));
        assert!(!p.allows("stranger", Role::Reader));
    }

    #[test]
    fn bad_policies_name_the_line() {
        let err = Policy::parse("[principals]\n\"a\" = [\"reader\"]\n\"b\" = [\"emperor\"]\n")
            .unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
        let err = Policy::parse("[principals]\n\"a\" = [reader]\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }

    #[test]
    fn methods_need_roles() {
        assert_eq!(
            access("/judicial.v1.RegistryService/CreateInstrument"),
            Access::Needs(Role::Writer)
        );
        assert_eq!(
            access("/judicial.v1.RegistryService/Watch"),
            Access::Needs(Role::Reader)
        );
        assert_eq!(
            access("/judicial.v1.NotifierService/AckEvents"),
            Access::Needs(Role::Subscriber)
        );
        assert_eq!(access("/grpc.health.v1.Health/Check"), Access::Open);
        assert_eq!(access("/grpc.health.v1.Health/Watch"), Access::Open);
        assert_eq!(
            access("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            Access::Open
        );
        // Fail closed: a new method, a new service, a look-alike path.
        assert_eq!(
            access("/judicial.v1.RegistryService/DropEverything"),
            Access::Unknown
        );
        assert_eq!(access("/judicial.v1.AdminService/Get"), Access::Unknown);
        assert_eq!(
            access("/judicial.v1.RouterService/Route/x"),
            Access::Unknown
        );
        assert_eq!(access("judicial.v1.RouterService/Route"), Access::Unknown);
        assert_eq!(access("/"), Access::Unknown);
    }

    /// Every method of every service in the contract's descriptor set has an
    /// entry in [`METHOD_ROLES`], and every entry names a real method.
    #[test]
    fn every_contract_method_has_a_role() {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(judicial_proto::FILE_DESCRIPTOR_SET)
            .expect("the checked-in descriptor set decodes");
        let mut contract = Vec::new();
        for file in &set.file {
            for service in &file.service {
                let full = format!("{}.{}", file.package(), service.name());
                for method in &service.method {
                    contract.push(format!("/{full}/{}", method.name()));
                }
            }
        }
        assert!(
            contract.len() >= 23,
            "the descriptor set lists the contract: {contract:?}"
        );
        let missing: Vec<_> = contract
            .iter()
            .filter(|path| access(path) == Access::Unknown)
            .map(|path| format!("    (\"{path}\", Role::Reader or Role::Writer or ...),"))
            .collect();
        assert!(
            missing.is_empty(),
            "RPCs without an authorization entry (they are refused to everyone when a policy is set); \
             add a line per RPC to METHOD_ROLES in crates/server/src/auth.rs with the role it needs:\n{}",
            missing.join("\n")
        );
        let stale: Vec<_> = METHOD_ROLES
            .iter()
            .map(|(path, _)| *path)
            .filter(|path| !contract.iter().any(|c| c == path))
            .collect();
        assert!(
            stale.is_empty(),
            "METHOD_ROLES in crates/server/src/auth.rs names methods the contract does not have; remove them: {stale:?}"
        );
    }
}

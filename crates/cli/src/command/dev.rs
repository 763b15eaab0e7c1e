//! `judicial dev`: the whole suite in one process, on one port (gRPC,
//! gRPC-Web, JSON/HTTP and the console).

use judicial_registry::config::Seed;
use judicial_server::{Limits, Shutdown};

use crate::cli::DevArgs;
use crate::error::CliError;
use crate::output::{bold, dim};

/// Runs registry, router and notifier together until Ctrl-C.
pub async fn run(args: DevArgs) -> Result<(), CliError> {
    let format = match args.log_format.as_str() {
        "json" => judicial_server::LogFormat::Json,
        "text" => judicial_server::LogFormat::Text,
        other => {
            return Err(CliError::Usage(format!(
                "--log-format {other:?}: use text or json"
            )));
        }
    };
    judicial_server::telemetry::init(format);
    let utc_offset =
        judicial_server::config::parse_utc_offset(&args.utc_offset).map_err(CliError::Usage)?;
    judicial_server::stack::check_plaintext_bind(args.listen, false, false)
        .map_err(CliError::Usage)?;
    std::fs::create_dir_all(&args.data_dir)
        .map_err(|e| CliError::Local(format!("cannot create {}: {e}", args.data_dir.display())))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::Local(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::Local(e.to_string()))?;
    let self_url = format!("http://{addr}");

    let mut registry_config =
        judicial_registry::Config::for_data_dir(args.data_dir.join("registry"), Seed::Bundled);
    registry_config.home.home = args.home.to_ascii_uppercase();
    registry_config.home.utc_offset = utc_offset;
    registry_config.common.cors_allow_origin = args.cors_allow_origin.clone();
    let mut web =
        judicial_server::Web::from_args(&registry_config.common).map_err(CliError::Usage)?;
    web.console = true;
    let limits = Limits::from(&registry_config.common);
    let shutdown = Shutdown::new();
    shutdown.on_signals();

    let registry = std::sync::Arc::new(
        judicial_registry::Registry::open(&registry_config)
            .await
            .map_err(|e| CliError::Local(format!("registry: {e}")))?,
    );
    let (health, mut routes) =
        judicial_server::stack::base_routes(&registry_config.common, &shutdown)
            .await
            .map_err(CliError::Local)?;
    judicial_registry::add_routes(
        registry.clone(),
        &mut routes,
        &health,
        &limits,
        shutdown.clone(),
    )
    .await;

    // The router and notifier follow the registry over gRPC on this same
    // port, exactly as they do when deployed apart.
    let follow = || {
        judicial_client::connect_lazy(&self_url, &Default::default())
            .map_err(|e| CliError::Local(e.to_string()))
    };
    let mut router_config = judicial_router::Config::following(self_url.clone());
    router_config.home = registry_config.home.clone();
    judicial_router::add_routes(
        &router_config,
        follow()?,
        &mut routes,
        &health,
        &limits,
        shutdown.clone(),
    )
    .await;
    let mut notifier_config =
        judicial_notifier::Config::for_data_dir(args.data_dir.join("notifier"), self_url.clone());
    notifier_config.home = registry_config.home.clone();
    let notifier = judicial_notifier::add_routes(
        &notifier_config,
        follow()?,
        &mut routes,
        &health,
        &limits,
        shutdown.clone(),
    )
    .await
    .map_err(|e| CliError::Local(format!("notifier: {e}")))?;

    print_banner(&addr, &args.data_dir, registry.revision());
    let served = judicial_server::serve(
        routes.routes(),
        listener,
        &limits,
        &judicial_server::Security::default(),
        &web,
        shutdown.clone(),
    )
    .await;
    // Stop following and deriving before the stores are flushed and closed.
    shutdown.trigger();
    notifier.stopped().await;
    notifier
        .close()
        .map_err(|e| CliError::Local(format!("notifier: {e}")))?;
    registry
        .close()
        .map_err(|e| CliError::Local(format!("registry: {e}")))?;
    served.map_err(|e| CliError::Local(format!("serving {addr}: {e}")))?;
    eprintln!(
        "judicial dev: stopped cleanly; data flushed to {}",
        args.data_dir.display()
    );
    Ok(())
}

fn print_banner(addr: &std::net::SocketAddr, data_dir: &std::path::Path, revision: u64) {
    let endpoint = if addr.port() == 50051 && addr.ip().is_loopback() {
        String::new()
    } else {
        format!(" --endpoint http://{addr}")
    };
    crate::outln!(
        "{} on http://{addr}  (registry, router and notifier; health and reflection)",
        bold("Judicial Channels dev suite")
    );
    crate::outln!(
        "JSON/HTTP on http://{addr}/v1/  (OpenAPI at http://{addr}/v1/openapi.json; gRPC-Web too)"
    );
    crate::outln!("Console on http://{addr}/console/");
    crate::outln!(
        "{}",
        dim(&format!(
            "data in {} · registry revision {revision} · Ctrl-C stops and flushes",
            data_dir.display()
        ))
    );
    crate::outln!("\nTry, in another terminal:");
    crate::outln!("  judicial{endpoint} route FR civil service-of-documents");
    crate::outln!("  judicial{endpoint} route US criminal extradition --explain");
    crate::outln!("  judicial{endpoint} stats");
    crate::outln!("  judicial{endpoint} subscribe ministry-x --counterpart FR");
    crate::outln!(
        "  curl 'http://{addr}/v1/route?counterpart=FR&matter=MATTER_CIVIL_COMMERCIAL&assistance=ASSISTANCE_SERVICE_OF_DOCUMENTS'"
    );
}

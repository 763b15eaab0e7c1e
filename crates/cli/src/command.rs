//! Dispatch of the commands, and what they share: endpoints and parsing.

mod admin;
mod backup;
mod checklist;
mod dataset;
mod dev;
mod offences;
mod route;
mod stream;

use judicial_client::ClientTls;
use judicial_domain::{Assistance, CalendarDate, Matter};
use judicial_proto::v1 as pb;
use tonic::transport::{Certificate, ClientTlsConfig, Identity};

use crate::cli::{Cli, Command, Endpoints};
use crate::error::CliError;

/// Runs the chosen command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Context {
        endpoints: cli.endpoints,
        json: cli.json,
        endpoint_given: cli.endpoint_given,
    };
    match cli.command {
        Command::Dev(args) => dev::run(args).await,
        Command::Route(args) => route::route(&ctx, args).await,
        Command::Checklist(args) => checklist::checklist(&ctx, args).await,
        Command::Coverage(args) => route::coverage(&ctx, args).await,
        Command::Instruments(cmd) => admin::instruments(&ctx, cmd).await,
        Command::Import(args) => admin::import(&ctx, args).await,
        Command::Export(args) => admin::export(&ctx, args).await,
        Command::Stats(args) => admin::stats(&ctx, args).await,
        Command::Changes(args) if args.verify => backup::verify(&ctx).await,
        Command::Changes(args) => admin::changes(&ctx, args).await,
        Command::Backup(args) => backup::backup(&ctx, args).await,
        Command::Health(args) => admin::health(&ctx, args).await,
        Command::Watch(args) => stream::watch(&ctx, args).await,
        Command::Subscribe(args) => stream::subscribe(&ctx, args).await,
        Command::Dataset(crate::cli::DatasetCommand::Report(args)) => {
            dataset::report(&ctx, args).await
        }
        Command::Offences => {
            offences::run(ctx.json);
            Ok(())
        }
        Command::Certs(crate::cli::CertsCommand::Init { dir }) => {
            let files = judicial_server::certs::init(&dir).map_err(CliError::Local)?;
            for f in &files {
                crate::outln!("wrote {}", f.display());
            }
            crate::outln!(
                "\nIdentities are {{registry,router,notifier,reader,writer}}.{}; services take --tls-cert/--tls-key/--tls-client-ca/--policy, clients --tls-ca/--tls-cert/--tls-key.",
                judicial_server::certs::DOMAIN
            );
            Ok(())
        }
    }
}

/// Shared by every command.
pub struct Context {
    endpoints: Endpoints,
    json: bool,
    endpoint_given: bool,
}

/// Which service a call goes to.
#[derive(Debug, Clone, Copy)]
pub enum Service {
    Registry,
    Router,
    Notifier,
    /// Whatever --endpoint names (health checks).
    Any,
}

impl Context {
    /// The endpoint URL of a service.
    pub fn endpoint(&self, service: Service) -> String {
        let specific = match service {
            Service::Registry => &self.endpoints.registry_endpoint,
            Service::Router => &self.endpoints.router_endpoint,
            Service::Notifier => &self.endpoints.notifier_endpoint,
            Service::Any => &None,
        };
        specific
            .clone()
            .unwrap_or_else(|| self.endpoints.endpoint.clone())
    }

    /// A channel to a service.
    pub fn channel(
        &self,
        service: Service,
    ) -> Result<(String, tonic::transport::Channel), CliError> {
        let url = self.endpoint(service);
        let tls = self.tls()?;
        let channel = judicial_client::connect_lazy(&url, &tls)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Ok((url, channel))
    }

    fn tls(&self) -> Result<ClientTls, CliError> {
        let read = |p: &std::path::Path| {
            std::fs::read(p)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", p.display())))
        };
        if self.endpoints.tls_ca.is_none() && self.endpoints.tls_cert.is_none() {
            return Ok(ClientTls::default());
        }
        let mut config = ClientTlsConfig::new();
        if let Some(ca) = &self.endpoints.tls_ca {
            config = config.ca_certificate(Certificate::from_pem(read(ca)?));
        }
        if let (Some(cert), Some(key)) = (&self.endpoints.tls_cert, &self.endpoints.tls_key) {
            config = config.identity(Identity::from_pem(read(cert)?, read(key)?));
        }
        Ok(ClientTls {
            config: Some(config),
        })
    }

    /// Whether to print JSON.
    pub fn json(&self) -> bool {
        self.json
    }

    /// A request with the configured deadline.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(message);
        r.set_timeout(self.endpoints.timeout);
        r
    }
}

/// Parses `civil`, `civil-commercial` or `criminal`.
pub fn parse_matter(text: &str) -> Result<Matter, CliError> {
    match text.to_ascii_lowercase().replace('_', "-").as_str() {
        "civil" | "civil-commercial" | "commercial" => Ok(Matter::CivilCommercial),
        "criminal" => Ok(Matter::Criminal),
        other => Err(CliError::Usage(format!(
            "matter {other:?}: use civil or criminal"
        ))),
    }
}

/// Parses a kind of assistance (`service-of-documents`, `evidence`, ...).
pub fn parse_assistance(text: &str) -> Result<Assistance, CliError> {
    let normal = text.to_ascii_lowercase().replace('_', "-");
    let alias = match normal.as_str() {
        "service" => Some(Assistance::ServiceOfDocuments),
        "evidence" => Some(Assistance::TakingOfEvidence),
        "enforcement" | "recognition" | "judgment" | "judgments" => {
            Some(Assistance::RecognitionAndEnforcement)
        }
        "award" | "awards" | "arbitral-awards" => Some(Assistance::RecognitionOfArbitralAwards),
        "interim" | "preservation" => Some(Assistance::InterimMeasures),
        "transfer" => Some(Assistance::TransferOfSentencedPersons),
        _ => None,
    };
    alias.or_else(|| Assistance::parse(&normal)).ok_or_else(|| {
        let all: Vec<String> = Assistance::ALL
            .iter()
            .map(|a| a.as_str().replace('_', "-"))
            .collect();
        CliError::Usage(format!(
            "assistance {text:?}: use one of {}",
            all.join(", ")
        ))
    })
}

/// Parses `YYYY-MM-DD` into a wire date.
pub fn parse_date(text: &str, what: &str) -> Result<pb::Date, CliError> {
    let d = CalendarDate::parse(text)
        .ok_or_else(|| CliError::Usage(format!("{what} {text:?} is not a date like 2024-06-01")))?;
    Ok(judicial_proto::convert::calendar_to_proto(d))
}

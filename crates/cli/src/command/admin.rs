//! Registry administration: instruments, import/export, stats, the audit
//! trail, and health checks.

use std::path::Path;

use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use serde_json::json;
use tonic::transport::Channel;

use super::{Context, Service, parse_date};
use crate::cli::{ChangesArgs, ExportArgs, HealthArgs, ImportArgs, InstrumentsCommand, StatsArgs};
use crate::error::CliError;
use crate::output::{self, bold};

pub(super) fn registry(
    ctx: &Context,
) -> Result<(String, RegistryServiceClient<Channel>), CliError> {
    let (url, channel) = ctx.channel(Service::Registry)?;
    Ok((
        url,
        RegistryServiceClient::new(channel)
            .max_decoding_message_size(256 * 1024 * 1024)
            .max_encoding_message_size(256 * 1024 * 1024),
    ))
}

fn instrument_name(id: &str) -> String {
    if id.starts_with("instruments/") {
        id.to_owned()
    } else {
        format!("instruments/{id}")
    }
}

fn load(path: &Path) -> Result<judicial_dataset::Dataset, CliError> {
    judicial_dataset::load_path(path)
        .map_err(|e| CliError::Usage(format!("{}:\n{e}", path.display())))
}

/// `judicial instruments ...`.
pub async fn instruments(ctx: &Context, cmd: InstrumentsCommand) -> Result<(), CliError> {
    let (url, mut client) = registry(ctx)?;
    let fail = |s| CliError::from_status(&url, s);
    match cmd {
        InstrumentsCommand::List { filter, as_of } => {
            let as_of = as_of
                .as_deref()
                .map(|d| parse_date(d, "--as-of"))
                .transpose()?;
            let mut all = Vec::new();
            let mut token = String::new();
            loop {
                let request = pb::ListInstrumentsRequest {
                    page_size: 1000,
                    page_token: token,
                    filter: filter.clone(),
                    as_of,
                };
                let page = client
                    .list_instruments(ctx.request(request))
                    .await
                    .map_err(fail)?
                    .into_inner();
                all.extend(page.instruments);
                if page.next_page_token.is_empty() {
                    break;
                }
                token = page.next_page_token;
            }
            if ctx.json() {
                output::json(
                    &serde_json::to_value(
                        all.iter()
                            .map(convert::stored_instrument)
                            .collect::<Vec<_>>(),
                    )
                    .unwrap_or_default(),
                );
                return Ok(());
            }
            let mut t = output::table(&["id", "kind", "type", "parties", "title"]);
            for i in &all {
                let d = convert::stored_instrument(i);
                let parties = if d.parties.len() > 4 {
                    format!("{} parties", d.parties.len())
                } else {
                    d.parties
                        .iter()
                        .map(|p| p.jurisdiction.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                t.add_row(vec![
                    d.id.clone(),
                    d.kind.as_str().replace('_', " "),
                    d.treaty_type
                        .map(|t| t.as_str().replace('_', " "))
                        .unwrap_or_default(),
                    parties,
                    d.display_title().to_owned(),
                ]);
            }
            crate::outln!("{t}\n{} instruments", all.len());
        }
        InstrumentsCommand::Get { id } => {
            let i = client
                .get_instrument(ctx.request(pb::GetInstrumentRequest {
                    name: instrument_name(&id),
                }))
                .await
                .map_err(fail)?
                .into_inner();
            let d = convert::stored_instrument(&i);
            if ctx.json() {
                output::json(&serde_json::to_value(&d).unwrap_or_default());
            } else {
                let dataset = judicial_dataset::Dataset {
                    jurisdictions: Vec::new(),
                    instruments: vec![d],
                };
                crate::outln!(
                    "# instruments/{} · revision {} · etag {}",
                    i.id,
                    i.revision,
                    i.etag
                );
                crate::out!("{}", judicial_dataset::to_toml(&dataset));
            }
        }
        InstrumentsCommand::Create { file, reason } => {
            let dataset = load(&file)?;
            for inst in &dataset.instruments {
                let request = pb::CreateInstrumentRequest {
                    instrument: Some(convert::instrument_to_proto(inst)),
                    reason: reason.clone(),
                };
                let created = client
                    .create_instrument(ctx.request(request))
                    .await
                    .map_err(fail)?
                    .into_inner();
                crate::outln!("created {} at revision {}", created.name, created.revision);
            }
        }
        InstrumentsCommand::Update {
            file,
            mask,
            etag,
            reason,
        } => {
            let dataset = load(&file)?;
            let [inst] = dataset.instruments.as_slice() else {
                return Err(CliError::Usage(format!(
                    "{}: update takes a file with exactly one instrument",
                    file.display()
                )));
            };
            let mut message = convert::instrument_to_proto(inst);
            message.etag = etag;
            let request = pb::UpdateInstrumentRequest {
                instrument: Some(message),
                update_mask: (!mask.is_empty()).then_some(prost_types::FieldMask { paths: mask }),
                reason,
            };
            let updated = client
                .update_instrument(ctx.request(request))
                .await
                .map_err(fail)?
                .into_inner();
            crate::outln!(
                "updated {} at revision {} (etag {})",
                updated.name,
                updated.revision,
                updated.etag
            );
        }
        InstrumentsCommand::Delete { id, etag, reason } => {
            let request = pb::DeleteInstrumentRequest {
                name: instrument_name(&id),
                etag,
                reason,
            };
            client
                .delete_instrument(ctx.request(request))
                .await
                .map_err(fail)?;
            crate::outln!("deleted {}", instrument_name(&id));
        }
    }
    Ok(())
}

/// `judicial import`.
pub async fn import(ctx: &Context, args: ImportArgs) -> Result<(), CliError> {
    let dataset = load(&args.path)?;
    let (url, mut client) = registry(ctx)?;
    let bar = output::spinner(&format!(
        "importing {} instruments",
        dataset.instruments.len()
    ));
    let request = pb::ImportDatasetRequest {
        jurisdictions: dataset
            .jurisdictions
            .iter()
            .map(convert::jurisdiction_to_proto)
            .collect(),
        instruments: dataset
            .instruments
            .iter()
            .map(convert::instrument_to_proto)
            .collect(),
        reason: args.reason,
    };
    let result = client.import_dataset(ctx.request(request)).await;
    bar.finish_and_clear();
    let r = result
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    if ctx.json() {
        output::json(
            &json!({"revision": r.revision, "created": r.created, "updated": r.updated, "unchanged": r.unchanged}),
        );
    } else {
        crate::outln!(
            "imported {}: {} created, {} updated, {} unchanged; registry at revision {}",
            args.path.display(),
            r.created,
            r.updated,
            r.unchanged,
            r.revision
        );
    }
    Ok(())
}

/// `judicial export`.
pub async fn export(ctx: &Context, args: ExportArgs) -> Result<(), CliError> {
    let (url, mut client) = registry(ctx)?;
    let bar = output::spinner("exporting");
    let result = client
        .export_dataset(ctx.request(pb::ExportDatasetRequest {}))
        .await;
    bar.finish_and_clear();
    let r = result
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    let dataset = judicial_dataset::Dataset {
        jurisdictions: Vec::new(),
        instruments: r
            .instruments
            .iter()
            .map(convert::stored_instrument)
            .collect(),
    };
    let text = format!(
        "# exported from {url} at registry revision {}\n{}",
        r.revision,
        judicial_dataset::to_toml(&dataset)
    );
    match args.output {
        Some(path) => {
            std::fs::write(&path, text)
                .map_err(|e| CliError::Local(format!("cannot write {}: {e}", path.display())))?;
            eprintln!(
                "wrote {} instruments at revision {} to {}",
                dataset.instruments.len(),
                r.revision,
                path.display()
            );
        }
        None => crate::out!("{text}"),
    }
    Ok(())
}

/// `judicial stats`.
pub async fn stats(ctx: &Context, args: StatsArgs) -> Result<(), CliError> {
    let as_of = args
        .as_of
        .as_deref()
        .map(|d| parse_date(d, "--as-of"))
        .transpose()?;
    let (url, mut client) = registry(ctx)?;
    let s = client
        .get_stats(ctx.request(pb::GetStatsRequest { as_of }))
        .await
        .map_err(|e| CliError::from_status(&url, e))?
        .into_inner();
    let mut by_type: Vec<_> = s.instruments_by_treaty_type.iter().collect();
    by_type.sort();
    if ctx.json() {
        output::json(&json!({
            "revision": s.revision, "as_of": output::date(&s.as_of),
            "bilateral_treaties_in_force_by_type": s.instruments_by_treaty_type,
            "in_force": s.in_force, "uncertain": s.uncertain, "signed_not_in_force": s.signed_not_in_force, "terminated": s.terminated,
            "counterpart_states": s.counterpart_states, "multilateral_conventions_in_force": s.multilateral_conventions,
            "bilateral_treaties_recorded": s.bilateral_treaties, "arrangements_recorded": s.arrangements, "jurisdictions": s.jurisdictions,
            "bilateral_treaties_concluded_by_type": s.concluded_by_treaty_type, "concluded": s.concluded,
            "concluded_counterpart_states": s.concluded_counterpart_states, "concluded_undated": s.concluded_undated,
        }));
        return Ok(());
    }
    let in_force_treaties: i32 = by_type.iter().map(|(_, n)| **n).sum();
    let breakdown: Vec<String> = by_type
        .iter()
        .map(|(t, n)| format!("{n} {}", t.to_ascii_lowercase().replace('_', " ")))
        .collect();
    crate::outln!(
        "{} as of {} (registry revision {})",
        bold("Judicial assistance"),
        output::date(&s.as_of),
        s.revision
    );
    crate::outln!(
        "{in_force_treaties} bilateral treaties certainly in force with {} states: {}",
        s.counterpart_states,
        breakdown.join(", ")
    );
    let mut concluded: Vec<_> = s.concluded_by_treaty_type.iter().collect();
    concluded.sort();
    let concluded: Vec<String> = concluded
        .iter()
        .map(|(t, n)| format!("{n} {}", t.to_ascii_lowercase().replace('_', " ")))
        .collect();
    crate::outln!(
        "{} bilateral treaties concluded by then with {} states: {} ({} undated, not counted)",
        s.concluded,
        s.concluded_counterpart_states,
        concluded.join(", "),
        s.concluded_undated
    );
    let mut t = output::table(&["figure", "count"]);
    for (name, n) in [
        ("instruments in force", s.in_force),
        ("possibly in force (dates incomplete)", s.uncertain),
        ("signed or recorded, not in force", s.signed_not_in_force),
        ("terminated", s.terminated),
        (
            "multilateral conventions in force",
            s.multilateral_conventions,
        ),
        ("bilateral treaties recorded", s.bilateral_treaties),
        ("arrangements recorded", s.arrangements),
        ("jurisdictions", s.jurisdictions),
    ] {
        t.add_row(vec![name.to_owned(), n.to_string()]);
    }
    crate::outln!("{t}");
    Ok(())
}

/// `judicial changes`.
pub async fn changes(ctx: &Context, args: ChangesArgs) -> Result<(), CliError> {
    let (url, mut client) = registry(ctx)?;
    let request = pb::ListChangesRequest {
        page_size: args.limit,
        page_token: String::new(),
        filter: args.filter,
    };
    let page = client
        .list_changes(ctx.request(request))
        .await
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    if ctx.json() {
        output::json(&serde_json::Value::Array(
            page.changes
                .iter()
                .map(|c| json!({"revision": c.revision, "type": if c.r#type == pb::ChangeType::Delete as i32 { "DELETE" } else { "PUT" }, "name": c.name, "actor": c.actor, "time_seconds": c.time.map(|t| t.seconds), "reason": c.reason}))
                .collect(),
        ));
        return Ok(());
    }
    let mut t = output::table(&["revision", "change", "resource", "actor", "reason"]);
    for c in &page.changes {
        let kind = if c.r#type == pb::ChangeType::Delete as i32 {
            "delete"
        } else if c.before.is_none() {
            "create"
        } else {
            "update"
        };
        t.add_row(vec![
            c.revision.to_string(),
            kind.to_owned(),
            c.name.clone(),
            c.actor.clone(),
            c.reason.clone(),
        ]);
    }
    crate::outln!("{t}");
    if !page.next_page_token.is_empty() {
        crate::outln!("(more: raise --limit or narrow --filter)");
    }
    Ok(())
}

/// `judicial health`.
pub async fn health(ctx: &Context, args: HealthArgs) -> Result<(), CliError> {
    use tonic_health::pb::health_check_response::ServingStatus;
    let (url, channel) = ctx.channel(Service::Any)?;
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    let request = tonic_health::pb::HealthCheckRequest {
        service: args.service.clone(),
    };
    let status = if args.wait {
        let mut stream = client
            .watch(ctx.request(request))
            .await
            .map_err(|s| CliError::from_status(&url, s))?
            .into_inner();
        let mut last = ServingStatus::Unknown as i32;
        while let Some(update) = stream
            .message()
            .await
            .map_err(|s| CliError::from_status(&url, s))?
        {
            last = update.status;
            if last == ServingStatus::Serving as i32 {
                break;
            }
        }
        last
    } else {
        client
            .check(ctx.request(request))
            .await
            .map_err(|s| CliError::from_status(&url, s))?
            .into_inner()
            .status
    };
    let name = ServingStatus::try_from(status)
        .map(|s| s.as_str_name())
        .unwrap_or("UNKNOWN");
    crate::outln!(
        "{}{}: {name}",
        url,
        if args.service.is_empty() {
            String::new()
        } else {
            format!(" {}", args.service)
        }
    );
    if status == ServingStatus::Serving as i32 {
        Ok(())
    } else {
        Err(CliError::Server {
            endpoint: url,
            message: format!("not serving ({name})"),
        })
    }
}

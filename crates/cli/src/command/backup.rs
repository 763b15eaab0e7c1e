//! `judicial backup --to FILE` and `judicial changes --verify`: an online
//! snapshot of the registry for `judicial-registry --restore`, and the check
//! of the audit trail's hash chain.

use std::io::Write as _;

use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use serde_json::json;

use super::{Context, Service};
use crate::cli::BackupArgs;
use crate::error::CliError;
use crate::output;

/// Streams a backup into a temporary file beside `--to`, then renames it:
/// a failed backup never leaves a truncated file under the final name.
pub async fn backup(ctx: &Context, args: BackupArgs) -> Result<(), CliError> {
    let (url, channel) = ctx.channel(Service::Registry)?;
    let mut client = RegistryServiceClient::new(channel);
    // A backup may take longer than one request's deadline: none here.
    let mut stream = client
        .backup(pb::BackupRequest {})
        .await
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    let partial = args.to.with_extension("partial");
    let local = |e: std::io::Error, path: &std::path::Path| {
        CliError::Local(format!("{}: {e}", path.display()))
    };
    let mut file = std::fs::File::create(&partial).map_err(|e| local(e, &partial))?;
    let (mut bytes, mut revision) = (0usize, 0u64);
    while let Some(chunk) = stream
        .message()
        .await
        .map_err(|s| CliError::from_status(&url, s))?
    {
        file.write_all(&chunk.data)
            .map_err(|e| local(e, &partial))?;
        bytes += chunk.data.len();
        revision = chunk.revision;
    }
    file.sync_all().map_err(|e| local(e, &partial))?;
    std::fs::rename(&partial, &args.to).map_err(|e| local(e, &args.to))?;
    if ctx.json() {
        output::json(
            &json!({"file": args.to.display().to_string(), "revision": revision, "bytes": bytes}),
        );
    } else {
        crate::outln!(
            "backup of revision {revision} written to {} ({bytes} bytes); restore with: judicial-registry --restore {} --data-dir NEW_DIR",
            args.to.display(),
            args.to.display()
        );
    }
    Ok(())
}

/// Asks the registry to verify the change log's hash chain; fails (exit 1)
/// naming the first bad revision.
pub async fn verify(ctx: &Context) -> Result<(), CliError> {
    let (url, channel) = ctx.channel(Service::Registry)?;
    let mut client = RegistryServiceClient::new(channel);
    let v = client
        .verify_changes(ctx.request(pb::VerifyChangesRequest {}))
        .await
        .map_err(|s| CliError::from_status(&url, s))?
        .into_inner();
    if ctx.json() {
        output::json(&json!({
            "ok": v.ok, "first_revision": v.first_revision, "last_revision": v.last_revision,
            "records": v.records, "first_bad_revision": v.first_bad_revision,
            "first_bad_index": v.first_bad_index, "problem": v.problem,
        }));
    } else if v.ok {
        crate::outln!(
            "change log verified: {} records, revisions {}..={}, hash chain intact",
            v.records,
            v.first_revision,
            v.last_revision
        );
    }
    if v.ok {
        return Ok(());
    }
    Err(CliError::Server {
        endpoint: url,
        message: format!(
            "change log does not verify at revision {} (change {}): {}; {} records before it verified",
            v.first_bad_revision, v.first_bad_index, v.problem, v.records
        ),
    })
}

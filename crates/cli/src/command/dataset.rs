//! `judicial dataset report`: how complete and how well sourced a dataset
//! is, for the people who maintain it. The figures come from
//! `judicial_dataset::quality`, over the bundled data, a TOML directory, or a
//! running registry's export.

use judicial_dataset::quality::{self, FOUNDING_COUNTRIES, FOUNDING_FIGURES, Report};
use judicial_domain::Instrument;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use serde_json::json;

use crate::cli::DatasetReportArgs;
use crate::command::Context;
use crate::error::CliError;
use crate::output::{self, bold};

/// `judicial dataset report`.
pub async fn report(ctx: &Context, args: DatasetReportArgs) -> Result<(), CliError> {
    let (source, instruments) = instruments(ctx, &args).await?;
    let report = quality::report(&instruments, &args.home);
    let (closest, distance) = quality::closest_to_founding_figures(&instruments, &args.home);
    if ctx.json() {
        output::json(&json!({
            "source": source,
            "home": args.home,
            "report": report,
            "closest_to_founding_figures": { "concluded": closest, "distance": distance },
        }));
        return Ok(());
    }
    print_report(&source, &report);
    let founding: Vec<String> = FOUNDING_FIGURES
        .iter()
        .map(|(t, want)| {
            let have = closest.by_type.get(t).copied().unwrap_or(0);
            format!("{t} {have}/{want}")
        })
        .collect();
    crate::outln!(
        "\nClosest to the founding document's figures on {}: {} treaties with {} states (founding: 66 with {FOUNDING_COUNTRIES}); by type, dataset/founding: {}; distance {distance}.",
        closest.on,
        closest.total,
        closest.counterpart_states,
        founding.join(", ")
    );
    Ok(())
}

/// Reads the instruments to report on, and says where they came from.
async fn instruments(
    ctx: &Context,
    args: &DatasetReportArgs,
) -> Result<(String, Vec<Instrument>), CliError> {
    if ctx.endpoint_given {
        if args.data.is_some() {
            return Err(CliError::Usage(
                "dataset report: use --data or --endpoint, not both".to_owned(),
            ));
        }
        let (url, mut client) = super::admin::registry(ctx)?;
        let export = client
            .export_dataset(ctx.request(pb::ExportDatasetRequest {}))
            .await
            .map_err(|s| CliError::from_status(&url, s))?
            .into_inner();
        let instruments = export
            .instruments
            .iter()
            .map(convert::stored_instrument)
            .collect();
        return Ok((
            format!("registry {url} at revision {}", export.revision),
            instruments,
        ));
    }
    match &args.data {
        Some(path) => {
            let dataset = judicial_dataset::load_path(path)
                .map_err(|e| CliError::Usage(format!("dataset {}: {e}", path.display())))?;
            Ok((path.display().to_string(), dataset.instruments))
        }
        None => Ok((
            "bundled dataset".to_owned(),
            judicial_dataset::bundled().instruments.clone(),
        )),
    }
}

fn print_report(source: &str, r: &Report) {
    crate::outln!(
        "{} ({source}): {} bilateral treaties with {} states, {} multilateral conventions, {} arrangements",
        bold("Data quality"),
        r.bilateral_treaties,
        r.bilateral_counterparts,
        r.conventions.len(),
        r.arrangements
    );
    crate::outln!(
        "\n{} (known total: {})",
        bold("Bilateral treaties by type"),
        r.bilateral_known_total
    );
    let mut t = output::table(&[
        "type",
        "rows",
        "states",
        "entry into force",
        "in_force_as_of only",
        "neither",
        "titled",
        "1 source",
        "1 weak source",
        "conflicts",
        "known total",
    ]);
    for q in &r.treaty_types {
        t.add_row(vec![
            q.treaty_type.to_string(),
            q.rows.to_string(),
            q.counterparts.to_string(),
            q.entry_into_force.to_string(),
            q.in_force_as_of_only.to_string(),
            q.no_in_force_evidence.to_string(),
            q.with_title.to_string(),
            q.single_source.to_string(),
            q.single_weak_source.to_string(),
            q.conflicts.len().to_string(),
            q.known_total.to_owned(),
        ]);
    }
    crate::outln!("{t}");
    crate::outln!("\n{}", bold("Multilateral conventions"));
    let mut t = output::table(&[
        "convention",
        "parties",
        "with entry into force",
        "home a party",
        "known total",
        "completeness",
    ]);
    for c in &r.conventions {
        t.add_row(vec![
            c.id.clone(),
            c.parties.to_string(),
            c.with_entry_into_force.to_string(),
            if c.home_is_party { "yes" } else { "no" }.to_owned(),
            if c.known_total.is_empty() {
                "not recorded".to_owned()
            } else {
                c.known_total.to_owned()
            },
            c.completeness.clone(),
        ]);
    }
    crate::outln!("{t}");
    let conflicts: Vec<&str> = r
        .treaty_types
        .iter()
        .flat_map(|q| q.conflicts.iter().map(String::as_str))
        .chain(
            r.conventions
                .iter()
                .filter(|c| c.conflict_in_notes)
                .map(|c| c.id.as_str()),
        )
        .collect();
    crate::outln!(
        "\nConflicts between sources recorded in notes ({}): {}",
        conflicts.len(),
        conflicts.join(", ")
    );
}

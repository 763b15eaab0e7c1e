//! `judicial`: asks the Judicial Channels services through which channel to
//! cooperate, administers the registry, and runs the whole suite in one
//! process (`judicial dev`).

mod cli;
mod command;
mod error;
mod output;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

/// mimalloc instead of glibc's malloc: glibc's allocator took about a third
/// of the CPU in every benchmark scenario (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let matches = cli::Cli::command().get_matches();
    let mut cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.endpoint_given = ["endpoint", "registry_endpoint"].iter().any(|id| {
        !matches!(
            matches.value_source(id),
            None | Some(ValueSource::DefaultValue)
        )
    });
    match command::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("judicial: {e}");
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

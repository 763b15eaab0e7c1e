//! `judicial`: asks the Judicial Channels services through which channel to
//! cooperate, administers the registry, and runs the whole suite in one
//! process (`judicial dev`).

mod cli;
mod command;
mod error;
mod output;

use clap::Parser;

/// mimalloc instead of glibc's malloc: glibc's allocator took about a third
/// of the CPU in every benchmark scenario (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    match command::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("judicial: {e}");
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

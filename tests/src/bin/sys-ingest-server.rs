//! The real `ingest-server` command line, for the whole-system tests that run, SIGKILL and
//! restart it as a separate process.

use clap::Parser as _;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = ingest_server::cli::Cli::parse();
    match ingest_server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Galat: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! The real `ingest-server` command line, built by this crate so the ingest bench can run
//! it as a child process (`env!("CARGO_BIN_EXE_…")` names only the package's own binaries).

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

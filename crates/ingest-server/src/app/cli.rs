//! Command line: `serve` and the administrative commands.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::app::config::{Config, ConfigArgs, LogFormat};
use crate::storage::{Storage, StoreOptions, open_store_with};
use crate::{enrollment, helper_version, reference};

#[derive(Debug, Parser)]
#[command(
    name = "ingest-server",
    version,
    about = "Server Dinas: registrasi sekolah, penerimaan data Dapodik, progres kirim data."
)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server until SIGINT/SIGTERM.
    Serve,
    /// Reference data (kecamatan and schools of the kabupaten).
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
    /// Kode registrasi for school enrollment.
    KodeRegistrasi {
        #[command(subcommand)]
        command: KodeCommand,
    },
    /// Helper version policy (overrides the configuration).
    Version {
        #[command(subcommand)]
        command: VersionCommand,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Run one cleanup sweep (expired sessions, unreferenced batches) and exit.
    Sweep,
    /// Staff accounts of the district pages (`crate::staff::cli`).
    Staf {
        #[command(subcommand)]
        command: crate::staff::cli::StafCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
    /// Import (or re-import) the reference CSV; see docs for the columns.
    Import { file: PathBuf },
    /// Print the reference list as CSV.
    List,
}

#[derive(Debug, Subcommand)]
pub enum KodeCommand {
    /// Issue codes and write a CSV to print and hand out.
    Generate {
        /// Only these schools (repeatable); default: every active school.
        #[arg(long = "npsn")]
        npsn: Vec<String>,
        /// Only schools that have no code yet.
        #[arg(long, conflicts_with = "npsn")]
        missing_only: bool,
        /// Output CSV (mode 0600); default: the CSV on stdout, nothing left in the data dir.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Show the effective policy.
    Show,
    /// Change the policy.
    Set {
        #[arg(long)]
        latest: Option<String>,
        #[arg(long)]
        min: Option<String>,
        #[arg(long)]
        download_url: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
}

/// Installs the tracing subscriber (`RUST_LOG`, default `info`).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(&cli.config)?;
    init_tracing(config.log_format);
    if let Command::Serve = cli.command {
        let server = crate::app::start(config).await?;
        server.run_until_signal().await;
        return Ok(());
    }
    let options = StoreOptions {
        max_connections: 4,
        ..StoreOptions::default()
    };
    let store = open_store_with(&config.database_url, &options).await?;
    let result = admin(&config, &store, cli.command).await;
    store.close().await;
    result
}

async fn admin(config: &Config, shared: &Arc<Storage>, command: Command) -> anyhow::Result<()> {
    let store = shared.as_ref();
    match command {
        Command::Serve => unreachable!("handled by run"),
        Command::Migrate => println!("Migrasi basis data ({}) selesai.", store.backend().name()),
        Command::Staf { command } => crate::staff::cli::run(config, store, command).await?,
        Command::Sweep => {
            let r = crate::app::AppState::new(shared.clone(), config.clone())
                .sweep()
                .await?;
            println!(
                "Sesi kedaluwarsa: {}, batch dihapus: {}, sesi dihapus: {}, isi batch dihapus: {}",
                r.sessions_expired, r.batches_deleted, r.sessions_deleted, r.blobs_deleted
            );
        }
        Command::Reference {
            command: ReferenceCommand::Import { file },
        } => reference::cli::import(store, &file).await?,
        Command::Reference {
            command: ReferenceCommand::List,
        } => reference::cli::list(store).await?,
        Command::KodeRegistrasi {
            command:
                KodeCommand::Generate {
                    npsn,
                    missing_only,
                    out,
                },
        } => enrollment::cli::generate(store, &npsn, missing_only, out).await?,
        Command::Version { command } => helper_version::cli::run(config, store, command).await?,
    }
    Ok(())
}

//! Command line: `serve` and the administrative commands.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::{Config, ConfigArgs, LogFormat};
use crate::ops;
use crate::store::{Store, StoreOptions, open_store_with};

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
    /// Staff accounts of the district pages (`crate::web::cli`).
    Staf {
        #[command(subcommand)]
        command: crate::web::cli::StafCommand,
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
        /// Output CSV (default: <data_dir>/kode-registrasi-<timestamp>.csv).
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

async fn admin(config: &Config, shared: &Arc<dyn Store>, command: Command) -> anyhow::Result<()> {
    let store = shared.as_ref();
    match command {
        Command::Serve => unreachable!("handled by run"),
        Command::Migrate => println!("Migrasi basis data ({}) selesai.", store.backend().name()),
        Command::Staf { command } => crate::web::cli::run(config, store, command).await?,
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
        } => {
            let s = ops::import_reference(store, &file).await?;
            let c = s.counts;
            println!(
                "Impor referensi: {} sekolah di {} kecamatan. Sekolah baru {}, diperbarui {}, tetap {}, \
                 dinonaktifkan {}; kecamatan baru {}, diperbarui {}.",
                s.rows,
                s.kecamatan,
                c.sekolah_inserted,
                c.sekolah_updated,
                c.sekolah_unchanged,
                c.sekolah_deactivated,
                c.kecamatan_inserted,
                c.kecamatan_updated
            );
        }
        Command::Reference {
            command: ReferenceCommand::List,
        } => {
            let mut w = csv::Writer::from_writer(std::io::stdout());
            w.write_record([
                "npsn",
                "nama",
                "bentuk",
                "status",
                "kecamatan",
                "kode_kecamatan",
                "aktif",
            ])?;
            for s in store.reference_schools(None).await? {
                w.write_record([
                    s.npsn.as_str(),
                    &s.nama,
                    &s.bentuk,
                    &s.status,
                    &s.kecamatan,
                    &s.kode_kecamatan,
                    if s.aktif { "ya" } else { "tidak" },
                ])?;
            }
            w.flush()?;
        }
        Command::KodeRegistrasi {
            command:
                KodeCommand::Generate {
                    npsn,
                    missing_only,
                    out,
                },
        } => {
            let selection = if missing_only {
                ops::Selection::Missing
            } else if npsn.is_empty() {
                ops::Selection::All
            } else {
                ops::Selection::Npsn(&npsn)
            };
            let codes = ops::generate_kode_registrasi_with(store, selection).await?;
            let path = out.unwrap_or_else(|| {
                let stamp = crate::domain::time::wib(crate::domain::time::now_ms())
                    .replace([' ', ':'], "-");
                config.data_dir.join(format!("kode-registrasi-{stamp}.csv"))
            });
            ops::write_kode_csv(&path, &codes)?;
            println!(
                "{} kode registrasi dibuat; kode lama sekolah tersebut tidak berlaku lagi. Daftar untuk dicetak: {}",
                codes.len(),
                path.display()
            );
        }
        Command::Version { command } => {
            let info = match command {
                VersionCommand::Show => {
                    crate::domain::version::effective(store, &config.version.info()).await?
                }
                VersionCommand::Set {
                    latest,
                    min,
                    download_url,
                    notes,
                } => {
                    ops::set_version_policy(
                        store,
                        &config.version.info(),
                        latest.as_deref(),
                        min.as_deref(),
                        download_url.as_deref(),
                        notes.as_deref(),
                    )
                    .await?
                }
            };
            println!("{}", serde_json::to_string_pretty(&info)?);
        }
    }
    Ok(())
}

//! Command line: `generate`, `import-fixtures`, `serve`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use dapodik_sim::{Faults, GenerateOptions, ImportOptions, PreambleScope};

#[derive(Parser)]
#[command(
    name = "dapodik-sim",
    version,
    about = "Dapodik Web Service simulator and synthetic kabupaten generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Preamble {
    Off,
    EmptyData,
    All,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a deterministic synthetic kabupaten into a data dir.
    Generate {
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        /// Number of kabupaten schools (same composition, scaled).
        #[arg(long, default_value_t = dapodik_sim::generate::DEFAULT_SCHOOLS)]
        schools: usize,
        /// Also generate SMA/SMK/SLB (province-governed forms).
        #[arg(long)]
        with_province_schools: bool,
    },
    /// Add the fixture school (NPSN 20599901) to a data dir.
    ImportFixtures {
        /// Folder of the fixture bodies (default: the repository's
        /// crates/dapodik-fixtures/webservice, or $DAPODIK_FIXTURES).
        #[arg(long)]
        from: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        token: Option<String>,
        #[arg(long)]
        username: Option<String>,
    },
    /// Serve a data dir like the Dapodik Web Service.
    Serve {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:5774")]
        bind: SocketAddr,
        /// Added delay per request (ms).
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Send only this many body bytes, then abort the connection.
        #[arg(long)]
        cut_body_after: Option<usize>,
        /// Share of requests answered with a server error (0.0–1.0).
        #[arg(long, default_value_t = 0.0)]
        server_error_rate: f64,
        /// Status of injected server errors (200 = PHP error page with 200).
        #[arg(long, default_value_t = 500)]
        server_error_status: u16,
        /// Prefix error bodies with a raw "HTTP/1.0 403 Forbidden" block.
        #[arg(long, value_enum, default_value = "off")]
        error_preamble: Preamble,
        /// Answer "Semester tidak ditemukan".
        #[arg(long)]
        semester_inactive: bool,
        /// Registered IP override, NPSN=IP (repeatable).
        #[arg(long, value_name = "NPSN=IP")]
        ip_override: Vec<String>,
        /// Limit the switches to these NPSNs (repeatable).
        #[arg(long, value_name = "NPSN")]
        only_npsn: Vec<String>,
    },
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub fn run() -> Result<()> {
    init_logging();
    match Cli::parse().command {
        Command::Generate {
            seed,
            out,
            schools,
            with_province_schools,
        } => {
            let opts = GenerateOptions {
                seed,
                schools,
                with_province_schools,
            };
            let summary = dapodik_sim::generate(&opts, &out)?;
            println!("generated {summary} -> {}", out.display());
        }
        Command::ImportFixtures {
            from,
            out,
            token,
            username,
        } => {
            let from = from.unwrap_or_else(dapodik_sim::fixtures_dir);
            let s = dapodik_sim::import_fixtures(&from, &out, &ImportOptions { token, username })?;
            println!(
                "imported fixture school {} (token {}, username {}) -> {}",
                s.npsn,
                s.token,
                s.username,
                out.display()
            );
        }
        Command::Serve {
            data,
            bind,
            latency_ms,
            cut_body_after,
            server_error_rate,
            server_error_status,
            error_preamble,
            semester_inactive,
            ip_override,
            only_npsn,
        } => {
            let mut overrides = BTreeMap::new();
            for item in ip_override {
                let Some((npsn, ip)) = item.split_once('=') else {
                    bail!("--ip-override expects NPSN=IP, got {item:?}");
                };
                overrides.insert(npsn.to_string(), ip.to_string());
            }
            let faults = Faults {
                latency_ms,
                cut_body_after,
                server_error_rate,
                server_error_status,
                error_preamble: match error_preamble {
                    Preamble::Off => PreambleScope::Off,
                    Preamble::EmptyData => PreambleScope::EmptyData,
                    Preamble::All => PreambleScope::All,
                },
                semester_inactive,
                ip_override: overrides,
                only_npsn: (!only_npsn.is_empty())
                    .then(|| only_npsn.into_iter().collect::<BTreeSet<_>>()),
            };
            let rt = tokio::runtime::Runtime::new().context("starting tokio")?;
            let served = rt.block_on(async {
                let sim = dapodik_sim::spawn_with(&data, bind, faults).await?;
                tokio::signal::ctrl_c()
                    .await
                    .context("waiting for Ctrl-C")?;
                tracing::info!("shutting down");
                sim.shutdown().await?;
                tracing::info!("stopped");
                anyhow::Ok(())
            });
            // Idle blocking-pool threads (file reads) need not hold up the exit.
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            served?;
        }
    }
    Ok(())
}

//! Where configuration comes from besides the defaults: flags (with their `INGEST_…`
//! environment variables) and the configuration file (TOML, or JSON by name).

use crate::app::config::*;
use anyhow::Context as _;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Flags (each also read from its `INGEST_…` environment variable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Configuration file (`.toml` or `.json`).
    #[arg(long, env = "INGEST_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST/DB.
    #[arg(long, env = "INGEST_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Data directory (SQLite file, generated CSVs).
    #[arg(long, env = "INGEST_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on, e.g. 0.0.0.0:8080.
    #[arg(long, env = "INGEST_BIND", global = true)]
    pub bind: Option<String>,
    /// Public base URL of this server (e.g. https://backbone.example.go.id).
    #[arg(long, env = "INGEST_PUBLIC_BASE_URL", global = true)]
    pub public_base_url: Option<String>,
    /// Latest helper version.
    #[arg(long, env = "INGEST_VERSION_LATEST", global = true)]
    pub version_latest: Option<String>,
    /// Minimum helper version allowed to send.
    #[arg(long, env = "INGEST_VERSION_MIN", global = true)]
    pub version_min: Option<String>,
    /// Where operators download the helper.
    #[arg(long, env = "INGEST_DOWNLOAD_URL", global = true)]
    pub download_url: Option<String>,
    /// Release notes shown by the helper.
    #[arg(long, env = "INGEST_VERSION_NOTES", global = true)]
    pub version_notes: Option<String>,
    #[arg(long, env = "INGEST_SESSION_TTL_SECS", global = true)]
    pub session_ttl_secs: Option<u64>,
    /// 0 disables the periodic sweep.
    #[arg(long, env = "INGEST_SWEEP_INTERVAL_SECS", global = true)]
    pub sweep_interval_secs: Option<u64>,
    #[arg(long, env = "INGEST_CLOSED_SESSION_RETENTION_SECS", global = true)]
    pub closed_session_retention_secs: Option<u64>,
    #[arg(long, env = "INGEST_BLOB_GRACE_SECS", global = true)]
    pub blob_grace_secs: Option<u64>,
    #[arg(long, env = "INGEST_SHUTDOWN_GRACE_SECS", global = true)]
    pub shutdown_grace_secs: Option<u64>,
    #[arg(long, env = "INGEST_ENROLL_MAX_FAILURES_PER_IP", global = true)]
    pub enroll_max_failures_per_ip: Option<u32>,
    #[arg(long, env = "INGEST_ENROLL_MAX_FAILURES_PER_NPSN", global = true)]
    pub enroll_max_failures_per_npsn: Option<u32>,
    #[arg(long, env = "INGEST_ENROLL_FAILURE_WINDOW_SECS", global = true)]
    pub enroll_failure_window_secs: Option<u64>,
    #[arg(long, env = "INGEST_TOKEN_RATE_PER_SEC", global = true)]
    pub token_rate_per_sec: Option<f64>,
    #[arg(long, env = "INGEST_TOKEN_BURST", global = true)]
    pub token_burst: Option<u32>,
    #[arg(long, env = "INGEST_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: Option<bool>,
    #[arg(long, env = "INGEST_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
    #[arg(long, env = "INGEST_LOG_FORMAT", value_enum, global = true)]
    pub log_format: Option<LogFormat>,
    #[command(flatten)]
    pub web: crate::app::site_config::WebArgs,
}

/// The optional configuration file (every key optional; unknown keys are errors).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub bind: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub public_base_url: Option<String>,
    pub version: Option<VersionFile>,
    pub session_ttl_secs: Option<u64>,
    pub sweep_interval_secs: Option<u64>,
    pub closed_session_retention_secs: Option<u64>,
    pub blob_grace_secs: Option<u64>,
    pub shutdown_grace_secs: Option<u64>,
    pub rate_limit: Option<RateLimitFile>,
    pub trust_forwarded_for: Option<bool>,
    pub db_max_connections: Option<u32>,
    pub log_format: Option<LogFormat>,
    pub downloads_dir: Option<PathBuf>,
    pub site: Option<crate::app::site_config::SiteFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionFile {
    pub latest: Option<String>,
    pub min: Option<String>,
    pub download_url: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitFile {
    pub enroll_max_failures_per_ip: Option<u32>,
    pub enroll_max_failures_per_npsn: Option<u32>,
    pub enroll_failure_window_secs: Option<u64>,
    pub token_rate_per_sec: Option<f64>,
    pub token_burst: Option<u32>,
}

impl ConfigFile {
    /// Reads a `.json` file as JSON, anything else as TOML.
    pub fn read(path: &Path) -> anyhow::Result<ConfigFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("tidak dapat membaca {}", path.display()))?;
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            serde_json::from_str(&text)
                .with_context(|| format!("berkas konfigurasi {} tidak valid", path.display()))
        } else {
            toml::from_str(&text)
                .with_context(|| format!("berkas konfigurasi {} tidak valid", path.display()))
        }
    }
}

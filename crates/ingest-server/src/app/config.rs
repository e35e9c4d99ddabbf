//! Server configuration: defaults ← optional file (TOML or JSON) ← environment ← flags.
//!
//! | flag | environment | file key | default |
//! |---|---|---|---|
//! | `--config` | `INGEST_CONFIG` | – | none |
//! | `--bind` | `INGEST_BIND` | `bind` | `0.0.0.0:8080` |
//! | `--database-url` | `INGEST_DATABASE_URL` | `database_url` | `sqlite://<data_dir>/ingest.sqlite` |
//! | `--data-dir` | `INGEST_DATA_DIR` | `data_dir` | `./data` |
//! | `--public-base-url` | `INGEST_PUBLIC_BASE_URL` | `public_base_url` | `http://localhost:8080` |
//! | `--version-latest` | `INGEST_VERSION_LATEST` | `version.latest` | this build's version |
//! | `--version-min` | `INGEST_VERSION_MIN` | `version.min` | this build's version |
//! | `--download-url` | `INGEST_DOWNLOAD_URL` | `version.download_url` | `<public_base_url>/unduhan` |
//! | `--version-notes` | `INGEST_VERSION_NOTES` | `version.notes` | empty |
//! | `--session-ttl-secs` | `INGEST_SESSION_TTL_SECS` | `session_ttl_secs` | 86400 |
//! | `--sweep-interval-secs` | `INGEST_SWEEP_INTERVAL_SECS` | `sweep_interval_secs` | 60 |
//! | `--closed-session-retention-secs` | `INGEST_CLOSED_SESSION_RETENTION_SECS` | `closed_session_retention_secs` | 604800 |
//! | `--shutdown-grace-secs` | `INGEST_SHUTDOWN_GRACE_SECS` | `shutdown_grace_secs` | 60 |
//! | `--enroll-max-failures-per-ip` | `INGEST_ENROLL_MAX_FAILURES_PER_IP` | `rate_limit.enroll_max_failures_per_ip` | 20 |
//! | `--enroll-max-failures-per-npsn` | `INGEST_ENROLL_MAX_FAILURES_PER_NPSN` | `rate_limit.enroll_max_failures_per_npsn` | 5 |
//! | `--enroll-failure-window-secs` | `INGEST_ENROLL_FAILURE_WINDOW_SECS` | `rate_limit.enroll_failure_window_secs` | 900 |
//! | `--token-rate-per-sec` | `INGEST_TOKEN_RATE_PER_SEC` | `rate_limit.token_rate_per_sec` | 50 |
//! | `--token-burst` | `INGEST_TOKEN_BURST` | `rate_limit.token_burst` | 200 |
//! | `--trust-forwarded-for` | `INGEST_TRUST_FORWARDED_FOR` | `trust_forwarded_for` | false |
//! | `--db-max-connections` | `INGEST_DB_MAX_CONNECTIONS` | `db_max_connections` | 16 |
//! | `--log-format` | `INGEST_LOG_FORMAT` | `log_format` | `text` (`json` for machines) |
//!
//! Page settings (`downloads_dir`, `[site]` district texts): see `crate::app::site_config`.
//!
//! Log verbosity follows `RUST_LOG` (default `info`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use shared_model::protocol::VersionInfo;

/// The helper version policy as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionConfig {
    pub latest: String,
    pub min: String,
    pub download_url: String,
    pub notes: String,
}

impl VersionConfig {
    pub fn info(&self) -> VersionInfo {
        VersionInfo {
            latest_version: self.latest.clone(),
            min_version: self.min.clone(),
            download_url: self.download_url.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// Limits on failed enrollments and per-token request rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimitConfig {
    /// Failed enrollments one client address may make per window.
    pub enroll_max_failures_per_ip: u32,
    /// Failed enrollments for one NPSN per window (whatever the address).
    pub enroll_max_failures_per_npsn: u32,
    pub enroll_failure_window_secs: u64,
    /// Sustained requests per second one school token may make.
    pub token_rate_per_sec: f64,
    /// Requests a token may make in a burst.
    pub token_burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            enroll_max_failures_per_ip: 20,
            enroll_max_failures_per_npsn: 5,
            enroll_failure_window_secs: 900,
            token_rate_per_sec: 50.0,
            token_burst: 200,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The resolved configuration of a server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub bind: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub data_dir: PathBuf,
    /// How the district reaches this server (links, download URL default).
    pub public_base_url: String,
    pub version: VersionConfig,
    /// An open session expires after this long without activity.
    pub session_ttl_secs: u64,
    pub sweep_interval_secs: u64,
    /// Closed sessions (committed/expired/superseded) are kept this long for status reads.
    pub closed_session_retention_secs: u64,
    /// Unreferenced stored batch bodies younger than this survive the sweep.
    pub blob_grace_secs: u64,
    /// On shutdown, in-flight requests get this long to finish.
    pub shutdown_grace_secs: u64,
    pub rate_limit: RateLimitConfig,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy only).
    pub trust_forwarded_for: bool,
    pub db_max_connections: u32,
    pub log_format: LogFormat,
    /// Files offered on `/unduhan` (see `crate::app::site_config`).
    pub downloads_dir: PathBuf,
    /// District texts of the pages.
    pub site: crate::app::site_config::SiteTexts,
}

impl Config {
    /// Defaults for a data directory (SQLite file inside it).
    pub fn with_data_dir(data_dir: &Path) -> Config {
        let public_base_url = "http://localhost:8080".to_owned();
        Config {
            bind: SocketAddr::from(([0, 0, 0, 0], 8080)),
            database_url: sqlite_url(data_dir),
            data_dir: data_dir.to_path_buf(),
            version: VersionConfig {
                latest: env!("CARGO_PKG_VERSION").to_owned(),
                min: env!("CARGO_PKG_VERSION").to_owned(),
                download_url: format!("{public_base_url}/unduhan"),
                notes: String::new(),
            },
            public_base_url,
            session_ttl_secs: 24 * 3600,
            sweep_interval_secs: 60,
            closed_session_retention_secs: 7 * 24 * 3600,
            blob_grace_secs: 3600,
            shutdown_grace_secs: 60,
            rate_limit: RateLimitConfig::default(),
            trust_forwarded_for: false,
            db_max_connections: 16,
            log_format: LogFormat::Text,
            downloads_dir: data_dir.join("unduhan"),
            site: crate::app::site_config::SiteTexts::default(),
        }
    }

    /// For tests and embedding: `127.0.0.1:0`, SQLite in `data_dir` unless `database_url`
    /// is given, helper versions `0.1.0`, per-token limits high enough never to throttle a
    /// test, and no periodic sweep (call `RunningServer::sweep_now`).
    pub fn for_tests(data_dir: &Path, database_url: Option<String>) -> Config {
        let mut c = Config::with_data_dir(data_dir);
        c.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        if let Some(url) = database_url {
            c.database_url = url;
        }
        c.public_base_url = "http://127.0.0.1".into();
        c.version = VersionConfig {
            latest: "0.1.0".into(),
            min: "0.1.0".into(),
            download_url: "http://127.0.0.1/unduhan".into(),
            notes: String::new(),
        };
        c.sweep_interval_secs = 0;
        c.shutdown_grace_secs = 30;
        c.rate_limit.token_rate_per_sec = 100_000.0;
        c.rate_limit.token_burst = 100_000;
        c.db_max_connections = 8;
        c
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_ttl_secs)
    }

    /// Loads the configuration from flags/environment (`args`) and the optional file.
    pub fn load(args: &ConfigArgs) -> anyhow::Result<Config> {
        let file = match &args.config {
            Some(path) => ConfigFile::read(path)?,
            None => ConfigFile::default(),
        };
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("data"));
        let mut c = Config::with_data_dir(&data_dir);
        let fv = file.version.clone().unwrap_or_default();
        let fr = file.rate_limit.unwrap_or_default();

        if let Some(b) = args.bind.as_deref().or(file.bind.as_deref()) {
            c.bind = b
                .parse()
                .with_context(|| format!("alamat bind tidak valid: {b}"))?;
        }
        if let Some(u) = args.database_url.clone().or(file.database_url) {
            c.database_url = u;
        }
        if let Some(u) = args.public_base_url.clone().or(file.public_base_url) {
            c.public_base_url = u.trim_end_matches('/').to_owned();
        }
        c.version.download_url = format!("{}/unduhan", c.public_base_url);
        let pick = |flag: &Option<String>, file: Option<String>| flag.clone().or(file);
        if let Some(v) = pick(&args.version_latest, fv.latest) {
            c.version.latest = v;
        }
        if let Some(v) = pick(&args.version_min, fv.min) {
            c.version.min = v;
        }
        if let Some(v) = pick(&args.download_url, fv.download_url) {
            c.version.download_url = v;
        }
        if let Some(v) = pick(&args.version_notes, fv.notes) {
            c.version.notes = v;
        }
        layer(
            &mut c.session_ttl_secs,
            args.session_ttl_secs,
            file.session_ttl_secs,
        );
        layer(
            &mut c.sweep_interval_secs,
            args.sweep_interval_secs,
            file.sweep_interval_secs,
        );
        layer(
            &mut c.closed_session_retention_secs,
            args.closed_session_retention_secs,
            file.closed_session_retention_secs,
        );
        layer(
            &mut c.blob_grace_secs,
            args.blob_grace_secs,
            file.blob_grace_secs,
        );
        layer(
            &mut c.shutdown_grace_secs,
            args.shutdown_grace_secs,
            file.shutdown_grace_secs,
        );
        layer(
            &mut c.db_max_connections,
            args.db_max_connections,
            file.db_max_connections,
        );
        layer(
            &mut c.trust_forwarded_for,
            args.trust_forwarded_for,
            file.trust_forwarded_for,
        );
        layer(&mut c.log_format, args.log_format, file.log_format);
        layer(
            &mut c.rate_limit.enroll_max_failures_per_ip,
            args.enroll_max_failures_per_ip,
            fr.enroll_max_failures_per_ip,
        );
        layer(
            &mut c.rate_limit.enroll_max_failures_per_npsn,
            args.enroll_max_failures_per_npsn,
            fr.enroll_max_failures_per_npsn,
        );
        layer(
            &mut c.rate_limit.enroll_failure_window_secs,
            args.enroll_failure_window_secs,
            fr.enroll_failure_window_secs,
        );
        layer(
            &mut c.rate_limit.token_rate_per_sec,
            args.token_rate_per_sec,
            fr.token_rate_per_sec,
        );
        layer(
            &mut c.rate_limit.token_burst,
            args.token_burst,
            fr.token_burst,
        );
        crate::app::site_config::apply(&mut c, &args.web, file.downloads_dir, file.site);
        c.validate()?;
        Ok(c)
    }

    /// Rejects settings that cannot work.
    pub fn validate(&self) -> anyhow::Result<()> {
        for (name, v) in [
            ("version.latest", &self.version.latest),
            ("version.min", &self.version.min),
        ] {
            anyhow::ensure!(
                crate::helper_version::policy::is_valid_version(v),
                "{name} bukan versi semver: {v:?}"
            );
        }
        anyhow::ensure!(
            self.session_ttl_secs > 0,
            "session_ttl_secs harus lebih dari 0"
        );
        anyhow::ensure!(
            self.rate_limit.token_rate_per_sec > 0.0,
            "token_rate_per_sec harus lebih dari 0"
        );
        anyhow::ensure!(
            self.rate_limit.token_burst > 0,
            "token_burst harus lebih dari 0"
        );
        anyhow::ensure!(
            self.database_url.starts_with("sqlite:")
                || self.database_url.starts_with("postgres://")
                || self.database_url.starts_with("postgresql://"),
            "database_url harus diawali sqlite:// atau postgres://"
        );
        Ok(())
    }
}

/// `sqlite://<dir>/ingest.sqlite`.
/// `field` from the flag (or environment), else from the file, else unchanged.
fn layer<T>(field: &mut T, flag: Option<T>, file: Option<T>) {
    if let Some(v) = flag.or(file) {
        *field = v;
    }
}

pub use crate::app::config_sources::{ConfigArgs, ConfigFile, RateLimitFile, VersionFile};

pub fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("ingest.sqlite").display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ingest.toml");
        std::fs::write(
            &file,
            r#"
bind = "127.0.0.1:9000"
public_base_url = "https://backbone.example.go.id/"
session_ttl_secs = 3600
[version]
latest = "1.2.0"
min = "1.0.0"
[rate_limit]
token_burst = 500
"#,
        )
        .unwrap();
        let args = ConfigArgs {
            config: Some(file.clone()),
            data_dir: Some(dir.path().to_path_buf()),
            bind: Some("127.0.0.1:9100".into()),
            ..Default::default()
        };
        let c = Config::load(&args).unwrap();
        assert_eq!(c.bind.port(), 9100, "flag wins over file");
        assert_eq!(c.public_base_url, "https://backbone.example.go.id");
        assert_eq!(c.version.latest, "1.2.0");
        assert_eq!(
            c.version.download_url,
            "https://backbone.example.go.id/unduhan"
        );
        assert_eq!(c.session_ttl_secs, 3600);
        assert_eq!(c.rate_limit.token_burst, 500);
        assert_eq!(c.rate_limit.enroll_max_failures_per_npsn, 5, "default kept");
        assert!(
            c.database_url.starts_with("sqlite://") && c.database_url.ends_with("ingest.sqlite")
        );

        std::fs::write(&file, "bnd = \"x\"").unwrap();
        assert!(Config::load(&args).is_err(), "unknown keys are refused");
        let json = dir.path().join("ingest.json");
        std::fs::write(
            &json,
            r#"{"database_url": "postgres://postgres@127.0.0.1/x", "version": {"min": "0.0.9"}}"#,
        )
        .unwrap();
        let c = Config::load(&ConfigArgs {
            config: Some(json),
            ..Default::default()
        })
        .unwrap();
        assert!(c.database_url.starts_with("postgres://"));
        assert_eq!(c.version.min, "0.0.9");
    }
}

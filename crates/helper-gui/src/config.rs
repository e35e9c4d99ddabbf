//! Settings: the per-machine config file in the data folder, the machine-wide values set by
//! the installer, the environment and the command line.
//!
//! Precedence for the server and Dapodik addresses: command line > environment
//! (`DBHELPER_SERVER_URL`, `DBHELPER_DAPODIK_URL`) > machine-wide (Windows registry
//! `HKLM\SOFTWARE\Dispendik\DB Helper`, values `ServerUrl`, `DapodikUrl`, `NamaDinas`,
//! `AlamatDinas`, `TeleponDinas`; elsewhere `/etc/db-helper/config.toml`, or the file named by
//! `DBHELPER_MACHINE_CONFIG`) > the data folder's `config.toml` > built-in default (Dapodik only).
//!
//! The data folder's `config.toml` also remembers NPSN and username between runs. No secret
//! is ever written here: tokens live in the OS credential store ([`crate::secrets`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub const ENV_SERVER_URL: &str = "DBHELPER_SERVER_URL";
pub const ENV_DAPODIK_URL: &str = "DBHELPER_DAPODIK_URL";
pub const ENV_MACHINE_CONFIG: &str = "DBHELPER_MACHINE_CONFIG";
pub const ENV_DAPODIK_TOKEN: &str = "DBHELPER_DAPODIK_TOKEN";
/// Registry key (under HKEY_LOCAL_MACHINE) the MSI writes.
pub const REGISTRY_KEY: &str = r"SOFTWARE\Dispendik\DB Helper";
/// Machine-wide config file outside Windows.
pub const MACHINE_CONFIG_PATH: &str = "/etc/db-helper/config.toml";
pub const DEFAULT_DAPODIK_URL: &str = "http://localhost:5774";
/// Real schools answer slowly (per-row queries on a desktop PC): generous by default.
pub const DEFAULT_DAPODIK_TIMEOUT: Duration = Duration::from_secs(300);

/// The district shown in the footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DinasInfo {
    pub nama: String,
    #[serde(default)]
    pub alamat: Vec<String>,
    #[serde(default)]
    pub telepon: Option<String>,
}

impl Default for DinasInfo {
    fn default() -> Self {
        DinasInfo {
            nama: "DINAS PENDIDIKAN".to_owned(),
            alamat: Vec::new(),
            telepon: None,
        }
    }
}

/// The TOML file (same shape for the data folder and `/etc/db-helper/config.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileConfig {
    pub npsn: Option<String>,
    pub username_ops: Option<String>,
    pub server_url: Option<String>,
    pub dapodik_url: Option<String>,
    /// Seconds to wait for one Dapodik endpoint.
    pub dapodik_timeout_secs: Option<u64>,
    pub dinas: Option<DinasInfo>,
}

impl FileConfig {
    /// Reads the file; a missing file is an empty config. A broken file is reported, not
    /// silently replaced, so a sysadmin's typo is visible.
    pub fn load(path: &Path) -> Result<FileConfig, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Writes atomically (temporary file, then rename) so a power cut leaves the old or the
    /// new file, never half of one.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = toml::to_string_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("toml.tmp");
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(tmp, path)
    }
}

/// Values the installer (or the sysadmin) set for the whole machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineConfig {
    pub server_url: Option<String>,
    pub dapodik_url: Option<String>,
    pub dinas: Option<DinasInfo>,
}

impl MachineConfig {
    /// Reads the platform's machine-wide settings; missing means empty.
    pub fn load() -> MachineConfig {
        if let Some(path) = std::env::var_os(ENV_MACHINE_CONFIG).filter(|p| !p.is_empty()) {
            return Self::from_file(Path::new(&path));
        }
        Self::load_platform()
    }

    fn from_file(path: &Path) -> MachineConfig {
        match FileConfig::load(path) {
            Ok(f) => MachineConfig {
                server_url: f.server_url,
                dapodik_url: f.dapodik_url,
                dinas: f.dinas,
            },
            Err(e) => {
                tracing::warn!("konfigurasi mesin tidak terbaca: {e}");
                MachineConfig::default()
            }
        }
    }

    #[cfg(not(windows))]
    fn load_platform() -> MachineConfig {
        Self::from_file(Path::new(MACHINE_CONFIG_PATH))
    }

    #[cfg(windows)]
    fn load_platform() -> MachineConfig {
        use winreg::RegKey;
        use winreg::enums::HKEY_LOCAL_MACHINE;
        let Ok(key) = RegKey::predef(HKEY_LOCAL_MACHINE).open_subkey(REGISTRY_KEY) else {
            return MachineConfig::default();
        };
        let text = |name: &str| key.get_value::<String, _>(name).ok().and_then(non_empty);
        let lines = |name: &str| -> Vec<String> {
            if let Ok(v) = key.get_value::<Vec<String>, _>(name) {
                return v.into_iter().filter_map(non_empty).collect();
            }
            text(name)
                .map(|s| s.lines().filter_map(|l| non_empty(l.to_owned())).collect())
                .unwrap_or_default()
        };
        let dinas = text("NamaDinas").map(|nama| DinasInfo {
            nama,
            alamat: lines("AlamatDinas"),
            telepon: text("TeleponDinas"),
        });
        MachineConfig {
            server_url: text("ServerUrl"),
            dapodik_url: text("DapodikUrl"),
            dinas,
        }
    }
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Where a value came from (shown by `db-helper status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    CommandLine,
    Environment,
    Machine,
    UserFile,
    Default,
    Missing,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::CommandLine => "baris perintah",
            Source::Environment => "variabel lingkungan",
            Source::Machine => "pengaturan mesin (installer)",
            Source::UserFile => "config.toml",
            Source::Default => "bawaan",
            Source::Missing => "belum diatur",
        }
    }
}

/// The effective settings of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub server_url: Option<String>,
    pub server_url_source: Source,
    pub dapodik_url: String,
    pub dapodik_url_source: Source,
    pub dapodik_timeout: Duration,
    pub npsn: Option<String>,
    pub username_ops: Option<String>,
    pub dinas: DinasInfo,
    pub config_path: PathBuf,
}

/// Overrides from the command line.
#[derive(Debug, Clone, Default)]
pub struct CliOverrides {
    pub server_url: Option<String>,
    pub dapodik_url: Option<String>,
}

/// What the environment says (read once, injectable for tests).
#[derive(Debug, Clone, Default)]
pub struct EnvOverrides {
    pub server_url: Option<String>,
    pub dapodik_url: Option<String>,
}

impl EnvOverrides {
    pub fn from_env() -> Self {
        let get = |k: &str| std::env::var(k).ok().and_then(non_empty);
        EnvOverrides {
            server_url: get(ENV_SERVER_URL),
            dapodik_url: get(ENV_DAPODIK_URL),
        }
    }
}

fn pick(candidates: [(Option<String>, Source); 4]) -> (Option<String>, Source) {
    for (v, s) in candidates {
        if let Some(v) = v.and_then(non_empty) {
            return (Some(v.trim_end_matches('/').to_owned()), s);
        }
    }
    (None, Source::Missing)
}

/// Combines the sources by precedence.
pub fn resolve(
    cli: &CliOverrides,
    env: &EnvOverrides,
    machine: &MachineConfig,
    user: &FileConfig,
    config_path: PathBuf,
) -> Settings {
    let (server_url, server_url_source) = pick([
        (cli.server_url.clone(), Source::CommandLine),
        (env.server_url.clone(), Source::Environment),
        (machine.server_url.clone(), Source::Machine),
        (user.server_url.clone(), Source::UserFile),
    ]);
    let (dapodik_url, dapodik_url_source) = match pick([
        (cli.dapodik_url.clone(), Source::CommandLine),
        (env.dapodik_url.clone(), Source::Environment),
        (machine.dapodik_url.clone(), Source::Machine),
        (user.dapodik_url.clone(), Source::UserFile),
    ]) {
        (Some(u), s) => (u, s),
        (None, _) => (DEFAULT_DAPODIK_URL.to_owned(), Source::Default),
    };
    Settings {
        server_url,
        server_url_source,
        dapodik_url,
        dapodik_url_source,
        dapodik_timeout: user
            .dapodik_timeout_secs
            .map_or(DEFAULT_DAPODIK_TIMEOUT, Duration::from_secs),
        npsn: user.npsn.clone().and_then(non_empty),
        username_ops: user.username_ops.clone().and_then(non_empty),
        dinas: machine
            .dinas
            .clone()
            .or_else(|| user.dinas.clone())
            .unwrap_or_default(),
        config_path,
    }
}

/// Loads everything for a data folder.
pub fn load(data_dir: &crate::paths::DataDir, cli: &CliOverrides) -> Result<Settings, String> {
    let path = data_dir.config_path();
    let user = FileConfig::load(&path)?;
    Ok(resolve(
        cli,
        &EnvOverrides::from_env(),
        &MachineConfig::load(),
        &user,
        path,
    ))
}

/// Remembers NPSN and username after a send (keeps every other key of the file).
pub fn remember_identity(path: &Path, npsn: &str, username: &str) -> std::io::Result<()> {
    let mut cfg = FileConfig::load(path).unwrap_or_default();
    if cfg.npsn.as_deref() == Some(npsn) && cfg.username_ops.as_deref() == Some(username) {
        return Ok(());
    }
    cfg.npsn = Some(npsn.to_owned());
    cfg.username_ops = Some(username.to_owned());
    cfg.save(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> FileConfig {
        FileConfig {
            npsn: Some("20599901".into()),
            username_ops: Some("op@x".into()),
            server_url: Some("https://user.example/".into()),
            dapodik_url: None,
            dapodik_timeout_secs: Some(30),
            dinas: Some(DinasInfo {
                nama: "DISPENDIK USER".into(),
                alamat: vec![],
                telepon: None,
            }),
        }
    }

    #[test]
    fn precedence_cli_env_machine_user() {
        let machine = MachineConfig {
            server_url: Some("https://dinas.example".into()),
            dapodik_url: None,
            dinas: Some(DinasInfo {
                nama: "DISPENDIK".into(),
                alamat: vec!["Jln. Dermojoyo No. 19".into()],
                telepon: None,
            }),
        };
        let p = PathBuf::from("c.toml");
        let s = resolve(
            &CliOverrides::default(),
            &EnvOverrides::default(),
            &machine,
            &user(),
            p.clone(),
        );
        assert_eq!(s.server_url.as_deref(), Some("https://dinas.example"));
        assert_eq!(s.server_url_source, Source::Machine);
        assert_eq!(s.dapodik_url, DEFAULT_DAPODIK_URL);
        assert_eq!(s.dinas.nama, "DISPENDIK");
        assert_eq!(s.dapodik_timeout, Duration::from_secs(30));

        let env = EnvOverrides {
            server_url: Some("http://env:1".into()),
            dapodik_url: Some("http://dapo:2".into()),
        };
        let s = resolve(&CliOverrides::default(), &env, &machine, &user(), p.clone());
        assert_eq!(s.server_url.as_deref(), Some("http://env:1"));
        assert_eq!(s.dapodik_url, "http://dapo:2");

        let cli = CliOverrides {
            server_url: Some("http://cli:3".into()),
            dapodik_url: None,
        };
        let s = resolve(&cli, &env, &machine, &user(), p.clone());
        assert_eq!(s.server_url.as_deref(), Some("http://cli:3"));
        assert_eq!(s.server_url_source, Source::CommandLine);

        let s = resolve(
            &CliOverrides::default(),
            &EnvOverrides::default(),
            &MachineConfig::default(),
            &user(),
            p,
        );
        assert_eq!(
            s.server_url.as_deref(),
            Some("https://user.example"),
            "trailing slash trimmed"
        );
        assert_eq!(s.dinas.nama, "DISPENDIK USER");
    }

    #[test]
    fn file_round_trip_and_remember() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(FileConfig::load(&path).unwrap(), FileConfig::default());
        user().save(&path).unwrap();
        assert_eq!(FileConfig::load(&path).unwrap(), user());
        remember_identity(&path, "20599902", "baru@x").unwrap();
        let back = FileConfig::load(&path).unwrap();
        assert_eq!(back.npsn.as_deref(), Some("20599902"));
        assert_eq!(back.server_url, user().server_url, "other keys kept");
        std::fs::write(&path, "npsn = [").unwrap();
        assert!(FileConfig::load(&path).is_err());
    }
}

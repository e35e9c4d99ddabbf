//! Where the helper keeps its files.
//!
//! Storage decision (see README): configuration, outbox and logs live **per machine** so a
//! scheduled task and every Windows user of a shared school PC resume the same unfinished
//! send; secrets live **per user** in the OS credential store.
//!
//! * Windows: `%ProgramData%\DB Helper` (the installer creates it writable for Users); if it
//!   cannot be created, `%LOCALAPPDATA%\DB Helper` (per user) is used instead.
//! * Linux and others: `$XDG_DATA_HOME/db-helper` (usually `~/.local/share/db-helper`).
//! * `--data-dir` or `DBHELPER_DATA_DIR` override both (tests, portable use).

use std::path::{Path, PathBuf};

pub const ENV_DATA_DIR: &str = "DBHELPER_DATA_DIR";

/// The resolved data folder and the files in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// From the CLI flag, else the environment, else the platform default.
    pub fn resolve(cli: Option<&Path>) -> Self {
        if let Some(p) = cli {
            return DataDir::new(p);
        }
        if let Some(p) = std::env::var_os(ENV_DATA_DIR).filter(|p| !p.is_empty()) {
            return DataDir::new(PathBuf::from(p));
        }
        DataDir::new(platform_default())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the folder (and the log folder) if missing.
    pub fn ensure(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(self.logs_dir())
    }

    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.toml")
    }

    pub fn outbox_path(&self) -> PathBuf {
        self.root.join("outbox.sqlite")
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.root.join("logs")
    }
}

#[cfg(windows)]
fn platform_default() -> PathBuf {
    let program_data = std::env::var_os("ProgramData")
        .map_or_else(|| PathBuf::from(r"C:\ProgramData"), PathBuf::from);
    let machine = program_data.join("DB Helper");
    if std::fs::create_dir_all(&machine).is_ok() && is_writable(&machine) {
        return machine;
    }
    std::env::var_os("LOCALAPPDATA").map_or(machine, |p| PathBuf::from(p).join("DB Helper"))
}

#[cfg(windows)]
fn is_writable(dir: &Path) -> bool {
    let probe = dir.join(".tulis-uji");
    let ok = std::fs::write(&probe, b"ok").is_ok();
    let _ = std::fs::remove_file(probe);
    ok
}

#[cfg(not(windows))]
fn platform_default() -> PathBuf {
    directories::ProjectDirs::from("id", "Dispendik", "db-helper")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("db-helper-data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_live_under_the_root() {
        let d = DataDir::resolve(Some(Path::new("/tmp/x")));
        assert_eq!(d.outbox_path(), Path::new("/tmp/x/outbox.sqlite"));
        assert_eq!(d.config_path(), Path::new("/tmp/x/config.toml"));
        assert_eq!(d.logs_dir(), Path::new("/tmp/x/logs"));
        assert!(!platform_default().as_os_str().is_empty());
    }
}

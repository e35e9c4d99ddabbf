//! `db-helper` as a child process: the commands the benchmark runs and what it reads back
//! from their output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use dapodik_sim::data_dir::Credential;

/// One finished `db-helper` process.
pub struct Run {
    pub wall: Duration,
    pub peak_rss_kib: Option<u64>,
    pub raw_bytes: u64,
    pub wire_bytes: u64,
    pub ok: bool,
    pub output: String,
}

/// The `db-helper` binary built beside this one.
pub fn helper_exe() -> Result<PathBuf> {
    let helper = std::env::current_exe()?.with_file_name(if cfg!(windows) {
        "db-helper.exe"
    } else {
        "db-helper"
    });
    if !helper.exists() {
        bail!(
            "{} not found: build with `cargo build --release -p helper-gui -p bench --bins`",
            helper.display()
        );
    }
    Ok(helper)
}

/// The helper as the benchmark school runs it.
pub struct Helper {
    pub exe: PathBuf,
    /// The plain-file secret store every run shares (`test-support`).
    pub secret_file: PathBuf,
    pub server_url: String,
    pub dapodik_url: String,
    pub cred: Credential,
}

impl Helper {
    /// `db-helper kirim` on the data folder `dir`; `kode` for the first send of a PC.
    pub fn kirim(&self, dir: &Path, kode: Option<&str>) -> Command {
        let mut c = Command::new(&self.exe);
        c.env("DBHELPER_DATA_DIR", dir)
            .env("DBHELPER_TEST_SECRET_FILE", &self.secret_file)
            .env("DBHELPER_MACHINE_CONFIG", dir.join("tidak-ada.toml"))
            .env("DBHELPER_REPORT_PEAK_RSS", "1")
            .env("DBHELPER_DAPODIK_TOKEN", &self.cred.token);
        c.args([
            "kirim",
            "--npsn",
            &self.cred.npsn,
            "--username",
            &self.cred.username,
        ])
        .args([
            "--server-url",
            &self.server_url,
            "--dapodik-url",
            &self.dapodik_url,
        ]);
        if let Some(k) = kode {
            c.args(["--kode-registrasi", k]);
        }
        c
    }
}

/// Runs `cmd` to the end, timing it and reading its figures.
pub fn run(mut cmd: Command) -> Result<Run> {
    let started = Instant::now();
    let out = cmd.output().context("starting db-helper")?;
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let (raw_bytes, wire_bytes) = parse_sizes(&stdout);
    Ok(Run {
        wall,
        peak_rss_kib: peak_rss(&stderr),
        raw_bytes,
        wire_bytes,
        ok: out.status.success(),
        output: format!("{stdout}\n{stderr}"),
    })
}

fn parse_sizes(stdout: &str) -> (u64, u64) {
    // "  Ukuran: 123 byte data Dapodik, 45 byte terkirim lewat jaringan"
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("Ukuran:"))
        .unwrap_or_default();
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    (
        nums.first().copied().unwrap_or(0),
        nums.get(1).copied().unwrap_or(0),
    )
}

/// `DBHELPER_REPORT_PEAK_RSS=1` makes db-helper print `peak_rss_kib=N` on stderr at exit.
fn peak_rss(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kib="))
        .and_then(|v| v.trim().parse().ok())
}

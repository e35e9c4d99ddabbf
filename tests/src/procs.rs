//! Child processes of the whole-system tests: the real `ingest-server` (SIGKILLed and
//! restarted on the same port and data) and the real `db-helper kirim`.
//!
//! Every child is started with `kill_on_drop`, so a failing test never leaves one behind.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

/// Paths of the wrapper binaries (set by the integration tests with `env!`).
#[derive(Debug, Clone)]
pub struct Binaries {
    pub ingest_server: PathBuf,
    pub db_helper: PathBuf,
}

/// A free TCP port on 127.0.0.1 (bound to 0, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// A real `ingest-server serve` process with fixed environment, port and data.
pub struct ServerProc {
    bin: PathBuf,
    env: BTreeMap<String, String>,
    pub addr: SocketAddr,
    log_dir: PathBuf,
    child: Option<Child>,
    starts: u32,
    http: reqwest::Client,
}

impl ServerProc {
    /// `database_url`: `sqlite://…` or `postgres://…`; `data_dir` keeps the server's files.
    pub fn new(bin: &Path, data_dir: &Path, database_url: &str, log_dir: &Path) -> ServerProc {
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let mut env = BTreeMap::new();
        for (k, v) in [
            ("INGEST_DATA_DIR", data_dir.display().to_string()),
            ("INGEST_DATABASE_URL", database_url.to_owned()),
            ("INGEST_BIND", addr.to_string()),
            ("INGEST_PUBLIC_BASE_URL", format!("http://{addr}")),
            (
                "INGEST_DOWNLOADS_DIR",
                data_dir.join("unduhan").display().to_string(),
            ),
            ("INGEST_SHUTDOWN_GRACE_SECS", "5".into()),
            ("RUST_LOG", "warn,ingest_server=warn".into()),
        ] {
            env.insert(k.to_owned(), v);
        }
        ServerProc {
            bin: bin.to_owned(),
            env,
            addr,
            log_dir: log_dir.to_owned(),
            child: None,
            starts: 0,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .no_proxy()
                .build()
                .expect("http client"),
        }
    }

    /// Sets (or overrides) one environment variable for the next start.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.insert(key.to_owned(), value.to_owned());
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(&self.env)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        c
    }

    /// The district's set-up by the real CLI: imports `reference_csv`, issues the kode
    /// registrasi into `kode_csv` and returns them (`npsn → kode`).
    pub async fn provision(
        &self,
        reference_csv: &Path,
        kode_csv: &Path,
    ) -> anyhow::Result<BTreeMap<String, String>> {
        self.admin(&["reference", "import", &reference_csv.display().to_string()])
            .await?;
        self.admin(&[
            "kode-registrasi",
            "generate",
            "--out",
            &kode_csv.display().to_string(),
        ])
        .await?;
        read_kode(kode_csv)
    }

    /// Runs an administrative command (`reference import …`) to completion.
    pub async fn admin(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = self
            .command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .await
            .context("run ingest-server")?;
        if !out.status.success() {
            bail!(
                "ingest-server {args:?}: {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Starts `serve` and waits until `/healthz` answers (the port may still be held for a
    /// moment after a kill: a failed start is retried until the deadline).
    pub async fn start(&mut self) -> anyhow::Result<()> {
        anyhow::ensure!(self.child.is_none(), "server already running");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            self.starts += 1;
            let log =
                std::fs::File::create(self.log_dir.join(format!("server-{}.log", self.starts)))?;
            let mut child = self
                .command()
                .arg("serve")
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .context("spawn ingest-server")?;
            loop {
                if let Some(status) = child.try_wait()? {
                    if Instant::now() > deadline {
                        bail!(
                            "ingest-server exited on start: {status} (see {})",
                            self.log_dir.display()
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    break;
                }
                if self.healthy().await {
                    self.child = Some(child);
                    return Ok(());
                }
                if Instant::now() > deadline {
                    let _ = child.start_kill();
                    bail!(
                        "ingest-server not healthy within 120 s (see {})",
                        self.log_dir.display()
                    );
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    pub async fn healthy(&self) -> bool {
        matches!(
            self.http.get(format!("{}/healthz", self.base_url())).send().await,
            Ok(r) if r.status().is_success()
        )
    }

    /// Whether the process is still alive (it never exits by itself).
    pub fn alive(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// SIGKILL (no graceful shutdown) and reap.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.start_kill()?;
            child.wait().await?;
        }
        Ok(())
    }

    /// Peak resident memory of the running process (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.as_ref()?.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// How many times `serve` was started.
    pub fn starts(&self) -> u32 {
        self.starts
    }
}

/// How a `db-helper kirim` run ended.
#[derive(Debug, Clone)]
pub struct HelperExit {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// SIGKILLed on purpose (mid-send).
    pub killed: bool,
    /// SIGKILLed because it did not finish within the test's limit.
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl HelperExit {
    /// `(code, title)` from the `GAGAL [code]: title` line on stderr.
    pub fn failure(&self) -> Option<(String, String)> {
        let line = self.stderr.lines().find(|l| l.starts_with("GAGAL ["))?;
        let rest = line.strip_prefix("GAGAL [")?;
        let (code, title) = rest.split_once("]: ")?;
        Some((code.to_owned(), title.trim().to_owned()))
    }
}

/// One school PC's `db-helper kirim` invocation.
#[derive(Debug, Clone)]
pub struct HelperCmd {
    pub bin: PathBuf,
    /// The PC's data folder (outbox, config, log, test secret file).
    pub dir: PathBuf,
    pub server_url: String,
    pub dapodik_url: String,
    pub npsn: String,
    pub username: String,
    pub dapodik_token: String,
    pub kode: String,
    pub batas_tunggu_secs: u64,
}

impl HelperCmd {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("DBHELPER_DATA_DIR", &self.dir)
            .env(
                "DBHELPER_TEST_SECRET_FILE",
                self.dir.join("rahasia-uji.json"),
            )
            .env("DBHELPER_MACHINE_CONFIG", self.dir.join("tidak-ada.toml"))
            .env("DBHELPER_DAPODIK_TOKEN", &self.dapodik_token)
            .env("DBHELPER_LOG", "info")
            .env("COMPUTERNAME", format!("PC-TU-{}", self.npsn))
            .args([
                "--server-url",
                &self.server_url,
                "--dapodik-url",
                &self.dapodik_url,
                "kirim",
                "--npsn",
                &self.npsn,
                "--username",
                &self.username,
                "--kode-registrasi",
                &self.kode,
                "--batas-tunggu",
                &self.batas_tunggu_secs.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        c
    }

    /// Runs to the end, or SIGKILLs the process when `kill_when` says so for a stdout line
    /// (after `kill_delay`), or after `timeout`.
    pub async fn run(
        &self,
        timeout: Duration,
        kill_when: Option<&(dyn Fn(&str) -> bool + Sync)>,
        kill_delay: Duration,
    ) -> anyhow::Result<HelperExit> {
        let started = Instant::now();
        let mut child = self.command().spawn().context("spawn db-helper")?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let err_task = tokio::spawn(async move {
            let mut s = String::new();
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(l)) = lines.next_line().await {
                s.push_str(&l);
                s.push('\n');
            }
            s
        });
        let mut out = String::new();
        let mut lines = BufReader::new(stdout).lines();
        let mut killed = false;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut timed_out = false;
        loop {
            match tokio::time::timeout_at(deadline, lines.next_line()).await {
                Ok(Ok(Some(l))) => {
                    let hit = kill_when.is_some_and(|f| f(&l));
                    out.push_str(&l);
                    out.push('\n');
                    if hit {
                        tokio::time::sleep(kill_delay).await;
                        child.start_kill()?;
                        killed = true;
                        break;
                    }
                }
                Ok(_) => break,
                Err(_) => {
                    timed_out = true;
                    child.start_kill()?;
                    break;
                }
            }
        }
        let status = match tokio::time::timeout_at(deadline, child.wait()).await {
            Ok(s) => s?,
            Err(_) => {
                timed_out = true;
                child.start_kill()?;
                child.wait().await?
            }
        };
        // Whatever the killed process printed before it died.
        while let Ok(Ok(Some(l))) =
            tokio::time::timeout(Duration::from_millis(200), lines.next_line()).await
        {
            out.push_str(&l);
            out.push('\n');
        }
        let mut err = tokio::time::timeout(Duration::from_secs(10), err_task)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        if timed_out {
            err.push_str(
                "GAGAL [test_timeout]: proses db-helper tidak selesai dalam batas waktu uji\n",
            );
        }
        Ok(HelperExit {
            code: status.code(),
            stdout: out,
            stderr: err,
            killed,
            timed_out,
            elapsed: started.elapsed(),
        })
    }
}

/// `npsn → kode_registrasi` from the CSV `kode-registrasi generate` writes.
fn read_kode(path: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).context("kode-registrasi csv")?;
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow::anyhow!("column {name} missing"))
    };
    let (n, k) = (col("npsn")?, col("kode_registrasi")?);
    let mut out = BTreeMap::new();
    for rec in r.records() {
        let rec = rec?;
        out.insert(rec[n].to_owned(), rec[k].to_owned());
    }
    Ok(out)
}

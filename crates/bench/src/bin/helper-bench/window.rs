//! The window under Xvfb (or the DISPLAY there is): idle, then a full pull and send.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use crate::child::{self, Helper, Run};

/// The two window runs.
pub struct WindowRuns {
    /// Peak RSS of the idle window (version check, a screenshot, close).
    pub idle_rss_kib: Option<u64>,
    /// The window's own send (`--auto-kirim --exit-when-done`).
    pub send: Run,
}

/// `None` when there is neither `xvfb-run` nor a DISPLAY. The window gets a fresh data
/// folder (so a full pull) with the saved identity and the Dapodik token in the store.
pub fn measure(helper: &Helper, tmp: &Path) -> Result<Option<WindowRuns>> {
    if which("xvfb-run").is_none() && std::env::var_os("DISPLAY").is_none() {
        eprintln!("no xvfb-run and no DISPLAY: window figure skipped");
        return Ok(None);
    }
    let wdir = tmp.join("jendela");
    std::fs::create_dir_all(&wdir)?;
    std::fs::write(
        wdir.join("config.toml"),
        format!(
            "npsn = \"{}\"\nusername_ops = \"{}\"\nserver_url = \"{}\"\ndapodik_url = \"{}\"\n",
            helper.cred.npsn, helper.cred.username, helper.server_url, helper.dapodik_url
        ),
    )?;
    let mut secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&helper.secret_file)?)?;
    secrets[format!("token-dapodik-{}", helper.cred.npsn)] =
        serde_json::Value::String(helper.cred.token.clone());
    std::fs::write(&helper.secret_file, serde_json::to_vec(&secrets)?)?;

    let mut idle = window_command(helper, &wdir);
    idle.arg("--screenshot").arg(tmp.join("idle.png"));
    let idle_rss_kib = child::run(idle)?.peak_rss_kib;
    let mut send = window_command(helper, &wdir);
    send.args(["--auto-kirim", "--exit-when-done"]);
    let send = child::run(send)?;
    if !send.ok {
        eprintln!("window run failed:\n{}", send.output);
    }
    Ok(Some(WindowRuns { idle_rss_kib, send }))
}

/// db-helper's window on the DISPLAY, else in `xvfb-run`; Mesa's software OpenGL.
fn window_command(helper: &Helper, wdir: &Path) -> Command {
    let mut c = if std::env::var_os("DISPLAY").is_some() {
        Command::new(&helper.exe)
    } else {
        let mut c = Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1280x1024x24"])
            .arg(&helper.exe);
        c
    };
    c.env("DBHELPER_DATA_DIR", wdir)
        .env("DBHELPER_TEST_SECRET_FILE", &helper.secret_file)
        .env("DBHELPER_MACHINE_CONFIG", wdir.join("tidak-ada.toml"))
        .env("DBHELPER_REPORT_PEAK_RSS", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1");
    c
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

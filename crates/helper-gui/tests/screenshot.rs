//! One screenshot of the real window (eframe, real renderer) after a real send, saved as
//! `target/helper-window.png`. Needs an X display: a DISPLAY, or `xvfb-run` (Debian `xvfb`,
//! with mesa for software OpenGL; `.ci/run` installs both). Skipped with a message otherwise.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::World;
use helper_gui::engine::Confirm;
use helper_gui::secrets::FileStore;

const BIN: &str = env!("CARGO_BIN_EXE_db-helper");

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/helper-window.png")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_window_screenshot_after_a_send() {
    let display = std::env::var_os("DISPLAY").is_some();
    let xvfb = which("xvfb-run");
    if !display && xvfb.is_none() {
        test_kit::cannot_run(
            "real_window_screenshot_after_a_send",
            "no DISPLAY and no xvfb-run",
            "scripts/install-test-deps.sh installs xvfb and mesa",
        );
        return;
    }
    let w = World::fixture().await;
    let dir = w.helper_dir("jendela");
    let secret_file = dir.join("rahasia-uji.json");

    // Enroll this "PC" first (in-process, same file store) so the window can send unattended.
    let engine = w.engine(
        &dir,
        &w.server_url(),
        Arc::new(FileStore::new(secret_file.clone())),
    );
    engine
        .send(w.request(), Confirm::Auto)
        .await
        .expect("first send");
    drop(engine);
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "npsn = \"{}\"\nusername_ops = \"{}\"\nserver_url = \"{}\"\ndapodik_url = \"{}\"\n\n[dinas]\nnama = \"DINAS PENDIDIKAN KABUPATEN NGANJUK\"\nalamat = [\"Jln. Dermojoyo No. 19\", \"Kode Pos 64418\", \"Kab. Nganjuk\"]\ntelepon = \"(0358) 321667\"\n",
            w.npsn,
            w.username,
            w.server_url(),
            w.sim.base_url()
        ),
    )
    .unwrap();

    let out_png = screenshot_path();
    let _ = std::fs::remove_file(&out_png);
    let mut cmd = if display {
        Command::new(BIN)
    } else {
        let mut c = Command::new(xvfb.unwrap());
        c.args(["-a", "-s", "-screen 0 1280x1024x24"]).arg(BIN);
        c
    };
    cmd.arg("--auto-kirim")
        .arg("--screenshot")
        .arg(&out_png)
        .arg("--exit-when-done")
        .env("DBHELPER_DATA_DIR", &dir)
        .env("DBHELPER_TEST_SECRET_FILE", &secret_file)
        .env("DBHELPER_MACHINE_CONFIG", dir.join("tidak-ada.toml"))
        .env("LIBGL_ALWAYS_SOFTWARE", "1");
    let mut child = cmd.spawn().expect("start the window");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the window did not finish within 120 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "window exited with {status:?}");
    let img = image::open(&out_png).expect("a PNG was written").to_rgba8();
    assert!(
        img.width() >= 500 && img.height() >= 500,
        "{}x{}",
        img.width(),
        img.height()
    );
    let first = *img.get_pixel(0, 0);
    assert!(
        img.pixels().filter(|p| **p != first).count() > 10_000,
        "the picture shows something"
    );
    eprintln!("screenshot saved: {}", out_png.display());
}

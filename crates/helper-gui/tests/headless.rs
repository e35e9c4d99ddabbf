//! The real `db-helper` binary: `--version`, `kirim`, `status`, exit codes, the log, and a
//! process killed mid-send then restarted.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{FaultProxy, World, eventually};
use helper_gui::outbox::Outbox;

const BIN: &str = env!("CARGO_BIN_EXE_db-helper");

/// A `db-helper` command isolated from this machine's settings and credential store.
fn helper(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("DBHELPER_DATA_DIR", dir)
        .env("DBHELPER_TEST_SECRET_FILE", dir.join("rahasia-uji.json"))
        .env("DBHELPER_MACHINE_CONFIG", dir.join("tidak-ada.toml"))
        .env_remove("DBHELPER_SERVER_URL")
        .env_remove("DBHELPER_DAPODIK_URL")
        .env_remove("DBHELPER_DAPODIK_TOKEN");
    c
}

fn kirim_args(w: &World, server_url: &str) -> Vec<String> {
    vec![
        "kirim".into(),
        "--npsn".into(),
        w.npsn.clone(),
        "--username".into(),
        w.username.clone(),
        "--server-url".into(),
        server_url.into(),
        "--dapodik-url".into(),
        w.sim.base_url(),
        "--kode-registrasi".into(),
        w.kode.clone(),
        "--batas-tunggu".into(),
        "3".into(),
    ]
}

async fn run(mut cmd: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run db-helper"))
        .await
        .unwrap()
}

#[test]
fn version_flag_prints_the_version() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("db-helper {}", helper_gui::cli::VERSION_TEXT)
    );
    // Tests build with `test-support`; the marker keeps such an exe recognisable.
    assert!(helper_gui::cli::VERSION_TEXT.ends_with("(build uji)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kirim_succeeds_prints_progress_and_status_reports_it() {
    let w = World::fixture().await;
    let dir = w.helper_dir("pc");
    let mut cmd = helper(&dir);
    cmd.args(kirim_args(&w, &w.server_url()))
        .env("DBHELPER_DAPODIK_TOKEN", &w.token);
    let out = run(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        out.status
    );
    for line in [
        "Cek Versi Aplikasi",
        "Menarik data dari Dapodik",
        "Data PD: 30 baris ditarik",
        "Selesai. Tanggal kirim:",
        "Data PD: 30",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    assert!(!stdout.contains(&w.token) && !stderr.contains(&w.token));
    assert_eq!(w.server_counts().await, Some(w.expected()));

    // The helpdesk log exists and never contains a secret.
    let logs: Vec<_> = std::fs::read_dir(dir.join("logs"))
        .unwrap()
        .flatten()
        .collect();
    assert!(!logs.is_empty());
    let secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("rahasia-uji.json")).unwrap()).unwrap();
    let school_token = secrets
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    for l in logs {
        let text = std::fs::read_to_string(l.path()).unwrap();
        assert!(text.contains("kirim selesai"), "{text}");
        assert!(!text.contains(&w.token), "Dapodik token in the log");
        assert!(!text.contains(&w.kode), "kode registrasi in the log");
        for t in &school_token {
            assert!(!text.contains(t.as_str()), "a stored secret in the log");
        }
        assert!(!text.contains("$2y$"), "password hash in the log");
    }

    let mut status = helper(&dir);
    status.arg("status");
    let out = run(status).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("Kiriman terakhir") && text.contains(&w.npsn),
        "{text}"
    );
    assert!(text.contains("Tertunda         : tidak ada"), "{text}");
    assert!(text.contains("Token sekolah  : tersimpan"), "{text}");
    assert!(!text.contains(&w.token));
}

/// The sysadmin guide's scheduled task, exactly: `db-helper.exe kirim` and nothing else. The
/// server and Web Service addresses come from the machine settings (the MSI's properties),
/// NPSN and username from the first send, the Dapodik token from the credential store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_kirim_without_arguments_uses_the_saved_configuration() {
    let w = World::fixture().await;
    let dir = w.helper_dir("pc-terjadwal");
    std::fs::create_dir_all(&dir).unwrap();
    let machine = dir.join("mesin.toml");
    std::fs::write(
        &machine,
        format!(
            "server_url = \"{}\"\ndapodik_url = \"{}\"\n",
            w.server_url(),
            w.sim.base_url()
        ),
    )
    .unwrap();

    // Before any send: a clear Indonesian refusal with its stable code, not clap's English.
    let mut first = helper(&dir);
    first.env("DBHELPER_MACHINE_CONFIG", &machine).arg("kirim");
    let out = run(first).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GAGAL [invalid_input]"), "{stderr}");
    assert!(
        stderr.contains("NPSN dan username OPS belum tersimpan"),
        "{stderr}"
    );

    // The operator's first send, which saves NPSN, username and (asked) the token.
    let mut setup = helper(&dir);
    setup
        .env("DBHELPER_MACHINE_CONFIG", &machine)
        .env("DBHELPER_DAPODIK_TOKEN", &w.token)
        .args(["kirim", "--npsn", &w.npsn, "--username", &w.username])
        .args(["--kode-registrasi", &w.kode, "--simpan-token"]);
    let out = run(setup).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last_id = || {
        let outbox = Outbox::open(&dir.join("outbox.sqlite")).unwrap();
        outbox
            .last_committed(Some(&w.npsn))
            .unwrap()
            .expect("a committed send")
            .id
    };
    let setup_send = last_id();

    // The scheduled run: the documented command line, no token in the environment.
    let mut scheduled = helper(&dir);
    scheduled
        .env("DBHELPER_MACHINE_CONFIG", &machine)
        .arg("kirim");
    let out = run(scheduled).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("(NPSN {})", w.npsn)), "{stdout}");
    assert!(stdout.contains("Data PD: 30"), "{stdout}");
    assert_eq!(w.server_counts().await, Some(w.expected()));
    assert!(
        last_id() > setup_send,
        "the scheduled run committed a send of its own"
    );

    // `status` honours --server-url like `kirim` does.
    let mut status = helper(&dir);
    status.env("DBHELPER_MACHINE_CONFIG", &machine).args([
        "status",
        "--server-url",
        "https://dinas.contoh",
    ]);
    let out = run(status).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Server Dinas     : https://dinas.contoh (baris perintah)"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_exit_non_zero_with_the_reason() {
    let w = World::fixture().await;
    let dir = w.helper_dir("pc");
    /// name, environment, NPSN override, expected exit code, text expected on stderr
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, Option<String>, u8, &'a str);
    let cases: Vec<Case> = vec![
        (
            "token salah",
            vec![("DBHELPER_DAPODIK_TOKEN", "TokenSalah123".into())],
            None,
            3,
            "Pengaturan → Web Service",
        ),
        (
            "npsn",
            vec![("DBHELPER_DAPODIK_TOKEN", w.token.clone())],
            Some("20599999".into()),
            3,
            "NPSN tidak ditemukan",
        ),
        (
            "tanpa token",
            vec![],
            None,
            2,
            "Token Web Service Dapodik belum diisi",
        ),
    ];
    for (name, envs, npsn, code, needle) in cases {
        let mut cmd = helper(&dir);
        let mut args = kirim_args(&w, &w.server_url());
        if let Some(n) = npsn {
            args[2] = n;
        }
        cmd.args(args);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = run(cmd).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(i32::from(code)), "{name}: {stderr}");
        assert!(stderr.contains(needle), "{name}: {stderr}");
    }

    // Unknown username.
    let mut cmd = helper(&dir);
    let mut args = kirim_args(&w, &w.server_url());
    args[4] = "bukan.operator@example.com".into();
    cmd.args(args).env("DBHELPER_DAPODIK_TOKEN", &w.token);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Username tidak ditemukan"));

    // Server down: exit 5, and the pull waits in the outbox (status says so).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = helper(&dir);
    cmd.args(kirim_args(&w, &format!("http://127.0.0.1:{port}")))
        .env("DBHELPER_DAPODIK_TOKEN", &w.token);
    let out = run(cmd).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("Tidak ada koneksi internet"), "{stderr}");
    let mut status = helper(&dir);
    status.arg("status");
    let text = String::from_utf8_lossy(&run(status).await.stdout).to_string();
    assert!(text.contains("Akan dilanjutkan otomatis"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_send_then_restarted_finishes_without_loss_or_double_count() {
    let w = World::generated(21, 12).await;
    let proxy = FaultProxy::start(w.server.addr).await;
    proxy.set_delay_ms(150); // a slow school link: the send takes a while
    let dir = w.helper_dir("pc");

    let mut cmd = helper(&dir);
    cmd.args(kirim_args(&w, &proxy.url()))
        .env("DBHELPER_DAPODIK_TOKEN", &w.token)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();

    // Kill it once the server has acknowledged some, but not all, batches.
    let outbox_path = dir.join("outbox.sqlite");
    eventually(120, "a partly uploaded send", || {
        if !outbox_path.exists() {
            return false;
        }
        let Ok(o) = Outbox::open(&outbox_path) else {
            return false;
        };
        match o.unfinished(None) {
            Ok(Some(s)) if s.session_id.is_some() => {
                let b = o.batches(s.id).unwrap_or_default();
                let done = b.iter().filter(|b| b.done).count();
                done >= 2 && done < b.len()
            }
            _ => false,
        }
    })
    .await;
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed");
    let o = Outbox::open(&outbox_path).unwrap();
    let pending = o
        .unfinished(None)
        .unwrap()
        .expect("unfinished send survives the kill");
    drop(o);
    assert_eq!(w.server_counts().await, None, "nothing committed yet");

    // Restart (no token, no kode needed: both are in the store / outbox).
    proxy.set_delay_ms(0);
    let mut cmd = helper(&dir);
    let mut args = kirim_args(&w, &proxy.url());
    args.truncate(args.len() - 4); // drop --kode-registrasi and --batas-tunggu
    cmd.args(args);
    let out = run(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Melanjutkan pengiriman"), "{stdout}");
    let o = Outbox::open(&outbox_path).unwrap();
    let last = o.last_committed(None).unwrap().unwrap();
    assert_eq!(last.id, pending.id, "the same send was finished");
    assert_eq!(last.receipt.unwrap().counts, w.expected());
    assert_eq!(
        w.server_counts().await,
        Some(w.expected()),
        "nothing lost or counted twice"
    );
    tokio::time::sleep(Duration::from_millis(10)).await;
}

//! Helper benchmark: pull and upload a ~1,500-student school from dapodik-sim to a local
//! ingest-server, with the real `db-helper` binary as a child process.
//!
//! ```text
//! cargo build --release -p helper-gui --features bench --bins
//! target/release/helper-bench [--write docs/benchmarks.md]
//! ```
//!
//! Reports wall time, peak RSS (headless; and with the window under Xvfb when `xvfb-run` or
//! a DISPLAY is available), bytes on the wire of a first and an unchanged second send, and
//! wire bytes against the raw Dapodik JSON.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const TARGET_STUDENTS: u64 = 1_500;

struct Run {
    wall: Duration,
    peak_rss_kib: Option<u64>,
    raw_bytes: u64,
    wire_bytes: u64,
    ok: bool,
    output: String,
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

fn peak_rss(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak_rss_kib="))
        .and_then(|v| v.trim().parse().ok())
}

fn run(mut cmd: Command) -> Result<Run> {
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

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let write_to = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let helper = std::env::current_exe()?.with_file_name(if cfg!(windows) {
        "db-helper.exe"
    } else {
        "db-helper"
    });
    if !helper.exists() {
        bail!(
            "{} not found: build with `cargo build --release -p helper-gui --features bench --bins`",
            helper.display()
        );
    }

    let tmp = tempfile::tempdir()?;
    let keep = std::env::var_os("HELPER_BENCH_KEEP").is_some();
    let sim_dir = tmp.path().join("sim");
    // Larger schools are rare in the generator; search seeds for one near 1,500 students.
    let (mut truth, mut cred) = (None, None);
    for seed in 1..=80u64 {
        let opts = dapodik_sim::GenerateOptions {
            seed,
            schools: 150,
            with_province_schools: true,
        };
        dapodik_sim::generate(&opts, &sim_dir)?;
        let truths = dapodik_sim::data_dir::load_truth(&sim_dir)?;
        if let Some(t) = truths
            .into_iter()
            .filter(|t| t.peserta_didik >= 1_470)
            .min_by_key(|t| t.peserta_didik.abs_diff(TARGET_STUDENTS))
        {
            let c = dapodik_sim::data_dir::load_credentials(&sim_dir)?
                .into_iter()
                .find(|c| c.npsn == t.npsn);
            truth = Some(t);
            cred = c;
            break;
        }
    }
    let truth = truth.context("no school with ≥1,470 students generated")?;
    let cred = cred.context("credential")?;
    eprintln!(
        "school {} with {} students, {} ptk, {} rombel",
        truth.npsn, truth.peserta_didik, truth.ptk, truth.rombel
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (sim, server, kode) = rt.block_on(async {
        let sim = dapodik_sim::spawn(&sim_dir, "127.0.0.1:0".parse()?).await?;
        let server_dir = tmp.path().join("server");
        std::fs::create_dir_all(&server_dir)?;
        let server =
            ingest_server::start(ingest_server::Config::for_tests(&server_dir, None)).await?;
        ingest_server::ops::reference::import_reference(
            server.store.as_ref(),
            &sim_dir.join("reference.csv"),
        )
        .await?;
        let codes = ingest_server::ops::kode::generate_kode_registrasi(
            server.store.as_ref(),
            Some(std::slice::from_ref(&cred.npsn)),
        )
        .await?;
        let kode = codes.into_iter().next().context("kode")?.2;
        anyhow::Ok((sim, server, kode))
    })?;

    let data = tmp.path().join("helper");
    std::fs::create_dir_all(&data)?;
    let secret_file = data.join("rahasia-uji.json");
    let base = |dir: &Path| {
        let mut c = Command::new(&helper);
        c.env("DBHELPER_DATA_DIR", dir)
            .env("DBHELPER_TEST_SECRET_FILE", &secret_file)
            .env("DBHELPER_MACHINE_CONFIG", dir.join("tidak-ada.toml"))
            .env("DBHELPER_REPORT_PEAK_RSS", "1")
            .env("DBHELPER_DAPODIK_TOKEN", &cred.token);
        c
    };
    let kirim = |dir: &Path, kode: Option<&str>| {
        let mut c = base(dir);
        c.args(["kirim", "--npsn", &cred.npsn, "--username", &cred.username])
            .args([
                "--server-url",
                &server.base_url,
                "--dapodik-url",
                &sim.base_url(),
            ]);
        if let Some(k) = kode {
            c.args(["--kode-registrasi", k]);
        }
        c
    };

    // Baselines in the same run: the bare pull (5 sequential GETs, bodies discarded) and
    // the smallest helper process (`db-helper --version`).
    let bare_pull = rt.block_on(async {
        let client = reqwest::Client::new();
        let started = Instant::now();
        let mut bytes = 0usize;
        for ep in [
            "getSekolah",
            "getPesertaDidik",
            "getGtk",
            "getRombonganBelajar",
            "getPengguna",
        ] {
            let body = client
                .get(format!(
                    "{}/WebService/{ep}?npsn={}",
                    sim.base_url(),
                    cred.npsn
                ))
                .bearer_auth(&cred.token)
                .send()
                .await?
                .bytes()
                .await?;
            bytes += body.len();
        }
        anyhow::Ok((started.elapsed(), bytes as u64))
    })?;
    let floor = run({
        let mut c = Command::new(&helper);
        c.arg("--version").env("DBHELPER_REPORT_PEAK_RSS", "1");
        c
    })?;

    let first = run(kirim(&data, Some(&kode)))?;
    if !first.ok {
        bail!("first send failed:\n{}", first.output);
    }
    let second = run(kirim(&data, None))?;
    if !second.ok {
        bail!("second send failed:\n{}", second.output);
    }

    // The window: a fresh data folder (full pull) with the saved identity, under Xvfb.
    let mut idle_window = None;
    let window = if which("xvfb-run").is_some() || std::env::var_os("DISPLAY").is_some() {
        let wdir = tmp.path().join("jendela");
        std::fs::create_dir_all(&wdir)?;
        std::fs::write(
            wdir.join("config.toml"),
            format!(
                "npsn = \"{}\"\nusername_ops = \"{}\"\nserver_url = \"{}\"\ndapodik_url = \"{}\"\n",
                cred.npsn,
                cred.username,
                server.base_url,
                sim.base_url()
            ),
        )?;
        let mut secrets: serde_json::Value = serde_json::from_slice(&std::fs::read(&secret_file)?)?;
        secrets[format!("token-dapodik-{}", cred.npsn)] =
            serde_json::Value::String(cred.token.clone());
        std::fs::write(&secret_file, serde_json::to_vec(&secrets)?)?;
        let mut c = if std::env::var_os("DISPLAY").is_some() {
            Command::new(&helper)
        } else {
            let mut c = Command::new("xvfb-run");
            c.args(["-a", "-s", "-screen 0 1280x1024x24"]).arg(&helper);
            c
        };
        // Baseline: the same window idle (version check, a screenshot, close).
        let mut idle = if std::env::var_os("DISPLAY").is_some() {
            Command::new(&helper)
        } else {
            let mut c = Command::new("xvfb-run");
            c.args(["-a", "-s", "-screen 0 1280x1024x24"]).arg(&helper);
            c
        };
        idle.arg("--screenshot")
            .arg(tmp.path().join("idle.png"))
            .env("DBHELPER_DATA_DIR", &wdir)
            .env("DBHELPER_TEST_SECRET_FILE", &secret_file)
            .env("DBHELPER_MACHINE_CONFIG", wdir.join("tidak-ada.toml"))
            .env("DBHELPER_REPORT_PEAK_RSS", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1");
        idle_window = run(idle)?.peak_rss_kib;
        c.args(["--auto-kirim", "--exit-when-done"])
            .env("DBHELPER_DATA_DIR", &wdir)
            .env("DBHELPER_TEST_SECRET_FILE", &secret_file)
            .env("DBHELPER_MACHINE_CONFIG", wdir.join("tidak-ada.toml"))
            .env("DBHELPER_REPORT_PEAK_RSS", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1");
        let r = run(c)?;
        if !r.ok {
            eprintln!("window run failed:\n{}", r.output);
        }
        Some(r)
    } else {
        eprintln!("no xvfb-run and no DISPLAY: window figure skipped");
        None
    };

    rt.block_on(async {
        sim.shutdown().await.ok();
        server.shutdown().await;
    });

    let mb =
        |kib: Option<u64>| kib.map_or("n/a".to_owned(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    let pct = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let window_rss = window
        .as_ref()
        .filter(|w| w.ok)
        .and_then(|w| w.peak_rss_kib);
    let ok = |b: bool| if b { "ok" } else { "**NOT MET**" };
    let ratio = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) if b > 0 => a as f64 / b as f64,
        _ => 0.0,
    };
    eprintln!("bare pull: {} B in {:?}", bare_pull.1, bare_pull.0);
    let report = format!(
        "## Helper\n\n\
         Command: `cargo build --release -p helper-gui --features bench --bins && target/release/helper-bench --write docs/benchmarks.md`\n\
         (generated school NPSN {npsn}: {pd} students, {ptk} PTK, {rombel} rombel, {ar} anggota rombel; dapodik-sim and\n\
         ingest-server in-process on 127.0.0.1 with SQLite; `db-helper kirim` as a child process; {cores} CPU cores).\n\n\
         | Measure | Figure | Baseline (same run) | Ratio | Target | |\n|---|---|---|---|---|---|\n\
         | Wall time, first send (pull 5 endpoints + upload + commit, incl. process start) | {w1:.2} s | bare pull, 5 GETs: {wb:.1} ms | {wr:.0}× | < 5 s | {ok1} |\n\
         | Wall time, second send (no changes) | {w2:.2} s | first send | {w2r:.2}× | | |\n\
         | Peak RSS headless (`kirim`, first or second send) | {rss1} | `db-helper --version`: {rssf} | {rssr:.1}× | < 60 MB | {ok2} |\n\
         | Peak RSS with the window (Xvfb + Mesa llvmpipe, OpenGL; full pull, preview, send of references) | {rssw} | the same window idle: {rssi} | {rsswr} | < 150 MB | {ok3} |\n\
         | Bytes on the wire, first send | {wire1} B | raw Dapodik JSON: {raw} B | {r1:.1} % | ≤ 20 % | {ok4} |\n\
         | Bytes on the wire, second send | {wire2} B | first send: {wire1} B | {r2:.1} % | < 10 % | {ok5} |\n\n\
         Bytes on the wire: request lines, headers and bodies as sent plus status lines, headers and\n\
         bodies of the answers (answer bodies counted decompressed; no TLS overhead, the benchmark server\n\
         is plain HTTP). The raw Dapodik JSON is what the five endpoints returned.\n",
        npsn = truth.npsn,
        pd = truth.peserta_didik,
        ptk = truth.ptk,
        rombel = truth.rombel,
        ar = truth.anggota_rombel,
        cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        w1 = first.wall.as_secs_f64(),
        wb = bare_pull.0.as_secs_f64() * 1000.0,
        wr = first.wall.as_secs_f64() / bare_pull.0.as_secs_f64().max(1e-6),
        w2r = second.wall.as_secs_f64() / first.wall.as_secs_f64().max(1e-6),
        rssf = mb(floor.peak_rss_kib),
        rssr = ratio(
            first.peak_rss_kib.max(second.peak_rss_kib),
            floor.peak_rss_kib
        ),
        rssi = mb(idle_window),
        rsswr = window_rss.map_or("n/a".to_owned(), |w| format!(
            "{:.2}×",
            ratio(Some(w), idle_window)
        )),
        ok1 = ok(first.wall < Duration::from_secs(5)),
        w2 = second.wall.as_secs_f64(),
        rss1 = mb(first.peak_rss_kib.max(second.peak_rss_kib)),
        ok2 = ok(first.peak_rss_kib.is_some_and(|k| k < 60 * 1024)),
        rssw = mb(window_rss),
        ok3 = if window_rss.is_some() {
            ok(window_rss.is_some_and(|k| k < 150 * 1024))
        } else {
            "not measured"
        },
        raw = first.raw_bytes,
        wire1 = first.wire_bytes,
        r1 = pct(first.wire_bytes, first.raw_bytes),
        ok4 = ok(first.wire_bytes * 5 <= first.raw_bytes),
        wire2 = second.wire_bytes,
        r2 = pct(second.wire_bytes, first.wire_bytes),
        ok5 = ok(second.wire_bytes * 10 < first.wire_bytes),
    );
    println!("{report}");
    if keep {
        let path = tmp.keep();
        eprintln!("kept {}", path.display());
    }
    if let Some(path) = write_to {
        write_section(&path, &report)?;
        eprintln!("written to {}", path.display());
    }
    Ok(())
}

/// Replaces (or appends) the "## Helper" section of the benchmarks document.
fn write_section(path: &Path, section: &str) -> Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n\n".to_owned());
    let new = match old.find("## Helper\n") {
        Some(start) => {
            let rest = &old[start + 10..];
            let end = rest.find("\n## ").map_or(old.len(), |i| start + 10 + i + 1);
            format!("{}{}{}", &old[..start], section, &old[end..])
        }
        None => format!("{}\n\n{section}", old.trim_end()),
    };
    std::fs::write(path, new)?;
    Ok(())
}

//! Pages benchmark (not a timed test): the four main public pages under 50 concurrent
//! clients with the full synthetic kabupaten loaded, measured with `wrk` in the same run as
//! `/healthz` (the baseline: same server, same machine, same load generator), on SQLite
//! (and PostgreSQL with `--backend postgres`). Figures go to docs/benchmarks.md ("Pages").
//!
//! ```sh
//! apt-get install wrk                      # Debian package
//! cargo bench -p bench --bench pages
//! cargo bench -p bench --bench pages -- --kabupaten /tmp/kab --duration 20 --connections 50
//! ```
//!
//! 1. prepare (untimed): `dapodik-sim generate` (1,200 schools unless `--kabupaten`), an
//!    in-process server, every school sent through protocol v1 (enroll, batches, commit);
//! 2. warm-up: every URL once (all 1,200 school pages, all kecamatan);
//! 3. for each target, `wrk -t2 -c<connections> -d<duration> --latency` (a Lua script
//!    rotates over all schools / kecamatan), with `Accept-Encoding: gzip` like a browser,
//!    then again without it (the whole HTML). Reports p50/p99 and p99 ÷ p99 of `/healthz`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Parser;
use test_kit::kabupaten::Kabupaten;
use test_kit::postgres::ThrowawayPg;

#[derive(Debug, Parser)]
struct Args {
    /// Output directory of `dapodik-sim generate` (generated into a temp dir if missing).
    #[arg(long)]
    kabupaten: Option<PathBuf>,
    /// Schools to generate when `--kabupaten` is not given.
    #[arg(long, default_value_t = 1200)]
    schools: usize,
    /// Concurrent connections of wrk.
    #[arg(long, default_value_t = 50)]
    connections: usize,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 15)]
    duration: u64,
    /// sqlite or postgres.
    #[arg(long, default_value = "sqlite")]
    backend: String,
    /// PostgreSQL server (a database `pages_bench_<pid>_<random>` is created and dropped there).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pg_url: String,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Debug, Clone)]
struct Figures {
    name: String,
    encoding: &'static str,
    p50_ms: f64,
    p99_ms: f64,
    rps: f64,
    errors: u64,
    /// 1-minute load average after the run (other processes distort the figures).
    load: f64,
}

/// The 1-minute load average (`/proc/loadavg`).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

fn parse_ms(v: &str) -> Option<f64> {
    let v = v.trim();
    let (num, mul) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.trim().parse::<f64>().ok().map(|x| x * mul)
}

/// Runs wrk against `base` with a script that rotates over `paths`.
fn wrk(
    args: &Args,
    base: &str,
    name: &str,
    paths: &[String],
    gzip: bool,
) -> anyhow::Result<Figures> {
    let script = tempfile::Builder::new().suffix(".lua").tempfile()?;
    let list = paths
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(",\n");
    let headers = if gzip {
        "{[\"Accept-Encoding\"] = \"gzip, deflate\"}"
    } else {
        "{}"
    };
    std::fs::write(
        script.path(),
        format!(
            "paths = {{\n{list}\n}}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  \
             return wrk.format(\"GET\", paths[(counter % #paths) + 1], {headers})\nend\n\
             done = function(summary, latency, requests)\n  \
             io.write(string.format(\"ERRORS %d\\n\", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\nend\n"
        ),
    )?;
    let out = Command::new("wrk")
        .arg(format!("-t{}", args.threads))
        .arg(format!("-c{}", args.connections))
        .arg(format!("-d{}s", args.duration))
        .arg("--latency")
        .arg("-s")
        .arg(script.path())
        .arg(base)
        .output()
        .context("run wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    let pct = |p: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(p))
            .and_then(parse_ms)
    };
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    let errors = text
        .lines()
        .find_map(|l| l.strip_prefix("ERRORS "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let f = Figures {
        name: name.to_owned(),
        encoding: if gzip { "gzip" } else { "identity" },
        p50_ms: pct("50%").context("p50 in wrk output")?,
        p99_ms: pct("99%").context("p99 in wrk output")?,
        rps,
        errors,
        load: load_average(),
    };
    eprintln!(
        "  {:<34} {:<8} p50 {:>7.2} ms  p99 {:>7.2} ms  {:>8.0} req/s  errors {}  load {:.2}",
        f.name, f.encoding, f.p50_ms, f.p99_ms, f.rps, f.errors, f.load
    );
    Ok(f)
}

async fn run(args: &Args) -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed (Debian: apt-get install wrk)");
    }
    let work = tempfile::tempdir()?;
    let kab_dir = match &args.kabupaten {
        Some(d) if d.join("reference.csv").exists() => d.clone(),
        Some(d) => {
            eprintln!("generating {} schools into {}", args.schools, d.display());
            Kabupaten::generate(d, 1, args.schools)?;
            d.clone()
        }
        None => {
            let d = work.path().join("kab");
            eprintln!("generating {} schools", args.schools);
            Kabupaten::generate(&d, 1, args.schools)?;
            d
        }
    };
    let kab = Kabupaten::open(&kab_dir)?;

    // The database lives as long as this run; dropping `pg` drops it (also on an error).
    let pg = match args.backend.as_str() {
        "sqlite" => None,
        "postgres" => Some(ThrowawayPg::create_at(&args.pg_url, "pages_bench").await?),
        other => bail!("unknown backend {other}"),
    };
    let url = match &pg {
        None => format!("sqlite://{}", work.path().join("pages.sqlite").display()),
        Some(pg) => pg.url.clone(),
    };
    let mut config = ingest_server::Config::for_tests(work.path(), Some(url));
    config.site.nama_dinas = "Dinas Pendidikan Kabupaten Mekarsari".into();
    config.site.nama_kabupaten = "Kab. Mekarsari".into();
    let server = ingest_server::start(config).await?;
    let t = Instant::now();
    eprintln!(
        "[{}] sending {} schools through protocol v1",
        args.backend,
        kab.reference.len()
    );
    ingest_server::reference::import_reference(&server.store, &kab.dir.join("reference.csv"))
        .await?;
    let codes: HashMap<String, String> =
        ingest_server::enrollment::generate_kode_registrasi(&server.store, None)
            .await?
            .into_iter()
            .map(|(npsn, _, kode)| (npsn, kode))
            .collect();
    test_kit::kabupaten::send_all(&server.base_url, &kab, &codes, &[], 16).await?;
    let rows: u64 = kab
        .truth
        .iter()
        .map(|t| {
            t.sekolah
                + t.peserta_didik
                + t.ptk
                + t.riwayat_kepangkatan
                + t.riwayat_pendidikan
                + t.rombel
                + t.anggota_rombel
                + t.pembelajaran
        })
        .sum();
    eprintln!(
        "[{}] loaded {} schools, {rows} rows in {:.0}s",
        args.backend,
        kab.reference.len(),
        t.elapsed().as_secs_f64()
    );

    let base = server.base_url.clone();
    let kecamatan: Vec<String> = kab
        .by_kecamatan()
        .keys()
        .map(|k| format!("/data_pokok/kecamatan/{k}"))
        .collect();
    let sekolah: Vec<String> = kab
        .reference
        .iter()
        .map(|r| format!("/sekolah/{}", r.npsn))
        .collect();
    let targets: Vec<(String, Vec<String>)> = vec![
        ("/healthz".into(), vec!["/healthz".into()]),
        ("/progres_data".into(), vec!["/progres_data".into()]),
        ("/data_pokok".into(), vec!["/data_pokok".into()]),
        (
            format!("/data_pokok/kecamatan/{{kode}} ({})", kecamatan.len()),
            kecamatan,
        ),
        (format!("/sekolah/{{npsn}} ({})", sekolah.len()), sekolah),
    ];

    // Warm-up: every page once (renders and caches), and the first render times.
    // Like wrk: no automatic decompression.
    let http = reqwest::Client::builder().no_gzip().no_zstd().build()?;
    for (name, paths) in &targets {
        let t = Instant::now();
        for p in paths {
            let r = http.get(format!("{base}{p}")).send().await?;
            anyhow::ensure!(r.status().is_success(), "{p}: {}", r.status());
            r.bytes().await?;
        }
        eprintln!(
            "  warm-up {name}: {} pages in {:.0} ms",
            paths.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let size = |p: &str| {
        let http = http.clone();
        let url = format!("{base}{p}");
        async move {
            let plain = http.get(&url).send().await?.bytes().await?.len();
            let gz = http
                .get(&url)
                .header("accept-encoding", "gzip")
                .send()
                .await?
                .bytes()
                .await?
                .len();
            anyhow::Ok((plain, gz))
        }
    };
    let (progres_plain, progres_gz) = size("/progres_data").await?;
    eprintln!("  /progres_data: {progres_plain} bytes of HTML, {progres_gz} bytes gzip");

    eprintln!(
        "[{}] wrk -t{} -c{} -d{}s --latency (load average before: {:.2})",
        args.backend,
        args.threads,
        args.connections,
        args.duration,
        load_average()
    );
    let mut all = Vec::new();
    for gzip in [true, false] {
        for (name, paths) in &targets {
            all.push(wrk(args, &base, name, paths, gzip)?);
        }
    }
    server.shutdown().await;
    drop(pg);

    println!(
        "\n| backend | page | encoding | p50 ms | p99 ms | p99 ÷ /healthz p99 | req/s | errors | load avg |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|---:|");
    for enc in ["gzip", "identity"] {
        let health = all
            .iter()
            .find(|f| f.name == "/healthz" && f.encoding == enc)
            .map(|f| f.p99_ms)
            .unwrap_or(f64::NAN);
        for f in all.iter().filter(|f| f.encoding == enc) {
            println!(
                "| {} | `{}` | {} | {:.2} | {:.2} | {:.2} | {:.0} | {} | {:.2} |",
                args.backend,
                f.name,
                f.encoding,
                f.p50_ms,
                f.p99_ms,
                f.p99_ms / health,
                f.rps,
                f.errors,
                f.load
            );
        }
    }
    let worst = all
        .iter()
        .filter(|f| f.name != "/healthz")
        .map(|f| f.p99_ms)
        .fold(0.0, f64::max);
    println!(
        "\nworst page p99: {worst:.2} ms (target < 50 ms at {} connections): {}",
        args.connections,
        if worst < 50.0 { "MET" } else { "NOT MET" }
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(&args))
}

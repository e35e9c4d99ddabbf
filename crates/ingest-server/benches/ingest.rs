//! Ingest benchmark (not a timed test): the whole synthetic kabupaten through the HTTP API
//! with N concurrent senders, against a raw bulk load of the same rows into the same
//! database, on SQLite and PostgreSQL. Figures go to docs/benchmarks.md.
//!
//! ```sh
//! dapodik-sim generate --seed 1 --out /tmp/kab
//! cargo bench -p ingest-server --bench ingest -- --kabupaten /tmp/kab
//! ```
//!
//! The server runs as a child process (`ingest-server serve`) so its peak RSS (`VmHWM`) is
//! its own. Phases per backend:
//! 1. prepare (untimed): migrate, import `reference.csv`, issue codes, enroll every school;
//! 2. **API ingest**: `--senders` concurrent helpers each open a session, upload every batch
//!    (zstd) and commit; rows/s over wall time, batch acknowledgement latency;
//! 3. **latency under load**: `--latency-sessions` concurrent sessions re-upload every
//!    batch body and commit; p50/p99 batch acknowledgement;
//! 4. **delta re-send**: unchanged data again, by reference (bytes uploaded);
//! 5. **raw bulk load**: server stopped, snapshot rows cleared, the same rows loaded in one
//!    transaction per 50,000 rows (COPY on PostgreSQL, one prepared INSERT on SQLite).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use clap::Parser;
use ingest_server::ops;
use ingest_server::store::{BulkRow, SnapshotRow, open_store};
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::batching::make_batches;
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::protocol::KindExpectation;
use shared_model::webservice::{Endpoint, Sekolah, parse_body, parse_sekolah};
use sqlx::Connection as _;

#[derive(Debug, Parser)]
struct Args {
    /// Output directory of `dapodik-sim generate`.
    #[arg(long)]
    kabupaten: PathBuf,
    /// Concurrent senders of the API ingest phase.
    #[arg(long, default_value_t = 64)]
    senders: usize,
    /// Concurrent sessions of the latency phase.
    #[arg(long, default_value_t = 200)]
    latency_sessions: usize,
    /// Backends to run (sqlite, postgres).
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// PostgreSQL server (a database `ingest_bench_<pid>` is created and dropped there).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pg_url: String,
    /// Only the first N schools (quick runs).
    #[arg(long)]
    schools: Option<usize>,
    /// Rows per bulk-load transaction.
    #[arg(long, default_value_t = 50_000)]
    bulk_chunk: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

struct PreparedBatch {
    kind: DataKind,
    seq: u32,
    rows: u64,
    sha256: String,
    zstd: Bytes,
}

struct School {
    npsn: String,
    batches: Vec<PreparedBatch>,
    expected: BTreeMap<DataKind, KindExpectation>,
    rows: u64,
}

fn read_opt(dir: &Path, endpoint: Endpoint) -> Option<Vec<u8>> {
    std::fs::read(dir.join(format!("{}.json", endpoint.path()))).ok()
}

fn load_school(root: &Path, npsn: &str) -> anyhow::Result<School> {
    let dir = root.join("sekolah").join(npsn);
    let sekolah: Sekolah = parse_sekolah(
        200,
        &read_opt(&dir, Endpoint::Sekolah).context("getSekolah")?,
    )
    .map_err(|e| anyhow::anyhow!("{npsn} getSekolah: {e:?}"))?;
    fn rows<T: serde::de::DeserializeOwned>(dir: &Path, e: Endpoint) -> anyhow::Result<Vec<T>> {
        match read_opt(dir, e) {
            None => Ok(Vec::new()),
            Some(body) => {
                parse_body(e, 200, &body).map_err(|err| anyhow::anyhow!("{e:?}: {err:?}"))
            }
        }
    }
    let flat = flatten(DapodikSnapshot {
        sekolah,
        peserta_didik: rows(&dir, Endpoint::PesertaDidik)?,
        gtk: rows(&dir, Endpoint::Gtk)?,
        rombel: rows(&dir, Endpoint::RombonganBelajar)?,
    });
    let mut batches = Vec::new();
    let mut expected: BTreeMap<DataKind, KindExpectation> = DataKind::ALL
        .into_iter()
        .map(|k| (k, KindExpectation::default()))
        .collect();
    let mut total = 0;
    for kind in DataKind::ALL {
        for b in make_batches(kind, &flat.rows_json(kind)) {
            let e = expected.get_mut(&kind).unwrap();
            e.rows += b.rows;
            e.batches += 1;
            total += b.rows;
            batches.push(PreparedBatch {
                kind,
                seq: b.seq,
                rows: b.rows,
                zstd: Bytes::from(zstd::encode_all(&b.body[..], 3)?),
                sha256: b.sha256,
            });
        }
    }
    Ok(School {
        npsn: npsn.to_owned(),
        batches,
        expected,
        rows: total,
    })
}

fn load_kabupaten(root: &Path, limit: Option<usize>) -> anyhow::Result<Vec<School>> {
    let reference = std::fs::File::open(root.join("reference.csv")).context("reference.csv")?;
    let (_, refs) = ops::parse_reference_csv(reference)?;
    let mut npsns: Vec<String> = refs.into_iter().map(|r| r.npsn).collect();
    if let Some(n) = limit {
        npsns.truncate(n);
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let chunk = npsns.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = npsns
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|n| load_school(root, n))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("loader"))
            .collect()
    })
}

// ---------------------------------------------------------------------------------------

struct Server {
    child: std::process::Child,
    base: String,
}

/// CPU seconds (user + system) of a process, from `/proc/<pid>/stat`.
fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of the PostgreSQL processes that work for this benchmark: backends
/// connected to `database` and the server's background processes (WAL writer,
/// checkpointer, autovacuum, …); backends of other databases are left out.
fn postgres_cpu_secs(database: &str) -> (f64, f64) {
    let mut backends = 0.0;
    let mut background = 0.0;
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().into_string() else {
            continue;
        };
        let Ok(comm) = std::fs::read_to_string(format!("/proc/{pid}/comm")) else {
            continue;
        };
        if comm.trim() != "postgres" {
            continue;
        }
        let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if cmdline.contains('(') && cmdline.contains(')') {
            if cmdline.contains(database) {
                backends += cpu_secs(&pid);
            }
        } else {
            background += cpu_secs(&pid);
        }
    }
    (backends, background)
}

fn pg_delta(before: (f64, f64), after: (f64, f64)) -> String {
    format!(
        "{:.1}s (backends {:.1}s, background {:.1}s)",
        after.0 + after.1 - before.0 - before.1,
        after.0 - before.0,
        after.1 - before.1
    )
}

impl Server {
    fn cpu_secs(&self) -> f64 {
        cpu_secs(&self.child.id().to_string())
    }

    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

async fn spawn_server(url: &str, data_dir: &Path) -> anyhow::Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    // BENCH_SERVER_PERF=FILE profiles the server with `perf record` (then RSS is perf's).
    let mut command = match std::env::var_os("BENCH_SERVER_PERF") {
        Some(out) => {
            let mut c = std::process::Command::new("perf");
            c.args(["record", "-F", "499", "-g", "-o"])
                .arg(out)
                .arg("--")
                .arg(env!("CARGO_BIN_EXE_ingest-server"));
            c
        }
        None => std::process::Command::new(env!("CARGO_BIN_EXE_ingest-server")),
    };
    let child = command
        .arg("serve")
        .env("INGEST_BIND", format!("127.0.0.1:{port}"))
        .env("INGEST_DATABASE_URL", url)
        .env("INGEST_DATA_DIR", data_dir)
        .env("INGEST_VERSION_LATEST", "0.1.0")
        .env("INGEST_VERSION_MIN", "0.1.0")
        .env("INGEST_SWEEP_INTERVAL_SECS", "0")
        .env(
            "RUST_LOG",
            std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stderr(match std::env::var_os("BENCH_SERVER_LOG_FILE") {
            Some(path) => std::process::Stdio::from(std::fs::File::create(path)?),
            None => std::process::Stdio::inherit(),
        })
        .spawn()
        .context("start ingest-server")?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(Server { child, base });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("server did not come up")
}

#[derive(Default)]
struct Latencies {
    batch: std::sync::Mutex<Vec<Duration>>,
    commit: std::sync::Mutex<Vec<Duration>>,
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Upload,
    Delta,
}

/// Runs every school through open → batches → commit with `senders` concurrent helpers.
async fn run_senders(
    base: &str,
    schools: &Arc<Vec<School>>,
    tokens: &Arc<HashMap<String, String>>,
    senders: usize,
    mode: Mode,
) -> anyhow::Result<(Duration, Latencies, u64)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(senders * 2)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let lat = Arc::new(Latencies::default());
    let bytes = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (client, next, lat, bytes) = (client.clone(), next.clone(), lat.clone(), bytes.clone());
        let (schools, tokens, api) = (schools.clone(), tokens.clone(), format!("{base}/api/v1"));
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(school) = schools.get(i) else { return Ok::<_, anyhow::Error>(()) };
                let token = &tokens[&school.npsn];
                let open: Value = client
                    .post(format!("{api}/sessions"))
                    .bearer_auth(token)
                    .json(&json!({"npsn": school.npsn, "helper_version": "0.1.0", "username_ops": "bench",
                                  "expected": school.expected}))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let sid = open["session_id"].as_str().context("session_id")?.to_owned();
                let reusable: std::collections::HashSet<&str> =
                    open["reusable_hashes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                for b in &school.batches {
                    let url = format!("{api}/sessions/{sid}/batches/{}/{}", b.kind.wire_name(), b.seq);
                    let t = Instant::now();
                    let resp = if mode == Mode::Delta && reusable.contains(b.sha256.as_str()) {
                        client
                            .put(format!("{url}/ref"))
                            .bearer_auth(token)
                            .json(&json!({"sha256": b.sha256, "rows": b.rows}))
                            .send()
                            .await?
                    } else {
                        bytes.fetch_add(b.zstd.len() as u64, Ordering::Relaxed);
                        client
                            .put(url)
                            .bearer_auth(token)
                            .header("content-encoding", "zstd")
                            .header("x-content-sha256", &b.sha256)
                            .body(b.zstd.clone())
                            .send()
                            .await?
                    };
                    let status = resp.status();
                    let _ = resp.bytes().await?;
                    if !status.is_success() {
                        bail!("batch {} {}/{}: {status}", school.npsn, b.kind, b.seq);
                    }
                    lat.batch.lock().unwrap().push(t.elapsed());
                }
                let t = Instant::now();
                let receipt: Value = client
                    .post(format!("{api}/sessions/{sid}/commit"))
                    .bearer_auth(token)
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                lat.commit.lock().unwrap().push(t.elapsed());
                let counted: u64 = DataKind::ALL.iter().map(|k| receipt["counts"][k.wire_name()].as_u64().unwrap_or(0)).sum();
                if counted != school.rows {
                    bail!("{}: committed {counted} rows, sent {}", school.npsn, school.rows);
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let elapsed = started.elapsed();
    let lat = Arc::try_unwrap(lat).map_err(|_| anyhow::anyhow!("latencies still shared"))?;
    Ok((elapsed, lat, bytes.load(Ordering::Relaxed)))
}

struct Figures {
    backend: String,
    rows: u64,
    api_secs: f64,
    api_p50: f64,
    api_p99: f64,
    commit_p99: f64,
    load_p50: f64,
    load_p99: f64,
    delta_secs: f64,
    delta_bytes: u64,
    first_bytes: u64,
    bulk_secs: f64,
    peak_rss_mib: f64,
}

async fn run_backend(
    args: &Args,
    backend: &str,
    schools: &Arc<Vec<School>>,
) -> anyhow::Result<Figures> {
    let work = tempfile::tempdir()?;
    let db_name = format!("ingest_bench_{}", std::process::id());
    let (url, pg_db) = match backend {
        "sqlite" => (
            format!("sqlite://{}", work.path().join("bench.sqlite").display()),
            None,
        ),
        "postgres" => {
            let name = db_name.clone();
            let mut admin = sqlx::PgConnection::connect(&args.pg_url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await?;
            let base = args
                .pg_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&args.pg_url);
            (format!("{base}/{name}"), Some(name))
        }
        other => bail!("unknown backend {other}"),
    };
    eprintln!("[{backend}] preparing {url}");

    // 1. Reference, codes, enrollment.
    let store = open_store(&url).await?;
    let wanted: Vec<String> = schools.iter().map(|s| s.npsn.clone()).collect();
    let (kec, mut refs) =
        ops::parse_reference_csv(std::fs::File::open(args.kabupaten.join("reference.csv"))?)?;
    refs.retain(|r| wanted.contains(&r.npsn));
    store
        .import_reference(&kec, &refs, true, ingest_server::domain::time::now_ms())
        .await?;
    let codes = ops::generate_kode_registrasi(&*store, None).await?;
    store.close().await;
    let server = spawn_server(&url, work.path()).await?;
    let client = reqwest::Client::new();
    let mut tokens = HashMap::new();
    for (npsn, _, kode) in &codes {
        let r: Value = client
            .post(format!("{}/api/v1/enroll", server.base))
            .json(&json!({"npsn": npsn, "kode_registrasi": kode, "username_ops": "bench", "helper_version": "0.1.0"}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        tokens.insert(
            npsn.clone(),
            r["school_token"].as_str().context("token")?.to_owned(),
        );
    }
    let tokens = Arc::new(tokens);
    let rows: u64 = schools.iter().map(|s| s.rows).sum();

    // 2. API ingest.
    eprintln!(
        "[{backend}] API ingest: {} schools, {rows} rows, {} senders",
        schools.len(),
        args.senders
    );
    let cpu0 = (
        server.cpu_secs(),
        cpu_secs("self"),
        postgres_cpu_secs(&db_name),
    );
    let (api_time, lat, first_bytes) =
        run_senders(&server.base, schools, &tokens, args.senders, Mode::Upload).await?;
    eprintln!(
        "[{backend}]   CPU: server {:.1}s, bench client {:.1}s, postgres {}",
        server.cpu_secs() - cpu0.0,
        cpu_secs("self") - cpu0.1,
        pg_delta(cpu0.2, postgres_cpu_secs(&db_name))
    );
    let (mut b, mut c) = (lat.batch.into_inner()?, lat.commit.into_inner()?);
    let (api_p50, api_p99, commit_p99) = (pct(&mut b, 0.5), pct(&mut b, 0.99), pct(&mut c, 0.99));
    eprintln!(
        "[{backend}]   {:.1}s, {:.0} rows/s, batch p50 {api_p50:.1} ms p99 {api_p99:.1} ms",
        api_time.as_secs_f64(),
        rows as f64 / api_time.as_secs_f64()
    );

    // 3. Latency with many concurrent sessions (bodies again, then commit).
    eprintln!(
        "[{backend}] latency: {} concurrent sessions",
        args.latency_sessions
    );
    let (_, lat, _) = run_senders(
        &server.base,
        schools,
        &tokens,
        args.latency_sessions,
        Mode::Upload,
    )
    .await?;
    let mut b = lat.batch.into_inner()?;
    let (load_p50, load_p99) = (pct(&mut b, 0.5), pct(&mut b, 0.99));
    eprintln!("[{backend}]   batch p50 {load_p50:.1} ms p99 {load_p99:.1} ms");

    // 4. Delta re-send of unchanged data.
    let (delta_time, _, delta_bytes) =
        run_senders(&server.base, schools, &tokens, args.senders, Mode::Delta).await?;
    eprintln!(
        "[{backend}] delta re-send: {:.1}s, {delta_bytes} body bytes (first send {first_bytes})",
        delta_time.as_secs_f64()
    );
    let peak_rss_kib = server.peak_rss_kib();
    server.stop();

    // 5. Raw bulk load of the same rows.
    let store = open_store(&url).await?;
    store.clear_snapshot_rows().await?;
    let mut bulk = Vec::with_capacity(rows as usize);
    for s in schools.iter() {
        for b in &s.batches {
            let json = zstd::decode_all(&b.zstd[..])?;
            for row in serde_json::from_slice::<Vec<Value>>(&json)? {
                let id = match &row[b.kind.id_field()] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                bulk.push(BulkRow {
                    npsn: s.npsn.clone(),
                    kind: b.kind,
                    row: SnapshotRow {
                        row_id: id,
                        data: row.to_string(),
                    },
                });
            }
        }
    }
    eprintln!("[{backend}] raw bulk load of {} rows", bulk.len());
    let t = Instant::now();
    let cpu0 = (cpu_secs("self"), postgres_cpu_secs(&db_name));
    for chunk in bulk.chunks(args.bulk_chunk.max(1)) {
        store.bulk_load_rows(chunk).await?;
    }
    let bulk_time = t.elapsed();
    eprintln!(
        "[{backend}]   CPU: loader {:.1}s, postgres {}",
        cpu_secs("self") - cpu0.0,
        pg_delta(cpu0.1, postgres_cpu_secs(&db_name))
    );
    eprintln!(
        "[{backend}]   {:.1}s, {:.0} rows/s",
        bulk_time.as_secs_f64(),
        bulk.len() as f64 / bulk_time.as_secs_f64()
    );
    store.close().await;
    drop(bulk);

    if let Some(name) = pg_db {
        let mut admin = sqlx::PgConnection::connect(&args.pg_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut admin)
        .await?;
    }
    Ok(Figures {
        backend: backend.to_owned(),
        rows,
        api_secs: api_time.as_secs_f64(),
        api_p50,
        api_p99,
        commit_p99,
        load_p50,
        load_p99,
        delta_secs: delta_time.as_secs_f64(),
        delta_bytes,
        first_bytes,
        bulk_secs: bulk_time.as_secs_f64(),
        peak_rss_mib: peak_rss_kib as f64 / 1024.0,
    })
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let t = Instant::now();
    let schools = Arc::new(load_kabupaten(&args.kabupaten, args.schools)?);
    let batches: usize = schools.iter().map(|s| s.batches.len()).sum();
    eprintln!(
        "loaded {} schools, {batches} batches in {:.1}s",
        schools.len(),
        t.elapsed().as_secs_f64()
    );
    let mut all = Vec::new();
    for backend in &args.backends {
        all.push(rt.block_on(run_backend(&args, backend, &schools))?);
    }
    println!();
    println!(
        "| backend | rows | API ingest ({} senders) | raw bulk load | API / raw | batch ack p50 / p99 ({} senders) | batch ack p50 / p99 ({} sessions) | commit p99 | delta re-send | server peak RSS |",
        args.senders, args.senders, args.latency_sessions
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for f in &all {
        let api_rate = f.rows as f64 / f.api_secs;
        let bulk_rate = f.rows as f64 / f.bulk_secs;
        println!(
            "| {} | {} | {:.0} rows/s ({:.1} s) | {:.0} rows/s ({:.1} s) | {:.0}% | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.0} ms | {:.1} s, {} of {} body bytes | {:.0} MiB |",
            f.backend,
            f.rows,
            api_rate,
            f.api_secs,
            bulk_rate,
            f.bulk_secs,
            100.0 * api_rate / bulk_rate,
            f.api_p50,
            f.api_p99,
            f.load_p50,
            f.load_p99,
            f.commit_p99,
            f.delta_secs,
            f.delta_bytes,
            f.first_bytes,
            f.peak_rss_mib
        );
    }
    Ok(())
}

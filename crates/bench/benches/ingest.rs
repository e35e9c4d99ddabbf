// Over 400 lines: preparation, the API run, the raw-load baselines and the report of one benchmark.
//! Ingest benchmark (not a timed test): the whole synthetic kabupaten through the HTTP API
//! with N concurrent senders, against a raw bulk load of the same rows into the same
//! database, on SQLite and PostgreSQL. Figures go to docs/benchmarks.md.
//!
//! ```sh
//! dapodik-sim generate --seed 1 --out /tmp/kab
//! cargo bench -p bench --bench ingest -- --kabupaten /tmp/kab
//! ```
//!
//! The server runs as a child process (`ingest-server serve`, through this crate's
//! `bench-ingest-server`, the same command line) so its peak RSS (`VmHWM`) is its own.
//! Phases per backend:
//! 1. prepare (untimed): migrate, import `reference.csv`, issue codes, enroll every school;
//! 2. **API ingest**: `--senders` concurrent helpers each open a session, upload every batch
//!    (zstd) and commit; rows/s over wall time, batch acknowledgement latency;
//! 3. **latency under load**: `--latency-sessions` concurrent sessions re-upload every
//!    batch body and commit; p50/p99 batch acknowledgement;
//! 4. **delta re-send**: unchanged data again, by reference (bytes uploaded);
//! 5. **raw bulk load**: server stopped, snapshot rows cleared, the same rows loaded in one
//!    transaction (COPY on PostgreSQL, one prepared single-row INSERT on SQLite: the
//!    baseline of issue 3). On SQLite a second, stronger baseline runs first: one prepared
//!    500-row INSERT in one transaction (what the server itself uses), so the ratio is
//!    also shown against the fastest plain load.
//!
//! Sizing figures: database size after the API ingest (SQLite: file after a WAL checkpoint;
//! PostgreSQL: `pg_database_size`) per student, and the server's RSS idle, after the
//! `--senders` phase and after the `--latency-sessions` phase.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use clap::Parser;
use ingest_server::storage::{BulkRow, SnapshotRow, open_store};
use ingest_server::{enrollment, reference};
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::batching::make_batches;
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::protocol::KindExpectation;
use shared_model::webservice::{Endpoint, Sekolah, parse_body, parse_sekolah};
use sqlx::Connection as _;
use test_kit::postgres::ThrowawayPg;

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
    /// PostgreSQL server (a database `ingest_bench_<pid>_<random>` is created and dropped there).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pg_url: String,
    /// Only the first N schools (quick runs).
    #[arg(long)]
    schools: Option<usize>,
    /// Rows per bulk-load transaction (0: all rows in one transaction).
    #[arg(long, default_value_t = 0)]
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
    let (_, refs) = reference::parse_reference_csv(reference)?;
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

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
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
                .arg(env!("CARGO_BIN_EXE_bench-ingest-server"));
            c
        }
        None => std::process::Command::new(env!("CARGO_BIN_EXE_bench-ingest-server")),
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
    /// SQLite: the 500-row prepared INSERT baseline.
    bulk_multi_secs: Option<f64>,
    peak_rss_mib: f64,
    idle_rss_mib: f64,
    hwm_senders_mib: f64,
    db_bytes: u64,
    students: u64,
    load: [f64; 3],
}

/// The 1-minute load average (other processes on the machine distort the figures).
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Bytes the database holds (SQLite: after a WAL checkpoint, live pages only).
async fn database_bytes(url: &str, pg_db: Option<&str>) -> anyhow::Result<u64> {
    if let Some(name) = pg_db {
        let mut c = sqlx::PgConnection::connect(url).await?;
        let n: i64 = sqlx::query_scalar("SELECT pg_database_size($1)")
            .bind(name)
            .fetch_one(&mut c)
            .await?;
        return Ok(n as u64);
    }
    let mut c = sqlx::SqliteConnection::connect(url).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut c)
        .await?;
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&mut c)
        .await?;
    let free: i64 = sqlx::query_scalar("PRAGMA freelist_count")
        .fetch_one(&mut c)
        .await?;
    let size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&mut c)
        .await?;
    Ok(((pages - free) * size) as u64)
}

/// The stronger SQLite baseline: one prepared 500-row `INSERT` in one transaction.
async fn sqlite_multi_row_load(url: &str, rows: &[BulkRow]) -> anyhow::Result<Duration> {
    const CHUNK: usize = 500;
    let mut c = sqlx::SqliteConnection::connect(url).await?;
    sqlx::query("DELETE FROM snapshot_row")
        .execute(&mut c)
        .await?;
    let sql = |n: usize| {
        let values = vec!["(?, ?, ?, 'bulk', ?)"; n].join(", ");
        format!("INSERT INTO snapshot_row (npsn, kind, row_id, batch_sha256, data) VALUES {values}")
    };
    let full = sql(CHUNK);
    let t = Instant::now();
    let mut tx = c.begin().await?;
    for chunk in rows.chunks(CHUNK) {
        let text = if chunk.len() == CHUNK {
            full.clone()
        } else {
            sql(chunk.len())
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(text));
        for r in chunk {
            q = q
                .bind(r.npsn.as_str())
                .bind(r.kind.wire_name())
                .bind(r.row.row_id.as_str())
                .bind(r.row.data.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let elapsed = t.elapsed();
    sqlx::query("DELETE FROM snapshot_row")
        .execute(&mut c)
        .await?;
    Ok(elapsed)
}

async fn run_backend(
    args: &Args,
    backend: &str,
    schools: &Arc<Vec<School>>,
) -> anyhow::Result<Figures> {
    let work = tempfile::tempdir()?;
    // The database lives as long as this run; dropping `pg` drops it (also on an error).
    let pg = match backend {
        "sqlite" => None,
        "postgres" => Some(ThrowawayPg::create_at(&args.pg_url, "ingest_bench").await?),
        other => bail!("unknown backend {other}"),
    };
    let (url, pg_db) = match &pg {
        None => (
            format!("sqlite://{}", work.path().join("bench.sqlite").display()),
            None,
        ),
        Some(pg) => (pg.url.clone(), Some(pg.name().to_owned())),
    };
    // Names the PostgreSQL backends whose CPU time is this run's.
    let db_name = pg_db
        .clone()
        .unwrap_or_else(|| format!("ingest_bench_{}", std::process::id()));
    eprintln!("[{backend}] preparing {url}");

    // 1. Reference, codes, enrollment.
    let store = open_store(&url).await?;
    let wanted: Vec<String> = schools.iter().map(|s| s.npsn.clone()).collect();
    let (kec, mut refs) =
        reference::parse_reference_csv(std::fs::File::open(args.kabupaten.join("reference.csv"))?)?;
    refs.retain(|r| wanted.contains(&r.npsn));
    store
        .import_reference(&kec, &refs, true, ingest_server::app::time::now_ms())
        .await?;
    let codes = enrollment::generate_kode_registrasi(&store, None).await?;
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
    let students: u64 = schools
        .iter()
        .map(|s| {
            s.expected
                .get(&DataKind::PesertaDidik)
                .map_or(0, |e| e.rows)
        })
        .sum();
    let idle_rss_kib = server.rss_kib();
    let mut load = [0.0; 3];

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
    load[0] = load_average();
    let hwm_senders_kib = server.peak_rss_kib();
    let (mut b, mut c) = (lat.batch.into_inner()?, lat.commit.into_inner()?);
    let (api_p50, api_p99, commit_p99) = (pct(&mut b, 0.5), pct(&mut b, 0.99), pct(&mut c, 0.99));
    eprintln!(
        "[{backend}]   {:.1}s, {:.0} rows/s, batch p50 {api_p50:.1} ms p99 {api_p99:.1} ms, load {:.1}",
        api_time.as_secs_f64(),
        rows as f64 / api_time.as_secs_f64(),
        load[0]
    );
    let db_bytes = database_bytes(&url, pg_db.as_deref()).await?;
    eprintln!(
        "[{backend}]   database {:.1} MiB ({:.0} bytes per student, {students} students)",
        db_bytes as f64 / 1048576.0,
        db_bytes as f64 / students.max(1) as f64
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
    load[1] = load_average();
    let mut b = lat.batch.into_inner()?;
    let (load_p50, load_p99) = (pct(&mut b, 0.5), pct(&mut b, 0.99));
    eprintln!(
        "[{backend}]   batch p50 {load_p50:.1} ms p99 {load_p99:.1} ms, peak RSS {:.0} MiB, load {:.1}",
        server.peak_rss_kib() as f64 / 1024.0,
        load[1]
    );

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
    let bulk_multi_secs = if pg_db.is_none() {
        store.close().await;
        let d = sqlite_multi_row_load(&url, &bulk).await?;
        eprintln!(
            "[{backend}] 500-row prepared INSERT, one transaction: {:.1}s, {:.0} rows/s",
            d.as_secs_f64(),
            bulk.len() as f64 / d.as_secs_f64()
        );
        Some(d.as_secs_f64())
    } else {
        None
    };
    let store = if pg_db.is_none() {
        open_store(&url).await?
    } else {
        store
    };
    eprintln!("[{backend}] raw bulk load of {} rows", bulk.len());
    let chunk = if args.bulk_chunk == 0 {
        bulk.len().max(1)
    } else {
        args.bulk_chunk
    };
    let t = Instant::now();
    let cpu0 = (cpu_secs("self"), postgres_cpu_secs(&db_name));
    for chunk in bulk.chunks(chunk) {
        store.bulk_load_rows(chunk).await?;
    }
    let bulk_time = t.elapsed();
    eprintln!(
        "[{backend}]   CPU: loader {:.1}s, postgres {}",
        cpu_secs("self") - cpu0.0,
        pg_delta(cpu0.1, postgres_cpu_secs(&db_name))
    );
    load[2] = load_average();
    eprintln!(
        "[{backend}]   {:.1}s, {:.0} rows/s, load {:.1}",
        bulk_time.as_secs_f64(),
        bulk.len() as f64 / bulk_time.as_secs_f64(),
        load[2]
    );
    store.close().await;
    drop(bulk);

    drop(pg);
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
        bulk_multi_secs,
        peak_rss_mib: peak_rss_kib as f64 / 1024.0,
        idle_rss_mib: idle_rss_kib as f64 / 1024.0,
        hwm_senders_mib: hwm_senders_kib as f64 / 1024.0,
        db_bytes,
        students,
        load,
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
    println!();
    println!(
        "| backend | API / 500-row INSERT baseline | DB size after API ingest | bytes per student | students | RSS idle | peak RSS, {} senders | peak RSS, {} sessions | load avg (API / latency / bulk) |",
        args.senders, args.latency_sessions
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for f in &all {
        let multi = f.bulk_multi_secs.map_or("–".to_owned(), |m| {
            format!(
                "{:.0}% ({:.0} rows/s)",
                100.0 * m / f.api_secs,
                f.rows as f64 / m
            )
        });
        println!(
            "| {} | {multi} | {:.1} MiB | {:.0} | {} | {:.0} MiB | {:.0} MiB | {:.0} MiB | {:.1} / {:.1} / {:.1} |",
            f.backend,
            f.db_bytes as f64 / 1048576.0,
            f.db_bytes as f64 / f.students.max(1) as f64,
            f.students,
            f.idle_rss_mib,
            f.hwm_senders_mib,
            f.peak_rss_mib,
            f.load[0],
            f.load[1],
            f.load[2]
        );
    }
    Ok(())
}

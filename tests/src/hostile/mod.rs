//! Hostile input against a real `ingest-server` process: what was tried, what happened,
//! and whether each outcome is the expected one (a 4xx with the JSON
//! `{"error", "message"}` body, nothing stored, no panic, the server still healthy).
//!
//! * [`auth`]: a rotated token replayed, cross-school writes, enrollment brute force;
//! * [`fuzz`]: random byte streams and random JSON at the batch decoder and enrollment,
//!   bounded in time (`HOSTILE_FUZZ_SECS`, default 15 per target);
//! * [`limits`]: oversized bodies, decompression bombs, wrong-typed rows;
//! * [`injection`]: SQL-injection and XSS strings in every field, stored verbatim and
//!   shown escaped;
//! * [`web`]: login brute force and path traversal on `/unduhan/…`.

pub mod api;
pub mod auth;
pub mod fuzz;
pub mod injection;
pub mod limits;
pub mod school;
pub mod tally;
pub mod web;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::db::{Backend, TestDatabase, stored_rows};
use crate::procs::{Binaries, ServerProc};
use api::{Answer, Api};
use tally::Tally;

/// The staff account the login brute force aims at.
pub const STAFF_USER: &str = "admin.dinas";
pub const STAFF_PASSWORD: &str = "sandi-benar-untuk-uji-9431";

/// Shared by the cases.
pub struct Ctx {
    pub api: Api,
    pub tally: Tally,
    pub kab: PathBuf,
    pub server_dir: PathBuf,
    /// Generated schools (NPSN) with their kode registrasi.
    pub schools: Vec<(String, String)>,
    /// Schools whose send was committed on purpose (the injection school).
    pub committed: Vec<String>,
    pub fuzz_budget: Duration,
    pub db_backend: Backend,
    pub db_url: String,
}

impl Ctx {
    /// Records an attempt that must be refused with the protocol's JSON error.
    pub fn refused(&mut self, category: &str, what: &str, a: &Answer, codes: &[&str]) {
        let ok = a.is_api_refusal() && (codes.is_empty() || codes.contains(&a.code()));
        let label = if a.status == 0 {
            format!("connection error ({:.120})", a.text)
        } else if a.is_api_refusal() {
            a.label()
        } else {
            format!("{} (not the JSON error body: {:.80})", a.status, a.text)
        };
        self.tally.record(category, &label, ok, what);
    }

    pub fn npsn(&self, i: usize) -> &str {
        &self.schools[i].0
    }

    pub fn kode(&self, i: usize) -> &str {
        &self.schools[i].1
    }
}

/// The report of a hostile run.
pub struct HostileReport {
    pub backend: Backend,
    pub tally: Tally,
    /// Everything that was not as expected (should be empty).
    pub problems: Vec<String>,
    pub server_peak_rss_kib: Option<u64>,
    pub wall: Duration,
}

/// Runs every case against a fresh server on `backend`. `Ok(None)`: PostgreSQL unreachable
/// outside CI.
pub async fn run(bins: &Binaries, backend: Backend) -> anyhow::Result<Option<HostileReport>> {
    let started = Instant::now();
    let tmp = tempfile::Builder::new().prefix("hostile-").tempdir()?;
    let root = tmp.path();
    let server_dir = root.join("server");
    for d in ["server/unduhan", "logs"] {
        std::fs::create_dir_all(root.join(d))?;
    }
    let db = match backend {
        Backend::Sqlite => TestDatabase::sqlite(&server_dir),
        Backend::Postgres => match TestDatabase::postgres("hostile").await {
            Some(db) => db,
            None => return Ok(None),
        },
    };
    let kab = root.join("kab");
    let opts = dapodik_sim::GenerateOptions {
        seed: 4_242,
        schools: 6,
        ..Default::default()
    };
    let k2 = kab.clone();
    tokio::task::spawn_blocking(move || dapodik_sim::generate(&opts, &k2)).await??;

    let mut server = ServerProc::new(
        &bins.ingest_server,
        &server_dir,
        &db.url,
        &root.join("logs"),
    );
    let kode = server
        .provision(&kab.join("reference.csv"), &root.join("kode.csv"))
        .await?;
    server.set_env("INGEST_STAF_PASSWORD", STAFF_PASSWORD);
    // The per-token request rate would answer most of the fuzz with 429 before the
    // decoder sees it; enrollment and login keep their (tested) failure limits.
    server.set_env("INGEST_TOKEN_RATE_PER_SEC", "1000000");
    server.set_env("INGEST_TOKEN_BURST", "1000000");
    server
        .admin(&[
            "staf",
            "tambah",
            "--username",
            STAFF_USER,
            "--peran",
            "admin",
        ])
        .await
        .context("staff account")?;
    let schools: Vec<(String, String)> = kode.into_iter().collect();
    anyhow::ensure!(schools.len() >= 5, "need 5 schools, got {}", schools.len());
    server.start().await?;

    let mut ctx = Ctx {
        api: Api::new(&server.base_url()),
        tally: Tally::default(),
        kab,
        server_dir: server_dir.clone(),
        schools,
        committed: Vec::new(),
        fuzz_budget: Duration::from_secs(
            std::env::var("HOSTILE_FUZZ_SECS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(15),
        ),
        db_backend: backend,
        db_url: db.url.clone(),
    };
    let mut problems = Vec::new();

    // Legitimate enrollments first: the brute-force cases use up the address's failures.
    let tokens = auth::enroll_all(&mut ctx).await?;
    auth::rotated_token(&mut ctx, &tokens).await?;
    auth::cross_school(&mut ctx, &tokens).await?;
    limits::oversized(&mut ctx, &tokens).await?;
    limits::bombs(&mut ctx, &tokens).await?;
    limits::wrong_typed(&mut ctx, &tokens).await?;
    fuzz::batches(&mut ctx, &tokens).await?;
    injection::every_field(&mut ctx, &tokens, &mut problems).await?;
    injection::nul_bytes(&mut ctx, &tokens).await?;
    auth::enroll_brute_force(&mut ctx).await?;
    fuzz::enroll(&mut ctx).await?;
    web::login_brute_force(&mut ctx).await?;
    web::path_traversal(&mut ctx).await?;

    // Nothing stored but what was committed on purpose; the server alive and healthy.
    if !server.alive() || !server.healthy().await {
        problems.push("server not alive and healthy after the hostile input".into());
    }
    let peak = server.peak_rss_kib();
    let stored = stored_rows(backend, &db.url).await?;
    let stored_schools: Vec<&String> = stored.rows.keys().collect();
    let mut expected: Vec<&String> = ctx.committed.iter().collect();
    expected.sort();
    if stored_schools != expected {
        problems.push(format!(
            "schools with stored rows {stored_schools:?}, expected only {expected:?}"
        ));
    }
    let progres: Vec<serde_json::Value> = ctx
        .api
        .http
        .get(ctx.api.url("/api/v1/progres"))
        .send()
        .await?
        .json()
        .await?;
    if progres.len() != ctx.committed.len() {
        problems.push(format!(
            "{} schools in /api/v1/progres, expected {}",
            progres.len(),
            ctx.committed.len()
        ));
    }
    server.kill().await?;
    for entry in std::fs::read_dir(root.join("logs"))? {
        let text = std::fs::read_to_string(entry?.path()).unwrap_or_default();
        if text.contains("panicked") {
            problems.push("the server log shows a panic".into());
        }
    }
    problems.extend(ctx.tally.unexpected());
    Ok(Some(HostileReport {
        backend,
        tally: ctx.tally,
        problems,
        server_peak_rss_kib: peak,
        wall: started.elapsed(),
    }))
}

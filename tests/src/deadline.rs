//! The deadline day, start to finish: a generated kabupaten, three simulated Dapodik
//! behaviours, a real `ingest-server` process behind the fault proxy, every school's real
//! `db-helper kirim` as its own process, server kills, a public-read poller, and the final
//! reconciliation of API, database and truth.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use shared_model::protocol::ProgresEntry;
use tokio::sync::Mutex;

use crate::chaos::ServerKiller;
use crate::db::{Backend, TestDatabase, stored_rows};
use crate::driver::{self, Endpoints, Outcome, SchoolResult};
use crate::poller::Poller;
use crate::procs::{Binaries, ServerProc};
use crate::proxy::{FaultProxy, ProxyFaults};
use crate::scenario::{self, DapodikSide, Scale, SchoolPlan};
use crate::summary::{ReasonRow, RunSummary};
use crate::truth::{TruthTable, diff};

/// Runs the day on one backend. `Ok(None)` when PostgreSQL is unreachable outside CI.
pub async fn run(
    bins: &Binaries,
    backend: Backend,
    scale: Scale,
) -> anyhow::Result<Option<RunSummary>> {
    let started = Instant::now();
    let tmp = tempfile::Builder::new().prefix("deadline-day-").tempdir()?;
    let root = tmp.path();
    let db = match backend {
        Backend::Sqlite => TestDatabase::sqlite(&root.join("server")),
        Backend::Postgres => match TestDatabase::postgres("deadline_day").await {
            Some(db) => db,
            None => return Ok(None),
        },
    };
    for d in ["server", "server/unduhan", "logs", "helpers"] {
        std::fs::create_dir_all(root.join(d))?;
    }

    // The kabupaten and what each school's Dapodik holds.
    let kab = root.join("kab");
    let opts = dapodik_sim::GenerateOptions {
        seed: scale.seed,
        schools: scale
            .schools
            .unwrap_or(dapodik_sim::GenerateOptions::default().schools),
        ..Default::default()
    };
    let kab2 = kab.clone();
    tokio::task::spawn_blocking(move || dapodik_sim::generate(&opts, &kab2)).await??;
    let truth = Arc::new(TruthTable::load(&kab)?);
    let creds = dapodik_sim::data_dir::load_credentials(&kab)?;

    // The district: reference list and kode registrasi by the real CLI.
    let mut server = ServerProc::new(
        &bins.ingest_server,
        &root.join("server"),
        &db.url,
        &root.join("logs"),
    );
    let kode = server
        .provision(
            &kab.join("reference.csv"),
            &root.join("kode-registrasi.csv"),
        )
        .await?;
    let plans = scenario::plan(&scale, &creds, &kode)?;

    // Three Dapodik behaviours, each a real simulator on 127.0.0.1.
    let any = "127.0.0.1:0".parse()?;
    let clean = dapodik_sim::spawn_with(&kab, any, scenario::clean_sim_faults(&plans)).await?;
    let slow = dapodik_sim::spawn_with(
        &kab,
        any,
        dapodik_sim::Faults {
            latency_ms: 700,
            ..Default::default()
        },
    )
    .await?;
    let flaky = dapodik_sim::spawn_with(
        &kab,
        any,
        dapodik_sim::Faults {
            server_error_rate: 0.12,
            server_error_status: 500,
            ..Default::default()
        },
    )
    .await?;

    server.start().await?;
    let server_url = server.base_url();
    let server = Arc::new(Mutex::new(server));
    let proxy =
        FaultProxy::start(server.lock().await.addr, ProxyFaults::default(), scale.seed).await?;
    let broken: BTreeSet<String> = plans
        .iter()
        .filter(|p| p.broken.is_some())
        .map(|p| p.npsn.clone())
        .collect();
    let poller = Poller::start(
        server_url.clone(),
        truth.clone(),
        broken.clone(),
        scale.seed,
    );
    let completed = Arc::new(AtomicUsize::new(0));
    let killer = ServerKiller::start(
        server.clone(),
        completed.clone(),
        plans.len() - broken.len(),
        scale.server_kills,
        scale.seed,
    );

    let ep = Endpoints {
        db_helper: bins.db_helper.clone(),
        helpers_dir: root.join("helpers"),
        server_url: proxy.url(),
        clean_sim: clean.base_url(),
        slow_sim: slow.base_url(),
        flaky_sim: flaky.base_url(),
    };
    let results: Vec<SchoolResult> = futures::stream::iter(plans.iter())
        .map(|p| {
            let (ep, completed) = (&ep, &completed);
            async move { driver::run_school(ep, p, completed).await }
        })
        .buffer_unordered(scale.concurrency)
        .collect()
        .await;

    let chaos = killer.finish().await;
    let poll = poller.finish().await;
    let proxy_counts = proxy.stats.snapshot();
    drop(proxy);

    let mut summary = RunSummary {
        backend: backend.name().into(),
        full: scale.full,
        seed: scale.seed,
        schools: plans.len(),
        concurrency: scale.concurrency,
        slow_dapodik: plans.iter().filter(|p| p.side == DapodikSide::Slow).count(),
        flaky_dapodik: plans
            .iter()
            .filter(|p| p.side == DapodikSide::Flaky)
            .count(),
        server_kills_planned: scale.server_kills,
        proxy: proxy_counts,
        ..RunSummary::default()
    };
    tally(&mut summary, &plans, &results);
    summary.violations.extend(poll.violations.iter().cloned());
    summary.violations.extend(chaos.errors.iter().cloned());
    if chaos.kills.len() < scale.server_kills {
        summary.violations.push(format!(
            "only {} of {} server kills happened",
            chaos.kills.len(),
            scale.server_kills
        ));
    }
    summary.chaos = chaos;
    summary.poll = poll;

    // Final reconciliation: public API and database rows against the truth.
    {
        let mut srv = server.lock().await;
        if !srv.alive() || !srv.healthy().await {
            summary
                .violations
                .push("server not healthy at the end".into());
        }
        summary.server_starts = srv.starts();
        let done: BTreeSet<String> = results
            .iter()
            .filter(|r| r.outcome == Outcome::Completed)
            .map(|r| r.npsn.clone())
            .collect();
        reconcile(&mut summary, &srv.base_url(), &truth, &done, &results).await?;
        let stored = stored_rows(backend, &db.url).await?;
        // A kill that landed after a committed send makes the next run a second, complete send.
        let sends: BTreeMap<String, u64> = results
            .iter()
            .map(|r| (r.npsn.clone(), 1 + u64::from(r.late_kills)))
            .collect();
        check_stored(&mut summary, &stored, &truth, &done, &sends);
        summary.rows_verified = truth.rows_of(&done);
        srv.kill().await?;
    }
    for sim in [clean, slow, flaky] {
        let _ = sim.shutdown().await;
    }
    summary.wall = started.elapsed();
    if !summary.violations.is_empty() {
        // Keep the logs of a failed run for the post-mortem.
        let kept = tmp.keep();
        summary
            .violations
            .push(format!("run directory kept: {}", kept.display()));
    }
    drop(db);
    Ok(Some(summary))
}

fn tally(s: &mut RunSummary, plans: &[SchoolPlan], results: &[SchoolResult]) {
    let by_npsn: BTreeMap<&str, &SchoolPlan> = plans.iter().map(|p| (p.npsn.as_str(), p)).collect();
    for r in results {
        s.helper_runs += u64::from(r.runs);
        s.retried_runs += u64::from(r.retries);
        s.helper_kills += u64::from(r.helper_kills);
        s.late_kills += u64::from(r.late_kills);
        s.resumed_runs += u64::from(r.resumed_runs);
        if r.retries > 0 {
            s.schools_retried += 1;
        }
        let plan = by_npsn[r.npsn.as_str()];
        match (&r.outcome, plan.broken) {
            (Outcome::Completed, None) => s.completed += 1,
            (Outcome::Completed, Some(b)) => {
                s.completed += 1;
                s.violations
                    .push(format!("{}: meant to fail ({b:?}) but completed", r.npsn));
            }
            (Outcome::Failed { code, title }, broken) => {
                s.failed += 1;
                let row = s.reasons.entry(code.clone()).or_insert_with(|| ReasonRow {
                    title: title.clone(),
                    ..ReasonRow::default()
                });
                row.schools += 1;
                match broken {
                    Some(b) if b.expected_code() == code => row.expected += 1,
                    Some(b) => s.violations.push(format!(
                        "{}: expected failure {} but got {code}: {title}",
                        r.npsn,
                        b.expected_code()
                    )),
                    None => s.violations.push(format!(
                        "{}: could not finish: [{code}] {title}\n{}",
                        r.npsn, r.last_stderr
                    )),
                }
                if title.trim().is_empty() || !r.last_stderr.contains("GAGAL [") {
                    s.violations
                        .push(format!("{}: no operator-readable reason", r.npsn));
                }
            }
        }
        // A school killed mid-upload must have resumed from its outbox.
        if r.helper_kills > 0 && r.outcome == Outcome::Completed && r.resumed_runs == 0 {
            s.violations.push(format!(
                "{}: killed mid-send but never resumed from the outbox",
                r.npsn
            ));
        }
    }
}

async fn reconcile(
    s: &mut RunSummary,
    base: &str,
    truth: &TruthTable,
    done: &BTreeSet<String>,
    results: &[SchoolResult],
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .no_proxy()
        .build()?;
    let entries: Vec<ProgresEntry> = http
        .get(format!("{base}/api/v1/progres"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let seen: BTreeSet<String> = entries.iter().map(|e| e.npsn.clone()).collect();
    for e in &entries {
        match truth.get(&e.npsn) {
            Some(t) if t.counts == e.counts => {}
            Some(t) => s.violations.push(format!(
                "final /api/v1/progres {}: {}",
                e.npsn,
                diff(&e.counts, &t.counts)
            )),
            None => s
                .violations
                .push(format!("final /api/v1/progres: unknown school {}", e.npsn)),
        }
    }
    for n in done.difference(&seen) {
        s.violations.push(format!(
            "{n}: helper reported success but the school is not in /api/v1/progres"
        ));
    }
    for n in seen.difference(done) {
        s.violations.push(format!(
            "{n}: committed on the server but its helper did not report success"
        ));
    }
    for r in results.iter().filter(|r| r.outcome == Outcome::Completed) {
        match (&r.receipt, truth.get(&r.npsn)) {
            (Some(c), Some(t)) if *c == t.counts => {}
            (Some(c), Some(t)) => s.violations.push(format!(
                "{}: helper receipt differs from truth: {}",
                r.npsn,
                diff(c, &t.counts)
            )),
            _ => s
                .violations
                .push(format!("{}: no receipt counts printed", r.npsn)),
        }
    }
    Ok(())
}

fn check_stored(
    s: &mut RunSummary,
    stored: &crate::db::StoredRows,
    truth: &TruthTable,
    done: &BTreeSet<String>,
    sends: &BTreeMap<String, u64>,
) {
    if stored.unknown_kind_rows > 0 {
        s.violations.push(format!(
            "{} stored rows of an unknown kind",
            stored.unknown_kind_rows
        ));
    }
    if stored.snapshots != done.len() as u64 {
        s.violations.push(format!(
            "{} school snapshots stored, {} schools completed",
            stored.snapshots,
            done.len()
        ));
    }
    for (npsn, rows) in &stored.rows {
        if !done.contains(npsn) {
            s.violations.push(format!(
                "{npsn}: rows stored for a school that did not complete"
            ));
        }
        if let Some(t) = truth.get(npsn)
            && *rows != t.counts
        {
            s.violations.push(format!(
                "{npsn}: database rows differ from truth (missing or duplicated): {}",
                diff(rows, &t.counts)
            ));
        }
    }
    for npsn in done {
        let empty = truth.get(npsn).is_some_and(|t| t.counts.total() == 0);
        if !stored.rows.contains_key(npsn) && !empty {
            s.violations
                .push(format!("{npsn}: completed but no rows stored"));
        }
        let expected = sends.get(npsn).copied().unwrap_or(1);
        let found = stored.progres_entries.get(npsn).copied().unwrap_or(0);
        if found != expected {
            s.violations.push(format!(
                "{npsn}: {found} progres_kirim entries for {expected} completed send(s)"
            ));
        }
    }
}

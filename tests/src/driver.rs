//! One school PC on deadline day: runs `db-helper kirim` until the server committed, the
//! way an operator (or a scheduled task) would: a run the test SIGKILLs mid-send is
//! started again and must resume from its outbox; a run that ends on a passing problem
//! (Dapodik busy, server unreachable too long) is started again after a pause; any other
//! failure is final and its Indonesian reason is kept.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use helper_gui::messages;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use shared_model::{DataKind, KindCounts};

use crate::procs::{HelperCmd, HelperExit};
use crate::scenario::{DapodikSide, SchoolPlan};

/// Runs per school at most (an operator gives up at some point too).
pub const MAX_RUNS: u32 = 12;
/// One `kirim` process at most this long.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(900);

/// Failure codes an operator simply retries.
pub fn is_passing(code: &str) -> bool {
    matches!(
        code,
        "dapodik_server_error"
            | "dapodik_bad_response"
            | "dapodik_timeout"
            | "dapodik_unreachable"
            | "server_unreachable"
            | "server_busy"
    )
}

/// Where the PCs find their Dapodik and the district server.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub db_helper: PathBuf,
    pub helpers_dir: PathBuf,
    pub server_url: String,
    pub clean_sim: String,
    pub slow_sim: String,
    pub flaky_sim: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    /// `(code, Indonesian title)` from the helper's last run.
    Failed {
        code: String,
        title: String,
    },
}

#[derive(Debug, Clone)]
pub struct SchoolResult {
    pub npsn: String,
    pub outcome: Outcome,
    pub runs: u32,
    /// Runs that ended on a passing problem and were started again.
    pub retries: u32,
    /// Runs the test SIGKILLed mid-send.
    pub helper_kills: u32,
    /// SIGKILLs that landed after the helper had already recorded the server's receipt (the
    /// kill delay outlasted a fast send). The next run is then a new, complete send, so the
    /// server rightly holds one more progress entry; these are not mid-send kills.
    pub late_kills: u32,
    /// Runs that said they resumed an unfinished send from the outbox.
    pub resumed_runs: u32,
    /// Counts on the helper's receipt (what the server said it committed).
    pub receipt: Option<KindCounts>,
    pub last_stderr: String,
}

/// Sends one school to the end.
pub async fn run_school(
    ep: &Endpoints,
    plan: &SchoolPlan,
    completed: &Arc<AtomicUsize>,
) -> SchoolResult {
    let dapodik_url = match plan.side {
        DapodikSide::Clean => &ep.clean_sim,
        DapodikSide::Slow => &ep.slow_sim,
        DapodikSide::Flaky => &ep.flaky_sim,
    };
    let dir = ep.helpers_dir.join(&plan.npsn);
    let cmd = HelperCmd {
        bin: ep.db_helper.clone(),
        dir,
        server_url: ep.server_url.clone(),
        dapodik_url: dapodik_url.clone(),
        npsn: plan.npsn.clone(),
        username: plan.username.clone(),
        dapodik_token: plan.token.clone(),
        kode: plan.kode.clone(),
        batas_tunggu_secs: 180,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(plan.npsn.parse::<u64>().unwrap_or(7));
    let mut r = SchoolResult {
        npsn: plan.npsn.clone(),
        outcome: Outcome::Failed {
            code: "not_run".into(),
            title: String::new(),
        },
        runs: 0,
        retries: 0,
        helper_kills: 0,
        late_kills: 0,
        resumed_runs: 0,
        receipt: None,
        last_stderr: String::new(),
    };
    while r.runs < MAX_RUNS {
        r.runs += 1;
        let kill = if r.runs == 1 {
            plan.kill_after_ms
        } else {
            None
        };
        let upload_started = |line: &str| line.trim() == messages::PHASE_UPLOAD;
        let receipts_before = logged_receipts(&cmd.dir);
        let exit = match kill {
            Some(ms) => {
                cmd.run(
                    RUN_TIMEOUT,
                    Some(&upload_started),
                    Duration::from_millis(ms),
                )
                .await
            }
            None => cmd.run(RUN_TIMEOUT, None, Duration::ZERO).await,
        };
        let exit = match exit {
            Ok(e) => e,
            Err(e) => {
                r.outcome = Outcome::Failed {
                    code: "test_spawn".into(),
                    title: e.to_string(),
                };
                return r;
            }
        };
        if exit.stdout.contains(messages::RESUMING) {
            r.resumed_runs += 1;
        }
        r.last_stderr = exit.stderr.clone();
        if exit.code == Some(0) {
            r.receipt = parse_receipt(&exit);
            r.outcome = Outcome::Completed;
            completed.fetch_add(1, Ordering::SeqCst);
            return r;
        }
        if exit.killed && exit.code.is_none() {
            if logged_receipts(&cmd.dir) > receipts_before {
                r.late_kills += 1;
            } else {
                r.helper_kills += 1;
            }
            continue;
        }
        let (code, title) = exit
            .failure()
            .unwrap_or_else(|| ("no_reason".into(), format!("exit {:?}", exit.code)));
        if exit.timed_out || !is_passing(&code) {
            r.outcome = Outcome::Failed { code, title };
            return r;
        }
        r.retries += 1;
        r.outcome = Outcome::Failed { code, title };
        let pause = rng.gen_range(300..2_000);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    r
}

/// How many sends the helper's log records as committed (`kirim selesai`, written once the
/// server's receipt is in the outbox), across its rotating log files.
fn logged_receipts(helper_dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(helper_dir.join("logs")) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.matches("kirim selesai").count())
        .sum()
}

/// The counts printed after `Selesai.` (`  Data PD: 30`).
fn parse_receipt(exit: &HelperExit) -> Option<KindCounts> {
    let tail = exit.stdout.split_once(messages::HEADING_SELESAI)?.1;
    let mut c = KindCounts::default();
    let mut found = 0;
    for line in tail.lines() {
        for k in DataKind::ALL {
            if let Some(n) = line
                .trim()
                .strip_prefix(k.label())
                .and_then(|rest| rest.strip_prefix(": "))
                .and_then(|n| n.trim().parse::<u64>().ok())
            {
                c.set(k, n);
                found += 1;
            }
        }
    }
    (found == DataKind::ALL.len()).then_some(c)
}

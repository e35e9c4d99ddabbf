//! Kills the district server with SIGKILL at random moments spread over the run and
//! restarts it on the same port and data.
//!
//! Kill `i` (of `n`) happens once `expected · (i + u)/(n + 1)` schools have completed,
//! `u` drawn from 0.3–1.0, plus a random 0–700 ms: always mid-run, with sends, uploads
//! and commits in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use tokio::sync::Mutex;

use crate::procs::ServerProc;

/// One kill.
#[derive(Debug, Clone)]
pub struct KillRecord {
    /// Seconds since the start of the run.
    pub at_secs: f64,
    /// Schools completed when it happened.
    pub completed: usize,
    /// From SIGKILL until `/healthz` answered again.
    pub downtime: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct ChaosReport {
    pub kills: Vec<KillRecord>,
    pub errors: Vec<String>,
}

pub struct ServerKiller {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<ChaosReport>,
}

impl ServerKiller {
    pub fn start(
        server: Arc<Mutex<ServerProc>>,
        completed: Arc<AtomicUsize>,
        expected: usize,
        kills: usize,
        seed: u64,
    ) -> ServerKiller {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_c4a0);
            let mut report = ChaosReport::default();
            for i in 0..kills {
                let u: f64 = rng.gen_range(0.3..1.0);
                let threshold =
                    ((expected as f64) * (i as f64 + u) / (kills as f64 + 1.0)) as usize;
                while completed.load(Ordering::SeqCst) < threshold.max(1) {
                    if s.load(Ordering::Relaxed) {
                        return report;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                tokio::time::sleep(Duration::from_millis(rng.gen_range(0..700))).await;
                let mut server = server.lock().await;
                let at = Instant::now();
                if let Err(e) = server.kill().await {
                    report.errors.push(format!("kill {i}: {e:#}"));
                    continue;
                }
                let at_secs = (at - started).as_secs_f64();
                let done = completed.load(Ordering::SeqCst);
                if let Err(e) = server.start().await {
                    report.errors.push(format!("restart after kill {i}: {e:#}"));
                    return report;
                }
                report.kills.push(KillRecord {
                    at_secs,
                    completed: done,
                    downtime: at.elapsed(),
                });
            }
            report
        });
        ServerKiller { stop, task }
    }

    /// Stops planning kills (a restart in progress finishes first).
    pub async fn finish(self) -> ChaosReport {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_else(|e| ChaosReport {
            errors: vec![format!("server killer crashed: {e}")],
            ..ChaosReport::default()
        })
    }
}

//! The deadline day's figures as a markdown summary (printed by the test, pasted into
//! `docs/reliability.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::chaos::ChaosReport;
use crate::poller::PollReport;
use crate::proxy::ProxyCounts;

/// Schools that could not finish, by the reason their helper gave.
#[derive(Debug, Clone, Default)]
pub struct ReasonRow {
    pub title: String,
    pub schools: usize,
    /// Meant to fail this way (a broken Dapodik on purpose).
    pub expected: usize,
}

#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub backend: String,
    pub full: bool,
    pub seed: u64,
    pub schools: usize,
    pub concurrency: usize,
    pub slow_dapodik: usize,
    pub flaky_dapodik: usize,
    pub completed: usize,
    pub failed: usize,
    pub helper_runs: u64,
    pub retried_runs: u64,
    pub schools_retried: usize,
    pub helper_kills: u64,
    /// Kills that landed after the send had committed (see `SchoolResult::late_kills`).
    pub late_kills: u64,
    pub resumed_runs: u64,
    pub server_kills_planned: usize,
    pub chaos: ChaosReport,
    pub server_starts: u32,
    pub proxy: ProxyCounts,
    pub poll: PollReport,
    pub rows_verified: u64,
    pub reasons: BTreeMap<String, ReasonRow>,
    pub violations: Vec<String>,
    pub wall: Duration,
}

impl RunSummary {
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let scale = if self.full { "full" } else { "small (CI)" };
        let _ = writeln!(
            s,
            "### Deadline day — {} — {} run, seed {}\n",
            self.backend, scale, self.seed
        );
        let _ = writeln!(s, "| measure | value |\n|---|---|");
        let mut row = |k: &str, v: String| {
            let _ = writeln!(s, "| {k} | {v} |");
        };
        row(
            "schools (helper processes at once)",
            format!("{} ({})", self.schools, self.concurrency),
        );
        row(
            "completed (committed, counts = truth)",
            self.completed.to_string(),
        );
        row("could not finish", self.failed.to_string());
        row(
            "helper runs / retried after a passing failure / schools retried",
            format!(
                "{} / {} / {}",
                self.helper_runs, self.retried_runs, self.schools_retried
            ),
        );
        row(
            "helper processes SIGKILLed mid-send / runs that resumed from the outbox / kills after the commit",
            format!(
                "{} / {} / {}",
                self.helper_kills, self.resumed_runs, self.late_kills
            ),
        );
        let downtime: Vec<String> = self
            .chaos
            .kills
            .iter()
            .map(|k| format!("{:.1}s@{}", k.downtime.as_secs_f64(), k.completed))
            .collect();
        row(
            "server SIGKILLs (downtime@schools done) / server starts",
            format!(
                "{} of {} ({}) / {}",
                self.chaos.kills.len(),
                self.server_kills_planned,
                downtime.join(", "),
                self.server_starts
            ),
        );
        let p = &self.proxy;
        row(
            "proxy connections: dropped / stalled / cut / refused (server down)",
            format!(
                "{}: {} / {} / {} / {}",
                p.connections, p.dropped, p.stalled, p.cut, p.upstream_refused
            ),
        );
        row(
            "schools on a slow / failing Dapodik",
            format!("{} / {}", self.slow_dapodik, self.flaky_dapodik),
        );
        let q = &self.poll;
        row(
            "public reads checked all-or-nothing: /api/v1/progres rounds (entries) / /api/v1/sekolah / /progres_data pages (rows) / unavailable",
            format!(
                "{} ({}) / {} / {} ({}) / {}",
                q.api_polls,
                q.api_entries,
                q.sekolah_checks,
                q.page_polls,
                q.page_rows,
                q.unavailable
            ),
        );
        row(
            "rows verified (API counts and database rows = truth)",
            self.rows_verified.to_string(),
        );
        row("violations", self.violations.len().to_string());
        row("wall time", format!("{:.0} s", self.wall.as_secs_f64()));
        let _ = writeln!(s);
        if !self.reasons.is_empty() {
            let _ = writeln!(
                s,
                "| failure (helper code) | what the operator reads | schools | planned |\n|---|---|---|---|"
            );
            for (code, r) in &self.reasons {
                let _ = writeln!(
                    s,
                    "| `{code}` | {} | {} | {} |",
                    r.title, r.schools, r.expected
                );
            }
            let _ = writeln!(s);
        }
        if !self.violations.is_empty() {
            let _ = writeln!(s, "Violations (first 30):\n");
            for v in self.violations.iter().take(30) {
                let _ = writeln!(s, "* {v}");
            }
        }
        s
    }
}

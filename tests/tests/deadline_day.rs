//! A kabupaten's deadline day under faults, on SQLite and on PostgreSQL.
//!
//! Small by default (CI); `DEADLINE_DAY_FULL=1` runs the whole default kabupaten. See
//! `docs/reliability.md` and `system_tests::scenario` for the knobs.

use std::sync::Mutex;

use system_tests::db::Backend;
use system_tests::procs::Binaries;
use system_tests::scenario::Scale;

/// The two backends' runs take turns: each already loads the machine on its own.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn bins() -> Binaries {
    Binaries {
        ingest_server: env!("CARGO_BIN_EXE_sys-ingest-server").into(),
        db_helper: env!("CARGO_BIN_EXE_sys-db-helper").into(),
    }
}

fn deadline_day(backend: Backend) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let scale = Scale::from_env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let summary = rt
        .block_on(system_tests::deadline::run(&bins(), backend, scale))
        .expect("deadline day run");
    let Some(summary) = summary else {
        return; // PostgreSQL unreachable outside CI (announced loudly).
    };
    let md = summary.to_markdown();
    println!("\n{md}");
    if let Ok(path) = std::env::var("DEADLINE_DAY_SUMMARY") {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        writeln!(f, "{md}").unwrap();
    }
    assert!(
        summary.violations.is_empty(),
        "{} violations:\n{md}",
        summary.violations.len()
    );
    assert!(summary.completed > 0);
    assert!(summary.chaos.kills.len() >= scale.server_kills);
    assert!(summary.helper_kills >= 1, "no helper was killed mid-send");
}

#[test]
fn deadline_day_sqlite() {
    deadline_day(Backend::Sqlite);
}

#[test]
fn deadline_day_postgres() {
    deadline_day(Backend::Postgres);
}

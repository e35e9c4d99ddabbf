//! Hostile input against a real `ingest-server` process, on SQLite and on PostgreSQL:
//! every attempt counted, every outcome checked (see `system_tests::hostile`).

use system_tests::db::Backend;
use system_tests::procs::Binaries;

fn bins() -> Binaries {
    Binaries {
        ingest_server: env!("CARGO_BIN_EXE_sys-ingest-server").into(),
        db_helper: env!("CARGO_BIN_EXE_sys-db-helper").into(),
    }
}

fn hostile(backend: Backend) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some(report) = rt
        .block_on(system_tests::hostile::run(&bins(), backend))
        .expect("hostile run")
    else {
        return; // PostgreSQL unreachable outside CI (announced loudly).
    };
    let title = format!(
        "Hostile input — {} ({} attempts, {:.0} s, server peak RSS {} MiB)",
        backend.name(),
        report.tally.total(),
        report.wall.as_secs_f64(),
        report
            .server_peak_rss_kib
            .map_or("?".into(), |k| (k / 1024).to_string())
    );
    let md = report.tally.to_markdown(&title);
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
        report.problems.is_empty(),
        "{} problems:\n{}\n{md}",
        report.problems.len(),
        report.problems.join("\n")
    );
}

#[test]
fn hostile_input_sqlite() {
    hostile(Backend::Sqlite);
}

#[test]
fn hostile_input_postgres() {
    hostile(Backend::Postgres);
}

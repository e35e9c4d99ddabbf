//! Helper benchmark: pull and upload a ~1,500-student school from dapodik-sim to a local
//! ingest-server, with the real `db-helper` binary as a child process.
//!
//! ```text
//! cargo build --release -p helper-gui -p bench --bins
//! target/release/helper-bench [--write docs/benchmarks.md]
//! ```
//!
//! Reports wall time, peak RSS (headless; and with the window under Xvfb when `xvfb-run` or
//! a DISPLAY is available), bytes on the wire of a first and an unchanged second send, and
//! wire bytes against the raw Dapodik JSON.

mod baseline;
mod child;
mod report;
mod school;
mod services;
mod window;

use std::path::PathBuf;

use anyhow::{Result, bail};

use child::Helper;
use report::Figures;

/// The size of school the benchmark looks for.
const TARGET_STUDENTS: u64 = 1_500;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let write_to = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let exe = child::helper_exe()?;

    let tmp = tempfile::tempdir()?;
    let keep = std::env::var_os("HELPER_BENCH_KEEP").is_some();
    let sim_dir = tmp.path().join("sim");
    let (truth, cred) = school::generate_near(&sim_dir, TARGET_STUDENTS)?;
    eprintln!(
        "school {} with {} students, {} ptk, {} rombel",
        truth.npsn, truth.peserta_didik, truth.ptk, truth.rombel
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let services = rt.block_on(services::Services::start(&sim_dir, tmp.path(), &cred.npsn))?;

    let data = tmp.path().join("helper");
    std::fs::create_dir_all(&data)?;
    let helper = Helper {
        exe,
        secret_file: data.join("rahasia-uji.json"),
        server_url: services.server.base_url.clone(),
        dapodik_url: services.sim.base_url(),
        cred,
    };

    let bare_pull = rt.block_on(baseline::bare_pull(&helper.dapodik_url, &helper.cred))?;
    let floor = child::run(baseline::smallest_process(&helper.exe))?;
    let first = child::run(helper.kirim(&data, Some(&services.kode)))?;
    if !first.ok {
        bail!("first send failed:\n{}", first.output);
    }
    let second = child::run(helper.kirim(&data, None))?;
    if !second.ok {
        bail!("second send failed:\n{}", second.output);
    }
    let window = window::measure(&helper, tmp.path())?;

    rt.block_on(services.shutdown());

    eprintln!("bare pull: {} B in {:?}", bare_pull.1, bare_pull.0);
    let report = report::render(&Figures {
        truth,
        bare_pull,
        floor,
        first,
        second,
        window,
    });
    println!("{report}");
    if keep {
        let path = tmp.keep();
        eprintln!("kept {}", path.display());
    }
    if let Some(path) = write_to {
        report::write_section(&path, &report)?;
        eprintln!("written to {}", path.display());
    }
    Ok(())
}

//! The "## Helper" section of docs/benchmarks.md: the figures against their baselines and
//! targets.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use dapodik_sim::Truth;

use crate::child::Run;
use crate::window::WindowRuns;

/// Everything one benchmark run measured.
pub struct Figures {
    pub truth: Truth,
    /// The bare pull: wall time and bytes.
    pub bare_pull: (Duration, u64),
    /// `db-helper --version`.
    pub floor: Run,
    pub first: Run,
    pub second: Run,
    pub window: Option<WindowRuns>,
}

/// The section in Markdown (a table of measures; the format string is the table).
pub fn render(f: &Figures) -> String {
    let (truth, bare_pull, floor) = (&f.truth, f.bare_pull, &f.floor);
    let (first, second, window) = (&f.first, &f.second, &f.window);
    let idle_window = window.as_ref().and_then(|w| w.idle_rss_kib);
    let window_rss = window
        .as_ref()
        .filter(|w| w.send.ok)
        .and_then(|w| w.send.peak_rss_kib);
    let mb =
        |kib: Option<u64>| kib.map_or("n/a".to_owned(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    let pct = |a: u64, b: u64| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let ok = |b: bool| if b { "ok" } else { "**NOT MET**" };
    let ratio = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) if b > 0 => a as f64 / b as f64,
        _ => 0.0,
    };
    format!(
        "## Helper\n\n\
         Command: `cargo build --release -p helper-gui -p bench --bins && target/release/helper-bench --write docs/benchmarks.md`\n\
         (generated school NPSN {npsn}: {pd} students, {ptk} PTK, {rombel} rombel, {ar} anggota rombel; dapodik-sim and\n\
         ingest-server in-process on 127.0.0.1 with SQLite; `db-helper kirim` as a child process; {cores} CPU cores).\n\n\
         | Measure | Figure | Baseline (same run) | Ratio | Target | |\n|---|---|---|---|---|---|\n\
         | Wall time, first send (pull 5 endpoints + upload + commit, incl. process start) | {w1:.2} s | bare pull, 5 GETs: {wb:.1} ms | {wr:.0}× | < 5 s | {ok1} |\n\
         | Wall time, second send (no changes) | {w2:.2} s | first send | {w2r:.2}× | | |\n\
         | Peak RSS headless (`kirim`, first or second send) | {rss1} | `db-helper --version`: {rssf} | {rssr:.1}× | < 60 MB | {ok2} |\n\
         | Peak RSS with the window (Xvfb + Mesa llvmpipe, OpenGL; full pull, preview, send of references) | {rssw} | the same window idle: {rssi} | {rsswr} | < 150 MB | {ok3} |\n\
         | Bytes on the wire, first send | {wire1} B | raw Dapodik JSON: {raw} B | {r1:.1} % | ≤ 20 % | {ok4} |\n\
         | Bytes on the wire, second send | {wire2} B | first send: {wire1} B | {r2:.1} % | < 10 % | {ok5} |\n\n\
         Bytes on the wire: request lines, headers and bodies as sent plus status lines, headers and\n\
         bodies of the answers (answer bodies counted decompressed; no TLS overhead, the benchmark server\n\
         is plain HTTP). The raw Dapodik JSON is what the five endpoints returned.\n",
        npsn = truth.npsn,
        pd = truth.peserta_didik,
        ptk = truth.ptk,
        rombel = truth.rombel,
        ar = truth.anggota_rombel,
        cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        w1 = first.wall.as_secs_f64(),
        wb = bare_pull.0.as_secs_f64() * 1000.0,
        wr = first.wall.as_secs_f64() / bare_pull.0.as_secs_f64().max(1e-6),
        w2r = second.wall.as_secs_f64() / first.wall.as_secs_f64().max(1e-6),
        rssf = mb(floor.peak_rss_kib),
        rssr = ratio(
            first.peak_rss_kib.max(second.peak_rss_kib),
            floor.peak_rss_kib
        ),
        rssi = mb(idle_window),
        rsswr = window_rss.map_or("n/a".to_owned(), |w| format!(
            "{:.2}×",
            ratio(Some(w), idle_window)
        )),
        ok1 = ok(first.wall < Duration::from_secs(5)),
        w2 = second.wall.as_secs_f64(),
        rss1 = mb(first.peak_rss_kib.max(second.peak_rss_kib)),
        ok2 = ok(first.peak_rss_kib.is_some_and(|k| k < 60 * 1024)),
        rssw = mb(window_rss),
        ok3 = if window_rss.is_some() {
            ok(window_rss.is_some_and(|k| k < 150 * 1024))
        } else {
            "not measured"
        },
        raw = first.raw_bytes,
        wire1 = first.wire_bytes,
        r1 = pct(first.wire_bytes, first.raw_bytes),
        ok4 = ok(first.wire_bytes * 5 <= first.raw_bytes),
        wire2 = second.wire_bytes,
        r2 = pct(second.wire_bytes, first.wire_bytes),
        ok5 = ok(second.wire_bytes * 10 < first.wire_bytes),
    )
}

/// Replaces (or appends) the "## Helper" section of the benchmarks document.
pub fn write_section(path: &Path, section: &str) -> Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n\n".to_owned());
    let new = match old.find("## Helper\n") {
        Some(start) => {
            let rest = &old[start + 10..];
            let end = rest.find("\n## ").map_or(old.len(), |i| start + 10 + i + 1);
            format!("{}{}{}", &old[..start], section, &old[end..])
        }
        None => format!("{}\n\n{section}", old.trim_end()),
    };
    std::fs::write(path, new)?;
    Ok(())
}

//! Watches what the public sees while the kabupaten sends: `GET /api/v1/progres`,
//! `GET /api/v1/sekolah/{npsn}` and the `/progres_data` page. Every school visible there
//! must show exactly its truth (each school sends once, so anything else would be a
//! partial snapshot): all-or-nothing.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rand::seq::IteratorRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use shared_model::protocol::{ProgresEntry, SekolahPublic};
use shared_model::{DataKind, KindCounts};

use crate::truth::{TruthTable, diff};

/// What the poller saw.
#[derive(Debug, Clone, Default)]
pub struct PollReport {
    /// Rounds of `/api/v1/progres`.
    pub api_polls: u64,
    /// School entries checked in those rounds.
    pub api_entries: u64,
    /// `/api/v1/sekolah/{npsn}` answers checked.
    pub sekolah_checks: u64,
    /// `/progres_data` pages parsed.
    pub page_polls: u64,
    /// School rows checked on those pages.
    pub page_rows: u64,
    /// Requests that failed (server down between a kill and its restart).
    pub unavailable: u64,
    /// Most schools seen committed at once.
    pub max_visible: usize,
    /// Anything not all-or-nothing (should stay empty).
    pub violations: Vec<String>,
}

pub struct Poller {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<PollReport>,
}

impl Poller {
    /// `never_visible`: schools that are meant to fail and must never appear committed.
    pub fn start(
        base_url: String,
        truth: Arc<TruthTable>,
        never_visible: BTreeSet<String>,
        seed: u64,
    ) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn(run(base_url, truth, never_visible, seed, stop.clone()));
        Poller { stop, task }
    }

    pub async fn finish(self) -> PollReport {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_else(|e| PollReport {
            violations: vec![format!("poller crashed: {e}")],
            ..PollReport::default()
        })
    }
}

async fn run(
    base: String,
    truth: Arc<TruthTable>,
    never: BTreeSet<String>,
    seed: u64,
    stop: Arc<AtomicBool>,
) -> PollReport {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .no_proxy()
        .build()
        .expect("client");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut r = PollReport::default();
    let mut round = 0u64;
    while !stop.load(Ordering::Relaxed) {
        round += 1;
        let visible =
            match get_json::<Vec<ProgresEntry>>(&http, &format!("{base}/api/v1/progres")).await {
                Some(entries) => {
                    r.api_polls += 1;
                    let mut visible = BTreeSet::new();
                    for e in &entries {
                        r.api_entries += 1;
                        check(&mut r, &truth, &never, "api/progres", &e.npsn, &e.counts);
                        let flat = KindCounts([
                            e.sekolah,
                            e.peserta_didik,
                            e.ptk,
                            e.riwayat_kepangkatan,
                            e.riwayat_pendidikan,
                            e.rombel,
                            e.anggota_rombel,
                            e.pembelajaran,
                        ]);
                        if flat != e.counts {
                            r.violations.push(format!(
                                "api/progres {}: flat counts differ from `counts`",
                                e.npsn
                            ));
                        }
                        visible.insert(e.npsn.clone());
                    }
                    r.max_visible = r.max_visible.max(visible.len());
                    visible
                }
                None => {
                    r.unavailable += 1;
                    BTreeSet::new()
                }
            };
        // One school that has committed and one chosen at random (committed or not).
        let picks = [
            visible.iter().choose(&mut rng).cloned(),
            truth.schools.keys().choose(&mut rng).cloned(),
        ];
        for npsn in picks.into_iter().flatten() {
            let url = format!("{base}/api/v1/sekolah/{npsn}");
            match get_json::<SekolahPublic>(&http, &url).await {
                Some(s) => {
                    r.sekolah_checks += 1;
                    if let Some(c) = &s.counts {
                        check(&mut r, &truth, &never, "api/sekolah", &npsn, c);
                        if let Some(t) = truth.get(&npsn) {
                            let p = &s.ptk;
                            let seen = (p.guru_l, p.guru_p, p.tendik_l, p.tendik_p);
                            let want = (t.guru_l, t.guru_p, t.tendik_l, t.tendik_p);
                            if seen != want {
                                r.violations.push(format!(
                                    "api/sekolah {npsn}: PTK L/P {seen:?}, truth {want:?}"
                                ));
                            }
                        }
                    } else if s.tanggal_kirim.is_some() {
                        r.violations
                            .push(format!("api/sekolah {npsn}: tanggal_kirim without counts"));
                    }
                }
                None => r.unavailable += 1,
            }
        }
        if round % 5 == 1 {
            match get_text(&http, &format!("{base}/progres_data")).await {
                Some(html) => {
                    r.page_polls += 1;
                    for (npsn, counts) in parse_progres_page(&html) {
                        r.page_rows += 1;
                        check(&mut r, &truth, &never, "page /progres_data", &npsn, &counts);
                    }
                }
                None => r.unavailable += 1,
            }
        }
        let pause = rng.gen_range(50..250);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    r
}

fn check(
    r: &mut PollReport,
    truth: &TruthTable,
    never: &BTreeSet<String>,
    source: &str,
    npsn: &str,
    seen: &KindCounts,
) {
    if r.violations.len() > 200 {
        return;
    }
    if never.contains(npsn) {
        r.violations.push(format!(
            "{source} {npsn}: a school meant to fail is visible"
        ));
    }
    match truth.get(npsn) {
        None => r
            .violations
            .push(format!("{source} {npsn}: not a school of the kabupaten")),
        Some(t) if t.counts != *seen => r.violations.push(format!(
            "{source} {npsn}: partial or wrong counts (seen/truth) {}",
            diff(seen, &t.counts)
        )),
        Some(_) => {}
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> Option<T> {
    let resp = http.get(url).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.json().await.ok()
}

async fn get_text(http: &reqwest::Client, url: &str) -> Option<String> {
    let resp = http.get(url).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.text().await.ok()
}

/// `(npsn, counts)` of each committed row of the `/progres_data` table: cells are
/// No., Kecamatan, Nama, NPSN, Tanggal Kirim, then the 8 counts (rows of schools still
/// sending for the first time show "–" and are skipped).
pub fn parse_progres_page(html: &str) -> Vec<(String, KindCounts)> {
    let Some(body) = html
        .split_once("<tbody>")
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .map(|(b, _)| b)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in body.split("</tr>") {
        let cells: Vec<String> = row
            .split("<td")
            .skip(1)
            .map(|c| {
                let inner = c.split_once('>').map_or("", |(_, rest)| rest);
                let inner = inner.split("</td>").next().unwrap_or("");
                strip_tags(inner).trim().to_owned()
            })
            .collect();
        if cells.len() != 5 + DataKind::ALL.len() {
            continue;
        }
        let nums: Option<Vec<u64>> = cells[5..].iter().map(|c| c.parse().ok()).collect();
        if let Some(nums) = nums {
            let mut c = KindCounts::default();
            for (k, n) in DataKind::ALL.into_iter().zip(nums) {
                c.set(k, n);
            }
            out.push((cells[3].clone(), c));
        }
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

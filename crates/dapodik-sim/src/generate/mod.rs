//! Deterministic synthetic kabupaten: same seed and options ⇒ byte-identical
//! data directory. Schools are generated and written one at a time so memory
//! stays small.

mod ekskul;
mod grades;
mod gtk;
mod identity;
mod lessons;
pub mod names;
mod pengguna;
mod person;
pub mod php_row;
pub mod plan;
pub mod profile;
pub mod refdata;
pub mod region;
pub mod rng;
mod rombel;
mod school;
mod staff;
mod students;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::data_dir::{self, Credential, ReferenceRow};
use crate::php_json;
use crate::truth::{self, Bodies};
use crate::wire::Endpoint;

pub use plan::{DEFAULT_SCHOOLS, FIXTURE_NPSN};

/// Options of `dapodik-sim generate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerateOptions {
    pub seed: u64,
    /// Number of kabupaten schools (default 1,200).
    pub schools: usize,
    /// Also generate SMA/SMK/SLB (governed by the province).
    pub with_province_schools: bool,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            schools: DEFAULT_SCHOOLS,
            with_province_schools: false,
        }
    }
}

/// What a generation run produced.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GenerateSummary {
    pub schools: usize,
    pub students: u64,
    pub ptk: u64,
    pub rombel: u64,
    /// Bytes of wire bodies written.
    pub bytes: u64,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl std::fmt::Display for GenerateSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} schools, {} students, {} ptk, {} rombel, {:.1} MB of bodies in {:.2}s",
            self.schools,
            self.students,
            self.ptk,
            self.rombel,
            self.bytes as f64 / 1_000_000.0,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Removes school directories of a previous run so the data dir only serves
/// what this run generated (only directories holding a `school.json`).
fn clear_previous(out: &Path) -> Result<()> {
    let dir = out.join(data_dir::SCHOOLS_DIR);
    if !dir.exists() {
        return Ok(());
    }
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.join(data_dir::SCHOOL_JSON).is_file() {
            fs::remove_dir_all(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// Generates a synthetic kabupaten into `out` (see [`crate::data_dir`] for
/// the layout). Deterministic for equal `opts`.
pub fn generate(opts: &GenerateOptions, out: &Path) -> Result<GenerateSummary> {
    let started = Instant::now();
    fs::create_dir_all(out.join(data_dir::SCHOOLS_DIR))
        .with_context(|| format!("creating {}", out.display()))?;
    clear_previous(out)?;

    let mut plan_rng = rng::stream(opts.seed, rng::PLAN_STREAM);
    let kecamatan = region::kabupaten(&mut plan_rng);
    let plans = plan::plan(
        &mut plan_rng,
        &kecamatan,
        opts.schools,
        opts.with_province_schools,
    );

    let mut summary = GenerateSummary {
        schools: plans.len(),
        ..Default::default()
    };
    let mut references = Vec::with_capacity(plans.len());
    let mut credentials = Vec::with_capacity(plans.len());
    let mut truths = Vec::with_capacity(plans.len());
    let mut rombel_truths = Vec::new();
    let mut composition: BTreeMap<&str, (u32, u32)> = BTreeMap::new();

    for p in &plans {
        let built = school::build(opts.seed, p, &kecamatan);
        let body = |e: Endpoint| {
            built
                .bodies
                .iter()
                .find(|b| b.0 == e)
                .and_then(|b| b.1.as_ref())
        };
        let (t, rt) = truth::compute(
            &p.npsn,
            Bodies {
                sekolah: body(Endpoint::Sekolah),
                peserta_didik: body(Endpoint::PesertaDidik),
                gtk: body(Endpoint::Gtk),
                rombongan_belajar: body(Endpoint::RombonganBelajar),
            },
        );
        if let Some(rows) = body(Endpoint::Sekolah).and_then(|e| e.get("rows")) {
            references.push(ReferenceRow::from_sekolah(rows));
        }
        let encoded: Vec<(Endpoint, Option<String>)> = built
            .bodies
            .iter()
            .map(|(e, v)| (*e, v.as_ref().map(php_json::encode)))
            .collect();
        summary.bytes += data_dir::write_school(out, &built.meta, &encoded)?;
        summary.students += t.peserta_didik;
        summary.ptk += t.ptk;
        summary.rombel += t.rombel;
        let c = composition.entry(p.bentuk.label()).or_default();
        if p.negeri {
            c.0 += 1
        } else {
            c.1 += 1
        }
        credentials.push(Credential {
            npsn: p.npsn.clone(),
            token: built.meta.token.clone(),
            username: built.operator_username.clone(),
        });
        truths.push(t);
        rombel_truths.extend(rt);
    }

    data_dir::write_csv(&out.join(data_dir::REFERENCE_CSV), &references)?;
    data_dir::write_csv(&out.join(data_dir::CREDENTIALS_CSV), &credentials)?;
    data_dir::write_csv(&out.join(data_dir::TRUTH_CSV), &truths)?;
    data_dir::write_csv(&out.join(data_dir::TRUTH_ROMBEL_CSV), &rombel_truths)?;

    let manifest = json!({
        "generator": "dapodik-sim",
        "seed": opts.seed,
        "args": opts,
        "semester_id": "20251",
        "kabupaten_kota": region::KABUPATEN,
        "provinsi": region::PROVINSI,
        "kecamatan": kecamatan.iter().map(|k| json!({
            "kode_kecamatan": k.kode,
            "kecamatan": k.label(),
            "desa": k.desa.len(),
        })).collect::<Vec<_>>(),
        "composition": composition.iter().map(|(b, (n, s))| (b.to_string(), json!({"negeri": n, "swasta": s}))).collect::<serde_json::Map<_, _>>(),
        "totals": {
            "schools": summary.schools,
            "peserta_didik": summary.students,
            "ptk": summary.ptk,
            "rombel": summary.rombel,
            "body_bytes": summary.bytes,
        },
    });
    fs::write(
        out.join(data_dir::MANIFEST_JSON),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

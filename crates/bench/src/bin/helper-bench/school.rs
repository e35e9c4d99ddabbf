//! The benchmark school: a generated kabupaten with one school near the target size.

use std::path::Path;

use anyhow::{Context, Result};
use dapodik_sim::Truth;
use dapodik_sim::data_dir::Credential;

/// Larger schools are rare in the generator: seeds are tried until one gives schools of at
/// least 1,470 students; of those, the one closest to `students`. Leaves that kabupaten in
/// `sim_dir`.
pub fn generate_near(sim_dir: &Path, students: u64) -> Result<(Truth, Credential)> {
    let (mut truth, mut cred) = (None, None);
    for seed in 1..=80u64 {
        let opts = dapodik_sim::GenerateOptions {
            seed,
            schools: 150,
            with_province_schools: true,
        };
        dapodik_sim::generate(&opts, sim_dir)?;
        let truths = dapodik_sim::data_dir::load_truth(sim_dir)?;
        if let Some(t) = truths
            .into_iter()
            .filter(|t| t.peserta_didik >= 1_470)
            .min_by_key(|t| t.peserta_didik.abs_diff(students))
        {
            let c = dapodik_sim::data_dir::load_credentials(sim_dir)?
                .into_iter()
                .find(|c| c.npsn == t.npsn);
            truth = Some(t);
            cred = c;
            break;
        }
    }
    let truth = truth.context("no school with ≥1,470 students generated")?;
    let cred = cred.context("credential")?;
    Ok((truth, cred))
}

//! The baselines measured in the same run: the bare pull and the smallest helper process.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Result;
use dapodik_sim::data_dir::Credential;
use shared_model::webservice::Endpoint;

/// The five endpoints fetched one after another with a plain client, bodies discarded:
/// how long that takes and how many bytes the answers have.
pub async fn bare_pull(dapodik_url: &str, cred: &Credential) -> Result<(Duration, u64)> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut bytes = 0usize;
    for endpoint in Endpoint::ALL {
        let body = client
            .get(format!(
                "{dapodik_url}{}?npsn={}",
                endpoint.url_path(),
                cred.npsn
            ))
            .bearer_auth(&cred.token)
            .send()
            .await?
            .bytes()
            .await?;
        bytes += body.len();
    }
    Ok((started.elapsed(), bytes as u64))
}

/// `db-helper --version`: the process that does nothing.
pub fn smallest_process(exe: &Path) -> Command {
    let mut c = Command::new(exe);
    c.arg("--version").env("DBHELPER_REPORT_PEAK_RSS", "1");
    c
}

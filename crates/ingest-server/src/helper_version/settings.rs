//! `ingest-server version set`: the district's helper version policy, stored in the
//! database (overrides the configuration; effective on the next request).

use anyhow::ensure;
use shared_model::protocol::VersionInfo;

use crate::app::time::now_ms;
use crate::helper_version::policy::{
    KEY_DOWNLOAD_URL, KEY_LATEST, KEY_MIN, KEY_NOTES, effective, is_valid_version,
};
use crate::storage::Storage;

fn parse(v: &str) -> anyhow::Result<semver::Version> {
    Ok(semver::Version::parse(v.trim().trim_start_matches('v'))?)
}

/// Sets the given parts of the policy; returns the effective policy against `configured`.
/// Nothing is stored when the result would be inconsistent (minimum above latest).
pub async fn set_version_policy(
    store: &Storage,
    configured: &VersionInfo,
    latest: Option<&str>,
    min: Option<&str>,
    download_url: Option<&str>,
    notes: Option<&str>,
) -> anyhow::Result<VersionInfo> {
    for v in [latest, min].into_iter().flatten() {
        ensure!(is_valid_version(v), "bukan versi semver: {v:?}");
    }
    let mut next = effective(store, configured).await?;
    if let Some(v) = latest {
        next.latest_version = v.trim().to_owned();
    }
    if let Some(v) = min {
        next.min_version = v.trim().to_owned();
    }
    ensure!(
        parse(&next.min_version)? <= parse(&next.latest_version)?,
        "versi minimum ({}) lebih baru dari versi terbaru ({})",
        next.min_version,
        next.latest_version
    );
    let now = now_ms();
    for (key, value) in [
        (KEY_LATEST, latest),
        (KEY_MIN, min),
        (KEY_DOWNLOAD_URL, download_url),
        (KEY_NOTES, notes),
    ] {
        if let Some(v) = value {
            store.set_setting(key, v.trim(), now).await?;
        }
    }
    Ok(effective(store, configured).await?)
}

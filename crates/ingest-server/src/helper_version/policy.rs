//! The helper version policy: configured defaults, overridden by district settings stored
//! in the database (`ingest-server version set …`).

use shared_model::protocol::VersionInfo;

use crate::storage::{Storage, StoreResult};

pub const KEY_LATEST: &str = "version.latest";
pub const KEY_MIN: &str = "version.min";
pub const KEY_DOWNLOAD_URL: &str = "version.download_url";
pub const KEY_NOTES: &str = "version.notes";

/// The effective policy: each stored setting replaces the configured value.
pub async fn effective(store: &Storage, configured: &VersionInfo) -> StoreResult<VersionInfo> {
    let mut info = configured.clone();
    if let Some(v) = store.setting(KEY_LATEST).await? {
        info.latest_version = v;
    }
    if let Some(v) = store.setting(KEY_MIN).await? {
        info.min_version = v;
    }
    if let Some(v) = store.setting(KEY_DOWNLOAD_URL).await? {
        info.download_url = v;
    }
    if let Some(v) = store.setting(KEY_NOTES).await? {
        info.notes = v;
    }
    Ok(info)
}

/// Whether a version string is acceptable as a policy value (`1.2.3`, optional `v`).
pub fn is_valid_version(v: &str) -> bool {
    semver::Version::parse(v.trim().trim_start_matches('v')).is_ok()
}

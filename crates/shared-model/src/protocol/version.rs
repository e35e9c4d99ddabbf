//! `GET /api/v1/version`: what the district wants helpers to run.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub latest_version: String,
    /// Helpers below this version may not send.
    pub min_version: String,
    pub download_url: String,
    #[serde(default)]
    pub notes: String,
}

/// What a helper of a given version should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionCheck {
    UpToDate,
    /// Newer available; sending still allowed.
    UpdateAvailable,
    /// Below the minimum: sending refused.
    MustUpdate,
}

impl VersionInfo {
    /// Compares by semver; an unparsable version counts as 0.0.0 (so it must update).
    pub fn check(&self, helper_version: &str) -> VersionCheck {
        let v = parse_or_zero(helper_version);
        if v < parse_or_zero(&self.min_version) {
            VersionCheck::MustUpdate
        } else if v < parse_or_zero(&self.latest_version) {
            VersionCheck::UpdateAvailable
        } else {
            VersionCheck::UpToDate
        }
    }
}

fn parse_or_zero(s: &str) -> semver::Version {
    semver::Version::parse(s.trim().trim_start_matches('v'))
        .unwrap_or(semver::Version::new(0, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_check_orders_by_semver() {
        let info = VersionInfo {
            latest_version: "1.10.0".into(),
            min_version: "1.2.0".into(),
            download_url: "/unduhan".into(),
            notes: String::new(),
        };
        assert_eq!(info.check("1.10.0"), VersionCheck::UpToDate);
        assert_eq!(info.check("v1.11.0"), VersionCheck::UpToDate);
        assert_eq!(info.check("1.9.3"), VersionCheck::UpdateAvailable);
        assert_eq!(info.check("1.1.9"), VersionCheck::MustUpdate);
        assert_eq!(info.check("rusak"), VersionCheck::MustUpdate);
    }
}

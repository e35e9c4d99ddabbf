//! "Cek Versi Aplikasi" and the download link of a newer helper.

use shared_model::protocol::VersionCheck;

use super::{Engine, VersionStatus};
use crate::upload::ServerClient;

impl Engine {
    /// One quick call; offline is not an error.
    pub async fn check_version(&self) -> VersionStatus {
        self.update(|p| p.version = VersionStatus::Checking);
        let status = match self.server() {
            Err(_) => VersionStatus::Unknown,
            Ok(server) => match server.version().await {
                Ok(info) => {
                    let download_url = self.absolute_url(&info.download_url);
                    match info.check(&self.cfg.helper_version) {
                        VersionCheck::UpToDate => VersionStatus::UpToDate,
                        VersionCheck::UpdateAvailable => VersionStatus::UpdateAvailable {
                            latest: info.latest_version,
                            download_url,
                        },
                        VersionCheck::MustUpdate => VersionStatus::MustUpdate {
                            min: info.min_version,
                            download_url,
                        },
                    }
                }
                Err(e) => {
                    tracing::info!("cek versi gagal: {e}");
                    VersionStatus::Unknown
                }
            },
        };
        tracing::info!(?status, "cek versi");
        self.update(|p| p.version = status.clone());
        status
    }

    /// The link from the version check, else asked of the server now.
    pub(super) async fn download_url(&self, server: &ServerClient) -> Option<String> {
        match &self.progress.borrow().version {
            VersionStatus::MustUpdate { download_url, .. }
            | VersionStatus::UpdateAvailable { download_url, .. } => {
                return Some(download_url.clone());
            }
            _ => {}
        }
        server
            .version()
            .await
            .ok()
            .map(|v| self.absolute_url(&v.download_url))
    }

    /// The server may give its download link as a path.
    fn absolute_url(&self, url: &str) -> String {
        if url.starts_with('/')
            && let Some(base) = &self.cfg.server_url
        {
            return format!("{}{url}", base.trim_end_matches('/'));
        }
        url.to_owned()
    }
}

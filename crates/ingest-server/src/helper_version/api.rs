//! `GET /api/v1/version` and the version gate of enroll/open.

use axum::Json;
use axum::extract::State;
use shared_model::protocol::{VersionCheck, VersionInfo};

use crate::app::AppState;
use crate::app::api_error::{ApiError, ApiResult};
use crate::helper_version::policy::effective;

pub async fn get_version(State(state): State<AppState>) -> ApiResult<Json<VersionInfo>> {
    Ok(Json(state.version_info().await?))
}

/// `426 helper_outdated` when `helper_version` is below the district minimum.
pub async fn require_supported(state: &AppState, helper_version: &str) -> ApiResult<()> {
    let info = effective(state.store.as_ref(), &state.config.version.info()).await?;
    match info.check(helper_version) {
        VersionCheck::MustUpdate => Err(ApiError::HelperOutdated {
            min_version: info.min_version,
            download_url: info.download_url,
        }),
        VersionCheck::UpToDate | VersionCheck::UpdateAvailable => Ok(()),
    }
}

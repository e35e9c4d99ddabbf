//! Public read API: aggregates and public school identity only, never personal data.

use axum::Json;
use axum::extract::State;
use shared_model::protocol::{ProgresEntry, ProgresLive, RekapSatuanPendidikan, SekolahPublic};

use crate::app::AppState;
use crate::app::api_error::{ApiError, ApiResult};
use crate::app::api_extract::ApiPath;
use crate::app::time::now_ms;
use crate::sending::declaration::is_valid_npsn;

/// `GET /api/v1/progres`: the latest committed send of every school, newest first.
pub async fn progres(State(state): State<AppState>) -> ApiResult<Json<Vec<ProgresEntry>>> {
    Ok(Json(state.store.progres().await?))
}

/// `GET /api/v1/progres/live`: schools sending right now.
pub async fn progres_live(State(state): State<AppState>) -> ApiResult<Json<Vec<ProgresLive>>> {
    Ok(Json(state.store.progres_live(now_ms()).await?))
}

/// `GET /api/v1/sekolah/{npsn}`.
pub async fn sekolah(
    State(state): State<AppState>,
    ApiPath(npsn): ApiPath<String>,
) -> ApiResult<Json<SekolahPublic>> {
    if !is_valid_npsn(&npsn) {
        return Err(ApiError::InvalidRequest(format!(
            "NPSN tidak valid: {npsn}"
        )));
    }
    state
        .store
        .sekolah_public(&npsn)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `GET /api/v1/rekap/satuan-pendidikan`.
pub async fn rekap_satuan_pendidikan(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<RekapSatuanPendidikan>>> {
    Ok(Json(state.store.rekap_satuan_pendidikan().await?))
}

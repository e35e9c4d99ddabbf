//! `POST /api/v1/enroll`: NPSN + kode registrasi + username OPS → a school token.

use axum::Json;
use axum::extract::State;
use shared_model::protocol::{EnrollRequest, EnrollResponse};

use crate::app::AppState;
use crate::app::api_error::{ApiError, ApiResult};
use crate::app::api_extract::{ApiJson, ClientIp};
use crate::app::time::now_ms;
use crate::enrollment::rate_limit::retry_after_secs;
use crate::enrollment::secret::{new_school_token, token_hash, verify_kode};
use crate::helper_version::api::require_supported;
use crate::sending::declaration::{check_text, is_valid_npsn};
use crate::storage::NewEnrollment;

/// Verified against when the NPSN has no code, so both refusals cost the same time.
const DUMMY_KODE_HASH: &str = "sha256i$10000$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000";

pub async fn enroll(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> ApiResult<Json<EnrollResponse>> {
    let npsn = req.npsn.trim().to_owned();
    if let Some(wait) = state.limiter.enroll_blocked(ip, &npsn) {
        tracing::warn!(%ip, npsn, "enrollment rate limited");
        return Err(ApiError::RateLimited {
            retry_after_secs: retry_after_secs(wait),
        });
    }
    require_supported(&state, &req.helper_version).await?;
    check_text("username_ops", &req.username_ops, true).map_err(ApiError::InvalidRequest)?;
    check_text("helper_version", &req.helper_version, true).map_err(ApiError::InvalidRequest)?;
    if let Some(d) = &req.device_name {
        check_text("device_name", d, false).map_err(ApiError::InvalidRequest)?;
    }
    if req.kode_registrasi.len() > 64 {
        return Err(ApiError::InvalidRequest(
            "kode_registrasi terlalu panjang".into(),
        ));
    }

    let stored = if is_valid_npsn(&npsn) {
        state.store.kode_hash(&npsn).await?
    } else {
        None
    };
    let known = stored.is_some();
    let (n, k) = (npsn.clone(), req.kode_registrasi.clone());
    let hash = stored.unwrap_or_else(|| DUMMY_KODE_HASH.to_owned());
    let matches = tokio::task::spawn_blocking(move || verify_kode(&n, &k, &hash))
        .await
        .map_err(ApiError::internal)?;
    if !(known && matches) {
        state.limiter.record_enroll_failure(ip, &npsn);
        tracing::info!(%ip, npsn, known, "enrollment refused");
        return Err(ApiError::EnrollRefused);
    }

    let token = new_school_token();
    state
        .store
        .enroll(&NewEnrollment {
            npsn: npsn.clone(),
            token_hash: token_hash(&token),
            username_ops: req.username_ops.trim().to_owned(),
            device_name: req
                .device_name
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            helper_version: req.helper_version.trim().to_owned(),
            now_ms: now_ms(),
        })
        .await?;
    state.token_cache.forget_school(&npsn);
    let nama_sekolah = state.store.reference_school(&npsn).await?.map(|s| s.nama);
    tracing::info!(%ip, npsn, device = req.device_name.as_deref().unwrap_or(""), "school enrolled (older tokens revoked)");
    Ok(Json(EnrollResponse {
        npsn,
        school_token: token,
        nama_sekolah,
    }))
}

//! The HTTP layer: extractors, handlers and the `/api/v1` router. Handlers only parse,
//! authorise and translate; rules live in `crate::domain`, SQL in `crate::store`.

pub mod auth;
pub mod batches;
pub mod body;
pub mod cache;
pub mod enroll;
pub mod error;
pub mod extract;
pub mod health;
pub mod openapi;
pub mod public_api;
pub mod rate_limit;
pub mod sessions;
pub mod version;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use shared_model::protocol::{MAX_BATCH_BODY_BYTES, MAX_JSON_BODY_BYTES};

use crate::app::AppState;
pub use error::{ApiError, ApiResult};

/// Routes under `/api/v1` (nested by `crate::app::router`).
pub fn api_routes() -> Router<AppState> {
    let small = DefaultBodyLimit::max(MAX_JSON_BODY_BYTES);
    Router::new()
        .route("/version", get(version::get_version))
        .route("/openapi.json", get(openapi::get_openapi))
        .route("/enroll", post(enroll::enroll).layer(small))
        .route("/sessions", post(sessions::open_session).layer(small))
        .route("/sessions/{session_id}", get(sessions::get_session))
        .route(
            "/sessions/{session_id}/commit",
            post(sessions::commit).layer(small),
        )
        // The batch body limit is the helper's batch cap; `body::read_limited` enforces it
        // while streaming (a JSON 413 instead of a bare one).
        .route(
            "/sessions/{session_id}/batches/{kind}/{seq}",
            put(batches::put_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY_BYTES)),
        )
        .route(
            "/sessions/{session_id}/batches/{kind}/{seq}/ref",
            put(batches::put_batch_ref).layer(small),
        )
        .route("/progres", get(public_api::progres))
        .route("/progres/live", get(public_api::progres_live))
        .route("/sekolah/{npsn}", get(public_api::sekolah))
        .route(
            "/rekap/satuan-pendidikan",
            get(public_api::rekap_satuan_pendidikan),
        )
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

//! Every route in one place: the JSON API under `/api/v1`, `/healthz`, the district pages.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post, put};
use district_web::routes;
use shared_model::protocol::{API_PREFIX, MAX_BATCH_BODY_BYTES, MAX_JSON_BODY_BYTES};

use crate::app::api_error::ApiError;
use crate::app::middleware::layered;
use crate::app::page_state::MAX_UPLOAD_BYTES;
use crate::app::state::AppState;
use crate::app::{health, openapi, page_error, static_files};
use crate::enrollment;
use crate::helper_version;
use crate::lists;
use crate::programs;
use crate::progress;
use crate::reference;
use crate::sending::{api_batches, api_sessions};
use crate::staff;

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// The whole HTTP application: `/api/v1/…`, `/healthz`, middleware. Pages (`web`) can be
/// merged into [`routes`] later; they share [`AppState`].
pub fn router(state: AppState) -> Router {
    layered(routes().merge(page_routes(&state))).with_state(state)
}

/// Routes without middleware or state (to merge more routes, e.g. district pages).
pub fn routes() -> Router<AppState> {
    Router::new()
        .nest(API_PREFIX, api_routes())
        .route("/healthz", get(health::healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// Routes under `/api/v1` (nested by [`routes`]).
pub fn api_routes() -> Router<AppState> {
    let small = DefaultBodyLimit::max(MAX_JSON_BODY_BYTES);
    Router::new()
        .route("/version", get(helper_version::api::get_version))
        .route("/openapi.json", get(openapi::get_openapi))
        .route("/enroll", post(enrollment::api::enroll).layer(small))
        .route("/sessions", post(api_sessions::open_session).layer(small))
        .route("/sessions/{session_id}", get(api_sessions::get_session))
        .route(
            "/sessions/{session_id}/commit",
            post(api_sessions::commit).layer(small),
        )
        // The batch body limit is the helper's batch cap; `body::read_limited` enforces it
        // while streaming (a JSON 413 instead of a bare one).
        .route(
            "/sessions/{session_id}/batches/{kind}/{seq}",
            put(api_batches::put_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY_BYTES)),
        )
        .route(
            "/sessions/{session_id}/batches/{kind}/{seq}/ref",
            put(api_batches::put_batch_ref).layer(small),
        )
        .route("/progres", get(progress::api::progres))
        .route("/progres/live", get(progress::api::progres_live))
        .route("/sekolah/{npsn}", get(progress::api::sekolah))
        .route(
            "/rekap/satuan-pendidikan",
            get(progress::api::rekap_satuan_pendidikan),
        )
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// The page routes, with the layer that renders error pages. Merged into the application
/// router by [`router`].
pub fn page_routes(state: &AppState) -> Router<AppState> {
    let upload = DefaultBodyLimit::max(MAX_UPLOAD_BYTES);
    Router::new()
        // Public pages.
        .route(routes::BERANDA, get(progress::pages::beranda))
        .route(routes::PROGRES_DATA, get(progress::pages::progres_data))
        .route(routes::BELUM_KIRIM, get(progress::pages::belum_kirim))
        .route(routes::DATA_POKOK, get(progress::pages::data_pokok))
        .route(
            routes::DATA_POKOK_KECAMATAN,
            get(progress::pages::daftar_satuan_pendidikan),
        )
        .route(routes::SEKOLAH, get(progress::pages::sekolah))
        .route(routes::UNDUHAN, get(helper_version::downloads::unduhan))
        .route(
            routes::UNDUHAN_BERKAS,
            get(helper_version::downloads::unduhan_berkas),
        )
        .route(routes::STATIC, get(static_files::static_file))
        // Login.
        .route(
            routes::LOGIN,
            get(staff::login::form).post(staff::login::submit),
        )
        .route(routes::LOGOUT, post(staff::login::logout))
        // Staff area.
        .route(routes::STAF, get(staff::home::beranda))
        .route(routes::STAF_KECAMATAN, get(staff::home::kecamatan))
        .route(routes::STAF_DAFTAR, get(lists::pages::daftar))
        .route(routes::STAF_DAFTAR_UNDUH, get(lists::pages::unduh))
        .route(routes::STAF_DAFTAR_BUKA_NIK, post(lists::pages::buka_nik))
        .route(routes::STAF_PROGRAM_REKAP, get(programs::pages::rekap))
        .route(
            routes::STAF_PROGRAM_UNGGAH,
            get(programs::pages::form)
                .post(programs::pages::unggah)
                .layer(upload),
        )
        // Administration.
        .route(
            routes::ADMIN_AKUN,
            get(staff::accounts::akun).post(staff::accounts::akun_buat),
        )
        .route(routes::ADMIN_AKUN_UBAH, post(staff::accounts::akun_ubah))
        .route(
            routes::ADMIN_KODE_REGISTRASI,
            get(enrollment::pages::kode_registrasi),
        )
        .route(
            routes::ADMIN_KODE_REGISTRASI_BUAT,
            post(enrollment::pages::kode_buat),
        )
        .route(
            routes::ADMIN_KODE_REGISTRASI_GANTI,
            post(enrollment::pages::kode_ganti),
        )
        .route(
            routes::ADMIN_REFERENSI,
            get(reference::pages::referensi)
                .post(reference::pages::referensi_impor)
                .layer(upload),
        )
        .route(
            routes::ADMIN_VERSI_HELPER,
            get(helper_version::pages::versi_helper)
                .post(helper_version::pages::versi_helper_simpan),
        )
        .route(routes::ADMIN_AUDIT, get(staff::audit_page::audit_log))
        // Any other path outside the API: an HTML 404 page.
        .route("/{*rest}", any(static_files::not_found))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            page_error::render_error_page,
        ))
}

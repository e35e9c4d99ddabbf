//! The district's web pages (`district-web`) served with real storage: public pages,
//! login, the staff area (lists, downloads, program recaps) and administration.
//!
//! * [`WebState`] (in [`crate::app::AppState::web`]): templates ([`Pages`]), the public page
//!   cache, the CSRF key, the login rate limiter and the [`WebStore`].
//! * [`router`]: the routes (`district_web::routes`), merged into the application router.
//! * Public pages are rendered once per data version and served from [`PageCache`]
//!   (gzip + ETag); staff pages are rendered per request and never cached (`no-store`).
//! * Sessions: `HttpOnly; SameSite=Lax` cookie, SHA-256 of the token in `staff_session`;
//!   CSRF tokens derived from the session (or pre-session) token ([`CsrfKey`]).
//! * Every view or download of personal data, every NIK reveal, login and administrative
//!   change is written to the audit log *before* the data is sent.

pub mod admin;
pub mod audit;
pub mod cli;
pub mod config;
pub mod error;
pub mod lists;
pub mod login;
pub mod program;
pub mod public;
pub mod respond;
pub mod session;
pub mod staff;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use district_web::auth::CsrfKey;
use district_web::cache::PageCache;
use district_web::ratelimit::{LoginRateLimiter, RateLimitConfig};
use district_web::{Pages, routes};

use crate::app::AppState;
use crate::config::Config;
use crate::store::{StoreResult, WebStore, open_web_store_lazy};

pub use error::{WebError, WebResult};

/// How long a data version read from the database is trusted (public pages show a commit
/// or live progress at most this much later).
const VERSION_MEMO: Duration = Duration::from_millis(1000);
/// Public pages are rendered again after this long even when the data version is the same.
const PAGE_TTL: Duration = Duration::from_secs(300);
/// Upper bound of cached public pages (one per school page, kecamatan list, …).
const PAGE_CACHE_ENTRIES: usize = 8192;
/// Upload limit of the reference import and program list forms.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// Everything the pages need besides the ingest state. Cheap to clone.
#[derive(Clone)]
pub struct WebState {
    inner: Arc<WebInner>,
}

struct WebInner {
    pages: Arc<Pages>,
    cache: Arc<PageCache>,
    csrf: CsrfKey,
    login_limiter: LoginRateLimiter,
    db: Arc<dyn WebStore>,
    downloads_dir: PathBuf,
    secure_cookies: bool,
    version: VersionMemo,
    known: tokio::sync::Mutex<Option<(u64, Arc<KnownIds>)>>,
}

/// The last data version read and when; refreshed by one request at a time while the
/// others keep using the previous value (no request waits for the query).
#[derive(Default)]
struct VersionMemo {
    last: std::sync::Mutex<Option<(Instant, u64)>>,
    refreshing: AtomicBool,
}

/// Clears [`VersionMemo::refreshing`] even when the refreshing request is cancelled.
struct RefreshGuard<'a>(&'a AtomicBool);

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The NPSNs and kecamatan codes public URLs may name (at one data version).
#[derive(Debug, Default)]
pub struct KnownIds {
    pub npsn: HashSet<String>,
    pub kecamatan: HashSet<String>,
}

impl WebState {
    /// Builds the state for a configuration. The web store connects lazily to
    /// `config.database_url`, whose schema the main store has migrated.
    pub fn new(config: &Config) -> WebState {
        let db = open_web_store_lazy(&config.database_url, config.db_max_connections.min(8))
            .unwrap_or_else(|e| {
                // `Config::validate` and the main store have accepted this URL already.
                panic!("web store for {}: {e:#}", config.database_url)
            });
        WebState::with_store(config, db)
    }

    /// Builds the state around an existing web store.
    pub fn with_store(config: &Config, db: Arc<dyn WebStore>) -> WebState {
        WebState {
            inner: Arc::new(WebInner {
                pages: Arc::new(Pages::new(config.site.site_config())),
                cache: Arc::new(PageCache::new(PAGE_TTL, PAGE_CACHE_ENTRIES)),
                csrf: CsrfKey::generate(),
                login_limiter: LoginRateLimiter::new(RateLimitConfig::default()),
                db,
                downloads_dir: config.downloads_dir.clone(),
                secure_cookies: config.public_base_url.starts_with("https://"),
                version: VersionMemo::default(),
                known: tokio::sync::Mutex::new(None),
            }),
        }
    }

    pub fn pages(&self) -> &Arc<Pages> {
        &self.inner.pages
    }

    pub fn cache(&self) -> &Arc<PageCache> {
        &self.inner.cache
    }

    pub fn csrf(&self) -> &CsrfKey {
        &self.inner.csrf
    }

    pub fn login_limiter(&self) -> &LoginRateLimiter {
        &self.inner.login_limiter
    }

    pub fn db(&self) -> &dyn WebStore {
        self.inner.db.as_ref()
    }

    pub fn downloads_dir(&self) -> &std::path::Path {
        &self.inner.downloads_dir
    }

    pub fn secure_cookies(&self) -> bool {
        self.inner.secure_cookies
    }

    /// The data version of the public pages, read from the database at most once per
    /// [`VERSION_MEMO`].
    pub async fn data_version(&self) -> StoreResult<u64> {
        let memo = &self.inner.version;
        let last = *memo.last.lock().unwrap_or_else(|p| p.into_inner());
        let guard = match last {
            Some((at, v)) if at.elapsed() < VERSION_MEMO => return Ok(v),
            // Stale: one request refreshes, the others answer with the previous version.
            Some((_, v)) => {
                if memo.refreshing.swap(true, Ordering::AcqRel) {
                    return Ok(v);
                }
                Some(RefreshGuard(&memo.refreshing))
            }
            None => None,
        };
        let v = self.inner.db.data_version().await?;
        *memo.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), v));
        drop(guard);
        Ok(v)
    }

    /// The ids public URLs may name, reloaded when the data version changes.
    pub async fn known_ids(&self) -> StoreResult<Arc<KnownIds>> {
        let version = self.data_version().await?;
        let mut known = self.inner.known.lock().await;
        if let Some((v, ids)) = known.as_ref()
            && *v == version
        {
            return Ok(ids.clone());
        }
        let (npsn, kecamatan) = self.inner.db.public_ids().await?;
        let ids = Arc::new(KnownIds {
            npsn: npsn.into_iter().collect(),
            kecamatan: kecamatan.into_iter().collect(),
        });
        *known = Some((version, ids.clone()));
        Ok(ids)
    }

    /// Forgets cached pages and the memoised version (after a reference import).
    pub async fn invalidate(&self) {
        *self
            .inner
            .version
            .last
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
        *self.inner.known.lock().await = None;
        self.inner.cache.clear();
    }
}

/// The page routes, with the layer that renders error pages. Merged into the application
/// router by [`crate::app::router`].
pub fn router(state: &AppState) -> Router<AppState> {
    let upload = DefaultBodyLimit::max(MAX_UPLOAD_BYTES);
    Router::new()
        // Public pages.
        .route(routes::BERANDA, get(public::beranda))
        .route(routes::PROGRES_DATA, get(public::progres_data))
        .route(routes::BELUM_KIRIM, get(public::belum_kirim))
        .route(routes::DATA_POKOK, get(public::data_pokok))
        .route(
            routes::DATA_POKOK_KECAMATAN,
            get(public::daftar_satuan_pendidikan),
        )
        .route(routes::SEKOLAH, get(public::sekolah))
        .route(routes::UNDUHAN, get(public::unduhan))
        .route(routes::UNDUHAN_BERKAS, get(public::unduhan_berkas))
        .route(routes::STATIC, get(public::static_file))
        // Login.
        .route(routes::LOGIN, get(login::form).post(login::submit))
        .route(routes::LOGOUT, post(login::logout))
        // Staff area.
        .route(routes::STAF, get(staff::beranda))
        .route(routes::STAF_KECAMATAN, get(staff::kecamatan))
        .route(routes::STAF_DAFTAR, get(staff::daftar))
        .route(routes::STAF_DAFTAR_UNDUH, get(staff::unduh))
        .route(routes::STAF_DAFTAR_BUKA_NIK, post(staff::buka_nik))
        .route(routes::STAF_PROGRAM_REKAP, get(program::rekap))
        .route(
            routes::STAF_PROGRAM_UNGGAH,
            get(program::form).post(program::unggah).layer(upload),
        )
        // Administration.
        .route(routes::ADMIN_AKUN, get(admin::akun).post(admin::akun_buat))
        .route(routes::ADMIN_AKUN_UBAH, post(admin::akun_ubah))
        .route(routes::ADMIN_KODE_REGISTRASI, get(admin::kode_registrasi))
        .route(routes::ADMIN_KODE_REGISTRASI_BUAT, post(admin::kode_buat))
        .route(routes::ADMIN_KODE_REGISTRASI_GANTI, post(admin::kode_ganti))
        .route(
            routes::ADMIN_REFERENSI,
            get(admin::referensi)
                .post(admin::referensi_impor)
                .layer(upload),
        )
        .route(
            routes::ADMIN_VERSI_HELPER,
            get(admin::versi_helper).post(admin::versi_helper_simpan),
        )
        .route(routes::ADMIN_AUDIT, get(admin::audit_log))
        // Any other path outside the API: an HTML 404 page.
        .route("/{*rest}", any(public::not_found))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            error::render_error_page,
        ))
}

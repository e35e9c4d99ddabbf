//! What the district pages need besides the ingest state ([`WebState`]): templates, the
//! public page cache, the CSRF key, the login rate limiter, the data version memo.
//! Public pages are rendered once per data version and served from [`PageCache`] (gzip +
//! ETag); staff pages are rendered per request and never cached (`no-store`).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::staff::login_limiter::{LoginRateLimiter, RateLimitConfig};
use district_web::Pages;
use district_web::auth::CsrfKey;
use district_web::cache::PageCache;

use crate::app::config::Config;
use crate::storage::{Storage, StoreResult};

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
    db: Arc<Storage>,
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
    /// Builds the state around the server's storage.
    pub fn with_store(config: &Config, db: Arc<Storage>) -> WebState {
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

    pub fn db(&self) -> &Storage {
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

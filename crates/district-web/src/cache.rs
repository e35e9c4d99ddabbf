//! A cache of rendered pages, so the public pages stay fast under load.
//!
//! The public pages are the same for every anonymous visitor (and for every logged-in one:
//! their layout only swaps "Login" for "Area Staf"), and their data changes only when a
//! school commits or a live send progresses. A handler keys the page by route, normalised
//! query and viewer variant, passes a data version (e.g. the store's commit counter plus
//! the live-progress counter, or 0 to rely on the TTL alone) and gets the HTML, its gzip
//! form and an ETag, rendered and compressed once per version:
//!
//! ```text
//! let page = state.cache.get_or_render(&format!("progres?{q}|{variant}"), version, || {
//!     pages.progres_data(&ctx, &ProgresDataView::build(entries, &live, &filter))
//! })?;
//! if page.matches_etag(headers.get("if-none-match")) { return 304 }
//! let (body, encoding) = page.body_for(headers.get("accept-encoding"));
//! // content-type: text/html; charset=utf-8, etag: page.etag, vary: accept-encoding,
//! // content-encoding: encoding (when Some), cache-control: no-cache
//! ```
//!
//! Concurrent requests for the same key wait for one render instead of all rendering
//! (single flight). Rendering happens on the calling thread while a per-key lock is held;
//! a render takes a few milliseconds, so calling this from an async handler directly is
//! fine (or wrap it in `spawn_blocking`).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// A rendered page with its compressed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedPage {
    pub html: Bytes,
    /// gzip of `html`.
    pub gzip: Bytes,
    /// Strong ETag, quotes included.
    pub etag: String,
}

impl CachedPage {
    /// Hashes and compresses a rendered page.
    pub fn new(html: String) -> Self {
        let digest = hex::encode(Sha256::digest(html.as_bytes()));
        let mut enc = GzEncoder::new(Vec::with_capacity(html.len() / 6), Compression::default());
        let gzip = match enc.write_all(html.as_bytes()).and_then(|_| enc.finish()) {
            Ok(v) => Bytes::from(v),
            Err(_) => Bytes::new(),
        };
        CachedPage {
            html: Bytes::from(html),
            gzip,
            etag: format!("\"{}\"", &digest[..20]),
        }
    }

    /// The body to send for an `Accept-Encoding` header, with its `Content-Encoding`.
    pub fn body_for(&self, accept_encoding: Option<&str>) -> (Bytes, Option<&'static str>) {
        if !self.gzip.is_empty() && accepts_gzip(accept_encoding) {
            (self.gzip.clone(), Some("gzip"))
        } else {
            (self.html.clone(), None)
        }
    }

    /// Whether an `If-None-Match` header value matches (answer 304).
    pub fn matches_etag(&self, if_none_match: Option<&str>) -> bool {
        if_none_match.is_some_and(|h| {
            h.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t == self.etag || t.strip_prefix("W/") == Some(&self.etag))
        })
    }
}

/// `gzip` listed with a non-zero quality.
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    accept_encoding.is_some_and(|h| {
        h.split(',').any(|part| {
            let mut it = part.split(';').map(str::trim);
            let name = it.next().unwrap_or("");
            let zero = it.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !zero
        })
    })
}

struct Slot {
    version: u64,
    created: Instant,
    page: Arc<CachedPage>,
}

type SlotRef = Arc<Mutex<Option<Slot>>>;

/// Rendered pages by key; see the module docs. `Sync`: hold one in the server state.
pub struct PageCache {
    ttl: Duration,
    max_entries: usize,
    slots: Mutex<HashMap<String, SlotRef>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("ttl", &self.ttl)
            .field("entries", &self.len())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl PageCache {
    /// Entries older than `ttl` are rendered again even at the same version; at most
    /// `max_entries` keys are kept (the map is cleared when full: keys are few in practice).
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        PageCache {
            ttl,
            max_entries: max_entries.max(1),
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The cached page for `key` at `version`, or renders, compresses and stores it.
    /// Render errors are returned and not cached.
    pub fn get_or_render<E>(
        &self,
        key: &str,
        version: u64,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<CachedPage>, E> {
        let slot = {
            let mut slots = lock(&self.slots);
            if !slots.contains_key(key) && slots.len() >= self.max_entries {
                slots.clear();
            }
            slots.entry(key.to_owned()).or_default().clone()
        };
        let mut guard = lock(&slot);
        if let Some(s) = guard.as_ref()
            && s.version == version
            && s.created.elapsed() < self.ttl
        {
            return Ok(s.page.clone());
        }
        let page = Arc::new(CachedPage::new(render()?));
        *guard = Some(Slot {
            version,
            created: Instant::now(),
            page: page.clone(),
        });
        Ok(page)
    }

    /// Forgets every page (e.g. after a reference import).
    pub fn clear(&self) {
        lock(&self.slots).clear();
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        lock(&self.slots).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn renders_once_per_version_and_ttl() {
        let cache = PageCache::new(Duration::from_secs(60), 10);
        let n = AtomicUsize::new(0);
        let render = || -> Result<String, ()> {
            n.fetch_add(1, Ordering::SeqCst);
            Ok("<p>halo</p>".repeat(100))
        };
        let a = cache.get_or_render("progres", 1, render).unwrap();
        let b = cache.get_or_render("progres", 1, render).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(n.load(Ordering::SeqCst), 1);
        cache.get_or_render("progres", 2, render).unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 2, "new version renders again");
        assert!(
            cache
                .get_or_render("x", 1, || Err::<String, _>("gagal"))
                .is_err()
        );
        cache.get_or_render("x", 1, render).unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 3, "errors are not cached");

        let short = PageCache::new(Duration::ZERO, 10);
        short.get_or_render("a", 1, render).unwrap();
        short.get_or_render("a", 1, render).unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 5, "expired entries render again");

        let small = PageCache::new(Duration::from_secs(60), 2);
        for k in ["a", "b", "c"] {
            small.get_or_render(k, 1, render).unwrap();
        }
        assert!(small.len() <= 2);
        small.clear();
        assert!(small.is_empty());
    }

    #[test]
    fn concurrent_misses_render_once() {
        let cache = Arc::new(PageCache::new(Duration::from_secs(60), 10));
        let n = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (cache, n) = (cache.clone(), n.clone());
                std::thread::spawn(move || {
                    cache
                        .get_or_render("beranda", 7, || -> Result<String, ()> {
                            n.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            Ok("x".into())
                        })
                        .unwrap()
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn gzip_and_etag() {
        let page = CachedPage::new("<p>Progres Kirim Data</p>".repeat(50));
        let mut out = String::new();
        flate2::read::GzDecoder::new(&page.gzip[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out.as_bytes(), &page.html[..]);
        assert!(page.gzip.len() < page.html.len() / 5);
        assert_eq!(page.body_for(Some("gzip, deflate, br")).1, Some("gzip"));
        assert_eq!(page.body_for(Some("br;q=1.0, gzip;q=0")).1, None);
        assert_eq!(page.body_for(None).1, None);
        assert!(page.matches_etag(Some(&page.etag)));
        assert!(page.matches_etag(Some(&format!("\"a\", W/{}", page.etag))));
        assert!(!page.matches_etag(Some("\"lain\"")));
    }
}

//! Static assets embedded in the binary (no CDN: district servers may be offline).
//!
//! Each asset is reachable under two names below [`crate::routes::STATIC_PREFIX`]:
//! * the content-hashed name (`app.3f2a1b9c0d.css`) that the templates link to: served with
//!   `Cache-Control: public, max-age=31536000, immutable` (a new build changes the name);
//! * the plain name (`app.css`): `Cache-Control: no-cache`, revalidated by `ETag`.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// An asset as the server sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticFile {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// Strong ETag, quotes included (`"…"`).
    pub etag: &'static str,
    pub cache_control: &'static str,
}

impl StaticFile {
    /// Whether an `If-None-Match` header value matches this file (answer 304).
    pub fn matches_etag(&self, if_none_match: Option<&str>) -> bool {
        if_none_match.is_some_and(|h| {
            h.split(',')
                .any(|t| t.trim() == self.etag || t.trim() == "*")
        })
    }
}

pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const CACHE_REVALIDATE: &str = "no-cache";

struct Entry {
    name: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
    hashed_name: String,
    etag: String,
}

const SOURCES: &[(&str, &[u8], &str)] = &[
    (
        "app.css",
        include_bytes!("../assets/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app.js",
        include_bytes!("../assets/app.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "favicon.svg",
        include_bytes!("../assets/favicon.svg"),
        "image/svg+xml",
    ),
];

static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(name, bytes, content_type)| {
            let digest = hex::encode(Sha256::digest(bytes));
            let short = &digest[..10];
            let hashed_name = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
                None => format!("{name}.{short}"),
            };
            Entry {
                name,
                bytes,
                content_type,
                hashed_name,
                etag: format!("\"{}\"", &digest[..20]),
            }
        })
        .collect()
});

/// Looks an asset up by file name (`app.css` or its hashed name; a leading `/static/` or
/// `/` is ignored). Unknown names → `None` (answer 404).
pub fn asset(path: &str) -> Option<StaticFile> {
    let name = path.trim_start_matches('/');
    let name = name.strip_prefix("static/").unwrap_or(name);
    let entries: &'static Vec<Entry> = LazyLock::force(&ENTRIES);
    entries.iter().find_map(|e| {
        let cache_control = if name == e.hashed_name {
            CACHE_IMMUTABLE
        } else if name == e.name {
            CACHE_REVALIDATE
        } else {
            return None;
        };
        Some(StaticFile {
            bytes: e.bytes,
            content_type: e.content_type,
            etag: &e.etag,
            cache_control,
        })
    })
}

/// The hashed URL of an asset under `base_path` (`/x/static/app.3f2a1b9c0d.css`).
pub fn asset_url(base_path: &str, name: &str) -> Option<String> {
    ENTRIES.iter().find(|e| e.name == name).map(|e| {
        format!(
            "{base_path}{}{}",
            crate::routes::STATIC_PREFIX,
            e.hashed_name
        )
    })
}

/// Plain names of all assets.
pub fn asset_names() -> Vec<&'static str> {
    SOURCES.iter().map(|(n, _, _)| *n).collect()
}

/// Response headers every HTML page should carry (strict CSP: only same-origin scripts,
/// styles and images; no inline script or style is used by the templates).
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
];

/// Content type of HTML pages.
pub const HTML_CONTENT_TYPE: &str = "text/html; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_resolve_by_plain_and_hashed_name() {
        for name in asset_names() {
            let plain = asset(name).unwrap();
            assert_eq!(plain.cache_control, CACHE_REVALIDATE);
            let url = asset_url("/b", name).unwrap();
            assert!(url.starts_with("/b/static/"));
            let hashed = asset(url.strip_prefix("/b").unwrap()).unwrap();
            assert_eq!(hashed.cache_control, CACHE_IMMUTABLE);
            assert_eq!(hashed.bytes, plain.bytes);
            assert!(plain.matches_etag(Some(&format!("W/\"x\", {}", plain.etag))));
            assert!(!plain.matches_etag(Some("\"nope\"")));
            assert!(!plain.matches_etag(None));
        }
        assert!(asset("app.0000000000.css").is_none());
        assert!(asset("../Cargo.toml").is_none());
        assert_eq!(
            asset("app.js").unwrap().content_type,
            "text/javascript; charset=utf-8"
        );
    }
}

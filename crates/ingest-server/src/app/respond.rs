//! Response builders: HTML pages with the security headers, cached public pages (gzip,
//! ETag, 304), redirects and file downloads.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use district_web::assets::{HTML_CONTENT_TYPE, SECURITY_HEADERS};
use district_web::cache::CachedPage;
use district_web::export::ExportFile;

/// `Cache-Control` of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Public pages: revalidate every time (ETag).
    NoCache,
    /// Staff pages, error pages, anything with personal data or secrets.
    NoStore,
}

impl Caching {
    fn value(self) -> &'static str {
        match self {
            Caching::NoCache => "no-cache",
            Caching::NoStore => "no-store",
        }
    }
}

fn security_headers(headers: &mut HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}

/// An HTML page.
pub fn html(status: StatusCode, body: String, caching: Caching) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(HTML_CONTENT_TYPE),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(caching.value()),
    );
    security_headers(h);
    r
}

/// A staff page (`200`, `no-store`).
pub fn staff_page(body: String) -> Response {
    html(StatusCode::OK, body, Caching::NoStore)
}

/// A cached public page: `304` when the ETag matches, else the gzip or plain body.
pub fn cached(page: &CachedPage, request: &HeaderMap) -> Response {
    let get = |name: header::HeaderName| request.get(name).and_then(|v| v.to_str().ok());
    let mut r = if page.matches_etag(get(header::IF_NONE_MATCH)) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, encoding) = page.body_for(get(header::ACCEPT_ENCODING));
        let mut r = Response::new(Body::from(body));
        if let Some(enc) = encoding {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(HTML_CONTENT_TYPE),
        );
        r
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&page.etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    security_headers(h);
    r
}

/// `303 See Other` to a local path.
pub fn redirect(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A download built in memory (staff exports): attachment, `no-store`.
pub fn download(file: ExportFile) -> Response {
    let disposition = file.content_disposition();
    let mut r = Response::new(Body::from(file.bytes));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// Adds a `Set-Cookie` header.
pub fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

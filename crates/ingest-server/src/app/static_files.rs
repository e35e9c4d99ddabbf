//! The embedded assets (`/static/…`) and the 404 of any other path.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use district_web::assets;

use crate::app::page_error::{WebError, WebPath};

/// `/static/{file}`: the embedded CSS, JS and favicon.
pub async fn static_file(WebPath(file): WebPath<String>, headers: HeaderMap) -> Response {
    let Some(asset) = assets::asset(&file) else {
        return WebError::NotFound.into_response();
    };
    let inm = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let mut r = if asset.matches_etag(inm) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(asset.bytes));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        r
    };
    let h = r.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_static(asset.etag));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(asset.cache_control),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// Any other path: the API's JSON 404 under `/api/`, an HTML 404 page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::app::api_error::ApiError::NotFound.into_response()
    } else {
        WebError::NotFound.into_response()
    }
}

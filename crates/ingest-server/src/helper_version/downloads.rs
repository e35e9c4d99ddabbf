//! `/unduhan`: the files of the download folder (the helper installer) with the version
//! policy, and each file streamed.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use district_web::PageContext;
use district_web::helper_version::{
    FileEntry, UnduhanView, download_content_type, is_safe_download_name,
};

use crate::app::AppState;
use crate::app::page_error::{WebError, WebPath, WebResult, placeholder_identity};
use crate::app::respond::{self, Caching};
use crate::staff::session::Viewer;

/// `/unduhan`: the files of the download folder and the helper version policy.
pub async fn unduhan(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    let files = list_downloads(state.web.downloads_dir()).await;
    let versi = state.version_info().await?;
    let view = UnduhanView::from_listing(files, Some(versi));
    let ctx = match viewer.0 {
        Some(_) => PageContext::staff(placeholder_identity(), ""),
        None => PageContext::anonymous(""),
    };
    let html = state.web.pages().unduhan(&ctx, &view)?;
    Ok(respond::html(StatusCode::OK, html, Caching::NoCache))
}

async fn list_downloads(dir: &std::path::Path) -> Vec<FileEntry> {
    let mut out = Vec::new();
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return out;
    };
    while let Ok(Some(e)) = entries.next_entry().await {
        let Ok(nama) = e.file_name().into_string() else {
            continue;
        };
        // Follows symlinks: packages may link the installer into the folder.
        let Ok(meta) = tokio::fs::metadata(e.path()).await else {
            continue;
        };
        if !meta.is_file() || !is_safe_download_name(&nama) {
            continue;
        }
        let diubah = meta.modified().ok().map(|t| {
            let ms = t
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            crate::app::time::wib(ms)
                .get(..16)
                .unwrap_or_default()
                .to_owned()
        });
        out.push(FileEntry {
            nama,
            ukuran: meta.len(),
            diubah,
        });
    }
    out
}

/// `/unduhan/{nama}`: one file of the download folder, streamed.
pub async fn unduhan_berkas(
    State(state): State<AppState>,
    WebPath(nama): WebPath<String>,
) -> WebResult<Response> {
    if !is_safe_download_name(&nama) {
        return Err(WebError::NotFound);
    }
    let path = state.web.downloads_dir().join(&nama);
    let meta = match tokio::fs::metadata(&path).await {
        Ok(m) if m.is_file() => m,
        _ => return Err(WebError::NotFound),
    };
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| WebError::NotFound)?;
    let mut r = Response::new(Body::from_stream(tokio_util::io::ReaderStream::new(file)));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download_content_type(&nama)),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(meta.len()));
    if let Ok(v) = HeaderValue::from_str(&district_web::export::content_disposition(&nama)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(r)
}

//! Public pages: aggregates and public school identity only (no personal data: the view
//! models are `district_web::views::public` types), rendered once per data version and
//! served from the page cache; `/unduhan`, its files and the embedded assets.

use std::future::Future;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use district_web::assets;
use district_web::matrix::Measure;
use district_web::views::common::parse_tanggal;
use district_web::views::public::{
    BelumKirimView, BerandaView, DaftarSatuanPendidikanView, DataPokokView, FileEntry,
    ProgresDataView, ProgresFilter, SatuanPendidikanRow, SekolahView, UnduhanView,
    download_content_type, is_safe_download_name,
};
use district_web::{PageContext, Pages, RenderError};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::session::is_valid_npsn;
use crate::domain::time::now_ms;
use crate::web::error::{WebError, WebPath, WebQuery, WebResult, placeholder_identity};
use crate::web::respond::{self, Caching};
use crate::web::session::Viewer;

/// Latest sends on the beranda.
const BERANDA_TERBARU: usize = 10;

/// A public page's view model, ready to render.
enum PublicPage {
    Beranda(BerandaView),
    Progres(ProgresDataView),
    BelumKirim(BelumKirimView),
    DataPokok(DataPokokView),
    Daftar(DaftarSatuanPendidikanView),
    Sekolah(Box<SekolahView>),
}

impl PublicPage {
    fn render(&self, pages: &Pages, ctx: &PageContext) -> Result<String, RenderError> {
        match self {
            PublicPage::Beranda(v) => pages.beranda(ctx, v),
            PublicPage::Progres(v) => pages.progres_data(ctx, v),
            PublicPage::BelumKirim(v) => pages.belum_kirim(ctx, v),
            PublicPage::DataPokok(v) => pages.data_pokok(ctx, v),
            PublicPage::Daftar(v) => pages.daftar_satuan_pendidikan(ctx, v),
            PublicPage::Sekolah(v) => pages.sekolah(ctx, v),
        }
    }
}

/// Marks a cache probe that found nothing.
struct Miss;

/// Serves a public page: from the cache under `key` (when `Some`) at the current data
/// version, else loads the data, renders (off the async workers) and caches it.
async fn serve<F, Fut>(
    state: &AppState,
    viewer: &Viewer,
    request: &HeaderMap,
    key: Option<String>,
    load: F,
) -> WebResult<Response>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = WebResult<PublicPage>>,
{
    let web = &state.web;
    // Public pages differ only in "Login" / "Area Staf": one cached variant for each.
    let (variant, ctx) = match viewer.0 {
        Some(_) => ("staf", PageContext::staff(placeholder_identity(), "")),
        None => ("anon", PageContext::anonymous("")),
    };
    let Some(key) = key else {
        let page = load().await?;
        let pages = web.pages().clone();
        let html = tokio::task::spawn_blocking(move || page.render(&pages, &ctx)).await??;
        return Ok(respond::html(StatusCode::OK, html, Caching::NoCache));
    };
    let key = format!("{key}|{variant}");
    let version = web.data_version().await?;
    if let Ok(page) = web.cache().get_or_render(&key, version, || Err(Miss)) {
        return Ok(respond::cached(&page, request));
    }
    let page = load().await?;
    let (cache, pages) = (web.cache().clone(), web.pages().clone());
    let cached = tokio::task::spawn_blocking(move || {
        cache.get_or_render(&key, version, || page.render(&pages, &ctx))
    })
    .await??;
    Ok(respond::cached(&cached, request))
}

/// `/`.
pub async fn beranda(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> WebResult<Response> {
    let store = state.store.clone();
    serve(
        &state,
        &viewer,
        &headers,
        Some("beranda".into()),
        || async move {
            let (rekap, progres, live) = tokio::try_join!(
                store.rekap_satuan_pendidikan(),
                store.progres(),
                store.progres_live(now_ms())
            )?;
            Ok(PublicPage::Beranda(BerandaView::build(
                &rekap,
                &progres,
                &live,
                BERANDA_TERBARU,
            )))
        },
    )
    .await
}

/// `/progres_data?kecamatan=&bentuk=&q=`.
pub async fn progres_data(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    WebQuery(filter): WebQuery<ProgresFilter>,
) -> WebResult<Response> {
    let filter = filter.normalized();
    // Only the unfiltered page is cached (filter values are arbitrary text).
    let key = (filter == ProgresFilter::default()).then(|| "progres".to_owned());
    let store = state.store.clone();
    serve(&state, &viewer, &headers, key, || async move {
        let (entries, live) = tokio::try_join!(store.progres(), store.progres_live(now_ms()))?;
        Ok(PublicPage::Progres(ProgresDataView::build(
            entries, &live, &filter,
        )))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct BelumKirimQuery {
    #[serde(default)]
    sejak: Option<String>,
}

/// `/belum_kirim?sejak=YYYY-MM-DD`.
pub async fn belum_kirim(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    WebQuery(q): WebQuery<BelumKirimQuery>,
) -> WebResult<Response> {
    let sejak = q.sejak.as_deref().and_then(parse_tanggal);
    let key = sejak.is_none().then(|| "belum_kirim".to_owned());
    let web = state.web.clone();
    serve(&state, &viewer, &headers, key, || async move {
        let schools = web.db().belum_kirim().await?;
        Ok(PublicPage::BelumKirim(BelumKirimView::build(
            &schools, sejak,
        )))
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct DataPokokQuery {
    #[serde(default)]
    tampil: Option<String>,
}

/// `/data_pokok?tampil=referensi`.
pub async fn data_pokok(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    WebQuery(q): WebQuery<DataPokokQuery>,
) -> WebResult<Response> {
    let measure = Measure::from_query(q.tampil.as_deref());
    let key = match measure {
        Measure::Referensi => "data_pokok?referensi",
        Measure::SudahKirim => "data_pokok",
    };
    let store = state.store.clone();
    serve(&state, &viewer, &headers, Some(key.into()), || async move {
        let rekap = store.rekap_satuan_pendidikan().await?;
        Ok(PublicPage::DataPokok(DataPokokView::build(&rekap, measure)))
    })
    .await
}

/// `/data_pokok/kecamatan/{kode}`.
pub async fn daftar_satuan_pendidikan(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    WebPath(kode): WebPath<String>,
) -> WebResult<Response> {
    // Unknown codes are refused before the cache or the database is touched.
    if !state.web.known_ids().await?.kecamatan.contains(&kode) {
        return Err(WebError::NotFound);
    }
    let web = state.web.clone();
    let key = format!("kecamatan/{kode}");
    serve(&state, &viewer, &headers, Some(key), || async move {
        let kec = web
            .db()
            .kecamatan_by_kode(&kode)
            .await?
            .ok_or(WebError::NotFound)?;
        let schools = web.db().kecamatan_schools(&kode).await?;
        Ok(PublicPage::Daftar(DaftarSatuanPendidikanView::new(
            kec.kode_kecamatan,
            kec.nama,
            schools.iter().map(SatuanPendidikanRow::from).collect(),
        )))
    })
    .await
}

/// `/sekolah/{npsn}`.
pub async fn sekolah(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    WebPath(npsn): WebPath<String>,
) -> WebResult<Response> {
    if !is_valid_npsn(&npsn) || !state.web.known_ids().await?.npsn.contains(&npsn) {
        return Err(WebError::NotFound);
    }
    let store = state.store.clone();
    let key = format!("sekolah/{npsn}");
    serve(&state, &viewer, &headers, Some(key), || async move {
        let (public, reference) =
            tokio::try_join!(store.sekolah_public(&npsn), store.reference_school(&npsn))?;
        let public = public.ok_or(WebError::NotFound)?;
        Ok(PublicPage::Sekolah(Box::new(SekolahView::new(
            public,
            reference.map(|r| r.kode_kecamatan),
        ))))
    })
    .await
}

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
            crate::domain::time::wib(ms)
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
        crate::http::ApiError::NotFound.into_response()
    } else {
        WebError::NotFound.into_response()
    }
}

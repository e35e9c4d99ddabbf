//! Public pages: aggregates and public school identity only (no personal data: the view
//! models are `district_web::progress` types), rendered once per data version and
//! served from the page cache; `/unduhan`, its files and the embedded assets.

use std::future::Future;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use district_web::common::parse_tanggal;
use district_web::matrix::Measure;
use district_web::progress::{
    BelumKirimView, BerandaView, DaftarSatuanPendidikanView, DataPokokView, ProgresDataView,
    ProgresFilter, SatuanPendidikanRow, SekolahReferensi, SekolahView,
};
use district_web::{PageContext, Pages, RenderError};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::page_error::{WebError, WebPath, WebQuery, WebResult, placeholder_identity};
use crate::app::respond::{self, Caching};
use crate::app::time::now_ms;
use crate::sending::declaration::is_valid_npsn;
use crate::staff::session::Viewer;

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
        let schools: Vec<SekolahReferensi> = web
            .db()
            .belum_kirim()
            .await?
            .into_iter()
            .map(|r| SekolahReferensi {
                bentuk: Some(r.bentuk).filter(|s| !s.is_empty()),
                status: Some(r.status).filter(|s| !s.is_empty()),
                desa_kelurahan: r.desa,
                tanggal_kirim: r.tanggal_kirim_ms.map(crate::app::time::wib),
                npsn: r.npsn,
                nama: r.nama,
                kode_kecamatan: r.kode_kecamatan,
                kecamatan: r.kecamatan,
                telepon: r.telepon,
            })
            .collect();
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

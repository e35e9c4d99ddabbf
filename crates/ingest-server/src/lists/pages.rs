//! `/staf/kecamatan/{kode}/daftar/{daftar}`: the four staff lists of a kecamatan, their
//! downloads (CSV, XLSX) and the NIK reveal, each audited before the data is sent.

use std::net::IpAddr;

use axum::extract::State;
use axum::response::Response;
use district_web::columns::{
    AlamatSatuanPendidikanRow, GtkListRow, ListKind, PesertaDidikListRow, RombelListRow, Table,
};
use district_web::common::Pager;
use district_web::export::{ExportFormat, export_file_name, export_table};
use district_web::lists::DataListView;
use district_web::privacy::NikMode;
use district_web::staff::AuditAction;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebError, WebForm, WebPath, WebQuery, WebResult};
use crate::app::respond;
use crate::lists::rows as lists;
use crate::sending::declaration::is_valid_npsn;
use crate::staff::access::*;
use crate::staff::audit;
use crate::staff::session::{RequireStaff, Staff};
use crate::storage::KecamatanRef;
use crate::storage::Page;

/// Rows of one list.
enum Loaded {
    PesertaDidik(Vec<PesertaDidikListRow>),
    Rombel(Vec<RombelListRow>),
    Gtk(Vec<GtkListRow>),
    Alamat(Vec<AlamatSatuanPendidikanRow>),
}

impl Loaded {
    fn len(&self) -> usize {
        match self {
            Loaded::PesertaDidik(r) => r.len(),
            Loaded::Rombel(r) => r.len(),
            Loaded::Gtk(r) => r.len(),
            Loaded::Alamat(r) => r.len(),
        }
    }

    fn view(&self, kec: &KecamatanRef, nik: NikMode) -> DataListView {
        let (k, n) = (&kec.kode_kecamatan, &kec.nama);
        match self {
            Loaded::PesertaDidik(r) => DataListView::new(k, n, r, nik),
            Loaded::Rombel(r) => DataListView::new(k, n, r, nik),
            Loaded::Gtk(r) => DataListView::new(k, n, r, nik),
            Loaded::Alamat(r) => DataListView::new(k, n, r, nik),
        }
    }

    fn table(&self, nik: NikMode) -> Table {
        match self {
            Loaded::PesertaDidik(r) => Table::build(r, nik),
            Loaded::Rombel(r) => Table::build(r, nik),
            Loaded::Gtk(r) => Table::build(r, nik),
            Loaded::Alamat(r) => Table::build(r, nik),
        }
    }
}

/// Loads a list (one page of students when `page` is set); returns the rows and the total.
async fn load(
    state: &AppState,
    kind: ListKind,
    kode: &str,
    npsn: Option<&str>,
    page: Option<Page>,
) -> WebResult<(Loaded, u64)> {
    let db = state.web.db();
    Ok(match kind {
        ListKind::PesertaDidik => {
            let (rows, total) = db.peserta_didik_rows(kode, npsn, page).await?;
            let rows = tokio::task::spawn_blocking(move || {
                rows.iter().map(lists::peserta_didik).collect::<Vec<_>>()
            })
            .await?;
            (Loaded::PesertaDidik(rows), total)
        }
        ListKind::Gtk => {
            let rows = db.gtk_rows(kode, npsn).await?;
            let rows = rows.iter().map(lists::gtk).collect::<Vec<_>>();
            let n = rows.len() as u64;
            (Loaded::Gtk(rows), n)
        }
        ListKind::RombonganBelajar => {
            let data = db.rombel_list_data(kode, npsn).await?;
            let rows = tokio::task::spawn_blocking(move || lists::rombel(&data)).await?;
            let n = rows.len() as u64;
            (Loaded::Rombel(rows), n)
        }
        ListKind::AlamatSatuanPendidikan => {
            let schools = db.kecamatan_schools(kode).await?;
            let rows = lists::alamat(&schools, npsn);
            let n = rows.len() as u64;
            (Loaded::Alamat(rows), n)
        }
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DaftarQuery {
    #[serde(default)]
    npsn: Option<String>,
    #[serde(default)]
    halaman: Option<String>,
}

fn npsn_filter(npsn: Option<&str>) -> WebResult<Option<String>> {
    match npsn.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(None),
        Some(n) if is_valid_npsn(n) => Ok(Some(n.to_owned())),
        Some(_) => Err(WebError::BadRequest("NPSN tidak valid.".into())),
    }
}

fn list_kind(slug: &str) -> WebResult<ListKind> {
    ListKind::from_slug(slug).ok_or(WebError::NotFound)
}

/// "Data Peserta Didik · Kec. X · NPSN 2059…" for the audit log.
fn objek(kind: ListKind, kec: &KecamatanRef, npsn: Option<&str>) -> String {
    match npsn {
        Some(n) => format!("{} · {} · NPSN {n}", kind.judul(), kec.nama),
        None => format!("{} · {}", kind.judul(), kec.nama),
    }
}

/// One list of one kecamatan (optionally one school) asked for by a staff member.
struct ListRequest<'a> {
    state: &'a AppState,
    staff: &'a Staff,
    ip: IpAddr,
    kind: ListKind,
    kec: KecamatanRef,
    npsn: Option<String>,
}

/// Renders a list page (page `halaman` of the students; the other lists whole).
async fn list_page(req: &ListRequest<'_>, halaman: u64, nik: NikMode) -> WebResult<Response> {
    let ListRequest {
        state,
        staff,
        ip,
        kind,
        ref kec,
        ref npsn,
    } = *req;
    let npsn = npsn.clone();
    let kode = kec.kode_kecamatan.as_str();
    let page = (kind == ListKind::PesertaDidik).then_some(Page {
        offset: (halaman.max(1) - 1) * PD_PER_PAGE,
        limit: PD_PER_PAGE,
    });
    let ((mut loaded, mut total), schools) =
        tokio::try_join!(load(state, kind, kode, npsn.as_deref(), page), async {
            Ok(state.web.db().kecamatan_schools(kode).await?)
        })?;
    let mut pager = page.map(|_| Pager::new(halaman, PD_PER_PAGE, total));
    if let Some(p) = &pager
        && p.halaman != halaman.max(1)
    {
        // Past the last page: show the last one.
        let clamped = p.halaman;
        (loaded, total) = load(
            state,
            kind,
            kode,
            npsn.as_deref(),
            Some(Page {
                offset: (clamped - 1) * PD_PER_PAGE,
                limit: PD_PER_PAGE,
            }),
        )
        .await?;
        pager = Some(Pager::new(clamped, PD_PER_PAGE, total));
    }
    if kind.has_personal_data() {
        let ket = match &pager {
            Some(p) => format!(
                "halaman {} ({} dari {} baris){}",
                p.halaman,
                loaded.len(),
                total,
                if nik == NikMode::Revealed {
                    ", NIK lengkap"
                } else {
                    ""
                }
            ),
            None => format!(
                "{} baris{}",
                loaded.len(),
                if nik == NikMode::Revealed {
                    ", NIK lengkap"
                } else {
                    ""
                }
            ),
        };
        audit::staff(
            state,
            staff,
            ip,
            AuditAction::LihatDataPribadi,
            &objek(kind, kec, npsn.as_deref()),
            &ket,
        )
        .await?;
    }
    let mut view = loaded
        .view(kec, nik)
        .with_sekolah_filter(lists::sekolah_options(&schools), npsn.clone());
    if let Some(p) = pager {
        let p = p.with_query(&[("npsn", npsn.as_deref().unwrap_or(""))]);
        view = view.with_pager(p);
    }
    let ctx = staff.ctx();
    let pages = state.web.pages().clone();
    let html = tokio::task::spawn_blocking(move || pages.staf_daftar(&ctx, &view)).await??;
    Ok(respond::staff_page(html))
}

/// `/staf/kecamatan/{kode}/daftar/{daftar}?npsn=&halaman=`.
pub async fn daftar(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebPath((kode, slug)): WebPath<(String, String)>,
    WebQuery(q): WebQuery<DaftarQuery>,
) -> WebResult<Response> {
    let kind = list_kind(&slug)?;
    let kec = kecamatan_for(&state, &staff, &kode).await?;
    let npsn = npsn_filter(q.npsn.as_deref())?;
    let halaman = q
        .halaman
        .as_deref()
        .and_then(|h| h.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    let req = ListRequest {
        state: &state,
        staff: &staff,
        ip,
        kind,
        kec,
        npsn,
    };
    list_page(&req, halaman, NikMode::Masked).await
}

/// Builds and sends a whole list as a file (audited when it holds personal data).
async fn export(
    req: &ListRequest<'_>,
    format: ExportFormat,
    nik: NikMode,
    alasan: Option<&str>,
) -> WebResult<Response> {
    let ListRequest {
        state,
        staff,
        ip,
        kind,
        ref kec,
        ref npsn,
    } = *req;
    let npsn = npsn.clone();
    let (loaded, _) = load(state, kind, &kec.kode_kecamatan, npsn.as_deref(), None).await?;
    if kind.has_personal_data() {
        let mut ket = format!(
            "{}, {} baris",
            format.extension().to_uppercase(),
            loaded.len()
        );
        if let Some(a) = alasan {
            ket.push_str(&format!(", NIK lengkap; alasan: {a}"));
        }
        audit::staff(
            state,
            staff,
            ip,
            AuditAction::UnduhDataPribadi,
            &objek(kind, kec, npsn.as_deref()),
            &ket,
        )
        .await?;
    }
    let file_name = export_file_name(kind, &kec.nama, today_wib(), format);
    let file = tokio::task::spawn_blocking(move || {
        export_table(&loaded.table(nik), format, &file_name, kind.sheet_name())
    })
    .await?
    .map_err(WebError::internal)?;
    Ok(respond::download(file))
}

/// `/staf/kecamatan/{kode}/daftar/{daftar}/unduh/{csv|xlsx}?npsn=`: the whole list, NIK masked.
pub async fn unduh(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebPath((kode, slug, format)): WebPath<(String, String, String)>,
    WebQuery(q): WebQuery<DaftarQuery>,
) -> WebResult<Response> {
    let kind = list_kind(&slug)?;
    let format = ExportFormat::from_extension(&format).ok_or(WebError::NotFound)?;
    let kec = kecamatan_for(&state, &staff, &kode).await?;
    let npsn = npsn_filter(q.npsn.as_deref())?;
    let req = ListRequest {
        state: &state,
        staff: &staff,
        ip,
        kind,
        kec,
        npsn,
    };
    export(&req, format, NikMode::Masked, None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct BukaNikForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    alasan: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    npsn: Option<String>,
}

/// POST `…/daftar/{daftar}/buka-nik`: the list with full NIK, as a page (the first page of
/// students) or a file, after recording the reason in the audit log.
pub async fn buka_nik(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebPath((kode, slug)): WebPath<(String, String)>,
    WebForm(form): WebForm<BukaNikForm>,
) -> WebResult<Response> {
    staff.check_csrf(&state, &form.csrf_token)?;
    let kind = list_kind(&slug)?;
    let kec = kecamatan_for(&state, &staff, &kode).await?;
    if !kind
        .columns()
        .iter()
        .any(|c| c.kind == district_web::columns::CellKind::Nik)
    {
        return Err(WebError::NotFound);
    }
    let alasan = form.alasan.trim();
    if alasan.is_empty() || alasan.chars().count() > 200 {
        return Err(WebError::BadRequest(
            "Alasan membuka NIK wajib diisi (maksimal 200 karakter).".into(),
        ));
    }
    let npsn = npsn_filter(form.npsn.as_deref())?;
    let format = match form.format.trim() {
        "" | "html" => None,
        other => Some(
            ExportFormat::from_extension(other)
                .ok_or_else(|| WebError::BadRequest("Format tidak dikenal.".into()))?,
        ),
    };
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::BukaNik,
        &objek(kind, &kec, npsn.as_deref()),
        &format!(
            "alasan: {alasan}; ditampilkan sebagai {}",
            format.map_or("halaman", |f| f.extension())
        ),
    )
    .await?;
    let req = ListRequest {
        state: &state,
        staff: &staff,
        ip,
        kind,
        kec,
        npsn,
    };
    match format {
        None => list_page(&req, 1, NikMode::Revealed).await,
        Some(f) => export(&req, f, NikMode::Revealed, Some(alasan)).await,
    }
}

//! PIP / beasiswa / perlengkapan dasar lists: the upload (CSV or XLSX of NISN or NIK +
//! program + tahun), matching against the received students, and the recap per kecamatan.

use std::collections::HashSet;
use std::net::IpAddr;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::Response;
use district_web::auth::Permission;
use district_web::program::{
    ParseOptions, Program, ProgramListError, UploadFormat, match_program_list, parse_program_list,
};
use district_web::programs::{ProgramRecapView, ProgramUploadResult, ProgramUploadView};
use district_web::staff::AuditAction;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebError, WebPath, WebQuery, WebResult};
use crate::app::respond;
use crate::app::time::now_ms;
use crate::app::upload::read_multipart;
use crate::staff::access::{kecamatan_for, today_wib};
use crate::staff::audit;
use crate::staff::session::{RequireStaff, Staff};
use crate::storage::ProgramUpload;

fn upload_page(
    state: &AppState,
    staff: &Staff,
    hasil: Option<ProgramUploadResult>,
) -> WebResult<Response> {
    let view = ProgramUploadView::new(today_wib().year().clamp(2000, 2100) as u16, hasil);
    Ok(respond::staff_page(
        state.web.pages().staf_program_unggah(&staff.ctx(), &view)?,
    ))
}

/// GET `/staf/program`: the upload form (admin, staf dinas).
pub async fn form(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
) -> WebResult<Response> {
    staff.require(Permission::UnggahDaftarProgram)?;
    upload_page(&state, &staff, None)
}

/// POST `/staf/program` (multipart: `csrf_token`, `berkas`, `program`, `tahun`).
pub async fn unggah(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    multipart: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    staff.require(Permission::UnggahDaftarProgram)?;
    let mut up = read_multipart(multipart, "berkas").await?;
    staff.check_csrf(&state, up.field("csrf_token"))?;
    let Some((nama_berkas, bytes)) = up.file.take() else {
        return Err(WebError::BadRequest("Pilih berkas daftar penerima.".into()));
    };
    let options = ParseOptions {
        default_program: Program::from_slug(up.field("program"))
            .or_else(|| Program::parse(up.field("program"))),
        default_tahun: up
            .field("tahun")
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|t| (2000..=2100).contains(t)),
    };
    let parsed = match UploadFormat::detect(&nama_berkas, &bytes) {
        None => Err(ProgramListError::FormatTidakDikenal),
        Some(format) => {
            tokio::task::spawn_blocking(move || parse_program_list(&bytes, format, options)).await?
        }
    };
    let hasil = match parsed {
        Err(e) => {
            audit::staff(
                &state,
                &staff,
                ip,
                AuditAction::UnggahDaftarProgram,
                &nama_berkas,
                &format!("ditolak: {e}"),
            )
            .await?;
            ProgramUploadResult::failed(&nama_berkas, &e)
        }
        Ok(parsed) => process(&state, &staff, ip, &nama_berkas, parsed).await?,
    };
    upload_page(&state, &staff, Some(hasil))
}

async fn process(
    state: &AppState,
    staff: &Staff,
    ip: IpAddr,
    nama_berkas: &str,
    parsed: district_web::program::ParsedProgramList,
) -> WebResult<ProgramUploadResult> {
    let ids = |f: fn(&district_web::program::ProgramListRow) -> &Option<String>| {
        parsed
            .rows
            .iter()
            .filter_map(|r| f(r).as_deref().map(str::trim))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect::<HashSet<String>>()
    };
    let (nisn, nik) = (ids(|r| &r.nisn), ids(|r| &r.nik));
    let db = state.web.db();
    let students = db.students_for_matching(&nisn, &nik).await?;
    let (parsed, hasil) = tokio::task::spawn_blocking(move || {
        let hasil = match_program_list(&parsed.rows, &students);
        (parsed, hasil)
    })
    .await?;
    db.save_program_list(
        &ProgramUpload {
            id: uuid::Uuid::new_v4().to_string(),
            nama_berkas: nama_berkas.to_owned(),
            diunggah_oleh: staff.username().to_owned(),
            at_ms: now_ms(),
            baris_valid: parsed.rows.len() as u64,
            baris_galat: parsed.errors.len() as u64,
        },
        &hasil.matched,
        &hasil.unmatched,
    )
    .await?;
    audit::staff(
        state,
        staff,
        ip,
        AuditAction::UnggahDaftarProgram,
        nama_berkas,
        &format!(
            "{} baris valid, {} cocok, {} tidak cocok, {} baris galat",
            parsed.rows.len(),
            hasil.matched.len(),
            hasil.unmatched.len(),
            parsed.errors.len()
        ),
    )
    .await?;
    Ok(ProgramUploadResult::from_parsed(
        nama_berkas,
        &parsed,
        &hasil,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct RekapQuery {
    #[serde(default)]
    tahun: Option<String>,
}

/// `/staf/kecamatan/{kode}/program/{program}?tahun=`: recipients in a kecamatan.
pub async fn rekap(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebPath((kode, slug)): WebPath<(String, String)>,
    WebQuery(q): WebQuery<RekapQuery>,
) -> WebResult<Response> {
    let program = Program::from_slug(&slug).ok_or(WebError::NotFound)?;
    let kec = kecamatan_for(&state, &staff, &kode).await?;
    let tahun = q
        .tahun
        .as_deref()
        .and_then(|t| t.trim().parse::<u16>().ok());
    let db = state.web.db();
    let (years, matched) = tokio::try_join!(
        db.program_years(program),
        db.program_recipients(&kode, program)
    )?;
    let view = ProgramRecapView::build(program, tahun, years, &kode, &kec.nama, &matched);
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::LihatDataPribadi,
        &format!("{} · {}", program.judul_rekap(), kec.nama),
        &format!(
            "{} penerima{}",
            view.total_penerima,
            tahun.map(|t| format!(", tahun {t}")).unwrap_or_default()
        ),
    )
    .await?;
    Ok(respond::staff_page(
        state.web.pages().staf_program_rekap(&staff.ctx(), &view)?,
    ))
}

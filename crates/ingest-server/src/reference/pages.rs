//! `/admin/referensi`: the reference list imported from the browser (all or nothing).

use std::net::IpAddr;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use district_web::auth::Permission;
use district_web::reference::{ReferensiImportResult, ReferensiImportView, ReferensiSummary};
use district_web::staff::AuditAction;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebError, WebResult};
use crate::app::respond;
use crate::app::upload::read_multipart;
use crate::reference;
use crate::staff::audit;
use crate::staff::session::{RequireStaff, Staff};

/// The size and age of the reference list (`None`: nothing imported yet).
async fn referensi_summary(
    state: &AppState,
) -> crate::storage::StoreResult<Option<ReferensiSummary>> {
    let totals = state.web.db().reference_totals().await?;
    Ok(totals.map(|t| ReferensiSummary {
        jumlah_sekolah: t.jumlah_sekolah as u64,
        jumlah_kecamatan: t.jumlah_kecamatan.max(0) as u64,
        terakhir_impor: Some(t.last_change_ms)
            .filter(|v| *v > 0)
            .map(crate::app::time::wib),
    }))
}

/// GET `/admin/referensi`.
pub async fn referensi(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
) -> WebResult<Response> {
    staff.require(Permission::ImporReferensi)?;
    let summary = referensi_summary(&state).await?;
    let view = ReferensiImportView::new(summary, None);
    Ok(respond::staff_page(
        state.web.pages().admin_referensi(&staff.ctx(), &view)?,
    ))
}

/// POST `/admin/referensi` (multipart `berkas`): the complete reference list, all or
/// nothing; schools missing from the file become inactive.
pub async fn referensi_impor(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    multipart: Result<Multipart, MultipartRejection>,
) -> WebResult<Response> {
    staff.require(Permission::ImporReferensi)?;
    let up = read_multipart(multipart, "berkas").await?;
    staff.check_csrf(&state, up.field("csrf_token"))?;
    let Some((nama_berkas, bytes)) = up.file else {
        return Err(WebError::BadRequest("Pilih berkas CSV referensi.".into()));
    };
    let (hasil, status) = import(&state, &staff, ip, &nama_berkas, bytes).await?;
    let summary = referensi_summary(&state).await?;
    let view = ReferensiImportView::new(summary, Some(hasil));
    let html = state.web.pages().admin_referensi(&staff.ctx(), &view)?;
    Ok(respond::html(status, html, respond::Caching::NoStore))
}

async fn import(
    state: &AppState,
    staff: &Staff,
    ip: IpAddr,
    nama_berkas: &str,
    bytes: Vec<u8>,
) -> WebResult<(ReferensiImportResult, StatusCode)> {
    let mut hasil = ReferensiImportResult {
        nama_berkas: nama_berkas.to_owned(),
        ..Default::default()
    };
    match reference::import_reference_reader(state.store.as_ref(), std::io::Cursor::new(bytes))
        .await
    {
        Ok(s) => {
            let c = s.counts;
            hasil.jumlah_baris = s.rows as u64;
            hasil.kecamatan_baru = c.kecamatan_inserted;
            hasil.kecamatan_diubah = c.kecamatan_updated;
            hasil.sekolah_baru = c.sekolah_inserted;
            hasil.sekolah_diubah = c.sekolah_updated;
            hasil.sekolah_tetap = c.sekolah_unchanged;
            hasil.sekolah_dinonaktifkan = c.sekolah_deactivated;
            state.web.invalidate().await;
            audit::staff(
                state,
                staff,
                ip,
                AuditAction::ReferensiDiimpor,
                nama_berkas,
                &format!(
                    "{} sekolah: {} baru, {} diperbarui, {} dinonaktifkan",
                    s.rows, c.sekolah_inserted, c.sekolah_updated, c.sekolah_deactivated
                ),
            )
            .await?;
            Ok((hasil, StatusCode::OK))
        }
        Err(e) => {
            hasil.galat = format!("{e:#}")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            audit::staff(
                state,
                staff,
                ip,
                AuditAction::ReferensiDiimpor,
                nama_berkas,
                "ditolak; tidak ada data yang diubah",
            )
            .await?;
            Ok((hasil, StatusCode::BAD_REQUEST))
        }
    }
}

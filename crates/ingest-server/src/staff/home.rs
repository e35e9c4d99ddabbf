//! `/staf` and `/staf/kecamatan/{kode}`: the staff home and a kecamatan's dashboard.

use axum::extract::State;
use axum::response::Response;
use district_web::progress::kecamatan_progress;
use district_web::staff::{KecamatanDashboardView, KecamatanStats, StafBerandaView};

use crate::app::AppState;
use crate::app::page_error::{WebPath, WebResult};
use crate::app::respond;
use crate::staff::access::*;
use crate::staff::session::RequireStaff;

/// `/staf`: the kecamatan the user may open.
pub async fn beranda(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
) -> WebResult<Response> {
    let rekap = state.store.rekap_satuan_pendidikan().await?;
    let view = StafBerandaView::build(staff.role(), kecamatan_progress(&rekap));
    Ok(respond::staff_page(
        state.web.pages().staf_beranda(&staff.ctx(), &view)?,
    ))
}

/// `/staf/kecamatan/{kode}`.
pub async fn kecamatan(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    WebPath(kode): WebPath<String>,
) -> WebResult<Response> {
    let kec = kecamatan_for(&state, &staff, &kode).await?;
    let t = state.web.db().kecamatan_totals(&kode).await?;
    let stats = KecamatanStats {
        jumlah_sekolah: t.schools,
        sekolah_kirim: t.schools_sent,
        jumlah_pd: t.peserta_didik,
        jumlah_rombel: t.rombel,
        jumlah_gtk: t.ptk,
    };
    let view = KecamatanDashboardView::new(kec.kode_kecamatan, kec.nama, stats);
    Ok(respond::staff_page(
        state.web.pages().staf_kecamatan(&staff.ctx(), &view)?,
    ))
}

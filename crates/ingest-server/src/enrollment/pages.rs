//! `/admin/kode-registrasi`: the code state of every school; issuing and replacing codes,
//! printed right in the answer (codes are stored hashed).

use axum::extract::State;
use axum::response::Response;
use district_web::auth::Permission;
use district_web::enrollment::{
    KodeRegistrasiPrintView, KodeRegistrasiRow, KodeRegistrasiSlip, KodeRegistrasiView,
};
use district_web::staff::AuditAction;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebError, WebForm, WebPath, WebQuery, WebResult};
use crate::app::respond;
use crate::app::time::{now_ms, wib};
use crate::enrollment;
use crate::sending::declaration::is_valid_npsn;
use crate::staff::admin_forms::*;
use crate::staff::audit;
use crate::staff::session::{RequireStaff, Staff};

#[derive(Debug, Default, Deserialize)]
pub struct KodeQuery {
    #[serde(default)]
    kecamatan: Option<String>,
    #[serde(default)]
    pesan: Option<String>,
}

/// The rows of the kode registrasi page, built from the stored records.
async fn kode_rows(state: &AppState) -> crate::storage::StoreResult<Vec<KodeRegistrasiRow>> {
    let wib = |ms: Option<i64>| ms.map(crate::app::time::wib);
    let records = state.web.db().kode_registrasi_records().await?;
    Ok(records
        .into_iter()
        .map(|r| KodeRegistrasiRow {
            punya_kode: r.kode_issued_at_ms.is_some(),
            dibuat: wib(r.kode_issued_at_ms),
            terdaftar: wib(r.terdaftar_ms),
            npsn: r.npsn,
            nama: r.nama,
            kode_kecamatan: r.kode_kecamatan,
            kecamatan: r.kecamatan,
        })
        .collect())
}

/// GET `/admin/kode-registrasi?kecamatan=`.
pub async fn kode_registrasi(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    WebQuery(q): WebQuery<KodeQuery>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaKodeRegistrasi)?;
    let (rows, options) = tokio::try_join!(
        async { Ok::<_, WebError>(kode_rows(&state).await?) },
        kecamatan_options(&state)
    )?;
    let view = KodeRegistrasiView::new(rows, options, q.kecamatan);
    Ok(respond::staff_page(
        state
            .web
            .pages()
            .admin_kode_registrasi(&ctx_with(&staff, q.pesan.as_deref()), &view)?,
    ))
}

/// The print view of freshly issued codes (the only moment they exist in plain text).
fn print_page(
    state: &AppState,
    staff: &Staff,
    codes: Vec<enrollment::KodeRegistrasi>,
) -> WebResult<Response> {
    let view = KodeRegistrasiPrintView {
        lembar: codes
            .into_iter()
            .map(|k| KodeRegistrasiSlip {
                npsn: k.npsn,
                nama: k.nama,
                kecamatan: k.kecamatan,
                kode: k.kode,
            })
            .collect(),
        alamat_server: state.config.public_base_url.clone(),
        dicetak: wib(now_ms()),
    };
    Ok(respond::staff_page(
        state
            .web
            .pages()
            .admin_kode_registrasi_cetak(&staff.ctx(), &view)?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct KodeBuatForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    kode_kecamatan: Option<String>,
}

/// POST `/admin/kode-registrasi/buat`: codes for the schools (of a kecamatan) without one.
pub async fn kode_buat(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebForm(f): WebForm<KodeBuatForm>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaKodeRegistrasi)?;
    staff.check_csrf(&state, &f.csrf_token)?;
    let kecamatan = f
        .kode_kecamatan
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let npsns: Vec<String> = kode_rows(&state)
        .await?
        .into_iter()
        .filter(|r| !r.punya_kode && kecamatan.is_none_or(|k| r.kode_kecamatan == k))
        .map(|r| r.npsn)
        .collect();
    if npsns.is_empty() {
        let back = match kecamatan {
            Some(k) => format!(
                "/admin/kode-registrasi?kecamatan={}&pesan=semua-berkode",
                district_web::common::percent_encode(k)
            ),
            None => "/admin/kode-registrasi?pesan=semua-berkode".to_owned(),
        };
        return Ok(respond::redirect(&back));
    }
    let codes = enrollment::generate_kode_registrasi_with(
        state.store.as_ref(),
        enrollment::Selection::Npsn(&npsns),
    )
    .await
    .map_err(WebError::internal)?;
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::KodeRegistrasiDibuat,
        &format!("{} sekolah", codes.len()),
        &kecamatan
            .map(|k| format!("kecamatan {k}"))
            .unwrap_or_else(|| "semua kecamatan".into()),
    )
    .await?;
    print_page(&state, &staff, codes)
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

/// POST `/admin/kode-registrasi/{npsn}/ganti`: a new code for one school (the old one
/// stops working).
pub async fn kode_ganti(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebPath(npsn): WebPath<String>,
    WebForm(f): WebForm<CsrfOnly>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaKodeRegistrasi)?;
    staff.check_csrf(&state, &f.csrf_token)?;
    if !is_valid_npsn(&npsn) {
        return Err(WebError::NotFound);
    }
    match state.store.reference_school(&npsn).await? {
        Some(s) if s.aktif => {}
        _ => return Err(WebError::NotFound),
    }
    let codes = enrollment::generate_kode_registrasi_with(
        state.store.as_ref(),
        enrollment::Selection::Npsn(std::slice::from_ref(&npsn)),
    )
    .await
    .map_err(WebError::internal)?;
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::KodeRegistrasiDiganti,
        &npsn,
        "kode lama tidak berlaku lagi",
    )
    .await?;
    print_page(&state, &staff, codes)
}

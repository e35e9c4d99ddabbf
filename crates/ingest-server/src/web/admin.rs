//! Administration (role admin): staff accounts, kode registrasi (generate, print, rotate),
//! reference import from the browser, helper version policy and the audit log.

use std::net::IpAddr;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use district_web::auth::{Permission, hash_password, validate_new_password};
use district_web::views::admin::{
    AccountForm, AccountRow, AccountsView, AuditAction, AuditFilter, AuditLogView,
    HelperVersionForm, HelperVersionView, KodeRegistrasiPrintView, KodeRegistrasiSlip,
    KodeRegistrasiView, ReferensiImportResult, ReferensiImportView,
};
use district_web::views::common::{Flash, KecamatanOption, parse_tanggal};
use district_web::{PageContext, auth::Role};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::session::is_valid_npsn;
use crate::domain::time::{WIB, now_ms, to_ms, wib};
use crate::http::extract::ClientIp;
use crate::ops;
use crate::store::web::{AuditQuery, NewStaff};
use crate::web::error::{WebError, WebForm, WebPath, WebQuery, WebResult};
use crate::web::program::read_multipart;
use crate::web::session::{RequireStaff, Staff};
use crate::web::{audit, respond};

/// Audit entries per page.
const AUDIT_PER_PAGE: u64 = 50;

/// One-time messages after a redirect (`?pesan=`): fixed texts, never echoed input.
fn flash(code: Option<&str>) -> Option<Flash> {
    Some(match code? {
        "akun-dibuat" => Flash::sukses("Akun staf dibuat."),
        "akun-diaktifkan" => Flash::sukses("Akun diaktifkan."),
        "akun-dinonaktifkan" => {
            Flash::sukses("Akun dinonaktifkan; semua sesi login akun tersebut diakhiri.")
        }
        "sandi-direset" => {
            Flash::sukses("Kata sandi direset; semua sesi login akun tersebut diakhiri.")
        }
        "akun-sendiri" => Flash::galat("Anda tidak dapat menonaktifkan akun Anda sendiri."),
        "versi-disimpan" => Flash::sukses("Pengaturan versi DB Helper disimpan."),
        "semua-berkode" => {
            Flash::info("Semua sekolah pada pilihan ini sudah memiliki kode registrasi.")
        }
        _ => return None,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct PesanQuery {
    #[serde(default)]
    pesan: Option<String>,
}

fn ctx_with(staff: &Staff, pesan: Option<&str>) -> PageContext {
    let ctx = staff.ctx();
    match flash(pesan) {
        Some(f) => ctx.with_flash(f),
        None => ctx,
    }
}

async fn kecamatan_options(state: &AppState) -> WebResult<Vec<KecamatanOption>> {
    Ok(state
        .store
        .kecamatan_list()
        .await?
        .into_iter()
        .map(|k| KecamatanOption {
            kode: k.kode_kecamatan,
            nama: k.nama,
        })
        .collect())
}

// ---- accounts ---------------------------------------------------------------------------

async fn accounts_view(state: &AppState) -> WebResult<AccountsView> {
    let rows = state
        .web
        .db()
        .staff_list()
        .await?
        .into_iter()
        .filter_map(|a| {
            let peran = Role::from_parts(&a.peran, a.kode_kecamatan.as_deref())?;
            Some(AccountRow {
                id: a.id,
                username: a.username,
                nama: a.nama,
                peran,
                kecamatan: a.nama_kecamatan,
                aktif: a.aktif,
                login_terakhir: a.last_login_ms.map(wib),
            })
        })
        .collect();
    Ok(AccountsView::new(rows, kecamatan_options(state).await?))
}

fn accounts_page(
    state: &AppState,
    ctx: &PageContext,
    view: &AccountsView,
    status: StatusCode,
) -> WebResult<Response> {
    let html = state.web.pages().admin_akun(ctx, view)?;
    Ok(respond::html(status, html, respond::Caching::NoStore))
}

/// GET `/admin/akun`.
pub async fn akun(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    WebQuery(q): WebQuery<PesanQuery>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaAkun)?;
    let view = accounts_view(&state).await?;
    accounts_page(
        &state,
        &ctx_with(&staff, q.pesan.as_deref()),
        &view,
        StatusCode::OK,
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct AkunBaruForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    nama: String,
    #[serde(default)]
    peran: String,
    #[serde(default)]
    kode_kecamatan: String,
    #[serde(default)]
    kata_sandi: String,
}

/// Hashes a password off the async workers.
pub async fn hash(password: String) -> WebResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await?
        .map_err(WebError::internal)
}

/// POST `/admin/akun`: a new account.
pub async fn akun_buat(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebForm(f): WebForm<AkunBaruForm>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaAkun)?;
    staff.check_csrf(&state, &f.csrf_token)?;
    let form = AccountForm {
        username: f.username.trim().to_lowercase(),
        nama: f.nama.trim().to_owned(),
        peran: f.peran.trim().to_owned(),
        kode_kecamatan: f.kode_kecamatan.trim().to_owned(),
    };
    let view = accounts_view(&state).await?;
    let mut errors = match form.validate(&view.kecamatan_options) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    };
    if let Err(e) = validate_new_password(&f.kata_sandi, &form.username) {
        errors.push(e);
    }
    let role = form.validate(&view.kecamatan_options).ok();
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        let view = view.with_form_errors(form, errors);
        return accounts_page(&state, &staff.ctx(), &view, StatusCode::BAD_REQUEST);
    };
    let created = state
        .web
        .db()
        .create_staff(&NewStaff {
            id: uuid::Uuid::new_v4().to_string(),
            username: form.username.clone(),
            nama: form.nama.clone(),
            peran: role.kode().to_owned(),
            kode_kecamatan: role.kode_kecamatan().map(str::to_owned),
            password_hash: hash(f.kata_sandi).await?,
            now_ms: now_ms(),
        })
        .await?;
    if !created {
        let view = view.with_form_errors(form, vec!["Nama pengguna sudah dipakai.".into()]);
        return accounts_page(&state, &staff.ctx(), &view, StatusCode::BAD_REQUEST);
    }
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::AkunDibuat,
        &form.username,
        &format!(
            "peran {}{}",
            role.label(),
            role.kode_kecamatan()
                .map(|k| format!(", kecamatan {k}"))
                .unwrap_or_default()
        ),
    )
    .await?;
    Ok(respond::redirect("/admin/akun?pesan=akun-dibuat"))
}

#[derive(Debug, Default, Deserialize)]
pub struct AkunUbahForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    aksi: String,
    #[serde(default)]
    kata_sandi_baru: String,
}

/// POST `/admin/akun/{id}`: `aksi` = `nonaktifkan` | `aktifkan` | `reset_sandi`.
pub async fn akun_ubah(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebPath(id): WebPath<String>,
    WebForm(f): WebForm<AkunUbahForm>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaAkun)?;
    staff.check_csrf(&state, &f.csrf_token)?;
    let db = state.web.db();
    let account = db.staff_by_id(&id).await?.ok_or(WebError::NotFound)?;
    let now = now_ms();
    let (keterangan, pesan) = match f.aksi.trim() {
        "nonaktifkan" => {
            if account.id == staff.id {
                return Ok(respond::redirect("/admin/akun?pesan=akun-sendiri"));
            }
            db.set_staff_active(&id, false, now).await?;
            ("dinonaktifkan", "akun-dinonaktifkan")
        }
        "aktifkan" => {
            db.set_staff_active(&id, true, now).await?;
            ("diaktifkan", "akun-diaktifkan")
        }
        "reset_sandi" => {
            if let Err(e) = validate_new_password(&f.kata_sandi_baru, &account.username) {
                let view = accounts_view(&state)
                    .await?
                    .with_form_errors(AccountForm::default(), vec![e]);
                return accounts_page(&state, &staff.ctx(), &view, StatusCode::BAD_REQUEST);
            }
            db.set_staff_password(&id, &hash(f.kata_sandi_baru).await?, now)
                .await?;
            ("kata sandi direset", "sandi-direset")
        }
        _ => return Err(WebError::BadRequest("Aksi tidak dikenal.".into())),
    };
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::AkunDiubah,
        &account.username,
        keterangan,
    )
    .await?;
    Ok(respond::redirect(&format!("/admin/akun?pesan={pesan}")))
}

// ---- kode registrasi --------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct KodeQuery {
    #[serde(default)]
    kecamatan: Option<String>,
    #[serde(default)]
    pesan: Option<String>,
}

/// GET `/admin/kode-registrasi?kecamatan=`.
pub async fn kode_registrasi(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    WebQuery(q): WebQuery<KodeQuery>,
) -> WebResult<Response> {
    staff.require(Permission::KelolaKodeRegistrasi)?;
    let (rows, options) = tokio::try_join!(
        async { Ok::<_, WebError>(state.web.db().kode_registrasi_rows().await?) },
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
    codes: Vec<ops::KodeRegistrasi>,
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
    let npsns: Vec<String> = state
        .web
        .db()
        .kode_registrasi_rows()
        .await?
        .into_iter()
        .filter(|r| !r.punya_kode && kecamatan.is_none_or(|k| r.kode_kecamatan == k))
        .map(|r| r.npsn)
        .collect();
    if npsns.is_empty() {
        let back = match kecamatan {
            Some(k) => format!(
                "/admin/kode-registrasi?kecamatan={}&pesan=semua-berkode",
                district_web::views::common::percent_encode(k)
            ),
            None => "/admin/kode-registrasi?pesan=semua-berkode".to_owned(),
        };
        return Ok(respond::redirect(&back));
    }
    let codes =
        ops::generate_kode_registrasi_with(state.store.as_ref(), ops::Selection::Npsn(&npsns))
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
    let codes = ops::generate_kode_registrasi_with(
        state.store.as_ref(),
        ops::Selection::Npsn(std::slice::from_ref(&npsn)),
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

// ---- reference import -------------------------------------------------------------------

/// GET `/admin/referensi`.
pub async fn referensi(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
) -> WebResult<Response> {
    staff.require(Permission::ImporReferensi)?;
    let summary = state.web.db().referensi_summary().await?;
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
    let summary = state.web.db().referensi_summary().await?;
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
    match ops::import_reference_reader(state.store.as_ref(), std::io::Cursor::new(bytes)).await {
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

// ---- helper version ---------------------------------------------------------------------

/// GET `/admin/versi-helper`.
pub async fn versi_helper(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    WebQuery(q): WebQuery<PesanQuery>,
) -> WebResult<Response> {
    staff.require(Permission::AturVersiHelper)?;
    let view = HelperVersionView {
        versi: state.version_info().await?,
        galat: Vec::new(),
    };
    Ok(respond::staff_page(state.web.pages().admin_versi_helper(
        &ctx_with(&staff, q.pesan.as_deref()),
        &view,
    )?))
}

#[derive(Debug, Default, Deserialize)]
pub struct VersiForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    latest_version: String,
    #[serde(default)]
    min_version: String,
    #[serde(default)]
    download_url: String,
    #[serde(default)]
    notes: String,
}

/// POST `/admin/versi-helper`.
pub async fn versi_helper_simpan(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    ClientIp(ip): ClientIp,
    WebForm(f): WebForm<VersiForm>,
) -> WebResult<Response> {
    staff.require(Permission::AturVersiHelper)?;
    staff.check_csrf(&state, &f.csrf_token)?;
    let form = HelperVersionForm {
        latest_version: f.latest_version,
        min_version: f.min_version,
        download_url: f.download_url,
        notes: f.notes,
    };
    let refused = |galat: Vec<String>| -> WebResult<Response> {
        let view = HelperVersionView {
            versi: shared_model::protocol::VersionInfo {
                latest_version: form.latest_version.clone(),
                min_version: form.min_version.clone(),
                download_url: form.download_url.clone(),
                notes: form.notes.clone(),
            },
            galat,
        };
        let html = state.web.pages().admin_versi_helper(&staff.ctx(), &view)?;
        Ok(respond::html(
            StatusCode::BAD_REQUEST,
            html,
            respond::Caching::NoStore,
        ))
    };
    let info = match form.validate() {
        Ok(info) => info,
        Err(galat) => return refused(galat),
    };
    if let Err(e) = ops::set_version_policy(
        state.store.as_ref(),
        &state.config.version.info(),
        Some(&info.latest_version),
        Some(&info.min_version),
        Some(&info.download_url),
        Some(&info.notes),
    )
    .await
    {
        return refused(vec![format!("{e:#}")]);
    }
    audit::staff(
        &state,
        &staff,
        ip,
        AuditAction::VersiHelperDiubah,
        "versi DB Helper",
        &format!(
            "terbaru {}, minimum {}, unduhan {}",
            info.latest_version, info.min_version, info.download_url
        ),
    )
    .await?;
    Ok(respond::redirect(
        "/admin/versi-helper?pesan=versi-disimpan",
    ))
}

// ---- audit log --------------------------------------------------------------------------

/// Midnight WIB of a `YYYY-MM-DD` date, in UTC epoch milliseconds.
fn wib_midnight_ms(date: time::Date) -> i64 {
    to_ms(time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT).assume_offset(WIB))
}

/// GET `/admin/audit?aksi=&pengguna=&dari=&sampai=&halaman=`.
pub async fn audit_log(
    State(state): State<AppState>,
    RequireStaff(staff): RequireStaff,
    WebQuery(filter): WebQuery<AuditFilter>,
) -> WebResult<Response> {
    staff.require(Permission::LihatLogAudit)?;
    let f = filter.normalized();
    let halaman = f.halaman.unwrap_or(1).max(1);
    let query = AuditQuery {
        aksi: f.aksi.clone(),
        username: f.pengguna.clone(),
        from_ms: f
            .dari
            .as_deref()
            .and_then(parse_tanggal)
            .map(wib_midnight_ms),
        to_ms: f
            .sampai
            .as_deref()
            .and_then(parse_tanggal)
            .and_then(|d| d.next_day())
            .map(wib_midnight_ms),
        offset: (halaman - 1).saturating_mul(AUDIT_PER_PAGE),
        limit: AUDIT_PER_PAGE,
    };
    let (records, total) = state.web.db().audit_log(&query).await?;
    let entries = records.into_iter().filter_map(audit::entry_row).collect();
    let view = AuditLogView::new(entries, &f, AUDIT_PER_PAGE, total);
    Ok(respond::staff_page(
        state.web.pages().admin_audit(&staff.ctx(), &view)?,
    ))
}

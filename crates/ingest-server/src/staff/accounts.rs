//! `/admin/akun`: staff accounts (create, activate, reset password).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use district_web::auth::{Permission, hash_password, validate_new_password};
use district_web::staff::{AccountForm, AccountRow, AccountsView, AuditAction};
use district_web::{PageContext, auth::Role};
use serde::Deserialize;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebError, WebForm, WebPath, WebQuery, WebResult};
use crate::app::respond;
use crate::app::time::{now_ms, wib};
use crate::staff::admin_forms::*;
use crate::staff::audit;
use crate::staff::session::RequireStaff;
use crate::storage::NewStaff;

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

//! `/admin/versi-helper`: the helper version policy stored in the database.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use district_web::auth::Permission;
use district_web::helper_version::{HelperVersionForm, HelperVersionView};
use district_web::staff::AuditAction;
use serde::Deserialize;

use crate::app::AppState;
use crate::app::api_extract::ClientIp;
use crate::app::page_error::{WebForm, WebQuery, WebResult};
use crate::app::respond;
use crate::helper_version;
use crate::staff::admin_forms::*;
use crate::staff::audit;
use crate::staff::session::RequireStaff;

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
    if let Err(e) = helper_version::set_version_policy(
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

//! What every staff page shares: the kecamatan a viewer may open, today in WIB.

use district_web::auth::Permission;

use crate::app::AppState;
use crate::app::page_error::{WebError, WebResult};
use crate::staff::session::Staff;
use crate::storage::KecamatanRef;

/// Students per page of "Data Peserta Didik" (the other lists are shown whole).
pub const PD_PER_PAGE: u64 = 100;

/// The kecamatan of a staff URL, after the role check.
pub async fn kecamatan_for(state: &AppState, staff: &Staff, kode: &str) -> WebResult<KecamatanRef> {
    staff.require(Permission::LihatKecamatan(kode))?;
    state
        .web
        .db()
        .kecamatan_by_kode(kode)
        .await?
        .ok_or(WebError::NotFound)
}

/// Today in WIB (file names of downloads, default program year).
pub fn today_wib() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(crate::app::time::WIB)
        .date()
}

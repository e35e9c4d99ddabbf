//! `/admin/audit`: the audit log, filtered and paged.

use axum::extract::State;
use axum::response::Response;
use district_web::auth::Permission;
use district_web::common::parse_tanggal;
use district_web::staff::{AuditFilter, AuditLogView};

use crate::app::AppState;
use crate::app::page_error::{WebQuery, WebResult};
use crate::app::respond;
use crate::app::time::{WIB, to_ms};
use crate::staff::audit;
use crate::staff::session::RequireStaff;
use crate::storage::AuditQuery;

/// Audit entries per page.
const AUDIT_PER_PAGE: u64 = 50;

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

//! Writing the audit log (UU 27/2022: who saw or took which personal data, and every
//! login and administrative change). Callers write the entry *before* they answer with
//! the data; a failed write fails the request.

use std::net::IpAddr;

use district_web::staff::{AuditAction, AuditEntryRow};

use crate::app::AppState;
use crate::app::page_error::WebResult;
use crate::app::time::{now_ms, wib};
use crate::staff::session::Staff;
use crate::storage::AuditRecord;

/// Longest text stored per field (usernames tried at login, reasons, objects).
const MAX_FIELD: usize = 300;

fn clip(s: &str) -> String {
    s.trim().chars().take(MAX_FIELD).collect()
}

/// An action of a logged-in staff member.
pub async fn staff(
    state: &AppState,
    staff: &Staff,
    ip: IpAddr,
    aksi: AuditAction,
    objek: &str,
    keterangan: &str,
) -> WebResult<()> {
    write(
        state,
        staff.username(),
        staff.role().kode(),
        ip,
        aksi,
        objek,
        keterangan,
    )
    .await
}

/// An action without a session (failed logins: `username` is the name that was tried).
pub async fn anonymous(
    state: &AppState,
    username: &str,
    ip: IpAddr,
    aksi: AuditAction,
    objek: &str,
    keterangan: &str,
) -> WebResult<()> {
    write(state, username, "", ip, aksi, objek, keterangan).await
}

/// A successful login (the session is new: no [`Staff`] yet).
pub async fn write_login(
    state: &AppState,
    username: &str,
    peran: &str,
    ip: IpAddr,
) -> WebResult<()> {
    write(state, username, peran, ip, AuditAction::Login, "login", "").await
}

/// An entry of the `ingest-server staf …` command line.
pub async fn cli(
    db: &crate::storage::Storage,
    aksi: AuditAction,
    objek: &str,
    keterangan: &str,
) -> crate::storage::StoreResult<()> {
    db.audit(&AuditRecord {
        at_ms: now_ms(),
        username: "(baris perintah)".to_owned(),
        peran: String::new(),
        aksi: aksi.kode().to_owned(),
        objek: clip(objek),
        ip: String::new(),
        keterangan: clip(keterangan),
    })
    .await
}

async fn write(
    state: &AppState,
    username: &str,
    peran: &str,
    ip: IpAddr,
    aksi: AuditAction,
    objek: &str,
    keterangan: &str,
) -> WebResult<()> {
    state
        .web
        .db()
        .audit(&AuditRecord {
            at_ms: now_ms(),
            username: clip(username),
            peran: peran.to_owned(),
            aksi: aksi.kode().to_owned(),
            objek: clip(objek),
            ip: ip.to_string(),
            keterangan: clip(keterangan),
        })
        .await?;
    Ok(())
}

/// A stored entry as the audit page shows it.
pub fn entry_row(r: AuditRecord) -> Option<AuditEntryRow> {
    let aksi = AuditAction::from_kode(&r.aksi)?;
    let peran = district_web::auth::Role::from_parts(&r.peran, Some("-"))
        .map(|p| p.label().to_owned())
        .unwrap_or_default();
    Some(AuditEntryRow {
        waktu: wib(r.at_ms),
        pengguna: r.username,
        peran,
        aksi,
        objek: r.objek,
        alamat_ip: r.ip,
        keterangan: r.keterangan,
    })
}

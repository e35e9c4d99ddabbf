//! Storage of the audit log (`audit_log`): logins, administrative changes and every view
//! or download of personal data.

use crate::storage::query::query;
use crate::storage::{Storage, StoreResult};

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    pub at_ms: i64,
    pub username: String,
    pub peran: String,
    /// `district_web::staff::AuditAction::kode`.
    pub aksi: String,
    pub objek: String,
    pub ip: String,
    pub keterangan: String,
}

/// Filter and page of the audit log (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub aksi: Option<String>,
    /// Case-insensitive substring of the username.
    pub username: Option<String>,
    /// Inclusive lower bound.
    pub from_ms: Option<i64>,
    /// Exclusive upper bound.
    pub to_ms: Option<i64>,
    pub offset: u64,
    pub limit: u64,
}

impl Storage {
    pub async fn audit(&self, a: &AuditRecord) -> StoreResult<()> {
        self.write(
            query(
                "INSERT INTO audit_log (at_ms, username, peran, aksi, objek, ip, keterangan)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(a.at_ms)
            .bind(&a.username)
            .bind(&a.peran)
            .bind(&a.aksi)
            .bind(&a.objek)
            .bind(&a.ip)
            .bind(&a.keterangan),
        )
        .await?;
        Ok(())
    }

    /// One page of matching entries and how many match in all.
    pub async fn audit_log(&self, q: &AuditQuery) -> StoreResult<(Vec<AuditRecord>, u64)> {
        let sql = self.dialect().sql();
        let rows = query(sql.audit_page.as_str())
            .bind(&q.aksi)
            .bind(&q.username)
            .bind(q.from_ms)
            .bind(q.to_ms)
            .bind(q.limit.min(i64::MAX as u64) as i64)
            .bind(q.offset.min(i64::MAX as u64) as i64)
            .fetch_all(self.read())
            .await?;
        let total: i64 = query(sql.audit_count.as_str())
            .bind(&q.aksi)
            .bind(&q.username)
            .bind(q.from_ms)
            .bind(q.to_ms)
            .scalar(self.read())
            .await?;
        Ok((rows, total.max(0) as u64))
    }
}

//! Storage of staff accounts and their browser sessions (`staff_account`, `staff_session`).

use crate::storage::query::{query, query_built};
use crate::storage::{Storage, StoreResult};

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffAccount {
    pub id: String,
    /// Lowercase.
    pub username: String,
    pub nama: String,
    /// `admin` | `staf_dinas` | `korwil`.
    pub peran: String,
    pub kode_kecamatan: Option<String>,
    /// Name of the korwil's kecamatan.
    pub nama_kecamatan: Option<String>,
    pub password_hash: String,
    pub aktif: bool,
    pub created_at_ms: i64,
    pub last_login_ms: Option<i64>,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub id: String,
    /// Lowercase.
    pub username: String,
    pub nama: String,
    pub peran: String,
    pub kode_kecamatan: Option<String>,
    pub password_hash: String,
    pub now_ms: i64,
}

/// A browser session to record.
#[derive(Debug, Clone)]
pub struct NewStaffSession {
    pub token_hash: String,
    pub staff_id: String,
    pub now_ms: i64,
    pub expires_at_ms: i64,
    pub ip: String,
}

/// A session with its (active) account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffSessionRecord {
    pub staff_id: String,
    pub username: String,
    pub nama: String,
    pub peran: String,
    pub kode_kecamatan: Option<String>,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
}

/// An account with its kecamatan's name.
const STAFF_SELECT: &str = "SELECT a.*, k.nama AS nama_kecamatan FROM staff_account a
     LEFT JOIN kecamatan k ON k.kode_kecamatan = a.kode_kecamatan";

impl Storage {
    /// Creates an account; `false` when the username is taken.
    pub async fn create_staff(&self, s: &NewStaff) -> StoreResult<bool> {
        let n = self
            .write(
                query(
                    "INSERT INTO staff_account (id, username, nama, peran, kode_kecamatan,
                                 password_hash, aktif, created_at_ms, updated_at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7)
                     ON CONFLICT (username) DO NOTHING",
                )
                .bind(&s.id)
                .bind(&s.username)
                .bind(&s.nama)
                .bind(&s.peran)
                .bind(&s.kode_kecamatan)
                .bind(&s.password_hash)
                .bind(s.now_ms),
            )
            .await?;
        Ok(n == 1)
    }

    pub async fn staff_by_username(&self, username: &str) -> StoreResult<Option<StaffAccount>> {
        query_built(format!("{STAFF_SELECT} WHERE a.username = $1"))
            .bind(username)
            .fetch_optional(self.read())
            .await
    }

    pub async fn staff_by_id(&self, id: &str) -> StoreResult<Option<StaffAccount>> {
        query_built(format!("{STAFF_SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(self.read())
            .await
    }

    /// Every account, by username.
    pub async fn staff_list(&self) -> StoreResult<Vec<StaffAccount>> {
        query_built(format!("{STAFF_SELECT} ORDER BY a.username"))
            .fetch_all(self.read())
            .await
    }

    /// (De)activates an account; deactivating ends its sessions. `false`: no such account.
    pub async fn set_staff_active(&self, id: &str, aktif: bool, now_ms: i64) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let n = query("UPDATE staff_account SET aktif = $2, updated_at_ms = $3 WHERE id = $1")
            .bind(id)
            .bind(aktif)
            .bind(now_ms)
            .execute(tx.exec())
            .await?;
        if !aktif {
            query("DELETE FROM staff_session WHERE staff_id = $1")
                .bind(id)
                .execute(tx.exec())
                .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Sets a new password and ends the account's sessions. `false`: no such account.
    pub async fn set_staff_password(
        &self,
        id: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let n =
            query("UPDATE staff_account SET password_hash = $2, updated_at_ms = $3 WHERE id = $1")
                .bind(id)
                .bind(password_hash)
                .bind(now_ms)
                .execute(tx.exec())
                .await?;
        query("DELETE FROM staff_session WHERE staff_id = $1")
            .bind(id)
            .execute(tx.exec())
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    pub async fn record_login(&self, id: &str, now_ms: i64) -> StoreResult<()> {
        self.write(
            query("UPDATE staff_account SET last_login_ms = $2 WHERE id = $1")
                .bind(id)
                .bind(now_ms),
        )
        .await?;
        Ok(())
    }

    pub async fn create_session(&self, s: &NewStaffSession) -> StoreResult<()> {
        self.write(
            query(
                "INSERT INTO staff_session (token_hash, staff_id, created_at_ms,
                             last_seen_ms, expires_at_ms, ip)
                 VALUES ($1, $2, $3, $3, $4, $5)",
            )
            .bind(&s.token_hash)
            .bind(&s.staff_id)
            .bind(s.now_ms)
            .bind(s.expires_at_ms)
            .bind(&s.ip),
        )
        .await?;
        Ok(())
    }

    /// The session of a cookie token hash, if its account is active.
    pub async fn lookup_session(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<StaffSessionRecord>> {
        query(
            "SELECT a.id AS staff_id, a.username, a.nama, a.peran, a.kode_kecamatan,
                    s.created_at_ms, s.last_seen_ms, s.expires_at_ms
             FROM staff_session s JOIN staff_account a ON a.id = s.staff_id
             WHERE s.token_hash = $1 AND a.aktif",
        )
        .bind(token_hash)
        .fetch_optional(self.read())
        .await
    }

    pub async fn touch_session(&self, token_hash: &str, now_ms: i64) -> StoreResult<()> {
        self.write(
            query("UPDATE staff_session SET last_seen_ms = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(now_ms),
        )
        .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.write(query("DELETE FROM staff_session WHERE token_hash = $1").bind(token_hash))
            .await?;
        Ok(())
    }

    /// Deletes sessions past their end or idle since before `idle_before_ms`.
    pub async fn delete_expired_sessions(
        &self,
        now_ms: i64,
        idle_before_ms: i64,
    ) -> StoreResult<u64> {
        self.write(
            query("DELETE FROM staff_session WHERE expires_at_ms <= $1 OR last_seen_ms < $2")
                .bind(now_ms)
                .bind(idle_before_ms),
        )
        .await
    }
}

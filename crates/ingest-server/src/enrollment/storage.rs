//! Storage of enrollment: kode registrasi hashes (`enrollment`) and school tokens
//! (`school_token`).

use crate::storage::query::query;
use crate::storage::{Storage, StoreError, StoreResult};

/// The result of looking a bearer token up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenLookup {
    Active { npsn: String },
    Revoked { npsn: String },
    Unknown,
}

/// A successful enrollment to record (the new token replaces every other of the school).
#[derive(Debug, Clone)]
pub struct NewEnrollment {
    pub npsn: String,
    pub token_hash: String,
    pub username_ops: String,
    pub device_name: Option<String>,
    pub helper_version: String,
    pub now_ms: i64,
}

/// An active school with the state of its kode registrasi.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KodeRegistrasiRecord {
    pub npsn: String,
    pub nama: String,
    pub kode_kecamatan: String,
    pub kecamatan: String,
    /// When the current code was issued (`None`: never).
    pub kode_issued_at_ms: Option<i64>,
    /// The latest enrollment with the current code.
    pub terdaftar_ms: Option<i64>,
}

impl Storage {
    /// Stores kode registrasi hashes (replacing earlier codes of those schools).
    pub async fn set_kode_hashes(
        &self,
        entries: &[(String, String)],
        now_ms: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for (npsn, hash) in entries {
            let known: Option<String> = query("SELECT npsn FROM sekolah_ref WHERE npsn = $1")
                .bind(npsn)
                .scalar_optional(tx.exec())
                .await?;
            if known.is_none() {
                return Err(StoreError::UnknownSchool(npsn.clone()));
            }
            query(
                "INSERT INTO enrollment (npsn, kode_hash, kode_issued_at_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (npsn) DO UPDATE SET kode_hash = excluded.kode_hash,
                    kode_issued_at_ms = excluded.kode_issued_at_ms",
            )
            .bind(npsn)
            .bind(hash)
            .bind(now_ms)
            .execute(tx.exec())
            .await?;
        }
        tx.commit().await
    }

    /// NPSNs that have a kode registrasi.
    pub async fn schools_with_kode(&self) -> StoreResult<Vec<String>> {
        query("SELECT npsn FROM enrollment ORDER BY npsn")
            .scalars(self.read())
            .await
    }

    /// The stored kode hash of a school (`None`: unknown or inactive school, or no code).
    pub async fn kode_hash(&self, npsn: &str) -> StoreResult<Option<String>> {
        query(
            "SELECT e.kode_hash FROM enrollment e JOIN sekolah_ref s ON s.npsn = e.npsn
             WHERE e.npsn = $1 AND s.aktif",
        )
        .bind(npsn)
        .scalar_optional(self.read())
        .await
    }

    /// Records a new token for the school and revokes all its other tokens, atomically.
    pub async fn enroll(&self, e: &NewEnrollment) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        query(
            "UPDATE school_token SET revoked_at_ms = $2 WHERE npsn = $1 AND revoked_at_ms IS NULL",
        )
        .bind(&e.npsn)
        .bind(e.now_ms)
        .execute(tx.exec())
        .await?;
        query(
            "INSERT INTO school_token (token_hash, npsn, username_ops, device_name, helper_version, created_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&e.token_hash)
        .bind(&e.npsn)
        .bind(&e.username_ops)
        .bind(&e.device_name)
        .bind(&e.helper_version)
        .bind(e.now_ms)
        .execute(tx.exec())
        .await?;
        tx.commit().await
    }

    pub async fn lookup_token(&self, token_hash: &str) -> StoreResult<TokenLookup> {
        let row: Option<(String, Option<i64>)> =
            query("SELECT npsn, revoked_at_ms FROM school_token WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.read())
                .await?;
        Ok(match row {
            None => TokenLookup::Unknown,
            Some((npsn, Some(_))) => TokenLookup::Revoked { npsn },
            Some((npsn, None)) => TokenLookup::Active { npsn },
        })
    }

    /// Every active school with its code state, by kecamatan then name.
    pub async fn kode_registrasi_records(&self) -> StoreResult<Vec<KodeRegistrasiRecord>> {
        query(
            "SELECT r.npsn, r.nama, r.kode_kecamatan, k.nama AS kecamatan,
                    e.kode_issued_at_ms,
                    (SELECT MAX(t.created_at_ms) FROM school_token t
                      WHERE t.npsn = r.npsn AND t.created_at_ms >= e.kode_issued_at_ms)
                      AS terdaftar_ms
             FROM sekolah_ref r
             JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
             LEFT JOIN enrollment e ON e.npsn = r.npsn
             WHERE r.aktif
             ORDER BY k.nama, r.kode_kecamatan, r.nama, r.npsn",
        )
        .fetch_all(self.read())
        .await
    }
}

//! The one body of the shared [`Store`](super::Store) methods for both backends.
//!
//! Same pattern as [`super::web_sql`]: [`StoreSql`] holds the statements whose SQL differs
//! between the dialects (built once per backend from [`Dialect`] fragments), and
//! `store_methods!` stamps the row mappings and every method whose logic is the same on both
//! backends into `#[async_trait] impl Store for $store`, together with the backend-specific
//! methods passed in (the hot paths: SQLite's group-committed claims and commits,
//! PostgreSQL's one-statement claims and `COPY` loads, and the few methods whose SQL or
//! durability differs). A backend supplies `reader()` (the pool for reads: SQLite's read-only
//! pool, PostgreSQL's one pool), `begin()` (a durable write transaction) and
//! `begin_staging()` (a write transaction for staging data such as sweeps).

use std::sync::LazyLock;

use super::web_sql::Dialect;

/// The statements of `store_methods!` that differ between the dialects. Built from constant
/// fragments only (no input), once per backend, so they are `&'static str` and need no
/// `AssertSqlSafe`.
pub(super) struct StoreSql {
    pub(super) snapshot_rows: String,
}

impl StoreSql {
    fn new(d: Dialect) -> StoreSql {
        StoreSql {
            snapshot_rows: format!(
                "SELECT sr.npsn, sr.row_id, {data} FROM snapshot_row sr
             LEFT JOIN sekolah_ref r ON r.npsn = sr.npsn
             WHERE sr.kind = $1 AND ({npsn} IS NULL OR sr.npsn = $2) AND ({kode} IS NULL OR r.kode_kecamatan = $3)
             ORDER BY sr.npsn, sr.row_id",
                data = d.json_as_text("sr.data"),
                npsn = d.nullable_param(2, "text"),
                kode = d.nullable_param(3, "text"),
            ),
        }
    }
}

impl Dialect {
    /// The [`StoreSql`] statements of this dialect, built on first use.
    pub(super) fn store_sql(self) -> &'static StoreSql {
        static SQLITE: LazyLock<StoreSql> = LazyLock::new(|| StoreSql::new(Dialect::Sqlite));
        static POSTGRES: LazyLock<StoreSql> = LazyLock::new(|| StoreSql::new(Dialect::Postgres));
        match self {
            Dialect::Sqlite => &SQLITE,
            Dialect::Postgres => &POSTGRES,
        }
    }
}

/// Implements [`Store`](super::Store) for `$store` (a type of the calling module) on
/// `sqlx::$backend` with `Dialect::$backend` (`Sqlite` or `Postgres`): the shared methods
/// below plus the backend-specific items given in braces, which are written as if in the
/// calling module (they see its items through `use super::*`). `$store` provides `reader()`,
/// `begin()` and `begin_staging()` (see the module docs).
macro_rules! store_methods {
    ($store:ident, $backend:ident, { $($backend_specific:tt)* }) => {
        mod methods {
            use std::collections::BTreeMap;

            use async_trait::async_trait;
            use shared_model::DataKind;
            use shared_model::protocol::{
                ProgresEntry, ProgresLive, RekapSatuanPendidikan, SekolahPublic,
            };
            use sqlx::Row;

            use super::*;
            use crate::store::store_sql::StoreSql;
            use crate::store::web_sql::Dialect;
            use crate::store::{
                Expected, HeldBatch, ImportCounts, KecamatanRef, KindRowOut, NewEnrollment,
                RowFilter, SekolahRef, SendHistoryEntry, SessionRecord, StagedBatch, Store,
                StoreError, StoreResult, SweepPolicy, SweepReport, TokenLookup, from_json,
                live_entry, parse_kind, parse_state, progres_entry, public_from_reference,
            };

            type DbRow = <sqlx::$backend as sqlx::Database>::Row;

            fn sql() -> &'static StoreSql {
                Dialect::$backend.store_sql()
            }

            fn sekolah_ref_from_row(row: &DbRow) -> StoreResult<SekolahRef> {
                Ok(SekolahRef {
                    npsn: row.try_get("npsn")?,
                    nama: row.try_get("nama")?,
                    bentuk: row.try_get("bentuk")?,
                    status: row.try_get("status")?,
                    kode_kecamatan: row.try_get("kode_kecamatan")?,
                    kecamatan: row
                        .try_get::<Option<String>, _>("kecamatan")?
                        .unwrap_or_default(),
                    desa: row.try_get("desa")?,
                    alamat: row.try_get("alamat")?,
                    lintang: row.try_get("lintang")?,
                    bujur: row.try_get("bujur")?,
                    email: row.try_get("email")?,
                    website: row.try_get("website")?,
                    aktif: row.try_get("aktif")?,
                })
            }

            fn session_from_row(row: &DbRow) -> StoreResult<SessionRecord> {
                let receipt: Option<String> = row.try_get("receipt")?;
                Ok(SessionRecord {
                    session_id: row.try_get("session_id")?,
                    npsn: row.try_get("npsn")?,
                    state: parse_state(&row.try_get::<String, _>("state")?)?,
                    username_ops: row.try_get("username_ops")?,
                    helper_version: row.try_get("helper_version")?,
                    semester_id: row.try_get("semester_id")?,
                    expected: from_json(&row.try_get::<String, _>("expected")?)?,
                    created_at_ms: row.try_get("created_at_ms")?,
                    last_activity_ms: row.try_get("last_activity_ms")?,
                    expires_at_ms: row.try_get("expires_at_ms")?,
                    receipt: receipt.as_deref().map(from_json).transpose()?,
                })
            }

            fn counts_from_row(row: &DbRow) -> StoreResult<[i64; 8]> {
                let mut out = [0i64; 8];
                for kind in DataKind::ALL {
                    out[kind.index()] = row.try_get(kind.wire_name())?;
                }
                Ok(out)
            }

            #[async_trait]
            impl Store for $store {
                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(self.reader()).await?;
                    Ok(())
                }

                async fn import_reference(
                    &self,
                    kecamatan: &[KecamatanRef],
                    sekolah: &[SekolahRef],
                    deactivate_missing: bool,
                    now_ms: i64,
                ) -> StoreResult<ImportCounts> {
                    let mut counts = ImportCounts::default();
                    let mut tx = self.begin().await?;
                    for k in kecamatan {
                        let old: Option<String> =
                            sqlx::query_scalar("SELECT nama FROM kecamatan WHERE kode_kecamatan = $1")
                                .bind(&k.kode_kecamatan)
                                .fetch_optional(&mut *tx)
                                .await?;
                        match old {
                            Some(n) if n == k.nama => {}
                            Some(_) => counts.kecamatan_updated += 1,
                            None => counts.kecamatan_inserted += 1,
                        }
                        sqlx::query(
                            "INSERT INTO kecamatan (kode_kecamatan, nama, updated_at_ms) VALUES ($1, $2, $3)
                             ON CONFLICT (kode_kecamatan) DO UPDATE SET nama = excluded.nama, updated_at_ms = excluded.updated_at_ms
                             WHERE kecamatan.nama <> excluded.nama",
                        )
                        .bind(&k.kode_kecamatan)
                        .bind(&k.nama)
                        .bind(now_ms)
                        .execute(&mut *tx)
                        .await?;
                    }
                    let active_before: Vec<String> =
                        sqlx::query_scalar("SELECT npsn FROM sekolah_ref WHERE aktif")
                            .fetch_all(&mut *tx)
                            .await?;
                    for s in sekolah {
                        let old = sqlx::query(
                            "SELECT s.*, k.nama AS kecamatan FROM sekolah_ref s
                             LEFT JOIN kecamatan k ON k.kode_kecamatan = s.kode_kecamatan WHERE s.npsn = $1",
                        )
                        .bind(&s.npsn)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|r| sekolah_ref_from_row(&r))
                        .transpose()?;
                        let mut incoming = s.clone();
                        incoming.aktif = true;
                        match old {
                            Some(mut o) => {
                                o.kecamatan = incoming.kecamatan.clone();
                                if o == incoming {
                                    counts.sekolah_unchanged += 1;
                                    continue;
                                }
                                counts.sekolah_updated += 1;
                            }
                            None => counts.sekolah_inserted += 1,
                        }
                        sqlx::query(
                            "INSERT INTO sekolah_ref (npsn, nama, bentuk, status, kode_kecamatan, desa, alamat, lintang, bujur,
                                                      email, website, aktif, updated_at_ms)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12)
                             ON CONFLICT (npsn) DO UPDATE SET nama = excluded.nama, bentuk = excluded.bentuk,
                                status = excluded.status, kode_kecamatan = excluded.kode_kecamatan, desa = excluded.desa,
                                alamat = excluded.alamat, lintang = excluded.lintang, bujur = excluded.bujur,
                                email = excluded.email, website = excluded.website, aktif = TRUE,
                                updated_at_ms = excluded.updated_at_ms",
                        )
                        .bind(&s.npsn)
                        .bind(&s.nama)
                        .bind(&s.bentuk)
                        .bind(&s.status)
                        .bind(&s.kode_kecamatan)
                        .bind(&s.desa)
                        .bind(&s.alamat)
                        .bind(&s.lintang)
                        .bind(&s.bujur)
                        .bind(&s.email)
                        .bind(&s.website)
                        .bind(now_ms)
                        .execute(&mut *tx)
                        .await?;
                    }
                    if deactivate_missing {
                        let listed: std::collections::HashSet<&str> =
                            sekolah.iter().map(|s| s.npsn.as_str()).collect();
                        for npsn in active_before
                            .iter()
                            .filter(|n| !listed.contains(n.as_str()))
                        {
                            sqlx::query(
                                "UPDATE sekolah_ref SET aktif = FALSE, updated_at_ms = $2 WHERE npsn = $1",
                            )
                            .bind(npsn)
                            .bind(now_ms)
                            .execute(&mut *tx)
                            .await?;
                            counts.sekolah_deactivated += 1;
                        }
                    }
                    tx.commit().await?;
                    Ok(counts)
                }

                async fn reference_schools(&self, npsns: Option<&[String]>) -> StoreResult<Vec<SekolahRef>> {
                    let rows = sqlx::query(
                        "SELECT s.*, k.nama AS kecamatan FROM sekolah_ref s
                         LEFT JOIN kecamatan k ON k.kode_kecamatan = s.kode_kecamatan
                         ORDER BY k.nama, s.nama, s.npsn",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    let all = rows
                        .iter()
                        .map(sekolah_ref_from_row)
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok(match npsns {
                        None => all,
                        Some(wanted) => {
                            let set: std::collections::HashSet<&str> =
                                wanted.iter().map(String::as_str).collect();
                            all.into_iter()
                                .filter(|s| set.contains(s.npsn.as_str()))
                                .collect()
                        }
                    })
                }

                async fn reference_school(&self, npsn: &str) -> StoreResult<Option<SekolahRef>> {
                    sqlx::query(
                        "SELECT s.*, k.nama AS kecamatan FROM sekolah_ref s
                         LEFT JOIN kecamatan k ON k.kode_kecamatan = s.kode_kecamatan WHERE s.npsn = $1",
                    )
                    .bind(npsn)
                    .fetch_optional(self.reader())
                    .await?
                    .map(|r| sekolah_ref_from_row(&r))
                    .transpose()
                }

                async fn kecamatan_list(&self) -> StoreResult<Vec<KecamatanRef>> {
                    let rows =
                        sqlx::query("SELECT kode_kecamatan, nama FROM kecamatan ORDER BY nama, kode_kecamatan")
                            .fetch_all(self.reader())
                            .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(KecamatanRef {
                                kode_kecamatan: r.try_get(0)?,
                                nama: r.try_get(1)?,
                            })
                        })
                        .collect()
                }

                async fn set_kode_hashes(&self, entries: &[(String, String)], now_ms: i64) -> StoreResult<()> {
                    let mut tx = self.begin().await?;
                    for (npsn, hash) in entries {
                        let known: Option<String> =
                            sqlx::query_scalar("SELECT npsn FROM sekolah_ref WHERE npsn = $1")
                                .bind(npsn)
                                .fetch_optional(&mut *tx)
                                .await?;
                        if known.is_none() {
                            return Err(StoreError::UnknownSchool(npsn.clone()));
                        }
                        sqlx::query(
                            "INSERT INTO enrollment (npsn, kode_hash, kode_issued_at_ms) VALUES ($1, $2, $3)
                             ON CONFLICT (npsn) DO UPDATE SET kode_hash = excluded.kode_hash,
                                kode_issued_at_ms = excluded.kode_issued_at_ms",
                        )
                        .bind(npsn)
                        .bind(hash)
                        .bind(now_ms)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn schools_with_kode(&self) -> StoreResult<Vec<String>> {
                    Ok(
                        sqlx::query_scalar("SELECT npsn FROM enrollment ORDER BY npsn")
                            .fetch_all(self.reader())
                            .await?,
                    )
                }

                async fn kode_hash(&self, npsn: &str) -> StoreResult<Option<String>> {
                    Ok(sqlx::query_scalar(
                        "SELECT e.kode_hash FROM enrollment e JOIN sekolah_ref s ON s.npsn = e.npsn
                         WHERE e.npsn = $1 AND s.aktif",
                    )
                    .bind(npsn)
                    .fetch_optional(self.reader())
                    .await?)
                }

                async fn enroll(&self, e: &NewEnrollment) -> StoreResult<()> {
                    let mut tx = self.begin().await?;
                    sqlx::query(
                        "UPDATE school_token SET revoked_at_ms = $2 WHERE npsn = $1 AND revoked_at_ms IS NULL",
                    )
                    .bind(&e.npsn)
                    .bind(e.now_ms)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO school_token (token_hash, npsn, username_ops, device_name, helper_version, created_at_ms)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&e.token_hash)
                    .bind(&e.npsn)
                    .bind(&e.username_ops)
                    .bind(&e.device_name)
                    .bind(&e.helper_version)
                    .bind(e.now_ms)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn lookup_token(&self, token_hash: &str) -> StoreResult<TokenLookup> {
                    let row = sqlx::query("SELECT npsn, revoked_at_ms FROM school_token WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(self.reader())
                        .await?;
                    Ok(match row {
                        None => TokenLookup::Unknown,
                        Some(r) => {
                            let npsn: String = r.try_get(0)?;
                            if r.try_get::<Option<i64>, _>(1)?.is_some() {
                                TokenLookup::Revoked { npsn }
                            } else {
                                TokenLookup::Active { npsn }
                            }
                        }
                    })
                }

                async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
                    Ok(
                        sqlx::query_scalar("SELECT value FROM setting WHERE key = $1")
                            .bind(key)
                            .fetch_optional(self.reader())
                            .await?,
                    )
                }

                async fn session(&self, session_id: &str) -> StoreResult<Option<SessionRecord>> {
                    sqlx::query("SELECT * FROM send_session WHERE session_id = $1")
                        .bind(session_id)
                        .fetch_optional(self.reader())
                        .await?
                        .map(|r| session_from_row(&r))
                        .transpose()
                }

                async fn session_batches(&self, session_id: &str) -> StoreResult<Vec<HeldBatch>> {
                    let rows =
                        sqlx::query("SELECT kind, seq, sha256, rows FROM session_batch WHERE session_id = $1")
                            .bind(session_id)
                            .fetch_all(self.reader())
                            .await?;
                    let mut out = rows
                        .iter()
                        .map(|r| {
                            Ok(HeldBatch {
                                kind: parse_kind(&r.try_get::<String, _>(0)?)?,
                                seq: r.try_get::<i64, _>(1)? as u32,
                                sha256: r.try_get(2)?,
                                rows: r.try_get::<i64, _>(3)? as u64,
                            })
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    out.sort_by_key(|b| (b.kind, b.seq));
                    Ok(out)
                }

                async fn staged_batches(&self, session_id: &str) -> StoreResult<Vec<StagedBatch>> {
                    let rows = sqlx::query(
                        "SELECT sb.kind, sb.seq, sb.sha256, sb.rows, b.payload FROM session_batch sb
                         JOIN batch_blob b ON b.npsn = sb.npsn AND b.sha256 = sb.sha256
                         WHERE sb.session_id = $1",
                    )
                    .bind(session_id)
                    .fetch_all(self.reader())
                    .await?;
                    let mut out = rows
                        .iter()
                        .map(|r| {
                            Ok(StagedBatch {
                                kind: parse_kind(&r.try_get::<String, _>(0)?)?,
                                seq: r.try_get::<i64, _>(1)? as u32,
                                sha256: r.try_get(2)?,
                                rows: r.try_get::<i64, _>(3)? as u64,
                                payload_zstd: r.try_get(4)?,
                            })
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    out.sort_by_key(|b| (b.kind, b.seq));
                    Ok(out)
                }

                async fn sweep(&self, p: SweepPolicy) -> StoreResult<SweepReport> {
                    let mut report = SweepReport::default();
                    let mut tx = self.begin_staging().await?;
                    report.sessions_expired = sqlx::query(
                        "UPDATE send_session SET state = 'expired', closed_at_ms = $1 WHERE state = 'open' AND expires_at_ms <= $1",
                    )
                    .bind(p.now_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    report.batches_deleted = sqlx::query(
                        "DELETE FROM session_batch WHERE session_id IN
                            (SELECT session_id FROM send_session WHERE state IN ('expired', 'superseded'))",
                    )
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    report.sessions_deleted =
                        sqlx::query("DELETE FROM send_session WHERE state <> 'open' AND closed_at_ms <= $1")
                            .bind(p.now_ms - p.closed_session_retention_ms)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    report.blobs_deleted = sqlx::query(
                        "DELETE FROM batch_blob WHERE created_at_ms <= $1
                           AND NOT EXISTS (SELECT 1 FROM session_batch sb WHERE sb.npsn = batch_blob.npsn AND sb.sha256 = batch_blob.sha256)
                           AND NOT EXISTS (SELECT 1 FROM snapshot_batch sn WHERE sn.npsn = batch_blob.npsn AND sn.sha256 = batch_blob.sha256)",
                    )
                    .bind(p.now_ms - p.blob_grace_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    tx.commit().await?;
                    Ok(report)
                }

                async fn progres(&self) -> StoreResult<Vec<ProgresEntry>> {
                    let rows = sqlx::query(
                        "SELECT s.*, r.nama AS ref_nama, r.bentuk AS ref_bentuk, r.status AS ref_status, k.nama AS kecamatan
                         FROM school_snapshot s
                         LEFT JOIN sekolah_ref r ON r.npsn = s.npsn
                         LEFT JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                         ORDER BY s.tanggal_kirim_ms DESC, s.npsn",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let ref_nama: Option<String> = r.try_get("ref_nama")?;
                            let ref_bentuk: Option<String> = r.try_get("ref_bentuk")?;
                            let ref_status: Option<String> = r.try_get("ref_status")?;
                            Ok(progres_entry(
                                r.try_get("kecamatan")?,
                                ref_nama.unwrap_or(r.try_get("nama")?),
                                r.try_get("npsn")?,
                                ref_bentuk.or(r.try_get("bentuk")?),
                                ref_status.or(r.try_get("status")?),
                                r.try_get("tanggal_kirim_ms")?,
                                counts_from_row(r)?,
                            ))
                        })
                        .collect()
                }

                async fn progres_live(&self, now_ms: i64) -> StoreResult<Vec<ProgresLive>> {
                    let sessions = sqlx::query(
                        "SELECT ss.session_id, ss.npsn, r.nama, k.nama AS kecamatan, ss.created_at_ms, ss.expected
                         FROM send_session ss
                         LEFT JOIN sekolah_ref r ON r.npsn = ss.npsn
                         LEFT JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                         WHERE ss.state = 'open' AND ss.expires_at_ms > $1
                         ORDER BY ss.created_at_ms, ss.session_id",
                    )
                    .bind(now_ms)
                    .fetch_all(self.reader())
                    .await?;
                    let received = sqlx::query(
                        "SELECT sb.session_id, sb.kind, CAST(SUM(sb.rows) AS BIGINT) AS n FROM session_batch sb
                         JOIN send_session ss ON ss.session_id = sb.session_id
                         WHERE ss.state = 'open' AND ss.expires_at_ms > $1
                         GROUP BY sb.session_id, sb.kind",
                    )
                    .bind(now_ms)
                    .fetch_all(self.reader())
                    .await?;
                    let mut by_session: BTreeMap<String, BTreeMap<DataKind, u64>> = BTreeMap::new();
                    for r in &received {
                        by_session.entry(r.try_get(0)?).or_default().insert(
                            parse_kind(&r.try_get::<String, _>(1)?)?,
                            r.try_get::<i64, _>(2)? as u64,
                        );
                    }
                    sessions
                        .iter()
                        .map(|r| {
                            let id: String = r.try_get(0)?;
                            let expected: Expected = from_json(&r.try_get::<String, _>(5)?)?;
                            Ok(live_entry(
                                r.try_get(1)?,
                                r.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
                                r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                                r.try_get(4)?,
                                &expected,
                                by_session.get(&id).unwrap_or(&BTreeMap::new()),
                            ))
                        })
                        .collect()
                }

                async fn sekolah_public(&self, npsn: &str) -> StoreResult<Option<SekolahPublic>> {
                    let public: Option<String> =
                        sqlx::query_scalar("SELECT public FROM school_snapshot WHERE npsn = $1")
                            .bind(npsn)
                            .fetch_optional(self.reader())
                            .await?;
                    if let Some(json) = public {
                        return Ok(Some(from_json(&json)?));
                    }
                    Ok(self
                        .reference_school(npsn)
                        .await?
                        .map(|r| public_from_reference(&r)))
                }

                async fn rekap_satuan_pendidikan(&self) -> StoreResult<Vec<RekapSatuanPendidikan>> {
                    let rows = sqlx::query(
                        "SELECT r.kode_kecamatan, k.nama AS kecamatan, r.bentuk, r.status,
                                COUNT(s.npsn) AS sudah_kirim, COUNT(*) AS total
                         FROM sekolah_ref r
                         JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                         LEFT JOIN school_snapshot s ON s.npsn = r.npsn
                         WHERE r.aktif
                         GROUP BY r.kode_kecamatan, k.nama, r.bentuk, r.status
                         ORDER BY k.nama, r.kode_kecamatan, r.bentuk, r.status",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(RekapSatuanPendidikan {
                                kode_kecamatan: r.try_get(0)?,
                                kecamatan: r.try_get(1)?,
                                bentuk: r.try_get(2)?,
                                status: r.try_get(3)?,
                                sudah_kirim: r.try_get::<i64, _>(4)? as u64,
                                total_referensi: r.try_get::<i64, _>(5)? as u64,
                            })
                        })
                        .collect()
                }

                async fn send_history(&self, npsn: &str) -> StoreResult<Vec<SendHistoryEntry>> {
                    let rows = sqlx::query(
                        "SELECT p.*, COALESCE(r.nama, s.nama, '') AS nama_sekolah, COALESCE(r.bentuk, s.bentuk) AS bentuk_sekolah,
                                COALESCE(r.status, s.status) AS status_sekolah, k.nama AS kecamatan
                         FROM progres_kirim p
                         LEFT JOIN sekolah_ref r ON r.npsn = p.npsn
                         LEFT JOIN school_snapshot s ON s.npsn = p.npsn
                         LEFT JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                         WHERE p.npsn = $1
                         ORDER BY p.tanggal_kirim_ms DESC, p.id DESC",
                    )
                    .bind(npsn)
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(progres_entry(
                                r.try_get("kecamatan")?,
                                r.try_get("nama_sekolah")?,
                                r.try_get("npsn")?,
                                r.try_get("bentuk_sekolah")?,
                                r.try_get("status_sekolah")?,
                                r.try_get("tanggal_kirim_ms")?,
                                counts_from_row(r)?,
                            ))
                        })
                        .collect()
                }

                async fn school_summary_json(&self, npsn: &str) -> StoreResult<Option<String>> {
                    Ok(
                        sqlx::query_scalar("SELECT summary FROM school_snapshot WHERE npsn = $1")
                            .bind(npsn)
                            .fetch_optional(self.reader())
                            .await?,
                    )
                }

                async fn snapshot_rows(
                    &self,
                    kind: DataKind,
                    filter: &RowFilter,
                ) -> StoreResult<Vec<KindRowOut>> {
                    let rows = sqlx::query(sql().snapshot_rows.as_str())
                        .bind(kind.wire_name())
                        .bind(&filter.npsn)
                        .bind(&filter.kode_kecamatan)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(KindRowOut {
                                npsn: r.try_get(0)?,
                                row_id: r.try_get(1)?,
                                data: from_json(&r.try_get::<String, _>(2)?)?,
                            })
                        })
                        .collect()
                }

                $($backend_specific)*
            }
        }
    };
}

pub(super) use store_methods;

//! The one body of [`WebStore`](super::WebStore) for both backends.
//!
//! * [`Dialect`]: the SQL fragments where SQLite and PostgreSQL differ (JSON access, typed
//!   `NULL` parameters, `SUM` width, `GREATEST`, `strpos`), next to each other.
//! * [`WebSql`]: the statements that contain such fragments, each written once and built
//!   once per backend ([`Dialect::sql`]). Statements that are the same on both backends
//!   stay inline in the methods.
//! * `web_store_methods!`: the methods and row mappings, stamped for
//!   [`SqliteWebStore`](super::web_sqlite::SqliteWebStore) and
//!   [`PostgresWebStore`](super::web_postgres::PostgresWebStore). A backend only supplies
//!   its pools (`reader()`, `writer()`) and `begin()`.
//!
//! Why a macro and not `impl<DB: sqlx::Database> WebStore for …`: the methods bind and
//! decode a dozen Rust types and run on pools and transactions; as a generic that is a long
//! list of higher-ranked `Encode`/`Decode`/`Type`/`Executor`/`ColumnIndex` bounds (plus
//! `Send` futures for `async_trait`) that says nothing about the logic. The macro keeps the
//! code plain sqlx, written once and type-checked against each backend.

use std::sync::LazyLock;

/// The SQL dialect of a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The statements of this dialect, built on first use.
    pub(super) fn sql(self) -> &'static WebSql {
        static SQLITE: LazyLock<WebSql> = LazyLock::new(|| WebSql::new(Dialect::Sqlite));
        static POSTGRES: LazyLock<WebSql> = LazyLock::new(|| WebSql::new(Dialect::Postgres));
        match self {
            Dialect::Sqlite => &SQLITE,
            Dialect::Postgres => &POSTGRES,
        }
    }

    /// Parameter `$n` where it is compared with `NULL`: PostgreSQL cannot infer the type of
    /// `$n IS NULL`, so it is given one (`text`, `bigint`).
    pub(super) fn nullable_param(self, n: u32, pg_type: &str) -> String {
        match self {
            Dialect::Sqlite => format!("${n}"),
            Dialect::Postgres => format!("${n}::{pg_type}"),
        }
    }

    /// A JSON column (`snapshot_row.data`: `TEXT` on SQLite, `JSONB` on PostgreSQL) as
    /// JSON text.
    pub(super) fn json_as_text(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => format!("{column}::text"),
        }
    }

    /// Field `key` of a JSON column (as in [`Self::json_as_text`]) as text, `NULL` if absent.
    fn json_field(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => format!("CAST(json_extract({column}, '$.{key}') AS TEXT)"),
            Dialect::Postgres => format!("{column}->>'{key}'"),
        }
    }

    /// Field `key` of a `TEXT` column holding JSON (on both backends), as text.
    fn text_json_field(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => self.json_field(column, key),
            Dialect::Postgres => self.json_field(&format!("({column}::jsonb)"), key),
        }
    }

    /// `SUM` of an integer column as a 64-bit integer, `0` over no rows (PostgreSQL's `SUM`
    /// of a `BIGINT` is a `NUMERIC`).
    fn sum_i64(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("COALESCE(SUM({column}), 0)"),
            Dialect::Postgres => format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"),
        }
    }

    /// The larger of two values.
    fn greatest(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Sqlite => format!("MAX({a}, {b})"),
            Dialect::Postgres => format!("GREATEST({a}, {b})"),
        }
    }

    /// 1-based position of `needle` in `haystack`, `0` when absent.
    fn strpos(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({haystack}, {needle})"),
            Dialect::Postgres => format!("strpos({haystack}, {needle})"),
        }
    }
}

/// The statements of `web_store_methods!` that differ between the dialects. Built from
/// constant fragments only (no input), once per backend, so they are `&'static str` and
/// need no `AssertSqlSafe`.
pub(super) struct WebSql {
    pub(super) belum_kirim: String,
    pub(super) kecamatan_stats: String,
    pub(super) peserta_didik_page: String,
    pub(super) peserta_didik_count: String,
    pub(super) gtk_rows: String,
    pub(super) rombel: String,
    pub(super) anggota_rombel: String,
    pub(super) jenis_kelamin: String,
    pub(super) pembelajaran: String,
    pub(super) students_for_matching: String,
    pub(super) audit_page: String,
    pub(super) audit_count: String,
    pub(super) referensi_summary: String,
}

impl WebSql {
    fn new(d: Dialect) -> WebSql {
        let data = d.json_as_text("sr.data");
        let field = |key: &str| d.json_field("sr.data", key);
        let nama = field("nama");
        let rombel_id = field("rombongan_belajar_id");
        // Rows of one kind of the active schools of kecamatan `$1`, only school `$2` if set.
        let npsn_param = d.nullable_param(2, "text");
        let rows_of = |kind: &str| {
            format!(
                "FROM snapshot_row sr JOIN sekolah_ref r ON r.npsn = sr.npsn
                 WHERE sr.kind = '{kind}' AND r.aktif AND r.kode_kecamatan = $1
                   AND ({npsn_param} IS NULL OR sr.npsn = $2)"
            )
        };
        let audit_where = format!(
            "WHERE ({aksi} IS NULL OR aksi = $1)
               AND ({username} IS NULL OR {contains} > 0)
               AND ({from} IS NULL OR at_ms >= $3) AND ({to} IS NULL OR at_ms < $4)",
            aksi = d.nullable_param(1, "text"),
            username = d.nullable_param(2, "text"),
            contains = d.strpos("lower(username)", "lower($2)"),
            from = d.nullable_param(3, "bigint"),
            to = d.nullable_param(4, "bigint"),
        );
        WebSql {
            belum_kirim: format!(
                "SELECT r.npsn, r.nama, r.bentuk, r.status, r.kode_kecamatan, k.nama AS kecamatan,
                        r.desa, s.tanggal_kirim_ms, {telepon} AS telepon
                 FROM sekolah_ref r
                 JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                 LEFT JOIN school_snapshot s ON s.npsn = r.npsn
                 WHERE r.aktif
                 ORDER BY r.kode_kecamatan, r.nama, r.npsn",
                telepon = d.text_json_field("s.public", "telepon"),
            ),
            kecamatan_stats: format!(
                "SELECT COUNT(*), COUNT(s.npsn), {}, {}, {}
                 FROM sekolah_ref r LEFT JOIN school_snapshot s ON s.npsn = r.npsn
                 WHERE r.aktif AND r.kode_kecamatan = $1",
                d.sum_i64("s.peserta_didik"),
                d.sum_i64("s.rombel"),
                d.sum_i64("s.ptk"),
            ),
            peserta_didik_page: format!(
                "SELECT sr.npsn, r.nama, {data} {}
                 ORDER BY r.nama, sr.npsn, lower({nama}), sr.row_id
                 LIMIT $3 OFFSET $4",
                rows_of("peserta_didik"),
            ),
            peserta_didik_count: format!("SELECT COUNT(*) {}", rows_of("peserta_didik")),
            gtk_rows: format!(
                "SELECT sr.npsn, r.nama, {data} {}
                 ORDER BY r.nama, sr.npsn, lower({nama}), sr.row_id",
                rows_of("ptk"),
            ),
            rombel: format!(
                "SELECT sr.npsn, r.nama, {data} {} ORDER BY r.nama, sr.npsn, sr.row_id",
                rows_of("rombel"),
            ),
            anggota_rombel: format!(
                "SELECT sr.npsn, {rombel_id}, {} {}",
                field("peserta_didik_id"),
                rows_of("anggota_rombel"),
            ),
            jenis_kelamin: format!(
                "SELECT sr.npsn, sr.row_id, {} {}",
                field("jenis_kelamin"),
                rows_of("peserta_didik"),
            ),
            pembelajaran: format!(
                "SELECT sr.npsn, {rombel_id} AS rid, COUNT(*) {} GROUP BY sr.npsn, rid",
                rows_of("pembelajaran"),
            ),
            students_for_matching: format!(
                "SELECT sr.npsn, sr.row_id, r.nama AS nama_sekolah, r.kode_kecamatan,
                        k.nama AS kecamatan, {} AS nisn, {} AS nik, {nama} AS nama,
                        {} AS jenis_kelamin, {} AS rombel
                 FROM snapshot_row sr
                 JOIN sekolah_ref r ON r.npsn = sr.npsn
                 JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                 WHERE sr.kind = 'peserta_didik'",
                field("nisn"),
                field("nik"),
                field("jenis_kelamin"),
                field("nama_rombel"),
            ),
            audit_page: format!(
                "SELECT * FROM audit_log {audit_where}
                 ORDER BY at_ms DESC, id DESC LIMIT $5 OFFSET $6"
            ),
            audit_count: format!("SELECT COUNT(*) FROM audit_log {audit_where}"),
            referensi_summary: format!(
                "SELECT COUNT(*), COUNT(DISTINCT kode_kecamatan), {}
                 FROM sekolah_ref WHERE aktif",
                d.greatest(
                    "(SELECT COALESCE(MAX(updated_at_ms), 0) FROM sekolah_ref)",
                    "(SELECT COALESCE(MAX(updated_at_ms), 0) FROM kecamatan)",
                ),
            ),
        }
    }
}

/// Implements [`WebStore`](super::WebStore) for `$store` (a type of the calling module) on
/// `sqlx::$backend` with `Dialect::$backend` (`Sqlite` or `Postgres`). `$store` provides
/// `reader()` and `writer()` (pools; the same pool on PostgreSQL) and `begin()` (a write
/// transaction). SQL that differs between the dialects comes from [`WebSql`]; SQL that is the
/// same on both stays inline.
macro_rules! web_store_methods {
    ($store:ident, $backend:ident) => {
        mod methods {
            use std::collections::{BTreeSet, HashSet};

            use async_trait::async_trait;
            use district_web::program::{MatchedRow, Program, StudentKey, UnmatchedRow};
            use district_web::views::admin::{KodeRegistrasiRow, ReferensiSummary};
            use district_web::views::public::SekolahReferensi;
            use district_web::views::staff::KecamatanStats;
            use futures::TryStreamExt as _;
            use shared_model::protocol::SekolahPublic;
            use sqlx::{AssertSqlSafe, Row};

            use super::$store;
            use crate::store::web::*;
            use crate::store::web_sql::{Dialect, WebSql};
            use crate::store::{
                KecamatanRef, SekolahRef, StoreResult, from_json, public_from_reference,
            };

            type DbRow = <sqlx::$backend as sqlx::Database>::Row;

            /// Rows per multi-row `INSERT` of program rows (16 parameters each).
            const PROGRAM_CHUNK: usize = 100;

            fn sql() -> &'static WebSql {
                Dialect::$backend.sql()
            }

            fn school_row(r: &DbRow) -> StoreResult<SchoolRow> {
                Ok(SchoolRow {
                    npsn: r.try_get(0)?,
                    nama_sekolah: r.try_get(1)?,
                    data: r.try_get(2)?,
                })
            }

            fn staff_from_row(r: &DbRow) -> StoreResult<StaffAccount> {
                Ok(StaffAccount {
                    id: r.try_get("id")?,
                    username: r.try_get("username")?,
                    nama: r.try_get("nama")?,
                    peran: r.try_get("peran")?,
                    kode_kecamatan: r.try_get("kode_kecamatan")?,
                    nama_kecamatan: r.try_get("nama_kecamatan")?,
                    password_hash: r.try_get("password_hash")?,
                    aktif: r.try_get("aktif")?,
                    created_at_ms: r.try_get("created_at_ms")?,
                    last_login_ms: r.try_get("last_login_ms")?,
                })
            }

            fn audit_from_row(r: &DbRow) -> StoreResult<AuditRecord> {
                Ok(AuditRecord {
                    at_ms: r.try_get("at_ms")?,
                    username: r.try_get("username")?,
                    peran: r.try_get("peran")?,
                    aksi: r.try_get("aksi")?,
                    objek: r.try_get("objek")?,
                    ip: r.try_get("ip")?,
                    keterangan: r.try_get("keterangan")?,
                })
            }

            fn matched_from_row(r: &DbRow) -> StoreResult<MatchedRow> {
                let program: String = r.try_get("program")?;
                Ok(MatchedRow {
                    baris: r.try_get::<i64, _>("baris")?.max(0) as usize,
                    program: Program::from_slug(&program).unwrap_or(Program::Pip),
                    tahun: r.try_get::<i64, _>("tahun")?.clamp(0, i64::from(u16::MAX)) as u16,
                    dicocokkan: matched_by_from(&r.try_get::<String, _>("dicocokkan")?),
                    peserta_didik_id: r.try_get("peserta_didik_id")?,
                    npsn: r.try_get("npsn")?,
                    nama_sekolah: r.try_get("nama_sekolah")?,
                    kode_kecamatan: r.try_get("kode_kecamatan")?,
                    kecamatan: r.try_get("kecamatan")?,
                    nama: r.try_get("nama")?,
                    nisn: r.try_get("nisn")?,
                    nik: r.try_get("nik")?,
                    jenis_kelamin: r.try_get("jenis_kelamin")?,
                    rombel: r.try_get("rombel")?,
                    catatan: r.try_get("catatan")?,
                })
            }

            const STAFF_SELECT: &str = "SELECT a.*, k.nama AS nama_kecamatan FROM staff_account a
                 LEFT JOIN kecamatan k ON k.kode_kecamatan = a.kode_kecamatan";

            #[async_trait]
            impl WebStore for $store {
                async fn data_version(&self) -> StoreResult<u64> {
                    let r = sqlx::query(
                        "SELECT (SELECT COALESCE(MAX(id), 0) FROM progres_kirim),
                                (SELECT COUNT(*) FROM session_batch),
                                (SELECT COALESCE(MAX(received_at_ms), 0) FROM session_batch),
                                (SELECT COUNT(*) FROM send_session WHERE state = 'open'),
                                (SELECT COALESCE(MAX(updated_at_ms), 0) FROM sekolah_ref),
                                (SELECT COUNT(*) FROM sekolah_ref WHERE aktif),
                                (SELECT COALESCE(MAX(updated_at_ms), 0) FROM kecamatan)",
                    )
                    .fetch_one(self.reader())
                    .await?;
                    let mut parts = [0i64; 7];
                    for (i, p) in parts.iter_mut().enumerate() {
                        *p = r.try_get(i)?;
                    }
                    Ok(version_hash(&parts))
                }

                async fn public_ids(&self) -> StoreResult<(Vec<String>, Vec<String>)> {
                    let npsn: Vec<String> = sqlx::query_scalar("SELECT npsn FROM sekolah_ref")
                        .fetch_all(self.reader())
                        .await?;
                    let kecamatan: Vec<String> =
                        sqlx::query_scalar("SELECT kode_kecamatan FROM kecamatan")
                            .fetch_all(self.reader())
                            .await?;
                    Ok((npsn, kecamatan))
                }

                async fn kecamatan_by_kode(&self, kode: &str) -> StoreResult<Option<KecamatanRef>> {
                    let row = sqlx::query(
                        "SELECT kode_kecamatan, nama FROM kecamatan WHERE kode_kecamatan = $1",
                    )
                    .bind(kode)
                    .fetch_optional(self.reader())
                    .await?;
                    row.map(|r| {
                        Ok(KecamatanRef {
                            kode_kecamatan: r.try_get(0)?,
                            nama: r.try_get(1)?,
                        })
                    })
                    .transpose()
                }

                async fn kecamatan_schools(&self, kode: &str) -> StoreResult<Vec<SekolahPublic>> {
                    let rows = sqlx::query(
                        "SELECT r.*, k.nama AS kecamatan, s.public FROM sekolah_ref r
                         JOIN kecamatan k ON k.kode_kecamatan = r.kode_kecamatan
                         LEFT JOIN school_snapshot s ON s.npsn = r.npsn
                         WHERE r.aktif AND r.kode_kecamatan = $1
                         ORDER BY r.nama, r.npsn",
                    )
                    .bind(kode)
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter()
                        .map(|r| match r.try_get::<Option<String>, _>("public")? {
                            Some(json) => from_json(&json),
                            None => Ok(public_from_reference(&SekolahRef {
                                npsn: r.try_get("npsn")?,
                                nama: r.try_get("nama")?,
                                bentuk: r.try_get("bentuk")?,
                                status: r.try_get("status")?,
                                kode_kecamatan: r.try_get("kode_kecamatan")?,
                                kecamatan: r.try_get("kecamatan")?,
                                desa: r.try_get("desa")?,
                                alamat: r.try_get("alamat")?,
                                lintang: r.try_get("lintang")?,
                                bujur: r.try_get("bujur")?,
                                email: r.try_get("email")?,
                                website: r.try_get("website")?,
                                aktif: r.try_get("aktif")?,
                            })),
                        })
                        .collect()
                }

                async fn belum_kirim(&self) -> StoreResult<Vec<SekolahReferensi>> {
                    let rows = sqlx::query(sql().belum_kirim.as_str())
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(SekolahReferensi {
                                npsn: r.try_get("npsn")?,
                                nama: r.try_get("nama")?,
                                bentuk: Some(r.try_get::<String, _>("bentuk")?)
                                    .filter(|s| !s.is_empty()),
                                status: Some(r.try_get::<String, _>("status")?)
                                    .filter(|s| !s.is_empty()),
                                kode_kecamatan: r.try_get("kode_kecamatan")?,
                                kecamatan: r.try_get("kecamatan")?,
                                desa_kelurahan: r.try_get("desa")?,
                                telepon: r.try_get("telepon")?,
                                tanggal_kirim: wib_opt(r.try_get("tanggal_kirim_ms")?),
                            })
                        })
                        .collect()
                }

                async fn kecamatan_stats(&self, kode: &str) -> StoreResult<KecamatanStats> {
                    let r = sqlx::query(sql().kecamatan_stats.as_str())
                        .bind(kode)
                        .fetch_one(self.reader())
                        .await?;
                    let n = |i: usize| -> StoreResult<u64> {
                        Ok(r.try_get::<i64, _>(i)?.max(0) as u64)
                    };
                    Ok(KecamatanStats {
                        jumlah_sekolah: n(0)?,
                        sekolah_kirim: n(1)?,
                        jumlah_pd: n(2)?,
                        jumlah_rombel: n(3)?,
                        jumlah_gtk: n(4)?,
                    })
                }

                async fn peserta_didik_rows(
                    &self,
                    kode: &str,
                    npsn: Option<&str>,
                    page: Option<Page>,
                ) -> StoreResult<(Vec<SchoolRow>, u64)> {
                    let (limit, offset) = page_bounds(page);
                    let rows = sqlx::query(sql().peserta_didik_page.as_str())
                        .bind(kode)
                        .bind(npsn)
                        .bind(limit)
                        .bind(offset)
                        .fetch_all(self.reader())
                        .await?;
                    let out = rows
                        .iter()
                        .map(school_row)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let total = match page {
                        None => out.len() as u64,
                        Some(_) => {
                            let n: i64 = sqlx::query_scalar(sql().peserta_didik_count.as_str())
                                .bind(kode)
                                .bind(npsn)
                                .fetch_one(self.reader())
                                .await?;
                            n.max(0) as u64
                        }
                    };
                    Ok((out, total))
                }

                async fn gtk_rows(
                    &self,
                    kode: &str,
                    npsn: Option<&str>,
                ) -> StoreResult<Vec<SchoolRow>> {
                    let rows = sqlx::query(sql().gtk_rows.as_str())
                        .bind(kode)
                        .bind(npsn)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(school_row).collect()
                }

                async fn rombel_list_data(
                    &self,
                    kode: &str,
                    npsn: Option<&str>,
                ) -> StoreResult<RombelListData> {
                    let rombel = sqlx::query(sql().rombel.as_str())
                        .bind(kode)
                        .bind(npsn)
                        .fetch_all(self.reader())
                        .await?
                        .iter()
                        .map(school_row)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let anggota = sqlx::query(sql().anggota_rombel.as_str())
                        .bind(kode)
                        .bind(npsn)
                        .fetch_all(self.reader())
                        .await?
                        .iter()
                        .map(|r| {
                            Ok((
                                r.try_get(0)?,
                                r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                                r.try_get::<Option<String>, _>(2)?.unwrap_or_default(),
                            ))
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    let jenis_kelamin = sqlx::query(sql().jenis_kelamin.as_str())
                        .bind(kode)
                        .bind(npsn)
                        .fetch_all(self.reader())
                        .await?
                        .iter()
                        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                        .collect::<StoreResult<Vec<_>>>()?;
                    let pembelajaran = sqlx::query(sql().pembelajaran.as_str())
                        .bind(kode)
                        .bind(npsn)
                        .fetch_all(self.reader())
                        .await?
                        .iter()
                        .map(|r| {
                            Ok((
                                r.try_get(0)?,
                                r.try_get::<Option<String>, _>(1)?.unwrap_or_default(),
                                r.try_get::<i64, _>(2)?.max(0) as u64,
                            ))
                        })
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok(RombelListData {
                        rombel,
                        anggota,
                        jenis_kelamin,
                        pembelajaran,
                    })
                }

                async fn students_for_matching(
                    &self,
                    nisn: &HashSet<String>,
                    nik: &HashSet<String>,
                ) -> StoreResult<Vec<StudentKey>> {
                    let mut out = Vec::new();
                    if nisn.is_empty() && nik.is_empty() {
                        return Ok(out);
                    }
                    let mut rows =
                        sqlx::query(sql().students_for_matching.as_str()).fetch(self.reader());
                    while let Some(r) = rows.try_next().await? {
                        let s_nisn: Option<String> = r.try_get("nisn")?;
                        let s_nik: Option<String> = r.try_get("nik")?;
                        if !wanted_student(nisn, nik, s_nisn.as_deref(), s_nik.as_deref()) {
                            continue;
                        }
                        out.push(StudentKey {
                            peserta_didik_id: r.try_get("row_id")?,
                            npsn: r.try_get("npsn")?,
                            nama_sekolah: r.try_get("nama_sekolah")?,
                            kode_kecamatan: r.try_get("kode_kecamatan")?,
                            kecamatan: r.try_get("kecamatan")?,
                            nisn: s_nisn,
                            nik: s_nik,
                            nama: r.try_get::<Option<String>, _>("nama")?.unwrap_or_default(),
                            jenis_kelamin: r.try_get("jenis_kelamin")?,
                            rombel: r.try_get("rombel")?,
                        });
                    }
                    Ok(out)
                }

                async fn create_staff(&self, s: &NewStaff) -> StoreResult<bool> {
                    let done = sqlx::query(
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
                    .bind(s.now_ms)
                    .execute(self.writer())
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn staff_by_username(
                    &self,
                    username: &str,
                ) -> StoreResult<Option<StaffAccount>> {
                    sqlx::query(AssertSqlSafe(format!(
                        "{STAFF_SELECT} WHERE a.username = $1"
                    )))
                    .bind(username)
                    .fetch_optional(self.reader())
                    .await?
                    .map(|r| staff_from_row(&r))
                    .transpose()
                }

                async fn staff_by_id(&self, id: &str) -> StoreResult<Option<StaffAccount>> {
                    sqlx::query(AssertSqlSafe(format!("{STAFF_SELECT} WHERE a.id = $1")))
                        .bind(id)
                        .fetch_optional(self.reader())
                        .await?
                        .map(|r| staff_from_row(&r))
                        .transpose()
                }

                async fn staff_list(&self) -> StoreResult<Vec<StaffAccount>> {
                    sqlx::query(AssertSqlSafe(format!("{STAFF_SELECT} ORDER BY a.username")))
                        .fetch_all(self.reader())
                        .await?
                        .iter()
                        .map(staff_from_row)
                        .collect()
                }

                async fn set_staff_active(
                    &self,
                    id: &str,
                    aktif: bool,
                    now_ms: i64,
                ) -> StoreResult<bool> {
                    let mut tx = self.begin().await?;
                    let n = sqlx::query(
                        "UPDATE staff_account SET aktif = $2, updated_at_ms = $3 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(aktif)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if !aktif {
                        sqlx::query("DELETE FROM staff_session WHERE staff_id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(n == 1)
                }

                async fn set_staff_password(
                    &self,
                    id: &str,
                    password_hash: &str,
                    now_ms: i64,
                ) -> StoreResult<bool> {
                    let mut tx = self.begin().await?;
                    let n = sqlx::query(
                        "UPDATE staff_account SET password_hash = $2, updated_at_ms = $3
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(password_hash)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    sqlx::query("DELETE FROM staff_session WHERE staff_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(n == 1)
                }

                async fn record_login(&self, id: &str, now_ms: i64) -> StoreResult<()> {
                    sqlx::query("UPDATE staff_account SET last_login_ms = $2 WHERE id = $1")
                        .bind(id)
                        .bind(now_ms)
                        .execute(self.writer())
                        .await?;
                    Ok(())
                }

                async fn create_session(&self, s: &NewStaffSession) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO staff_session (token_hash, staff_id, created_at_ms,
                                     last_seen_ms, expires_at_ms, ip)
                         VALUES ($1, $2, $3, $3, $4, $5)",
                    )
                    .bind(&s.token_hash)
                    .bind(&s.staff_id)
                    .bind(s.now_ms)
                    .bind(s.expires_at_ms)
                    .bind(&s.ip)
                    .execute(self.writer())
                    .await?;
                    Ok(())
                }

                async fn lookup_session(
                    &self,
                    token_hash: &str,
                ) -> StoreResult<Option<StaffSessionRecord>> {
                    let row = sqlx::query(
                        "SELECT a.id, a.username, a.nama, a.peran, a.kode_kecamatan,
                                s.created_at_ms, s.last_seen_ms, s.expires_at_ms
                         FROM staff_session s JOIN staff_account a ON a.id = s.staff_id
                         WHERE s.token_hash = $1 AND a.aktif",
                    )
                    .bind(token_hash)
                    .fetch_optional(self.reader())
                    .await?;
                    row.map(|r| {
                        Ok(StaffSessionRecord {
                            staff_id: r.try_get(0)?,
                            username: r.try_get(1)?,
                            nama: r.try_get(2)?,
                            peran: r.try_get(3)?,
                            kode_kecamatan: r.try_get(4)?,
                            created_at_ms: r.try_get(5)?,
                            last_seen_ms: r.try_get(6)?,
                            expires_at_ms: r.try_get(7)?,
                        })
                    })
                    .transpose()
                }

                async fn touch_session(&self, token_hash: &str, now_ms: i64) -> StoreResult<()> {
                    sqlx::query("UPDATE staff_session SET last_seen_ms = $2 WHERE token_hash = $1")
                        .bind(token_hash)
                        .bind(now_ms)
                        .execute(self.writer())
                        .await?;
                    Ok(())
                }

                async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM staff_session WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(self.writer())
                        .await?;
                    Ok(())
                }

                async fn delete_expired_sessions(
                    &self,
                    now_ms: i64,
                    idle_before_ms: i64,
                ) -> StoreResult<u64> {
                    Ok(sqlx::query(
                        "DELETE FROM staff_session WHERE expires_at_ms <= $1 OR last_seen_ms < $2",
                    )
                    .bind(now_ms)
                    .bind(idle_before_ms)
                    .execute(self.writer())
                    .await?
                    .rows_affected())
                }

                async fn audit(&self, a: &AuditRecord) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO audit_log (at_ms, username, peran, aksi, objek, ip, keterangan)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(a.at_ms)
                    .bind(&a.username)
                    .bind(&a.peran)
                    .bind(&a.aksi)
                    .bind(&a.objek)
                    .bind(&a.ip)
                    .bind(&a.keterangan)
                    .execute(self.writer())
                    .await?;
                    Ok(())
                }

                async fn audit_log(&self, q: &AuditQuery) -> StoreResult<(Vec<AuditRecord>, u64)> {
                    let rows = sqlx::query(sql().audit_page.as_str())
                        .bind(&q.aksi)
                        .bind(&q.username)
                        .bind(q.from_ms)
                        .bind(q.to_ms)
                        .bind(q.limit.min(i64::MAX as u64) as i64)
                        .bind(q.offset.min(i64::MAX as u64) as i64)
                        .fetch_all(self.reader())
                        .await?;
                    let total: i64 = sqlx::query_scalar(sql().audit_count.as_str())
                        .bind(&q.aksi)
                        .bind(&q.username)
                        .bind(q.from_ms)
                        .bind(q.to_ms)
                        .fetch_one(self.reader())
                        .await?;
                    Ok((
                        rows.iter()
                            .map(audit_from_row)
                            .collect::<StoreResult<_>>()?,
                        total.max(0) as u64,
                    ))
                }

                async fn kode_registrasi_rows(&self) -> StoreResult<Vec<KodeRegistrasiRow>> {
                    let rows = sqlx::query(
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
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let issued: Option<i64> = r.try_get("kode_issued_at_ms")?;
                            Ok(KodeRegistrasiRow {
                                npsn: r.try_get("npsn")?,
                                nama: r.try_get("nama")?,
                                kode_kecamatan: r.try_get("kode_kecamatan")?,
                                kecamatan: r.try_get("kecamatan")?,
                                punya_kode: issued.is_some(),
                                dibuat: wib_opt(issued),
                                terdaftar: wib_opt(r.try_get("terdaftar_ms")?),
                            })
                        })
                        .collect()
                }

                async fn referensi_summary(&self) -> StoreResult<Option<ReferensiSummary>> {
                    let r = sqlx::query(sql().referensi_summary.as_str())
                        .fetch_one(self.reader())
                        .await?;
                    let n: i64 = r.try_get(0)?;
                    if n == 0 {
                        return Ok(None);
                    }
                    let last: i64 = r.try_get(2)?;
                    Ok(Some(ReferensiSummary {
                        jumlah_sekolah: n as u64,
                        jumlah_kecamatan: r.try_get::<i64, _>(1)?.max(0) as u64,
                        terakhir_impor: wib_opt(Some(last).filter(|v| *v > 0)),
                    }))
                }

                async fn save_program_list(
                    &self,
                    upload: &ProgramUpload,
                    matched: &[MatchedRow],
                    unmatched: &[UnmatchedRow],
                ) -> StoreResult<()> {
                    let mut tx = self.begin().await?;
                    sqlx::query(
                        "INSERT INTO program_upload (id, nama_berkas, diunggah_oleh, at_ms,
                                     baris_valid, baris_galat, cocok, tidak_cocok)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&upload.id)
                    .bind(&upload.nama_berkas)
                    .bind(&upload.diunggah_oleh)
                    .bind(upload.at_ms)
                    .bind(upload.baris_valid as i64)
                    .bind(upload.baris_galat as i64)
                    .bind(matched.len() as i64)
                    .bind(unmatched.len() as i64)
                    .execute(&mut *tx)
                    .await?;
                    let pairs: BTreeSet<(&'static str, u16)> = matched
                        .iter()
                        .map(|m| (m.program.slug(), m.tahun))
                        .chain(unmatched.iter().map(|u| (u.program.slug(), u.tahun)))
                        .collect();
                    for (program, tahun) in &pairs {
                        sqlx::query(
                            "DELETE FROM program_penerima WHERE program = $1 AND tahun = $2",
                        )
                        .bind(*program)
                        .bind(i64::from(*tahun))
                        .execute(&mut *tx)
                        .await?;
                    }
                    for chunk in matched.chunks(PROGRAM_CHUNK) {
                        let sql = multi_insert("program_penerima", PENERIMA_COLUMNS, chunk.len());
                        let mut q = sqlx::query(AssertSqlSafe(sql));
                        for m in chunk {
                            q = q
                                .bind(m.program.slug())
                                .bind(i64::from(m.tahun))
                                .bind(&m.peserta_didik_id)
                                .bind(&upload.id)
                                .bind(m.baris as i64)
                                .bind(matched_by_kode(m.dicocokkan))
                                .bind(&m.npsn)
                                .bind(&m.nama_sekolah)
                                .bind(&m.kode_kecamatan)
                                .bind(&m.kecamatan)
                                .bind(&m.nama)
                                .bind(&m.nisn)
                                .bind(&m.nik)
                                .bind(&m.jenis_kelamin)
                                .bind(&m.rombel)
                                .bind(&m.catatan);
                        }
                        q.execute(&mut *tx).await?;
                    }
                    for chunk in unmatched.chunks(PROGRAM_CHUNK) {
                        let sql =
                            multi_insert("program_tidak_cocok", TIDAK_COCOK_COLUMNS, chunk.len());
                        let mut q = sqlx::query(AssertSqlSafe(sql));
                        for u in chunk {
                            q = q
                                .bind(&upload.id)
                                .bind(u.baris as i64)
                                .bind(u.program.slug())
                                .bind(i64::from(u.tahun))
                                .bind(&u.nisn)
                                .bind(&u.nik)
                                .bind(&u.nama)
                                .bind(&u.alasan);
                        }
                        q.execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn program_recipients(
                    &self,
                    kode_kecamatan: &str,
                    program: Program,
                ) -> StoreResult<Vec<MatchedRow>> {
                    sqlx::query(
                        "SELECT * FROM program_penerima WHERE kode_kecamatan = $1 AND program = $2
                         ORDER BY tahun DESC, nama_sekolah, nama",
                    )
                    .bind(kode_kecamatan)
                    .bind(program.slug())
                    .fetch_all(self.reader())
                    .await?
                    .iter()
                    .map(matched_from_row)
                    .collect()
                }

                async fn program_years(&self, program: Program) -> StoreResult<Vec<u16>> {
                    let years: Vec<i64> = sqlx::query_scalar(
                        "SELECT DISTINCT tahun FROM program_penerima WHERE program = $1
                         ORDER BY tahun DESC",
                    )
                    .bind(program.slug())
                    .fetch_all(self.reader())
                    .await?;
                    Ok(years
                        .into_iter()
                        .map(|y| y.clamp(0, i64::from(u16::MAX)) as u16)
                        .collect())
                }
            }
        }
    };
}
pub(super) use web_store_methods;

#[cfg(test)]
mod tests {
    use super::Dialect;

    /// No dialect's fragment leaks into the other's statements (the shared templates
    /// must go through [`Dialect`]).
    #[test]
    fn statements_use_only_their_dialect() {
        let all = |d: Dialect| {
            let s = d.sql();
            [
                &s.belum_kirim,
                &s.kecamatan_stats,
                &s.peserta_didik_page,
                &s.peserta_didik_count,
                &s.gtk_rows,
                &s.rombel,
                &s.anggota_rombel,
                &s.jenis_kelamin,
                &s.pembelajaran,
                &s.students_for_matching,
                &s.audit_page,
                &s.audit_count,
                &s.referensi_summary,
            ]
            .map(|q| q.to_lowercase())
        };
        for q in all(Dialect::Sqlite) {
            for pg in ["::", "->>", "greatest(", "strpos("] {
                assert!(!q.contains(pg), "{pg} in SQLite statement {q}");
            }
        }
        for q in all(Dialect::Postgres) {
            for lite in ["json_extract(", "instr(", "max(("] {
                assert!(!q.contains(lite), "{lite} in PostgreSQL statement {q}");
            }
        }
    }
}

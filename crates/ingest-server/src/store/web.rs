//! Storage of the district pages ([`crate::web`]): whole use cases on the same database as
//! [`super::Store`] (tables of `migrations/*/0002_web.sql` plus reads of the snapshot tables).
//!
//! [`WebStore`] is a separate trait with its own small connection pools, opened lazily from
//! the same database URL ([`open_web_store_lazy`]) after [`super::open_store`] has applied
//! the migrations. On SQLite that is a second single-connection writer on the same file
//! (WAL + `busy_timeout` serialise it with the ingest writer); on PostgreSQL a second pool.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use district_web::program::{MatchedRow, Program, StudentKey, UnmatchedRow};
use district_web::views::admin::{KodeRegistrasiRow, ReferensiSummary};
use district_web::views::public::SekolahReferensi;
use district_web::views::staff::KecamatanStats;
use shared_model::protocol::SekolahPublic;

use super::{KecamatanRef, StoreResult};

pub use super::web_postgres::PostgresWebStore;
pub use super::web_sqlite::SqliteWebStore;

/// One snapshot row of a school with the school's reference name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRow {
    pub npsn: String,
    pub nama_sekolah: String,
    /// The row's JSON text.
    pub data: String,
}

/// `LIMIT` / `OFFSET` of a paged list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

/// What the "Data Rombongan Belajar" list is built from (one kecamatan, optionally one school).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RombelListData {
    pub rombel: Vec<SchoolRow>,
    /// `(npsn, rombongan_belajar_id, peserta_didik_id)` of every `anggota_rombel` row.
    pub anggota: Vec<(String, String, String)>,
    /// `(npsn, peserta_didik_id, jenis_kelamin)` of every student.
    pub jenis_kelamin: Vec<(String, String, Option<String>)>,
    /// `(npsn, rombongan_belajar_id, rows)` of `pembelajaran`.
    pub pembelajaran: Vec<(String, String, u64)>,
}

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at_ms: i64,
    pub username: String,
    pub peran: String,
    /// `district_web::views::admin::AuditAction::kode`.
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

/// One program list upload.
#[derive(Debug, Clone)]
pub struct ProgramUpload {
    pub id: String,
    pub nama_berkas: String,
    pub diunggah_oleh: String,
    pub at_ms: i64,
    pub baris_valid: u64,
    pub baris_galat: u64,
}

/// The storage of the district pages. Object safe: use it as `Arc<dyn WebStore>`.
#[async_trait]
pub trait WebStore: Send + Sync + 'static {
    // ---- public pages ----

    /// Changes whenever anything the public pages show changes: a commit, live send
    /// progress, the reference list.
    async fn data_version(&self) -> StoreResult<u64>;

    /// Every NPSN of the reference list and every kecamatan code (to refuse unknown
    /// public URLs without touching the page cache or the database).
    async fn public_ids(&self) -> StoreResult<(Vec<String>, Vec<String>)>;

    async fn kecamatan_by_kode(&self, kode: &str) -> StoreResult<Option<KecamatanRef>>;

    /// Public page data of the active schools of a kecamatan (snapshot, else reference).
    async fn kecamatan_schools(&self, kode: &str) -> StoreResult<Vec<SekolahPublic>>;

    /// Every active reference school with its last committed send ("Belum Kirim").
    async fn belum_kirim(&self) -> StoreResult<Vec<SekolahReferensi>>;

    // ---- staff lists ----

    async fn kecamatan_stats(&self, kode: &str) -> StoreResult<KecamatanStats>;

    /// Students of the active schools of a kecamatan (or one school), by school name then
    /// student name; one page and the total, or everything.
    async fn peserta_didik_rows(
        &self,
        kode: &str,
        npsn: Option<&str>,
        page: Option<Page>,
    ) -> StoreResult<(Vec<SchoolRow>, u64)>;

    /// PTK rows of a kecamatan (or one school), by school name then name.
    async fn gtk_rows(&self, kode: &str, npsn: Option<&str>) -> StoreResult<Vec<SchoolRow>>;

    async fn rombel_list_data(&self, kode: &str, npsn: Option<&str>)
    -> StoreResult<RombelListData>;

    /// Received students whose NISN is in `nisn` or NIK in `nik` (program list matching).
    async fn students_for_matching(
        &self,
        nisn: &HashSet<String>,
        nik: &HashSet<String>,
    ) -> StoreResult<Vec<StudentKey>>;

    // ---- staff accounts and sessions ----

    /// `false` when the username is taken.
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<bool>;
    async fn staff_by_username(&self, username: &str) -> StoreResult<Option<StaffAccount>>;
    async fn staff_by_id(&self, id: &str) -> StoreResult<Option<StaffAccount>>;
    /// All accounts by username.
    async fn staff_list(&self) -> StoreResult<Vec<StaffAccount>>;
    /// Deactivating also ends the account's sessions. `false`: unknown id.
    async fn set_staff_active(&self, id: &str, aktif: bool, now_ms: i64) -> StoreResult<bool>;
    /// Also ends the account's sessions. `false`: unknown id.
    async fn set_staff_password(
        &self,
        id: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
    async fn record_login(&self, id: &str, now_ms: i64) -> StoreResult<()>;

    async fn create_session(&self, session: &NewStaffSession) -> StoreResult<()>;
    /// The session and its account, if the account is active (expiry is the caller's rule).
    async fn lookup_session(&self, token_hash: &str) -> StoreResult<Option<StaffSessionRecord>>;
    async fn touch_session(&self, token_hash: &str, now_ms: i64) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Deletes sessions past `expires_at_ms` or idle since before `idle_before_ms`.
    async fn delete_expired_sessions(&self, now_ms: i64, idle_before_ms: i64) -> StoreResult<u64>;

    // ---- audit log ----

    async fn audit(&self, record: &AuditRecord) -> StoreResult<()>;
    /// One page of matching entries (newest first) and the number of matching entries.
    async fn audit_log(&self, query: &AuditQuery) -> StoreResult<(Vec<AuditRecord>, u64)>;

    // ---- administration ----

    /// Every active reference school with its kode registrasi state.
    async fn kode_registrasi_rows(&self) -> StoreResult<Vec<KodeRegistrasiRow>>;
    /// `None` before the first reference import.
    async fn referensi_summary(&self) -> StoreResult<Option<ReferensiSummary>>;

    // ---- program lists ----

    /// Stores an upload: its matched rows replace the recipients of every (program, tahun)
    /// they contain; unmatched rows are kept with the upload.
    async fn save_program_list(
        &self,
        upload: &ProgramUpload,
        matched: &[MatchedRow],
        unmatched: &[UnmatchedRow],
    ) -> StoreResult<()>;

    /// Current recipients of a program in a kecamatan (all years).
    async fn program_recipients(
        &self,
        kode_kecamatan: &str,
        program: Program,
    ) -> StoreResult<Vec<MatchedRow>>;

    /// Years with recipients of a program, newest first.
    async fn program_years(&self, program: Program) -> StoreResult<Vec<u16>>;
}

/// Opens the web store of a database URL without connecting (connections are made on first
/// use; the schema must already be migrated by [`super::open_store`]).
pub fn open_web_store_lazy(
    database_url: &str,
    max_connections: u32,
) -> anyhow::Result<Arc<dyn WebStore>> {
    let url = database_url.trim();
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteWebStore::open_lazy(url, max_connections)?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresWebStore::open_lazy(url, max_connections)?))
    } else {
        anyhow::bail!("database URL must start with sqlite:// or postgres:// (got {url:?})")
    }
}

/// `MatchedBy` as stored.
pub(crate) fn matched_by_kode(m: district_web::program::MatchedBy) -> &'static str {
    match m {
        district_web::program::MatchedBy::Nisn => "nisn",
        district_web::program::MatchedBy::Nik => "nik",
    }
}

pub(crate) fn matched_by_from(kode: &str) -> district_web::program::MatchedBy {
    if kode == "nik" {
        district_web::program::MatchedBy::Nik
    } else {
        district_web::program::MatchedBy::Nisn
    }
}

/// Keeps a student when one of its identifiers is wanted.
pub(crate) fn wanted_student(
    nisn: &HashSet<String>,
    nik: &HashSet<String>,
    s_nisn: Option<&str>,
    s_nik: Option<&str>,
) -> bool {
    s_nisn
        .map(str::trim)
        .is_some_and(|v| !v.is_empty() && nisn.contains(v))
        || s_nik
            .map(str::trim)
            .is_some_and(|v| !v.is_empty() && nik.contains(v))
}

/// The WIB text of an optional time.
pub(crate) fn wib_opt(ms: Option<i64>) -> Option<String> {
    ms.map(crate::domain::time::wib)
}

/// `INSERT INTO table (cols) VALUES ($1, …), (…)` for `rows` rows of `cols` columns.
pub(crate) fn multi_insert(table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", i * columns.len() + c + 1));
        }
        sql.push(')');
    }
    sql
}

pub(crate) const PENERIMA_COLUMNS: &[&str] = &[
    "program",
    "tahun",
    "peserta_didik_id",
    "upload_id",
    "baris",
    "dicocokkan",
    "npsn",
    "nama_sekolah",
    "kode_kecamatan",
    "kecamatan",
    "nama",
    "nisn",
    "nik",
    "jenis_kelamin",
    "rombel",
    "catatan",
];

pub(crate) const TIDAK_COCOK_COLUMNS: &[&str] = &[
    "upload_id",
    "baris",
    "program",
    "tahun",
    "nisn",
    "nik",
    "nama",
    "alasan",
];

/// `(LIMIT, OFFSET)`; no page = everything.
pub(crate) fn page_bounds(page: Option<Page>) -> (i64, i64) {
    match page {
        Some(p) => (
            p.limit.min(i64::MAX as u64) as i64,
            p.offset.min(i64::MAX as u64) as i64,
        ),
        None => (i64::MAX, 0),
    }
}

/// One number from the parts of a data version.
pub(crate) fn version_hash(parts: &[i64]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

//! Storage: one [`Store`] interface, two real backends ([`SqliteStore`], [`PostgresStore`]).
//!
//! Methods are whole use cases (one transaction each where it matters), so the HTTP layer
//! never strings statements together and both backends keep the same guarantees:
//!
//! * a batch is claimed by `(session, kind, seq)` inside a transaction; its body is stored
//!   once per school by content hash (`batch_blob`), so retries and delta references are
//!   cheap and idempotent;
//! * a commit replaces the school's snapshot (rows, batch list, summary) and appends a
//!   progress entry in one transaction: readers see the old snapshot or the new one, never
//!   a mix;
//! * every method takes the current time from the caller (`now_ms`), so tests can move time.
//!
//! The SQL of both backends lives side by side (`sqlite.rs`, `postgres.rs`, migrations in
//! `migrations/{sqlite,postgres}`); the shared test suite (`tests/store_suite.rs`) runs
//! against both.

mod postgres;
mod sqlite;
mod store_sql;
pub mod web;
mod web_postgres;
mod web_sql;
mod web_sqlite;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use shared_model::protocol::{
    BatchStatus, CommitReceipt, KindExpectation, ProgresEntry, ProgresLive, RekapSatuanPendidikan,
    SekolahPublic, SessionState,
};
use shared_model::{DataKind, KindCounts};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use web::{WebStore, open_web_store_lazy};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A failed store call. Domain outcomes are variants; anything else is [`StoreError::Db`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("session not found")]
    SessionNotFound,
    #[error("session belongs to another school")]
    ForbiddenNpsn,
    #[error("session is {0:?}")]
    SessionClosed(SessionState),
    #[error("batch {kind}/{seq} already holds different content ({held})")]
    BatchConflict {
        kind: DataKind,
        seq: u32,
        held: String,
    },
    #[error("no stored batch with that hash for this school")]
    UnknownHash,
    #[error("unknown school {0}")]
    UnknownSchool(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("storage: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One kecamatan of the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KecamatanRef {
    pub kode_kecamatan: String,
    pub nama: String,
}

/// One school of the district's reference list (columns of `reference.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SekolahRef {
    pub npsn: String,
    pub nama: String,
    /// Form of school label (`SD`, `SMP`, `TK`, …; see `shared_model::classify::Bentuk`).
    pub bentuk: String,
    /// `Negeri` or `Swasta`.
    pub status: String,
    pub kode_kecamatan: String,
    /// Kecamatan name (filled from `kecamatan` when read back).
    pub kecamatan: String,
    pub desa: Option<String>,
    pub alamat: Option<String>,
    pub lintang: Option<String>,
    pub bujur: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// `false` once a re-import no longer lists the school.
    #[serde(default = "yes")]
    pub aktif: bool,
}

fn yes() -> bool {
    true
}

/// What a reference import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub kecamatan_inserted: u64,
    pub kecamatan_updated: u64,
    pub sekolah_inserted: u64,
    pub sekolah_updated: u64,
    pub sekolah_unchanged: u64,
    /// Schools in the database that the file no longer lists (marked `aktif = false`).
    pub sekolah_deactivated: u64,
}

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

/// Declared rows and batches per kind, all 8 kinds.
pub type Expected = BTreeMap<DataKind, KindExpectation>;

/// A session to open.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub session_id: String,
    pub npsn: String,
    pub username_ops: String,
    pub helper_version: String,
    pub semester_id: Option<String>,
    pub expected: Expected,
    pub now_ms: i64,
    pub expires_at_ms: i64,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub session_id: String,
    pub npsn: String,
    pub state: SessionState,
    pub username_ops: String,
    pub helper_version: String,
    pub semester_id: Option<String>,
    pub expected: Expected,
    pub created_at_ms: i64,
    pub last_activity_ms: i64,
    pub expires_at_ms: i64,
    pub receipt: Option<CommitReceipt>,
}

impl SessionRecord {
    /// The state as callers should see it at `now_ms` (an open session past its expiry is
    /// expired even before the sweep has marked it).
    pub fn effective_state(&self, now_ms: i64) -> SessionState {
        if self.state == SessionState::Open && now_ms >= self.expires_at_ms {
            SessionState::Expired
        } else {
            self.state
        }
    }
}

/// One batch a session holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBatch {
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: u64,
}

/// A validated batch body to stage.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub session_id: String,
    pub npsn: String,
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: u64,
    /// zstd of the uncompressed JSON array.
    pub payload_zstd: Vec<u8>,
    pub now_ms: i64,
    /// New expiry of the session (activity extends it).
    pub expires_at_ms: i64,
}

/// A reference to content the school already stored.
#[derive(Debug, Clone)]
pub struct BatchRefInput {
    pub session_id: String,
    pub npsn: String,
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: u64,
    pub now_ms: i64,
    pub expires_at_ms: i64,
}

/// A staged batch with its body, for commit.
#[derive(Debug, Clone)]
pub struct StagedBatch {
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: u64,
    pub payload_zstd: Vec<u8>,
}

/// One row of a snapshot, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    pub row_id: String,
    /// The row's JSON text.
    pub data: String,
}

/// A row for [`Store::bulk_load_rows`].
#[derive(Debug, Clone)]
pub struct BulkRow {
    pub npsn: String,
    pub kind: DataKind,
    pub row: SnapshotRow,
}

/// One batch of the new snapshot with its rows.
#[derive(Debug, Clone)]
pub struct CommitBatch {
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: Vec<SnapshotRow>,
}

/// Everything a commit writes, prepared (decoded, validated, summarised) outside the
/// transaction.
#[derive(Debug, Clone)]
pub struct PreparedCommit {
    pub session_id: String,
    pub npsn: String,
    pub now_ms: i64,
    pub counts: KindCounts,
    pub batches: Vec<CommitBatch>,
    /// Identity as sent (the school's `sekolah` row).
    pub nama: String,
    pub bentuk: Option<String>,
    pub status: Option<String>,
    /// `shared_model::summary::SchoolSummary` as JSON.
    pub summary_json: String,
    /// [`SekolahPublic`] as JSON, served by `GET /api/v1/sekolah/{npsn}`.
    pub public_json: String,
    pub receipt: CommitReceipt,
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitOutcome {
    Committed(CommitReceipt),
    /// The session was already committed (a retried commit): its receipt.
    AlreadyCommitted(CommitReceipt),
}

impl CommitOutcome {
    pub fn receipt(&self) -> &CommitReceipt {
        match self {
            CommitOutcome::Committed(r) | CommitOutcome::AlreadyCommitted(r) => r,
        }
    }
}

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub sessions_expired: u64,
    pub batches_deleted: u64,
    pub sessions_deleted: u64,
    pub blobs_deleted: u64,
}

/// Retention rules of the periodic sweep.
#[derive(Debug, Clone, Copy)]
pub struct SweepPolicy {
    pub now_ms: i64,
    /// Closed (committed/expired/superseded) sessions are deleted this long after closing.
    pub closed_session_retention_ms: i64,
    /// Unreferenced blobs younger than this are kept (an upload may be about to use them).
    pub blob_grace_ms: i64,
}

/// A row of a school's send history (`progres_kirim`).
pub type SendHistoryEntry = ProgresEntry;

/// One stored snapshot row with its school, for pages and downloads.
#[derive(Debug, Clone, PartialEq)]
pub struct KindRowOut {
    pub npsn: String,
    pub row_id: String,
    pub data: serde_json::Value,
}

/// Filter for [`Store::snapshot_rows`].
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    pub npsn: Option<String>,
    pub kode_kecamatan: Option<String>,
}

/// The storage interface. Object safe: use it as `Arc<dyn Store>`.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Cheap liveness check (`/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    /// Closes the connection pool(s).
    async fn close(&self);

    // ---- reference data ----

    /// Upserts kecamatan and schools in one transaction; schools missing from `sekolah`
    /// are marked inactive (when `deactivate_missing`).
    async fn import_reference(
        &self,
        kecamatan: &[KecamatanRef],
        sekolah: &[SekolahRef],
        deactivate_missing: bool,
        now_ms: i64,
    ) -> StoreResult<ImportCounts>;

    /// Reference schools (all, or the given NPSNs), ordered by kecamatan then name.
    async fn reference_schools(&self, npsns: Option<&[String]>) -> StoreResult<Vec<SekolahRef>>;

    async fn reference_school(&self, npsn: &str) -> StoreResult<Option<SekolahRef>>;

    async fn kecamatan_list(&self) -> StoreResult<Vec<KecamatanRef>>;

    // ---- enrollment ----

    /// Stores kode registrasi hashes (replacing earlier codes of those schools).
    async fn set_kode_hashes(&self, entries: &[(String, String)], now_ms: i64) -> StoreResult<()>;

    /// NPSNs that have a kode registrasi.
    async fn schools_with_kode(&self) -> StoreResult<Vec<String>>;

    /// The stored kode hash of a school (`None`: unknown school or no code issued).
    async fn kode_hash(&self, npsn: &str) -> StoreResult<Option<String>>;

    /// Records a new token for the school and revokes all its other tokens, atomically.
    async fn enroll(&self, enrollment: &NewEnrollment) -> StoreResult<()>;

    async fn lookup_token(&self, token_hash: &str) -> StoreResult<TokenLookup>;

    // ---- settings ----

    async fn setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str, now_ms: i64) -> StoreResult<()>;

    // ---- sessions ----

    /// Opens a session, superseding the school's other open sessions. Returns the hashes
    /// of content the server holds for the school (for delta references).
    async fn open_session(&self, session: &NewSession) -> StoreResult<Vec<String>>;

    async fn session(&self, session_id: &str) -> StoreResult<Option<SessionRecord>>;

    /// Batches a session holds, by kind then seq.
    async fn session_batches(&self, session_id: &str) -> StoreResult<Vec<HeldBatch>>;

    /// Stages an uploaded batch (idempotent by `(session, kind, seq)` and hash).
    async fn put_batch(&self, batch: &NewBatch) -> StoreResult<BatchStatus>;

    /// Stages a batch by reference to stored content of the same school.
    async fn ref_batch(&self, reference: &BatchRefInput) -> StoreResult<BatchStatus>;

    /// The staged batches of a session with their bodies (commit input).
    async fn staged_batches(&self, session_id: &str) -> StoreResult<Vec<StagedBatch>>;

    /// Applies a prepared commit in one transaction (re-checking that the session is still
    /// open and complete).
    async fn commit_session(&self, commit: &PreparedCommit) -> StoreResult<CommitOutcome>;

    /// Expires idle sessions, deletes old closed sessions and unreferenced blobs.
    async fn sweep(&self, policy: SweepPolicy) -> StoreResult<SweepReport>;

    // ---- public reads ----

    /// Latest committed send of every school, newest first.
    async fn progres(&self) -> StoreResult<Vec<ProgresEntry>>;

    /// Open sessions with expected and received rows per kind.
    async fn progres_live(&self, now_ms: i64) -> StoreResult<Vec<ProgresLive>>;

    /// Public page data of a school (snapshot, else reference identity).
    async fn sekolah_public(&self, npsn: &str) -> StoreResult<Option<SekolahPublic>>;

    /// Schools per kecamatan × bentuk × status: sent and reference totals.
    async fn rekap_satuan_pendidikan(&self) -> StoreResult<Vec<RekapSatuanPendidikan>>;

    /// Every committed send of a school, newest first.
    async fn send_history(&self, npsn: &str) -> StoreResult<Vec<SendHistoryEntry>>;

    /// `SchoolSummary` JSON of a school's current snapshot.
    async fn school_summary_json(&self, npsn: &str) -> StoreResult<Option<String>>;

    /// Snapshot rows of one kind (for pages and staff downloads), by school then row id.
    async fn snapshot_rows(
        &self,
        kind: DataKind,
        filter: &RowFilter,
    ) -> StoreResult<Vec<KindRowOut>>;

    // ---- benchmarks ----

    /// Raw bulk load of rows into `snapshot_row` in one transaction (COPY on PostgreSQL, one
    /// prepared single-row `INSERT` on SQLite): the baseline of the ingest benchmark.
    async fn bulk_load_rows(&self, rows: &[BulkRow]) -> StoreResult<u64>;

    /// Deletes every snapshot row (benchmark reset).
    async fn clear_snapshot_rows(&self) -> StoreResult<()>;
}

/// Opens the store for a database URL (`sqlite://…` or `postgres://…`/`postgresql://…`) and
/// applies its migrations.
pub async fn open_store(database_url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_store_with(database_url, &StoreOptions::default()).await
}

/// Pool sizes and timeouts.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections of the PostgreSQL pool / SQLite read pool.
    pub max_connections: u32,
    /// Waiting for a lock (SQLite `busy_timeout`) or a pooled connection.
    pub acquire_timeout: std::time::Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 16,
            acquire_timeout: std::time::Duration::from_secs(30),
        }
    }
}

pub async fn open_store_with(
    database_url: &str,
    options: &StoreOptions,
) -> anyhow::Result<Arc<dyn Store>> {
    let url = database_url.trim();
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, options).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PostgresStore::open(url, options).await?))
    } else {
        anyhow::bail!("database URL must start with sqlite:// or postgres:// (got {url:?})")
    }
}

// ---- helpers shared by both backends ----

pub(crate) fn parse_state(s: &str) -> StoreResult<SessionState> {
    Ok(match s {
        "open" => SessionState::Open,
        "committed" => SessionState::Committed,
        "expired" => SessionState::Expired,
        "superseded" => SessionState::Superseded,
        other => {
            return Err(StoreError::Other(format!(
                "unknown session state {other:?}"
            )));
        }
    })
}

pub(crate) fn parse_kind(s: &str) -> StoreResult<DataKind> {
    DataKind::from_wire_name(s).ok_or_else(|| StoreError::Other(format!("unknown kind {s:?}")))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Other(e.to_string()))
}

pub(crate) fn counts_from(values: [i64; 8]) -> KindCounts {
    KindCounts(values.map(|v| v.max(0) as u64))
}

pub(crate) fn counts_array(c: &KindCounts) -> [i64; 8] {
    c.0.map(|v| v as i64)
}

/// Which batches of a new snapshot must be inserted and which old ones removed
/// (by `(kind, sha256)`; unchanged content keeps its rows).
pub(crate) fn snapshot_delta<'a>(
    old: &[(DataKind, String)],
    new: &'a [CommitBatch],
) -> (Vec<(DataKind, String)>, Vec<&'a CommitBatch>) {
    use std::collections::HashSet;
    let old_set: HashSet<(DataKind, &str)> = old.iter().map(|(k, s)| (*k, s.as_str())).collect();
    let new_set: HashSet<(DataKind, &str)> =
        new.iter().map(|b| (b.kind, b.sha256.as_str())).collect();
    let removed = old
        .iter()
        .filter(|(k, s)| !new_set.contains(&(*k, s.as_str())))
        .cloned()
        .collect::<Vec<_>>();
    let added = new
        .iter()
        .filter(|b| !old_set.contains(&(b.kind, b.sha256.as_str())))
        .collect();
    (removed, added)
}

/// Builds a [`ProgresEntry`] from stored columns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn progres_entry(
    kecamatan: Option<String>,
    nama: String,
    npsn: String,
    bentuk: Option<String>,
    status: Option<String>,
    tanggal_kirim_ms: i64,
    counts: [i64; 8],
) -> ProgresEntry {
    ProgresEntry::new(
        kecamatan.unwrap_or_default(),
        nama,
        npsn,
        bentuk.unwrap_or_default(),
        status.unwrap_or_default(),
        crate::domain::time::wib(tanggal_kirim_ms),
        crate::domain::time::rfc3339_utc(tanggal_kirim_ms),
        counts_from(counts),
    )
}

/// A reference-only public page (school has not sent yet).
pub(crate) fn public_from_reference(r: &SekolahRef) -> SekolahPublic {
    SekolahPublic {
        npsn: r.npsn.clone(),
        nama: r.nama.clone(),
        status: Some(r.status.clone()).filter(|s| !s.is_empty()),
        bentuk: Some(r.bentuk.clone()).filter(|s| !s.is_empty()),
        alamat: r.alamat.clone(),
        rt: None,
        rw: None,
        dusun: None,
        desa_kelurahan: r.desa.clone(),
        kecamatan: Some(r.kecamatan.clone()).filter(|s| !s.is_empty()),
        kabupaten_kota: None,
        provinsi: None,
        email: r.email.clone(),
        website: r.website.clone(),
        telepon: None,
        kode_pos: None,
        lintang: r.lintang.clone(),
        bujur: r.bujur.clone(),
        ptk: Default::default(),
        kelas: Vec::new(),
        tanggal_kirim: None,
        counts: None,
    }
}

/// Live progress of one session from its expected JSON and received rows per kind.
pub(crate) fn live_entry(
    npsn: String,
    nama: String,
    kecamatan: String,
    created_at_ms: i64,
    expected: &Expected,
    received: &BTreeMap<DataKind, u64>,
) -> ProgresLive {
    let mut exp = KindCounts::default();
    for (k, e) in expected {
        exp.set(*k, e.rows);
    }
    let mut rec = KindCounts::default();
    for (k, n) in received {
        rec.set(*k, *n);
    }
    ProgresLive {
        npsn,
        nama,
        kecamatan,
        started_at_utc: crate::domain::time::rfc3339_utc(created_at_ms),
        expected: exp,
        received: rec,
    }
}

/// Escapes a value for PostgreSQL `COPY … FROM STDIN` text format.
pub(crate) fn copy_escape(out: &mut Vec<u8>, value: &str) {
    for b in value.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_escape_handles_json_text() {
        let mut out = Vec::new();
        copy_escape(&mut out, "{\"a\":\"x\\\"y\\n\"}\t\n");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"a\":\"x\\\\\"y\\\\n\"}\\t\\n"
        );
    }

    #[test]
    fn delta_keeps_unchanged_batches() {
        let b = |k, s: &str| CommitBatch {
            kind: k,
            seq: 0,
            sha256: s.into(),
            rows: vec![],
        };
        let old = vec![
            (DataKind::Ptk, "a".to_string()),
            (DataKind::Ptk, "b".to_string()),
        ];
        let new = vec![b(DataKind::Ptk, "a"), b(DataKind::Ptk, "c")];
        let (removed, added) = snapshot_delta(&old, &new);
        assert_eq!(removed, vec![(DataKind::Ptk, "b".to_string())]);
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].sha256, "c");
    }
}

//! SQLite backend: the embedded default (a file in the data dir, WAL).
//!
//! Writes go through a pool of exactly one connection (`BEGIN IMMEDIATE`), so 64 concurrent
//! senders queue in the process instead of fighting over the file lock (no SQLITE_BUSY
//! storms); reads use a separate read-only pool and, thanks to WAL, never block on writes.
//! `busy_timeout` covers other processes (the CLI) touching the same file.
//!
//! Batch claims and commits, the hot writes, are group-committed ([`WriteQueue`]): whoever
//! gets the writer connection applies every claim and commit queued at that moment in one
//! transaction, one after the other (each sees the writes before it, so the outcomes are
//! those of running them one by one). One WAL commit (and, when the group holds a commit,
//! one WAL sync) then serves many requests instead of one each; measured in
//! docs/benchmarks.md.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use shared_model::DataKind;
use shared_model::protocol::{
    BatchStatus, ProgresEntry, ProgresLive, RekapSatuanPendidikan, SekolahPublic, SessionState,
};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Connection as _, Row, Sqlite, SqliteConnection, Transaction};

use super::*;

/// Rows per multi-row `INSERT` (5 parameters each, below SQLite's limit of 32,766).
const INSERT_CHUNK: usize = 500;

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    queue: Arc<WriteQueue>,
}

/// A write that is group-committed.
enum WriteJob {
    Put(NewBatch),
    Ref(BatchRefInput),
    Commit(Box<PreparedCommit>),
}

enum WriteOutcome {
    Batch(BatchStatus),
    Commit(Box<CommitOutcome>),
}

struct QueuedWrite {
    id: u64,
    job: WriteJob,
    reply: tokio::sync::oneshot::Sender<StoreResult<WriteOutcome>>,
}

/// Claims and commits waiting for the writer connection (see the module docs).
#[derive(Default)]
struct WriteQueue {
    pending: Mutex<Vec<QueuedWrite>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl WriteQueue {
    fn take(&self) -> Vec<QueuedWrite> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Errors that a job reports before writing anything (the group goes on).
fn is_domain_error(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::SessionNotFound
            | StoreError::ForbiddenNpsn
            | StoreError::SessionClosed(_)
            | StoreError::BatchConflict { .. }
            | StoreError::UnknownHash
            | StoreError::UnknownSchool(_)
    )
}

async fn run_job(conn: &mut SqliteConnection, job: &WriteJob) -> StoreResult<WriteOutcome> {
    Ok(match job {
        WriteJob::Put(b) => WriteOutcome::Batch(put_in(conn, b).await?),
        WriteJob::Ref(r) => WriteOutcome::Batch(ref_in(conn, r).await?),
        WriteJob::Commit(c) => WriteOutcome::Commit(Box::new(commit_in(conn, c).await?)),
    })
}

/// Applies `jobs` in one transaction (synced when it holds a commit: a receipt promises
/// the snapshot is on disk; claims alone use `synchronous = NORMAL`) and answers each.
/// If anything but a domain refusal fails, nothing of the group is kept and each job runs
/// again in a transaction of its own, so one failing write cannot fail the others.
async fn run_group(conn: &mut SqliteConnection, jobs: Vec<QueuedWrite>) {
    let durable = jobs.iter().any(|j| matches!(j.job, WriteJob::Commit(_)));
    let grouped = apply(conn, jobs.iter().map(|j| &j.job), durable).await;
    match grouped {
        Ok(outcomes) => {
            for (j, outcome) in jobs.into_iter().zip(outcomes) {
                let _ = j.reply.send(outcome);
            }
        }
        Err(e) if jobs.len() == 1 => {
            if let Some(j) = jobs.into_iter().next() {
                let _ = j.reply.send(Err(e));
            }
        }
        Err(_) => {
            for j in jobs {
                let durable = matches!(j.job, WriteJob::Commit(_));
                let outcome = match apply(conn, std::iter::once(&j.job), durable).await {
                    Ok(mut o) => o
                        .pop()
                        .unwrap_or_else(|| Err(StoreError::Other("no outcome".into()))),
                    Err(e) => Err(e),
                };
                let _ = j.reply.send(outcome);
            }
        }
    }
}

/// One transaction over `jobs`: `Ok` with each job's outcome (domain refusals included)
/// once committed, `Err` if any other error happened (then nothing was kept).
async fn apply<'a>(
    conn: &mut SqliteConnection,
    jobs: impl Iterator<Item = &'a WriteJob>,
    durable: bool,
) -> StoreResult<Vec<StoreResult<WriteOutcome>>> {
    if durable {
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
    }
    let result = async {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut outcomes = Vec::new();
        for job in jobs {
            match run_job(&mut tx, job).await {
                Err(e) if !is_domain_error(&e) => return Err(e),
                outcome => outcomes.push(outcome),
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }
    .await;
    if durable {
        let reset = sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *conn)
            .await;
        let outcomes = result?;
        reset?;
        return Ok(outcomes);
    }
    result
}

impl SqliteStore {
    /// Opens (creating if needed) the database file of a `sqlite://` URL and migrates it.
    pub async fn open(url: &str, options: &StoreOptions) -> anyhow::Result<SqliteStore> {
        let base = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(options.acquire_timeout)
            .foreign_keys(true);
        if let Some(parent) = Path::new(base.get_filename()).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(base.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(base.read_only(true))
            .await?;
        Ok(SqliteStore {
            writer,
            reader,
            queue: Arc::default(),
        })
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Queues a claim or commit and waits for it. Whoever gets the writer connection
    /// applies everything queued by then in one transaction; the work runs in a task of
    /// its own, so a request that goes away cannot cut a group short.
    async fn write(&self, job: WriteJob) -> StoreResult<WriteOutcome> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let id = self
            .queue
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.queue
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(QueuedWrite { id, job, reply });
        let conn = match self.writer.acquire().await {
            Ok(conn) => conn,
            Err(e) => {
                // Not applied: take the job back unless a group already has it.
                let taken_back = {
                    let mut pending = self.queue.pending.lock().unwrap_or_else(|e| e.into_inner());
                    let i = pending.iter().position(|q| q.id == id);
                    i.map(|i| pending.remove(i)).is_some()
                };
                if taken_back {
                    return Err(e.into());
                }
                return answer
                    .await
                    .map_err(|_| StoreError::Other("write abandoned".into()))?;
            }
        };
        let jobs = self.queue.take();
        if !jobs.is_empty() {
            let task = tokio::spawn(async move {
                let mut conn: PoolConnection<Sqlite> = conn;
                run_group(&mut conn, jobs).await;
            });
            task.await
                .map_err(|e| StoreError::Other(format!("write group: {e}")))?;
        }
        answer
            .await
            .map_err(|_| StoreError::Other("write abandoned".into()))?
    }
}

fn sekolah_ref_from_row(row: &SqliteRow) -> StoreResult<SekolahRef> {
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

fn session_from_row(row: &SqliteRow) -> StoreResult<SessionRecord> {
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

fn counts_from_row(row: &SqliteRow) -> StoreResult<[i64; 8]> {
    let mut out = [0i64; 8];
    for kind in DataKind::ALL {
        out[kind.index()] = row.try_get(kind.wire_name())?;
    }
    Ok(out)
}

/// A session read for a write (no row lock needed: the single writer serialises), with
/// the claim at `(kind, seq)` if one was asked for and the number of batches it holds.
struct Locked {
    state: SessionState,
    receipt: Option<String>,
    held: Option<String>,
    batch_count: i64,
}

async fn lock_session(
    conn: &mut SqliteConnection,
    session_id: &str,
    npsn: &str,
    now_ms: i64,
    claim: Option<(DataKind, u32)>,
) -> StoreResult<Locked> {
    let (kind, seq) = claim.map_or(("", -1), |(k, s)| (k.wire_name(), i64::from(s)));
    let row = sqlx::query(
        "SELECT s.npsn, s.state, s.expires_at_ms, s.receipt,
                (SELECT sb.sha256 FROM session_batch sb
                  WHERE sb.session_id = s.session_id AND sb.kind = $2 AND sb.seq = $3) AS held,
                (SELECT COUNT(*) FROM session_batch sb WHERE sb.session_id = s.session_id) AS batch_count
         FROM send_session s WHERE s.session_id = $1",
    )
    .bind(session_id)
    .bind(kind)
    .bind(seq)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::SessionNotFound)?;
    if row.try_get::<String, _>("npsn")? != npsn {
        return Err(StoreError::ForbiddenNpsn);
    }
    let mut state = parse_state(&row.try_get::<String, _>("state")?)?;
    if state == SessionState::Open && now_ms >= row.try_get::<i64, _>("expires_at_ms")? {
        state = SessionState::Expired;
    }
    Ok(Locked {
        state,
        receipt: row.try_get("receipt")?,
        held: row.try_get("held")?,
        batch_count: row.try_get("batch_count")?,
    })
}

/// The outcome of a claim check: `Some` answers the request without writing.
fn check_claim(
    locked: &Locked,
    kind: DataKind,
    seq: u32,
    sha256: &str,
) -> Option<StoreResult<BatchStatus>> {
    if locked.state != SessionState::Open {
        return Some(Err(StoreError::SessionClosed(locked.state)));
    }
    match &locked.held {
        Some(held) if held == sha256 => Some(Ok(BatchStatus::Duplicate)),
        Some(held) => Some(Err(StoreError::BatchConflict {
            kind,
            seq,
            held: held.clone(),
        })),
        None => None,
    }
}

/// Claims `(session, kind, seq)` and records activity, in one round trip to the database
/// thread (SQLite runs the statements of one query string in order).
#[allow(clippy::too_many_arguments)]
async fn claim(
    conn: &mut SqliteConnection,
    session_id: &str,
    npsn: &str,
    kind: DataKind,
    seq: u32,
    sha256: &str,
    rows: u64,
    now_ms: i64,
    expires_at_ms: i64,
    blob: Option<&[u8]>,
) -> StoreResult<()> {
    let blob_sql = if blob.is_some() {
        "INSERT INTO batch_blob (npsn, sha256, kind, rows, payload, created_at_ms)
         VALUES ($4, $5, $2, $6, $9, $7) ON CONFLICT (npsn, sha256) DO NOTHING;"
    } else {
        ""
    };
    let sql = format!(
        "{blob_sql}
         INSERT INTO session_batch (session_id, kind, seq, npsn, sha256, rows, received_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7);
         UPDATE send_session SET last_activity_ms = $7, expires_at_ms = $8
         WHERE session_id = $1 AND expires_at_ms < $8 - 60000"
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(session_id)
        .bind(kind.wire_name())
        .bind(i64::from(seq))
        .bind(npsn)
        .bind(sha256)
        .bind(rows as i64)
        .bind(now_ms)
        .bind(expires_at_ms);
    if let Some(payload) = blob {
        q = q.bind(payload);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Batches per multi-row `snapshot_batch` insert (4 parameters each).
const BATCH_LIST_CHUNK: usize = 2_000;

/// `INSERT INTO snapshot_batch … VALUES ($1, $first, …), …` for `n` batches (npsn is `$1`).
fn snapshot_batch_insert_sql(n: usize, first: usize) -> String {
    let mut sql =
        String::from("INSERT INTO snapshot_batch (npsn, kind, seq, sha256, rows) VALUES ");
    for i in 0..n {
        let p = first + i * 4;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("($1, ${}, ${}, ${}, ${})", p, p + 1, p + 2, p + 3));
    }
    sql
}

/// `INSERT INTO snapshot_row … VALUES (?, ?, ?, ?, ?), …` for `rows` rows (anonymous
/// parameters: SQLite binds them without a name lookup).
fn multi_row_insert_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(80 + rows * 17);
    sql.push_str("INSERT INTO snapshot_row (npsn, kind, row_id, batch_sha256, data) VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?, ?, ?, ?, ?)");
    }
    sql
}

/// Applies a prepared commit (inside the caller's transaction).
async fn commit_in(conn: &mut SqliteConnection, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
    let tx = conn;
    let locked = lock_session(&mut *tx, &c.session_id, &c.npsn, c.now_ms, None).await?;
    match locked.state {
        SessionState::Open => {}
        SessionState::Committed => {
            let receipt = locked
                .receipt
                .as_deref()
                .ok_or_else(|| StoreError::Other("receipt missing".into()))?;
            return Ok(CommitOutcome::AlreadyCommitted(from_json(receipt)?));
        }
        other => return Err(StoreError::SessionClosed(other)),
    }
    if locked.batch_count as usize != c.batches.len() {
        return Err(StoreError::Other(
            "session batches changed during commit".into(),
        ));
    }

    // Rows: only batches that left or joined the snapshot are touched.
    let old_rows = sqlx::query("SELECT kind, sha256 FROM snapshot_batch WHERE npsn = $1")
        .bind(&c.npsn)
        .fetch_all(&mut *tx)
        .await?;
    let old = old_rows
        .iter()
        .map(|r| {
            Ok((
                parse_kind(&r.try_get::<String, _>(0)?)?,
                r.try_get::<String, _>(1)?,
            ))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let (removed, added) = snapshot_delta(&old, &c.batches);
    for (kind, sha) in &removed {
        sqlx::query("DELETE FROM snapshot_row WHERE npsn = $1 AND kind = $2 AND batch_sha256 = $3")
            .bind(&c.npsn)
            .bind(kind.wire_name())
            .bind(sha)
            .execute(&mut *tx)
            .await?;
    }
    let rows: Vec<(&CommitBatch, &SnapshotRow)> = added
        .iter()
        .flat_map(|b| b.rows.iter().map(move |r| (*b, r)))
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let mut q = sqlx::query(AssertSqlSafe(multi_row_insert_sql(chunk.len())));
        for (batch, row) in chunk {
            q = q
                .bind(&c.npsn)
                .bind(batch.kind.wire_name())
                .bind(&row.row_id)
                .bind(&batch.sha256)
                .bind(&row.data);
        }
        q.execute(&mut *tx).await?;
    }

    // Batch list, summary, progress entry and session state: one round trip.
    let mut sql = String::from(
        "DELETE FROM snapshot_batch WHERE npsn = $1;
         INSERT INTO school_snapshot (npsn, session_id, tanggal_kirim_ms, helper_version, username_ops,
            sekolah, peserta_didik, ptk, riwayat_kepangkatan, riwayat_pendidikan, rombel, anggota_rombel,
            pembelajaran, nama, bentuk, status, summary, public)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (npsn) DO UPDATE SET session_id = excluded.session_id,
            tanggal_kirim_ms = excluded.tanggal_kirim_ms, helper_version = excluded.helper_version,
            username_ops = excluded.username_ops, sekolah = excluded.sekolah,
            peserta_didik = excluded.peserta_didik, ptk = excluded.ptk,
            riwayat_kepangkatan = excluded.riwayat_kepangkatan, riwayat_pendidikan = excluded.riwayat_pendidikan,
            rombel = excluded.rombel, anggota_rombel = excluded.anggota_rombel,
            pembelajaran = excluded.pembelajaran, nama = excluded.nama, bentuk = excluded.bentuk,
            status = excluded.status, summary = excluded.summary, public = excluded.public;
         INSERT INTO progres_kirim (npsn, session_id, tanggal_kirim_ms, sekolah, peserta_didik, ptk,
            riwayat_kepangkatan, riwayat_pendidikan, rombel, anggota_rombel, pembelajaran, helper_version,
            username_ops)
         VALUES ($1, $2, $3, $6, $7, $8, $9, $10, $11, $12, $13, $4, $5);
         UPDATE send_session SET state = 'committed', closed_at_ms = $3, last_activity_ms = $3, receipt = $19
         WHERE session_id = $2;",
    );
    // Batch list: with the rest for a normal school; very long lists continue below.
    let (first, rest) = c.batches.split_at(c.batches.len().min(BATCH_LIST_CHUNK));
    if !first.is_empty() {
        sql.push_str(&snapshot_batch_insert_sql(first.len(), 20));
    }
    let n = counts_array(&c.counts);
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(&c.npsn)
        .bind(&c.session_id)
        .bind(c.now_ms)
        .bind(&c.receipt.helper_version)
        .bind(&c.receipt.username_ops);
    for v in n {
        q = q.bind(v);
    }
    q = q
        .bind(&c.nama)
        .bind(&c.bentuk)
        .bind(&c.status)
        .bind(&c.summary_json)
        .bind(&c.public_json)
        .bind(to_json(&c.receipt)?);
    for b in first {
        q = q
            .bind(b.kind.wire_name())
            .bind(i64::from(b.seq))
            .bind(&b.sha256)
            .bind(b.rows.len() as i64);
    }
    q.execute(&mut *tx).await?;
    for chunk in rest.chunks(BATCH_LIST_CHUNK) {
        let mut q =
            sqlx::query(AssertSqlSafe(snapshot_batch_insert_sql(chunk.len(), 2))).bind(&c.npsn);
        for b in chunk {
            q = q
                .bind(b.kind.wire_name())
                .bind(i64::from(b.seq))
                .bind(&b.sha256)
                .bind(b.rows.len() as i64);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(CommitOutcome::Committed(c.receipt.clone()))
}

/// Claims an uploaded batch (inside the caller's transaction).
async fn put_in(conn: &mut SqliteConnection, b: &NewBatch) -> StoreResult<BatchStatus> {
    let locked = lock_session(
        &mut *conn,
        &b.session_id,
        &b.npsn,
        b.now_ms,
        Some((b.kind, b.seq)),
    )
    .await?;
    if let Some(answer) = check_claim(&locked, b.kind, b.seq, &b.sha256) {
        return answer;
    }
    claim(
        &mut *conn,
        &b.session_id,
        &b.npsn,
        b.kind,
        b.seq,
        &b.sha256,
        b.rows,
        b.now_ms,
        b.expires_at_ms,
        Some(&b.payload_zstd),
    )
    .await?;
    Ok(BatchStatus::Stored)
}

/// Claims a batch by reference (inside the caller's transaction).
async fn ref_in(conn: &mut SqliteConnection, r: &BatchRefInput) -> StoreResult<BatchStatus> {
    let locked = lock_session(
        &mut *conn,
        &r.session_id,
        &r.npsn,
        r.now_ms,
        Some((r.kind, r.seq)),
    )
    .await?;
    if locked.state != SessionState::Open {
        return Err(StoreError::SessionClosed(locked.state));
    }
    let blob = sqlx::query("SELECT kind, rows FROM batch_blob WHERE npsn = $1 AND sha256 = $2")
        .bind(&r.npsn)
        .bind(&r.sha256)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(blob) = blob else {
        return Err(StoreError::UnknownHash);
    };
    if blob.try_get::<String, _>(0)? != r.kind.wire_name()
        || blob.try_get::<i64, _>(1)? != r.rows as i64
    {
        return Err(StoreError::UnknownHash);
    }
    if let Some(answer) = check_claim(&locked, r.kind, r.seq, &r.sha256) {
        return answer;
    }
    claim(
        &mut *conn,
        &r.session_id,
        &r.npsn,
        r.kind,
        r.seq,
        &r.sha256,
        r.rows,
        r.now_ms,
        r.expires_at_ms,
        None,
    )
    .await?;
    Ok(BatchStatus::Reused)
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
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
        .fetch_all(&self.reader)
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
        .fetch_optional(&self.reader)
        .await?
        .map(|r| sekolah_ref_from_row(&r))
        .transpose()
    }

    async fn kecamatan_list(&self) -> StoreResult<Vec<KecamatanRef>> {
        let rows =
            sqlx::query("SELECT kode_kecamatan, nama FROM kecamatan ORDER BY nama, kode_kecamatan")
                .fetch_all(&self.reader)
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
                .fetch_all(&self.reader)
                .await?,
        )
    }

    async fn kode_hash(&self, npsn: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT e.kode_hash FROM enrollment e JOIN sekolah_ref s ON s.npsn = e.npsn
             WHERE e.npsn = $1 AND s.aktif",
        )
        .bind(npsn)
        .fetch_optional(&self.reader)
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
            .fetch_optional(&self.reader)
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
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    async fn set_setting(&self, key: &str, value: &str, now_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO setting (key, value, updated_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(key)
        .bind(value)
        .bind(now_ms)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn open_session(&self, s: &NewSession) -> StoreResult<Vec<String>> {
        let mut tx = self.begin().await?;
        // Supersede, open and list the school's stored content in one round trip.
        let hashes: Vec<String> = sqlx::query_scalar(
            "UPDATE send_session SET state = 'superseded', closed_at_ms = $7 WHERE npsn = $2 AND state = 'open';
             INSERT INTO send_session (session_id, npsn, state, username_ops, helper_version, semester_id, expected,
                                       created_at_ms, last_activity_ms, expires_at_ms)
             VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7, $8);
             SELECT sha256 FROM batch_blob WHERE npsn = $2 ORDER BY sha256",
        )
        .bind(&s.session_id)
        .bind(&s.npsn)
        .bind(&s.username_ops)
        .bind(&s.helper_version)
        .bind(&s.semester_id)
        .bind(to_json(&s.expected)?)
        .bind(s.now_ms)
        .bind(s.expires_at_ms)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(hashes)
    }

    async fn session(&self, session_id: &str) -> StoreResult<Option<SessionRecord>> {
        sqlx::query("SELECT * FROM send_session WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(&self.reader)
            .await?
            .map(|r| session_from_row(&r))
            .transpose()
    }

    async fn session_batches(&self, session_id: &str) -> StoreResult<Vec<HeldBatch>> {
        let rows =
            sqlx::query("SELECT kind, seq, sha256, rows FROM session_batch WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(&self.reader)
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

    async fn put_batch(&self, b: &NewBatch) -> StoreResult<BatchStatus> {
        match self.write(WriteJob::Put(b.clone())).await? {
            WriteOutcome::Batch(status) => Ok(status),
            WriteOutcome::Commit(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
    }

    async fn ref_batch(&self, r: &BatchRefInput) -> StoreResult<BatchStatus> {
        match self.write(WriteJob::Ref(r.clone())).await? {
            WriteOutcome::Batch(status) => Ok(status),
            WriteOutcome::Commit(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
    }

    async fn staged_batches(&self, session_id: &str) -> StoreResult<Vec<StagedBatch>> {
        let rows = sqlx::query(
            "SELECT sb.kind, sb.seq, sb.sha256, sb.rows, b.payload FROM session_batch sb
             JOIN batch_blob b ON b.npsn = sb.npsn AND b.sha256 = sb.sha256
             WHERE sb.session_id = $1",
        )
        .bind(session_id)
        .fetch_all(&self.reader)
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

    async fn commit_session(&self, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
        // Group-committed; a group holding a commit syncs the WAL (`synchronous = FULL`).
        match self.write(WriteJob::Commit(Box::new(c.clone()))).await? {
            WriteOutcome::Commit(outcome) => Ok(*outcome),
            WriteOutcome::Batch(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
    }

    async fn sweep(&self, p: SweepPolicy) -> StoreResult<SweepReport> {
        let mut report = SweepReport::default();
        let mut tx = self.begin().await?;
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
        .fetch_all(&self.reader)
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
        .fetch_all(&self.reader)
        .await?;
        let received = sqlx::query(
            "SELECT sb.session_id, sb.kind, CAST(SUM(sb.rows) AS BIGINT) AS n FROM session_batch sb
             JOIN send_session ss ON ss.session_id = sb.session_id
             WHERE ss.state = 'open' AND ss.expires_at_ms > $1
             GROUP BY sb.session_id, sb.kind",
        )
        .bind(now_ms)
        .fetch_all(&self.reader)
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
                .fetch_optional(&self.reader)
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
        .fetch_all(&self.reader)
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
        .fetch_all(&self.reader)
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
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    async fn snapshot_rows(
        &self,
        kind: DataKind,
        filter: &RowFilter,
    ) -> StoreResult<Vec<KindRowOut>> {
        let rows = sqlx::query(
            "SELECT sr.npsn, sr.row_id, sr.data FROM snapshot_row sr
             LEFT JOIN sekolah_ref r ON r.npsn = sr.npsn
             WHERE sr.kind = $1 AND ($2 IS NULL OR sr.npsn = $2) AND ($3 IS NULL OR r.kode_kecamatan = $3)
             ORDER BY sr.npsn, sr.row_id",
        )
        .bind(kind.wire_name())
        .bind(&filter.npsn)
        .bind(&filter.kode_kecamatan)
        .fetch_all(&self.reader)
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

    async fn bulk_load_rows(&self, rows: &[BulkRow]) -> StoreResult<u64> {
        let mut tx = self.begin().await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO snapshot_row (npsn, kind, row_id, batch_sha256, data) VALUES ($1, $2, $3, 'bulk', $4)",
            )
            .bind(&r.npsn)
            .bind(r.kind.wire_name())
            .bind(&r.row.row_id)
            .bind(&r.row.data)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn clear_snapshot_rows(&self) -> StoreResult<()> {
        sqlx::query("DELETE FROM snapshot_row")
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}

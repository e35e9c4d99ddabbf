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
//!
//! The methods that are the same on both backends come from [`super::store_sql`].

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use shared_model::DataKind;
use shared_model::protocol::{BatchStatus, SessionState};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Connection as _, Row, Sqlite, SqliteConnection, Transaction};

use super::store_sql::store_methods;
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

    /// The read-only pool.
    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Staging writes (sweeps) take the same writer transaction as every other write.
    async fn begin_staging(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.begin().await
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

// `Store`: the shared methods of `store_sql` plus the SQLite-specific ones below.
store_methods!(SqliteStore, Sqlite, {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
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

    async fn commit_session(&self, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
        // Group-committed; a group holding a commit syncs the WAL (`synchronous = FULL`).
        match self.write(WriteJob::Commit(Box::new(c.clone()))).await? {
            WriteOutcome::Commit(outcome) => Ok(*outcome),
            WriteOutcome::Batch(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
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
});

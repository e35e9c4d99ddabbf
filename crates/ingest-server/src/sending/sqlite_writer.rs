//! The SQLite group-commit writer: batch claims and commits, the hot writes.
//!
//! Whoever gets the single writer connection applies every claim and commit queued at that
//! moment in one transaction, one after the other (each sees the writes before it, so the
//! outcomes are those of running them one by one). One WAL commit (and, when the group
//! holds a commit, one WAL sync) then serves many requests instead of one each; measured in
//! docs/benchmarks.md. The rules each write follows are in [`crate::sending::claim`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use shared_model::DataKind;
use shared_model::protocol::BatchStatus;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Connection as _, Sqlite, SqliteConnection};

use crate::sending::claim::{SessionView, Slot, claim_answer, session_state};
use crate::storage::{
    BatchRefInput, CommitOutcome, Db, NewBatch, PreparedCommit, Storage, StoreError, StoreResult,
};

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
pub(crate) struct WriteQueue {
    pending: Mutex<Vec<QueuedWrite>>,
    next_id: AtomicU64,
}

impl WriteQueue {
    fn push(
        &self,
        job: WriteJob,
    ) -> (
        u64,
        tokio::sync::oneshot::Receiver<StoreResult<WriteOutcome>>,
    ) {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(QueuedWrite { id, job, reply });
        (id, answer)
    }

    /// Takes job `id` back unless a group already has it.
    fn take_back(&self, id: u64) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let i = pending.iter().position(|q| q.id == id);
        i.map(|i| pending.remove(i)).is_some()
    }

    fn take(&self) -> Vec<QueuedWrite> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Storage {
    pub(crate) async fn sqlite_put_batch(&self, b: &NewBatch) -> StoreResult<BatchStatus> {
        match self.group_write(WriteJob::Put(b.clone())).await? {
            WriteOutcome::Batch(status) => Ok(status),
            WriteOutcome::Commit(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
    }

    pub(crate) async fn sqlite_ref_batch(&self, r: &BatchRefInput) -> StoreResult<BatchStatus> {
        match self.group_write(WriteJob::Ref(r.clone())).await? {
            WriteOutcome::Batch(status) => Ok(status),
            WriteOutcome::Commit(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
    }

    /// Group-committed; a group holding a commit syncs the WAL (`synchronous = FULL`).
    pub(crate) async fn sqlite_commit(&self, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
        match self
            .group_write(WriteJob::Commit(Box::new(c.clone())))
            .await?
        {
            WriteOutcome::Commit(outcome) => Ok(*outcome),
            WriteOutcome::Batch(_) => Err(StoreError::Other("unexpected outcome".into())),
        }
    }

    /// Queues a claim or commit and waits for it. Whoever gets the writer connection
    /// applies everything queued by then in one transaction; the work runs in a task of
    /// its own, so a request that goes away cannot cut a group short.
    async fn group_write(&self, job: WriteJob) -> StoreResult<WriteOutcome> {
        let Db::Sqlite { writer, queue, .. } = &self.db else {
            return Err(StoreError::Other("group writes are SQLite's".into()));
        };
        let (id, answer) = queue.push(job);
        let abandoned = || StoreError::Other("write abandoned".into());
        let conn = match writer.acquire().await {
            Ok(conn) => conn,
            Err(e) if queue.take_back(id) => return Err(e.into()),
            // Another group has the job: its answer comes.
            Err(_) => return answer.await.map_err(|_| abandoned())?,
        };
        let jobs = queue.take();
        if !jobs.is_empty() {
            let task = tokio::spawn(async move {
                let mut conn: PoolConnection<Sqlite> = conn;
                run_group(&mut conn, jobs).await;
            });
            task.await
                .map_err(|e| StoreError::Other(format!("write group: {e}")))?;
        }
        answer.await.map_err(|_| abandoned())?
    }
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
                Err(e) if !e.is_domain_refusal() => return Err(e),
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

async fn run_job(conn: &mut SqliteConnection, job: &WriteJob) -> StoreResult<WriteOutcome> {
    Ok(match job {
        WriteJob::Put(b) => WriteOutcome::Batch(put_in(conn, b).await?),
        WriteJob::Ref(r) => WriteOutcome::Batch(ref_in(conn, r).await?),
        WriteJob::Commit(c) => {
            WriteOutcome::Commit(Box::new(super::sqlite_commit::commit_in(conn, c).await?))
        }
    })
}

/// The session for a write (no row lock needed: the single writer serialises), with the
/// claim at `(kind, seq)` if one was asked for, its receipt and how many batches it holds.
#[derive(sqlx::FromRow)]
pub(crate) struct LockedSession {
    #[sqlx(flatten)]
    pub view: SessionView,
    pub receipt: Option<String>,
    pub batch_count: i64,
}

pub(crate) async fn lock_session(
    conn: &mut SqliteConnection,
    session_id: &str,
    claim: Option<(DataKind, u32)>,
) -> StoreResult<Option<LockedSession>> {
    let (kind, seq) = claim.map_or(("", -1), |(k, s)| (k.wire_name(), i64::from(s)));
    Ok(sqlx::query_as(
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
    .await?)
}

/// Claims `(session, kind, seq)` and records activity, in one round trip to the database
/// thread (SQLite runs the statements of one query string in order).
#[allow(clippy::too_many_arguments)]
async fn claim(
    conn: &mut SqliteConnection,
    session_id: &str,
    npsn: &str,
    slot: Slot<'_>,
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
        .bind(slot.kind.wire_name())
        .bind(i64::from(slot.seq))
        .bind(npsn)
        .bind(slot.sha256)
        .bind(rows as i64)
        .bind(now_ms)
        .bind(expires_at_ms);
    if let Some(payload) = blob {
        q = q.bind(payload);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Claims an uploaded batch (inside the group's transaction).
async fn put_in(conn: &mut SqliteConnection, b: &NewBatch) -> StoreResult<BatchStatus> {
    let locked = lock_session(&mut *conn, &b.session_id, Some((b.kind, b.seq))).await?;
    let slot = b.slot();
    let view = locked.as_ref().map(|l| &l.view);
    if let Some(answer) = claim_answer(view, &b.npsn, b.now_ms, slot, None)? {
        return Ok(answer);
    }
    let payload = Some(b.payload_zstd.as_slice());
    claim(
        conn,
        &b.session_id,
        &b.npsn,
        slot,
        b.rows,
        b.now_ms,
        b.expires_at_ms,
        payload,
    )
    .await?;
    Ok(BatchStatus::Stored)
}

/// Claims a batch by reference (inside the group's transaction).
async fn ref_in(conn: &mut SqliteConnection, r: &BatchRefInput) -> StoreResult<BatchStatus> {
    let locked = lock_session(&mut *conn, &r.session_id, Some((r.kind, r.seq))).await?;
    let view = locked.as_ref().map(|l| &l.view);
    // A closed session answers before the content is looked up.
    let state = session_state(view, &r.npsn, r.now_ms)?;
    let blob_found = if state == shared_model::protocol::SessionState::Open {
        let blob: Option<(String, i64)> =
            sqlx::query_as("SELECT kind, rows FROM batch_blob WHERE npsn = $1 AND sha256 = $2")
                .bind(&r.npsn)
                .bind(&r.sha256)
                .fetch_optional(&mut *conn)
                .await?;
        blob.is_some_and(|(kind, rows)| kind == r.kind.wire_name() && rows == r.rows as i64)
    } else {
        false
    };
    let slot = r.slot();
    if let Some(answer) = claim_answer(view, &r.npsn, r.now_ms, slot, Some(blob_found))? {
        return Ok(answer);
    }
    claim(
        conn,
        &r.session_id,
        &r.npsn,
        slot,
        r.rows,
        r.now_ms,
        r.expires_at_ms,
        None,
    )
    .await?;
    Ok(BatchStatus::Reused)
}

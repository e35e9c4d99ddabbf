//! The SQLite commit, run inside a group of [`super::sqlite_writer`]: only batches that
//! left or joined the snapshot touch `snapshot_row` (multi-row inserts), then the batch
//! list, summary, progress entry and session state in one round trip.

use sqlx::sqlite::SqliteArguments;
use sqlx::{AssertSqlSafe, Sqlite, SqliteConnection};

use crate::sending::claim::{commit_answer, session_state};
use crate::sending::sqlite_writer::lock_session;
use crate::sending::storage::{counts_array, snapshot_delta};
use crate::storage::{
    CommitBatch, CommitOutcome, Dialect, PreparedCommit, SnapshotRow, StoreResult, parse_kind,
    to_json,
};

/// Rows per multi-row `INSERT` (5 parameters each, below SQLite's limit of 32,766).
const INSERT_CHUNK: usize = 500;
/// Batches per multi-row `snapshot_batch` insert (4 parameters each).
const BATCH_LIST_CHUNK: usize = 2_000;

/// Applies a prepared commit (inside the group's transaction).
pub(crate) async fn commit_in(
    conn: &mut SqliteConnection,
    c: &PreparedCommit,
) -> StoreResult<CommitOutcome> {
    let locked = lock_session(&mut *conn, &c.session_id, None).await?;
    let state = session_state(locked.as_ref().map(|l| &l.view), &c.npsn, c.now_ms)?;
    let (receipt, held) = locked.map_or((None, 0), |l| (l.receipt, l.batch_count));
    if let Some(receipt) = commit_answer(state, receipt.as_deref(), held, c.batches.len())? {
        return Ok(CommitOutcome::AlreadyCommitted(receipt));
    }
    replace_rows(conn, c).await?;
    write_snapshot(conn, c).await?;
    Ok(CommitOutcome::Committed(c.receipt.clone()))
}

/// Rows: only batches that left or joined the snapshot are touched.
async fn replace_rows(conn: &mut SqliteConnection, c: &PreparedCommit) -> StoreResult<()> {
    let old_rows: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, sha256 FROM snapshot_batch WHERE npsn = $1")
            .bind(&c.npsn)
            .fetch_all(&mut *conn)
            .await?;
    let old = old_rows
        .into_iter()
        .map(|(k, s)| Ok((parse_kind(&k)?, s)))
        .collect::<StoreResult<Vec<_>>>()?;
    let (removed, added) = snapshot_delta(&old, &c.batches);
    for (kind, sha) in &removed {
        sqlx::query("DELETE FROM snapshot_row WHERE npsn = $1 AND kind = $2 AND batch_sha256 = $3")
            .bind(&c.npsn)
            .bind(kind.wire_name())
            .bind(sha)
            .execute(&mut *conn)
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
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Batch list, summary, progress entry and session state: one round trip (very long batch
/// lists continue in more).
async fn write_snapshot(conn: &mut SqliteConnection, c: &PreparedCommit) -> StoreResult<()> {
    let mut sql = Dialect::Sqlite.sql().commit_snapshot.clone();
    let (first, rest) = c.batches.split_at(c.batches.len().min(BATCH_LIST_CHUNK));
    if !first.is_empty() {
        sql.push_str(&snapshot_batch_insert_sql(first.len(), 20));
    }
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(&c.npsn)
        .bind(&c.session_id)
        .bind(c.now_ms)
        .bind(&c.receipt.helper_version)
        .bind(&c.receipt.username_ops);
    for v in counts_array(&c.counts) {
        q = q.bind(v);
    }
    q = q
        .bind(&c.nama)
        .bind(&c.bentuk)
        .bind(&c.status)
        .bind(&c.summary_json)
        .bind(&c.public_json)
        .bind(to_json(&c.receipt)?);
    bind_batch_list(q, first).execute(&mut *conn).await?;
    for chunk in rest.chunks(BATCH_LIST_CHUNK) {
        let q = sqlx::query(AssertSqlSafe(snapshot_batch_insert_sql(chunk.len(), 2))).bind(&c.npsn);
        bind_batch_list(q, chunk).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Binds `(kind, seq, sha256, rows)` of each batch, in the order of
/// [`snapshot_batch_insert_sql`].
fn bind_batch_list<'q>(
    mut q: sqlx::query::Query<'q, Sqlite, SqliteArguments>,
    batches: &'q [CommitBatch],
) -> sqlx::query::Query<'q, Sqlite, SqliteArguments> {
    for b in batches {
        q = q
            .bind(b.kind.wire_name())
            .bind(i64::from(b.seq))
            .bind(&b.sha256)
            .bind(b.rows.len() as i64);
    }
    q
}

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

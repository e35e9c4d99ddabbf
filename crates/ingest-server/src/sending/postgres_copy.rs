//! The PostgreSQL hot path: one-statement batch claims and commits that stream the new
//! snapshot rows with `COPY … FROM STDIN`. The rules each write follows are in
//! [`crate::sending::claim`]. No session lock for claims: the claim's primary key settles a race
//! between two uploads of one slot (the loser retries once and answers
//! `duplicate`/`batch_conflict`); a commit locks its session row.

use shared_model::DataKind;
use shared_model::protocol::BatchStatus;
use sqlx::{PgConnection, PgPool};

use crate::sending::claim::{SessionView, claim_answer, commit_answer, session_state};
use crate::sending::storage::{counts_array, snapshot_delta};
use crate::storage::{
    BatchRefInput, CommitOutcome, Dialect, NewBatch, PreparedCommit, SnapshotRow, StoreError,
    StoreResult, parse_kind, to_json,
};

/// Bytes of COPY data sent per message.
const COPY_CHUNK_BYTES: usize = 1 << 20;

/// The answer of a one-statement claim.
#[derive(sqlx::FromRow)]
struct ClaimRow {
    #[sqlx(flatten)]
    view: SessionView,
    claimed: i64,
    #[sqlx(default)]
    blob_ok: Option<bool>,
}

pub(crate) async fn put_batch(pool: &PgPool, b: &NewBatch) -> StoreResult<BatchStatus> {
    match try_put_batch(pool, b).await {
        Err(e) if e.is_unique_violation() => try_put_batch(pool, b).await,
        other => other,
    }
}

pub(crate) async fn ref_batch(pool: &PgPool, r: &BatchRefInput) -> StoreResult<BatchStatus> {
    match try_ref_batch(pool, r).await {
        Err(e) if e.is_unique_violation() => try_ref_batch(pool, r).await,
        other => other,
    }
}

/// Claims a batch in one statement (one round trip, atomic): read the session and the
/// claim at `(kind, seq)`, and only when the session is open and the slot free, store the
/// body (once per school and content), claim the slot and record activity (at most once a
/// minute).
async fn try_put_batch(pool: &PgPool, b: &NewBatch) -> StoreResult<BatchStatus> {
    let row: Option<ClaimRow> = sqlx::query_as(
        "WITH s AS (
             SELECT npsn, state, expires_at_ms FROM send_session WHERE session_id = $7
         ), held AS (
             SELECT sha256 FROM session_batch WHERE session_id = $7 AND kind = $3 AND seq = $8
         ), ok AS (
             SELECT 1 FROM s
             WHERE s.npsn = $1 AND s.state = 'open' AND s.expires_at_ms > $6 AND NOT EXISTS (SELECT 1 FROM held)
         ), blob AS (
             INSERT INTO batch_blob (npsn, sha256, kind, rows, payload, created_at_ms)
             SELECT $1::text, $2::text, $3::text, $4::bigint, $5::bytea, $6::bigint FROM ok
             ON CONFLICT (npsn, sha256) DO NOTHING
         ), claim AS (
             INSERT INTO session_batch (session_id, kind, seq, npsn, sha256, rows, received_at_ms)
             SELECT $7::text, $3::text, $8::bigint, $1::text, $2::text, $4::bigint, $6::bigint FROM ok
             RETURNING 1
         ), touch AS (
             UPDATE send_session SET last_activity_ms = $6, expires_at_ms = $9
             WHERE session_id = $7 AND EXISTS (SELECT 1 FROM ok) AND expires_at_ms < $9 - 60000
         )
         SELECT s.npsn, s.state, s.expires_at_ms, (SELECT sha256 FROM held) AS held,
                (SELECT COUNT(*) FROM claim) AS claimed
         FROM s",
    )
    .bind(&b.npsn)
    .bind(&b.sha256)
    .bind(b.kind.wire_name())
    .bind(b.rows as i64)
    .bind(&b.payload_zstd)
    .bind(b.now_ms)
    .bind(&b.session_id)
    .bind(i64::from(b.seq))
    .bind(b.expires_at_ms)
    .fetch_optional(pool)
    .await?;
    let slot = b.slot();
    let view = row.as_ref().map(|r| &r.view);
    if let Some(answer) = claim_answer(view, &b.npsn, b.now_ms, slot, None)? {
        return Ok(answer);
    }
    claimed(row.as_ref(), BatchStatus::Stored)
}

/// Claims a batch by reference in one statement (see [`try_put_batch`]).
async fn try_ref_batch(pool: &PgPool, r: &BatchRefInput) -> StoreResult<BatchStatus> {
    let row: Option<ClaimRow> = sqlx::query_as(
        "WITH s AS (
             SELECT npsn, state, expires_at_ms FROM send_session WHERE session_id = $6
         ), held AS (
             SELECT sha256 FROM session_batch WHERE session_id = $6 AND kind = $3 AND seq = $7
         ), blob AS (
             SELECT 1 FROM batch_blob WHERE npsn = $1 AND sha256 = $2 AND kind = $3 AND rows = $4
         ), ok AS (
             SELECT 1 FROM s
             WHERE s.npsn = $1 AND s.state = 'open' AND s.expires_at_ms > $5
               AND NOT EXISTS (SELECT 1 FROM held) AND EXISTS (SELECT 1 FROM blob)
         ), claim AS (
             INSERT INTO session_batch (session_id, kind, seq, npsn, sha256, rows, received_at_ms)
             SELECT $6::text, $3::text, $7::bigint, $1::text, $2::text, $4::bigint, $5::bigint FROM ok
             RETURNING 1
         ), touch AS (
             UPDATE send_session SET last_activity_ms = $5, expires_at_ms = $8
             WHERE session_id = $6 AND EXISTS (SELECT 1 FROM ok) AND expires_at_ms < $8 - 60000
         )
         SELECT s.npsn, s.state, s.expires_at_ms, (SELECT sha256 FROM held) AS held,
                EXISTS (SELECT 1 FROM blob) AS blob_ok, (SELECT COUNT(*) FROM claim) AS claimed
         FROM s",
    )
    .bind(&r.npsn)
    .bind(&r.sha256)
    .bind(r.kind.wire_name())
    .bind(r.rows as i64)
    .bind(r.now_ms)
    .bind(&r.session_id)
    .bind(i64::from(r.seq))
    .bind(r.expires_at_ms)
    .fetch_optional(pool)
    .await?;
    let slot = r.slot();
    let view = row.as_ref().map(|r| &r.view);
    let blob_found = row.as_ref().and_then(|r| r.blob_ok).unwrap_or(false);
    if let Some(answer) = claim_answer(view, &r.npsn, r.now_ms, slot, Some(blob_found))? {
        return Ok(answer);
    }
    claimed(row.as_ref(), BatchStatus::Reused)
}

/// The claim passed the rule: the statement must have written it.
fn claimed(row: Option<&ClaimRow>, status: BatchStatus) -> StoreResult<BatchStatus> {
    match row.map(|r| r.claimed) {
        Some(1) => Ok(status),
        _ => Err(StoreError::Other("batch claim not recorded".into())),
    }
}

/// The session of a commit, locked, with its batch count and the current batch list.
#[derive(sqlx::FromRow)]
struct CommitLock {
    #[sqlx(flatten)]
    view: SessionView,
    receipt: Option<String>,
    batch_count: i64,
    old_kinds: Vec<String>,
    old_shas: Vec<String>,
}

/// Six round trips: begin (durable), lock + checks + current batch list, COPY of new rows
/// (after deleting rows of batches that left), batch list, one statement for summary +
/// progress entry + session state, commit.
pub(crate) async fn commit(pool: &PgPool, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
    let mut tx = pool
        .begin_with("BEGIN; SET LOCAL synchronous_commit = on")
        .await?;
    let lock: Option<CommitLock> = sqlx::query_as(
        "SELECT s.npsn, s.state, s.expires_at_ms, s.receipt, NULL::text AS held,
                (SELECT COUNT(*) FROM session_batch sb WHERE sb.session_id = s.session_id) AS batch_count,
                ARRAY(SELECT sn.kind FROM snapshot_batch sn WHERE sn.npsn = $2 ORDER BY sn.kind, sn.seq) AS old_kinds,
                ARRAY(SELECT sn.sha256 FROM snapshot_batch sn WHERE sn.npsn = $2 ORDER BY sn.kind, sn.seq) AS old_shas
         FROM send_session s WHERE s.session_id = $1 FOR NO KEY UPDATE OF s",
    )
    .bind(&c.session_id)
    .bind(&c.npsn)
    .fetch_optional(&mut *tx)
    .await?;
    let state = session_state(lock.as_ref().map(|l| &l.view), &c.npsn, c.now_ms)?;
    let lock = lock.ok_or(StoreError::SessionNotFound)?;
    let answer = commit_answer(
        state,
        lock.receipt.as_deref(),
        lock.batch_count,
        c.batches.len(),
    )?;
    if let Some(receipt) = answer {
        return Ok(CommitOutcome::AlreadyCommitted(receipt));
    }
    let old = lock
        .old_kinds
        .iter()
        .zip(lock.old_shas)
        .map(|(k, s)| Ok((parse_kind(k)?, s)))
        .collect::<StoreResult<Vec<_>>>()?;
    replace_rows(&mut tx, c, &old).await?;
    write_snapshot(&mut tx, c).await?;
    tx.commit().await?;
    Ok(CommitOutcome::Committed(c.receipt.clone()))
}

/// Deletes the rows of batches that left the snapshot and copies in those of new batches.
async fn replace_rows(
    conn: &mut PgConnection,
    c: &PreparedCommit,
    old: &[(DataKind, String)],
) -> StoreResult<()> {
    let (removed, added) = snapshot_delta(old, &c.batches);
    if !removed.is_empty() {
        let kinds: Vec<&str> = removed.iter().map(|(k, _)| k.wire_name()).collect();
        let shas: Vec<&str> = removed.iter().map(|(_, s)| s.as_str()).collect();
        sqlx::query(
            "DELETE FROM snapshot_row r USING UNNEST($2::text[], $3::text[]) AS gone(kind, sha256)
             WHERE r.npsn = $1 AND r.kind = gone.kind AND r.batch_sha256 = gone.sha256",
        )
        .bind(&c.npsn)
        .bind(&kinds)
        .bind(&shas)
        .execute(&mut *conn)
        .await?;
    }
    let new_rows: Vec<(&str, DataKind, &str, &SnapshotRow)> = added
        .iter()
        .flat_map(|b| {
            b.rows
                .iter()
                .map(|r| (c.npsn.as_str(), b.kind, b.sha256.as_str(), r))
        })
        .collect();
    if !new_rows.is_empty() {
        copy_rows(conn, &new_rows).await?;
    }
    Ok(())
}

/// Batch list, summary, progress entry and session state.
async fn write_snapshot(conn: &mut PgConnection, c: &PreparedCommit) -> StoreResult<()> {
    sqlx::query("DELETE FROM snapshot_batch WHERE npsn = $1")
        .bind(&c.npsn)
        .execute(&mut *conn)
        .await?;
    let kinds: Vec<&str> = c.batches.iter().map(|b| b.kind.wire_name()).collect();
    let seqs: Vec<i64> = c.batches.iter().map(|b| i64::from(b.seq)).collect();
    let shas: Vec<&str> = c.batches.iter().map(|b| b.sha256.as_str()).collect();
    let rows: Vec<i64> = c.batches.iter().map(|b| b.rows.len() as i64).collect();
    let mut q = sqlx::query(Dialect::Postgres.sql().commit_snapshot.as_str())
        .bind(&c.npsn)
        .bind(&c.session_id)
        .bind(c.now_ms)
        .bind(&c.receipt.helper_version)
        .bind(&c.receipt.username_ops);
    for n in counts_array(&c.counts) {
        q = q.bind(n);
    }
    q.bind(&c.nama)
        .bind(&c.bentuk)
        .bind(&c.status)
        .bind(&c.summary_json)
        .bind(&c.public_json)
        .bind(to_json(&c.receipt)?)
        .bind(&kinds)
        .bind(&seqs)
        .bind(&shas)
        .bind(&rows)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Streams rows into `snapshot_row` with `COPY … FROM STDIN` (text format).
pub(crate) async fn copy_rows(
    conn: &mut PgConnection,
    rows: &[(&str, DataKind, &str, &SnapshotRow)],
) -> StoreResult<u64> {
    let mut copy = conn
        .copy_in_raw("COPY snapshot_row (npsn, kind, row_id, batch_sha256, data) FROM STDIN")
        .await?;
    let mut buf = Vec::with_capacity(COPY_CHUNK_BYTES + 64 * 1024);
    for &(npsn, kind, sha, row) in rows {
        copy_escape(&mut buf, npsn);
        buf.push(b'\t');
        buf.extend_from_slice(kind.wire_name().as_bytes());
        buf.push(b'\t');
        copy_escape(&mut buf, &row.row_id);
        buf.push(b'\t');
        copy_escape(&mut buf, sha);
        buf.push(b'\t');
        copy_escape(&mut buf, &row.data);
        buf.push(b'\n');
        if buf.len() >= COPY_CHUNK_BYTES {
            copy.send(std::mem::take(&mut buf)).await?;
            buf.reserve(COPY_CHUNK_BYTES + 64 * 1024);
        }
    }
    if !buf.is_empty() {
        copy.send(buf).await?;
    }
    Ok(copy.finish().await?)
}

/// Escapes a value for PostgreSQL `COPY … FROM STDIN` text format.
fn copy_escape(out: &mut Vec<u8>, value: &str) {
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
}

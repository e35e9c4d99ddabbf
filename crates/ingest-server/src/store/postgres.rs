//! PostgreSQL backend (chosen by a `postgres://` URL).
//!
//! The methods that are the same on both backends come from [`super::store_sql`]; this file
//! keeps the pool and what differs: row locks (`SELECT … FOR UPDATE` on the session
//! serialises claims of one session), `COPY … FROM STDIN` for snapshot rows, `JSONB` rows,
//! `BOOLEAN`/`BYTEA` types.

use std::str::FromStr;

use shared_model::DataKind;
use shared_model::protocol::{BatchStatus, SessionState};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::store_sql::store_methods;
use super::*;

/// Bytes of COPY data sent per message.
const COPY_CHUNK_BYTES: usize = 1 << 20;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to a `postgres://` URL and migrates the database.
    pub async fn open(url: &str, options: &StoreOptions) -> anyhow::Result<PostgresStore> {
        // Staging writes (batch claims, sessions, sweeps) do not wait for the WAL flush; every
        // durable write (commits, enrollment, reference data) turns it back on (`begin`).
        let connect = PgConnectOptions::from_str(url)?.options([("synchronous_commit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }

    /// Reads and writes share the one pool.
    fn reader(&self) -> &PgPool {
        &self.pool
    }

    /// A durable transaction (`synchronous_commit = on`).
    async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET LOCAL synchronous_commit = on")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// A transaction for staging writes (sessions, batch claims, sweeps) that does not wait
    /// for the WAL flush: a crash may forget the last acknowledged batches, which the
    /// helper's resume (`GET /sessions/{id}`) uploads again. Commits stay fully durable.
    async fn begin_staging(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Claims a batch in one statement (one round trip, atomic): read the session and the
    /// claim at `(kind, seq)`, and only when the session is open and the slot free, store
    /// the body (once per school and content), claim the slot and record activity (at most
    /// once a minute). No session lock: the claim's primary key settles a race between two
    /// uploads of one slot (the loser retries and answers `duplicate`/`batch_conflict`), and
    /// a session that completed all its slots can take no new claim.
    async fn try_put_batch(&self, b: &NewBatch) -> StoreResult<BatchStatus> {
        let row = sqlx::query(
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
        .fetch_optional(&self.pool)
        .await?;
        let locked = claim_outcome(row.as_ref(), &b.npsn, b.now_ms)?;
        if let Some(answer) = check_claim(&locked, b.kind, b.seq, &b.sha256) {
            return answer;
        }
        match row.map(|r| r.try_get::<i64, _>("claimed")).transpose()? {
            Some(1) => Ok(BatchStatus::Stored),
            _ => Err(StoreError::Other("batch claim not recorded".into())),
        }
    }

    /// Claims a batch by reference in one statement (see `try_put_batch`).
    async fn try_ref_batch(&self, r: &BatchRefInput) -> StoreResult<BatchStatus> {
        let row = sqlx::query(
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
        .fetch_optional(&self.pool)
        .await?;
        let locked = claim_outcome(row.as_ref(), &r.npsn, r.now_ms)?;
        if locked.state != SessionState::Open {
            return Err(StoreError::SessionClosed(locked.state));
        }
        let row = row.ok_or(StoreError::SessionNotFound)?;
        if !row.try_get::<bool, _>("blob_ok")? {
            return Err(StoreError::UnknownHash);
        }
        if let Some(answer) = check_claim(&locked, r.kind, r.seq, &r.sha256) {
            return answer;
        }
        match row.try_get::<i64, _>("claimed")? {
            1 => Ok(BatchStatus::Reused),
            _ => Err(StoreError::Other("batch claim not recorded".into())),
        }
    }
}

/// Streams rows into `snapshot_row` with `COPY … FROM STDIN` (text format).
async fn copy_rows(
    conn: &mut sqlx::PgConnection,
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

/// The session part of a write's answer, with the claim at `(kind, seq)` if asked for.
struct Locked {
    state: SessionState,
    held: Option<String>,
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

/// Reads the session part of a one-statement claim's answer.
fn claim_outcome(row: Option<&PgRow>, npsn: &str, now_ms: i64) -> StoreResult<Locked> {
    let row = row.ok_or(StoreError::SessionNotFound)?;
    if row.try_get::<String, _>("npsn")? != npsn {
        return Err(StoreError::ForbiddenNpsn);
    }
    let mut state = parse_state(&row.try_get::<String, _>("state")?)?;
    if state == SessionState::Open && now_ms >= row.try_get::<i64, _>("expires_at_ms")? {
        state = SessionState::Expired;
    }
    Ok(Locked {
        state,
        held: row.try_get("held")?,
    })
}

/// A concurrent claim of the same `(session, kind, seq)` won the race: retry once.
fn is_unique_violation(e: &StoreError) -> bool {
    matches!(e, StoreError::Db(sqlx::Error::Database(d)) if d.code().as_deref() == Some("23505"))
}

// `Store`: the shared methods of `store_sql` plus the PostgreSQL-specific ones below.
store_methods!(PostgresStore, Postgres, {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn set_setting(&self, key: &str, value: &str, now_ms: i64) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO setting (key, value, updated_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(key)
        .bind(value)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open_session(&self, s: &NewSession) -> StoreResult<Vec<String>> {
        // One statement: supersede the school's open sessions, open this one, list the
        // content the school has stored (staging durability, see `begin_staging`).
        let hashes: Vec<String> = sqlx::query_scalar(
            "WITH superseded AS (
                 UPDATE send_session SET state = 'superseded', closed_at_ms = $7
                 WHERE npsn = $2 AND state = 'open'
             ), opened AS (
                 INSERT INTO send_session (session_id, npsn, state, username_ops, helper_version, semester_id,
                                           expected, created_at_ms, last_activity_ms, expires_at_ms)
                 VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7, $8)
             )
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
        .fetch_all(&self.pool)
        .await?;
        Ok(hashes)
    }

    async fn put_batch(&self, b: &NewBatch) -> StoreResult<BatchStatus> {
        match self.try_put_batch(b).await {
            Err(e) if is_unique_violation(&e) => self.try_put_batch(b).await,
            other => other,
        }
    }

    async fn ref_batch(&self, r: &BatchRefInput) -> StoreResult<BatchStatus> {
        match self.try_ref_batch(r).await {
            Err(e) if is_unique_violation(&e) => self.try_ref_batch(r).await,
            other => other,
        }
    }

    async fn commit_session(&self, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
        // Six round trips: begin (durable), lock + checks + current batch list, COPY of new
        // rows (after deleting rows of batches that left), batch list, one statement for
        // summary + progress entry + session state, commit.
        let mut tx = self
            .pool
            .begin_with("BEGIN; SET LOCAL synchronous_commit = on")
            .await?;
        let row = sqlx::query(
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
        let locked = claim_outcome(row.as_ref(), &c.npsn, c.now_ms)?;
        let row = row.ok_or(StoreError::SessionNotFound)?;
        match locked.state {
            SessionState::Open => {}
            SessionState::Committed => {
                let receipt: Option<String> = row.try_get("receipt")?;
                let receipt = receipt.ok_or_else(|| StoreError::Other("receipt missing".into()))?;
                return Ok(CommitOutcome::AlreadyCommitted(from_json(&receipt)?));
            }
            other => return Err(StoreError::SessionClosed(other)),
        }
        if row.try_get::<i64, _>("batch_count")? as usize != c.batches.len() {
            return Err(StoreError::Other(
                "session batches changed during commit".into(),
            ));
        }
        let old_kinds: Vec<String> = row.try_get("old_kinds")?;
        let old_shas: Vec<String> = row.try_get("old_shas")?;
        let old = old_kinds
            .iter()
            .zip(old_shas)
            .map(|(k, s)| Ok((parse_kind(k)?, s)))
            .collect::<StoreResult<Vec<_>>>()?;
        let (removed, added) = snapshot_delta(&old, &c.batches);
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
            .execute(&mut *tx)
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
            copy_rows(&mut tx, &new_rows).await?;
        }
        sqlx::query("DELETE FROM snapshot_batch WHERE npsn = $1")
            .bind(&c.npsn)
            .execute(&mut *tx)
            .await?;
        let kinds: Vec<&str> = c.batches.iter().map(|b| b.kind.wire_name()).collect();
        let seqs: Vec<i64> = c.batches.iter().map(|b| i64::from(b.seq)).collect();
        let shas: Vec<&str> = c.batches.iter().map(|b| b.sha256.as_str()).collect();
        let rows: Vec<i64> = c.batches.iter().map(|b| b.rows.len() as i64).collect();
        let n = counts_array(&c.counts);
        sqlx::query(
            "WITH batches AS (
                 INSERT INTO snapshot_batch (npsn, kind, seq, sha256, rows)
                 SELECT $1, * FROM UNNEST($20::text[], $21::bigint[], $22::text[], $23::bigint[])
             ), snapshot AS (
                 INSERT INTO school_snapshot (npsn, session_id, tanggal_kirim_ms, helper_version, username_ops,
                    sekolah, peserta_didik, ptk, riwayat_kepangkatan, riwayat_pendidikan, rombel, anggota_rombel,
                    pembelajaran, nama, bentuk, status, summary, public)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                 ON CONFLICT (npsn) DO UPDATE SET session_id = excluded.session_id,
                    tanggal_kirim_ms = excluded.tanggal_kirim_ms, helper_version = excluded.helper_version,
                    username_ops = excluded.username_ops, sekolah = excluded.sekolah,
                    peserta_didik = excluded.peserta_didik, ptk = excluded.ptk,
                    riwayat_kepangkatan = excluded.riwayat_kepangkatan,
                    riwayat_pendidikan = excluded.riwayat_pendidikan, rombel = excluded.rombel,
                    anggota_rombel = excluded.anggota_rombel, pembelajaran = excluded.pembelajaran,
                    nama = excluded.nama, bentuk = excluded.bentuk, status = excluded.status,
                    summary = excluded.summary, public = excluded.public
             ), progres AS (
                 INSERT INTO progres_kirim (npsn, session_id, tanggal_kirim_ms, sekolah, peserta_didik, ptk,
                    riwayat_kepangkatan, riwayat_pendidikan, rombel, anggota_rombel, pembelajaran, helper_version,
                    username_ops)
                 VALUES ($1, $2, $3, $6, $7, $8, $9, $10, $11, $12, $13, $4, $5)
             )
             UPDATE send_session SET state = 'committed', closed_at_ms = $3, last_activity_ms = $3, receipt = $19
             WHERE session_id = $2",
        )
        .bind(&c.npsn)
        .bind(&c.session_id)
        .bind(c.now_ms)
        .bind(&c.receipt.helper_version)
        .bind(&c.receipt.username_ops)
        .bind(n[0])
        .bind(n[1])
        .bind(n[2])
        .bind(n[3])
        .bind(n[4])
        .bind(n[5])
        .bind(n[6])
        .bind(n[7])
        .bind(&c.nama)
        .bind(&c.bentuk)
        .bind(&c.status)
        .bind(&c.summary_json)
        .bind(&c.public_json)
        .bind(to_json(&c.receipt)?)
        .bind(&kinds)
        .bind(&seqs)
        .bind(&shas)
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(CommitOutcome::Committed(c.receipt.clone()))
    }

    async fn bulk_load_rows(&self, rows: &[BulkRow]) -> StoreResult<u64> {
        let rows: Vec<(&str, DataKind, &str, &SnapshotRow)> = rows
            .iter()
            .map(|r| (r.npsn.as_str(), r.kind, "bulk", &r.row))
            .collect();
        let mut tx = self.begin().await?;
        let n = copy_rows(&mut tx, &rows).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn clear_snapshot_rows(&self) -> StoreResult<()> {
        sqlx::query("TRUNCATE snapshot_row")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
});

//! Storage of sending: sessions, batch claims and commits. The claims and commits are the
//! hot writes and run per backend ([`crate::sending::sqlite_writer`], [`crate::sending::postgres_copy`]);
//! their rules are in [`crate::sending::claim`].

use std::collections::{BTreeMap, HashSet};

use shared_model::protocol::{BatchStatus, CommitReceipt, KindExpectation, SessionState};
use shared_model::{DataKind, KindCounts};

use crate::storage::query::query;
use crate::storage::{Db, Storage, StoreResult, from_json, parse_kind, parse_state, to_json};

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

/// `send_session` as stored (state and JSON as text).
#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: String,
    npsn: String,
    state: String,
    username_ops: String,
    helper_version: String,
    semester_id: Option<String>,
    expected: String,
    created_at_ms: i64,
    last_activity_ms: i64,
    expires_at_ms: i64,
    receipt: Option<String>,
}

impl SessionRow {
    fn into_record(self) -> StoreResult<SessionRecord> {
        Ok(SessionRecord {
            session_id: self.session_id,
            npsn: self.npsn,
            state: parse_state(&self.state)?,
            username_ops: self.username_ops,
            helper_version: self.helper_version,
            semester_id: self.semester_id,
            expected: from_json(&self.expected)?,
            created_at_ms: self.created_at_ms,
            last_activity_ms: self.last_activity_ms,
            expires_at_ms: self.expires_at_ms,
            receipt: self.receipt.as_deref().map(from_json).transpose()?,
        })
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

impl From<&StagedBatch> for HeldBatch {
    fn from(b: &StagedBatch) -> Self {
        HeldBatch {
            kind: b.kind,
            seq: b.seq,
            sha256: b.sha256.clone(),
            rows: b.rows,
        }
    }
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
    /// `SekolahPublic` as JSON, served by `GET /api/v1/sekolah/{npsn}`.
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

pub(crate) fn counts_array(c: &KindCounts) -> [i64; 8] {
    c.0.map(|v| v as i64)
}

/// Which batches of a new snapshot must be inserted and which old ones removed
/// (by `(kind, sha256)`; unchanged content keeps its rows).
pub(crate) fn snapshot_delta<'a>(
    old: &[(DataKind, String)],
    new: &'a [CommitBatch],
) -> (Vec<(DataKind, String)>, Vec<&'a CommitBatch>) {
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

impl Storage {
    /// Opens a session, superseding the school's other open sessions. Returns the hashes
    /// of content the server holds for the school (for delta references).
    pub async fn open_session(&self, s: &NewSession) -> StoreResult<Vec<String>> {
        let expected = to_json(&s.expected)?;
        // Supersede, open and list the school's stored content in one round trip.
        let q = query(self.dialect().sql().open_session)
            .bind(&s.session_id)
            .bind(&s.npsn)
            .bind(&s.username_ops)
            .bind(&s.helper_version)
            .bind(&s.semester_id)
            .bind(&expected)
            .bind(s.now_ms)
            .bind(s.expires_at_ms);
        match &self.db {
            // Several statements: atomic only inside a transaction.
            Db::Sqlite { .. } => {
                let mut tx = self.begin().await?;
                let hashes = q.scalars(tx.exec()).await?;
                tx.commit().await?;
                Ok(hashes)
            }
            // One statement with staging durability (see `begin_staging`).
            Db::Postgres { .. } => q.scalars(self.read()).await,
        }
    }

    pub async fn session(&self, session_id: &str) -> StoreResult<Option<SessionRecord>> {
        let row: Option<SessionRow> = query("SELECT * FROM send_session WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(self.read())
            .await?;
        row.map(SessionRow::into_record).transpose()
    }

    /// Batches a session holds, by kind then seq.
    pub async fn session_batches(&self, session_id: &str) -> StoreResult<Vec<HeldBatch>> {
        let rows: Vec<(String, i64, String, i64)> =
            query("SELECT kind, seq, sha256, rows FROM session_batch WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(self.read())
                .await?;
        let mut out = rows
            .into_iter()
            .map(|(kind, seq, sha256, rows)| {
                Ok(HeldBatch {
                    kind: parse_kind(&kind)?,
                    seq: seq as u32,
                    sha256,
                    rows: rows as u64,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by_key(|b| (b.kind, b.seq));
        Ok(out)
    }

    /// The staged batches of a session with their bodies (commit input).
    pub async fn staged_batches(&self, session_id: &str) -> StoreResult<Vec<StagedBatch>> {
        let rows: Vec<(String, i64, String, i64, Vec<u8>)> = query(
            "SELECT sb.kind, sb.seq, sb.sha256, sb.rows, b.payload FROM session_batch sb
             JOIN batch_blob b ON b.npsn = sb.npsn AND b.sha256 = sb.sha256
             WHERE sb.session_id = $1",
        )
        .bind(session_id)
        .fetch_all(self.read())
        .await?;
        let mut out = rows
            .into_iter()
            .map(|(kind, seq, sha256, rows, payload_zstd)| {
                Ok(StagedBatch {
                    kind: parse_kind(&kind)?,
                    seq: seq as u32,
                    sha256,
                    rows: rows as u64,
                    payload_zstd,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by_key(|b| (b.kind, b.seq));
        Ok(out)
    }

    /// Stages an uploaded batch (idempotent by `(session, kind, seq)` and hash).
    pub async fn put_batch(&self, b: &NewBatch) -> StoreResult<BatchStatus> {
        match &self.db {
            Db::Sqlite { .. } => self.sqlite_put_batch(b).await,
            Db::Postgres { pool } => crate::sending::postgres_copy::put_batch(pool, b).await,
        }
    }

    /// Stages a batch by reference to stored content of the same school.
    pub async fn ref_batch(&self, r: &BatchRefInput) -> StoreResult<BatchStatus> {
        match &self.db {
            Db::Sqlite { .. } => self.sqlite_ref_batch(r).await,
            Db::Postgres { pool } => crate::sending::postgres_copy::ref_batch(pool, r).await,
        }
    }

    /// Applies a prepared commit in one transaction (re-checking that the session is still
    /// open and complete).
    pub async fn commit_session(&self, c: &PreparedCommit) -> StoreResult<CommitOutcome> {
        match &self.db {
            Db::Sqlite { .. } => self.sqlite_commit(c).await,
            Db::Postgres { pool } => crate::sending::postgres_copy::commit(pool, c).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

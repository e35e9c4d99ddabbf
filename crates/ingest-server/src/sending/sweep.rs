//! The periodic cleanup: expire idle send sessions, delete old ones and unreferenced
//! batch bodies.

use crate::storage::query::query;
use crate::storage::{Storage, StoreResult};

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

impl Storage {
    /// Expires idle sessions, deletes old closed sessions and unreferenced blobs.
    pub async fn sweep(&self, p: SweepPolicy) -> StoreResult<SweepReport> {
        let mut tx = self.begin_staging().await?;
        let sessions_expired = query(
            "UPDATE send_session SET state = 'expired', closed_at_ms = $1 WHERE state = 'open' AND expires_at_ms <= $1",
        )
        .bind(p.now_ms)
        .execute(tx.exec())
        .await?;
        let batches_deleted = query(
            "DELETE FROM session_batch WHERE session_id IN
                (SELECT session_id FROM send_session WHERE state IN ('expired', 'superseded'))",
        )
        .execute(tx.exec())
        .await?;
        let sessions_deleted =
            query("DELETE FROM send_session WHERE state <> 'open' AND closed_at_ms <= $1")
                .bind(p.now_ms - p.closed_session_retention_ms)
                .execute(tx.exec())
                .await?;
        let blobs_deleted = query(
            "DELETE FROM batch_blob WHERE created_at_ms <= $1
               AND NOT EXISTS (SELECT 1 FROM session_batch sb WHERE sb.npsn = batch_blob.npsn AND sb.sha256 = batch_blob.sha256)
               AND NOT EXISTS (SELECT 1 FROM snapshot_batch sn WHERE sn.npsn = batch_blob.npsn AND sn.sha256 = batch_blob.sha256)",
        )
        .bind(p.now_ms - p.blob_grace_ms)
        .execute(tx.exec())
        .await?;
        tx.commit().await?;
        Ok(SweepReport {
            sessions_expired,
            batches_deleted,
            sessions_deleted,
            blobs_deleted,
        })
    }
}

//! Raw loads for the ingest benchmark's baseline.

use shared_model::DataKind;

use crate::storage::query::query;
use crate::storage::{Db, SnapshotRow, Storage, StoreResult};

/// A row for [`Storage::bulk_load_rows`].
#[derive(Debug, Clone)]
pub struct BulkRow {
    pub npsn: String,
    pub kind: DataKind,
    pub row: SnapshotRow,
}

impl Storage {
    /// Raw bulk load of rows into `snapshot_row` in one transaction (COPY on PostgreSQL, one
    /// prepared single-row `INSERT` on SQLite): the baseline of the ingest benchmark.
    pub async fn bulk_load_rows(&self, rows: &[BulkRow]) -> StoreResult<u64> {
        match &self.db {
            Db::Sqlite { writer, .. } => {
                let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
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
            Db::Postgres { pool } => {
                let rows: Vec<(&str, DataKind, &str, &SnapshotRow)> = rows
                    .iter()
                    .map(|r| (r.npsn.as_str(), r.kind, "bulk", &r.row))
                    .collect();
                let mut tx = pool
                    .begin_with("BEGIN; SET LOCAL synchronous_commit = on")
                    .await?;
                let n = crate::sending::postgres_copy::copy_rows(&mut tx, &rows).await?;
                tx.commit().await?;
                Ok(n)
            }
        }
    }

    /// Deletes every snapshot row (benchmark reset).
    pub async fn clear_snapshot_rows(&self) -> StoreResult<()> {
        let sql = match self.db {
            Db::Sqlite { .. } => "DELETE FROM snapshot_row",
            Db::Postgres { .. } => "TRUNCATE snapshot_row",
        };
        self.write(query(sql)).await?;
        Ok(())
    }
}

//! The outbox: the pulled snapshot, its batches and their upload state, in SQLite.
//!
//! Everything needed to finish a send is written (WAL, `synchronous=FULL`) before the first
//! byte goes to the server, and every acknowledged batch is marked in its own transaction,
//! so a crash, reboot or power cut at any point leaves a send that the next start resumes.
//! Bodies are deleted once the server has committed the send.

mod records;
pub mod schema;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use shared_model::DataKind;
use shared_model::protocol::{CommitReceipt, KindExpectation};

use records::SendRecordRaw;
pub use records::{BatchMeta, NewBatch, NewSend, OutboxError, Result, SendRecord, SendState};

/// How many finished sends `status` keeps (older ones are pruned).
const KEEP_FINISHED: i64 = 50;

/// Handle to the outbox database; cheap to clone, safe to share between threads.
#[derive(Clone)]
pub struct Outbox {
    conn: Arc<Mutex<Connection>>,
}

fn now_utc() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Outbox {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| OutboxError(format!("{}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path)?;
        schema::prepare(&conn)?;
        Ok(Outbox {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self
            .conn
            .lock()
            .map_err(|_| OutboxError("kunci outbox rusak".into()))?;
        f(&mut guard)
    }

    /// Stores a pulled snapshot and all its batches in one transaction.
    pub fn create_send(&self, new: &NewSend, batches: &[NewBatch]) -> Result<i64> {
        let mut expected: BTreeMap<DataKind, KindExpectation> = DataKind::ALL
            .into_iter()
            .map(|k| (k, KindExpectation::default()))
            .collect();
        for b in batches {
            let e = expected.entry(b.kind).or_default();
            e.rows += b.rows;
            e.batches += 1;
        }
        let expected_json = serde_json::to_string(&expected)?;
        let preview_json = serde_json::to_string(&new.preview)?;
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO sends (npsn, username_ops, semester_id, server_url, created_utc, state,
                                    expected_json, preview_json, raw_bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'prepared', ?6, ?7, ?8)",
                params![
                    new.npsn,
                    new.username_ops,
                    new.semester_id,
                    new.server_url,
                    now_utc(),
                    expected_json,
                    preview_json,
                    new.raw_bytes as i64
                ],
            )?;
            let id = tx.last_insert_rowid();
            {
                let mut stmt = tx.prepare(
                    "INSERT INTO batches (send_id, kind, seq, sha256, rows, raw_len, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for b in batches {
                    stmt.execute(params![
                        id,
                        b.kind.wire_name(),
                        b.seq,
                        b.sha256,
                        b.rows as i64,
                        b.raw_len as i64,
                        b.body_zstd
                    ])?;
                }
            }
            tx.commit()?;
            Ok(id)
        })
    }

    const SEND_COLUMNS: &'static str = "id, npsn, username_ops, semester_id, server_url, created_utc, state, session_id,
         expected_json, preview_json, raw_bytes, wire_bytes, receipt_json, finished_utc, last_error";

    pub fn send(&self, id: i64) -> Result<Option<SendRecord>> {
        let sql = format!("SELECT {} FROM sends WHERE id = ?1", Self::SEND_COLUMNS);
        let raw = self.with(|c| Ok(c.query_row(&sql, [id], SendRecordRaw::read).optional()?))?;
        raw.map(SendRecordRaw::decode).transpose()
    }

    /// The newest send that is neither committed nor abandoned (any NPSN when `None`).
    pub fn unfinished(&self, npsn: Option<&str>) -> Result<Option<SendRecord>> {
        let sql = format!(
            "SELECT {} FROM sends WHERE state IN ('prepared', 'open') AND (?1 IS NULL OR npsn = ?1)
             ORDER BY id DESC LIMIT 1",
            Self::SEND_COLUMNS
        );
        let raw =
            self.with(|c| Ok(c.query_row(&sql, [npsn], SendRecordRaw::read).optional()?))?;
        raw.map(SendRecordRaw::decode).transpose()
    }

    /// The newest committed send.
    pub fn last_committed(&self, npsn: Option<&str>) -> Result<Option<SendRecord>> {
        let sql = format!(
            "SELECT {} FROM sends WHERE state = 'committed' AND (?1 IS NULL OR npsn = ?1)
             ORDER BY id DESC LIMIT 1",
            Self::SEND_COLUMNS
        );
        let raw =
            self.with(|c| Ok(c.query_row(&sql, [npsn], SendRecordRaw::read).optional()?))?;
        raw.map(SendRecordRaw::decode).transpose()
    }

    /// Remembers the server session (or forgets it with `None`, back to `prepared`).
    pub fn set_session(&self, send_id: i64, session_id: Option<&str>) -> Result<()> {
        let state = if session_id.is_some() {
            SendState::Open
        } else {
            SendState::Prepared
        };
        self.with(|c| {
            c.execute(
                "UPDATE sends SET session_id = ?2, state = ?3 WHERE id = ?1",
                params![send_id, session_id, state.as_str()],
            )?;
            Ok(())
        })
    }

    /// Moves a send to another server: its session there is unknown, every batch pending.
    pub fn retarget(&self, send_id: i64, server_url: &str) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE sends SET server_url = ?2, session_id = NULL, state = 'prepared' WHERE id = ?1",
                params![send_id, server_url],
            )?;
            tx.execute("UPDATE batches SET done = 0, status = NULL WHERE send_id = ?1", [send_id])?;
            tx.commit()?;
            Ok(())
        })
    }

    pub fn batches(&self, send_id: i64) -> Result<Vec<BatchMeta>> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT kind, seq, sha256, rows, raw_len, length(body), done, status FROM batches
                 WHERE send_id = ?1 ORDER BY kind, seq",
            )?;
            let rows = stmt.query_map([send_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (kind, seq, sha256, rows, raw_len, wire_len, done, status) = row?;
                let kind = DataKind::from_wire_name(&kind)
                    .ok_or_else(|| OutboxError(format!("jenis {kind}")))?;
                out.push(BatchMeta {
                    kind,
                    seq,
                    sha256,
                    rows: rows as u64,
                    raw_len: raw_len as u64,
                    wire_len: wire_len as u64,
                    done,
                    status,
                });
            }
            out.sort_by_key(|b| (b.kind, b.seq));
            Ok(out)
        })
    }

    /// The compressed body of one batch.
    pub fn batch_body(&self, send_id: i64, kind: DataKind, seq: u32) -> Result<Vec<u8>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT body FROM batches WHERE send_id = ?1 AND kind = ?2 AND seq = ?3",
                params![send_id, kind.wire_name(), seq],
                |r| r.get(0),
            )?)
        })
    }

    /// Marks one batch acknowledged by the server, and counts the bytes it took.
    pub fn mark_done(
        &self,
        send_id: i64,
        kind: DataKind,
        seq: u32,
        status: &str,
        wire_bytes: u64,
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE batches SET done = 1, status = ?4 WHERE send_id = ?1 AND kind = ?2 AND seq = ?3",
                params![send_id, kind.wire_name(), seq, status],
            )?;
            tx.execute(
                "UPDATE sends SET wire_bytes = wire_bytes + ?2 WHERE id = ?1",
                params![send_id, wire_bytes as i64],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Adds bytes spent outside batches (session open, status, commit).
    pub fn add_wire_bytes(&self, send_id: i64, bytes: u64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE sends SET wire_bytes = wire_bytes + ?2 WHERE id = ?1",
                params![send_id, bytes as i64],
            )?;
            Ok(())
        })
    }

    /// Sets every batch's done flag from what the server says it holds.
    pub fn sync_done(&self, send_id: i64, held: &BTreeMap<DataKind, Vec<u32>>) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("UPDATE batches SET done = 0 WHERE send_id = ?1", [send_id])?;
            {
                let mut stmt = tx.prepare(
                    "UPDATE batches SET done = 1, status = COALESCE(status, 'held')
                     WHERE send_id = ?1 AND kind = ?2 AND seq = ?3",
                )?;
                for (kind, seqs) in held {
                    for seq in seqs {
                        stmt.execute(params![send_id, kind.wire_name(), seq])?;
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    pub fn record_error(&self, send_id: i64, code: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE sends SET last_error = ?2 WHERE id = ?1",
                params![send_id, code],
            )?;
            Ok(())
        })
    }

    /// Records the receipt, drops the bodies and prunes old history.
    pub fn mark_committed(&self, send_id: i64, receipt: &CommitReceipt) -> Result<()> {
        let receipt_json = serde_json::to_string(receipt)?;
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE sends SET state = 'committed', receipt_json = ?2, finished_utc = ?3, last_error = NULL,
                                  session_id = ?4
                 WHERE id = ?1",
                params![send_id, receipt_json, now_utc(), receipt.session_id],
            )?;
            tx.execute("DELETE FROM batches WHERE send_id = ?1", [send_id])?;
            Self::prune(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Gives up on a send (too old, or replaced by a newer pull).
    pub fn mark_abandoned(&self, send_id: i64, reason: &str) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE sends SET state = 'abandoned', finished_utc = ?2, last_error = ?3 WHERE id = ?1",
                params![send_id, now_utc(), reason],
            )?;
            tx.execute("DELETE FROM batches WHERE send_id = ?1", [send_id])?;
            Self::prune(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn prune(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        tx.execute(
            "DELETE FROM sends WHERE state IN ('committed', 'abandoned') AND id NOT IN (
                SELECT id FROM sends WHERE state IN ('committed', 'abandoned') ORDER BY id DESC LIMIT ?1)",
            [KEEP_FINISHED],
        )?;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;

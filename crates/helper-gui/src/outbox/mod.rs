//! The outbox: the pulled snapshot, its batches and their upload state, in SQLite.
//!
//! Everything needed to finish a send is written (WAL, `synchronous=FULL`) before the first
//! byte goes to the server, and every acknowledged batch is marked in its own transaction,
//! so a crash, reboot or power cut at any point leaves a send that the next start resumes.
//! Bodies are deleted once the server has committed the send.

pub mod schema;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use shared_model::DataKind;
use shared_model::protocol::{CommitReceipt, KindExpectation};

use crate::preview::Preview;

/// How many finished sends `status` keeps (older ones are pruned).
const KEEP_FINISHED: i64 = 50;

#[derive(Debug, thiserror::Error)]
#[error("outbox: {0}")]
pub struct OutboxError(String);

impl From<rusqlite::Error> for OutboxError {
    fn from(e: rusqlite::Error) -> Self {
        OutboxError(e.to_string())
    }
}

impl From<serde_json::Error> for OutboxError {
    fn from(e: serde_json::Error) -> Self {
        OutboxError(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, OutboxError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    Prepared,
    Open,
    Committed,
    Abandoned,
}

impl SendState {
    fn as_str(self) -> &'static str {
        match self {
            SendState::Prepared => "prepared",
            SendState::Open => "open",
            SendState::Committed => "committed",
            SendState::Abandoned => "abandoned",
        }
    }

    fn parse(s: &str) -> SendState {
        match s {
            "prepared" => SendState::Prepared,
            "open" => SendState::Open,
            "committed" => SendState::Committed,
            _ => SendState::Abandoned,
        }
    }
}

/// One send as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct SendRecord {
    pub id: i64,
    pub npsn: String,
    pub username_ops: String,
    pub semester_id: Option<String>,
    pub server_url: String,
    pub created_utc: String,
    pub state: SendState,
    pub session_id: Option<String>,
    pub expected: BTreeMap<DataKind, KindExpectation>,
    pub preview: Option<Preview>,
    pub raw_bytes: u64,
    pub wire_bytes: u64,
    pub receipt: Option<CommitReceipt>,
    pub finished_utc: Option<String>,
    pub last_error: Option<String>,
}

/// A batch to store (body already compressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: u64,
    pub raw_len: u64,
    pub body_zstd: Vec<u8>,
}

/// A batch's bookkeeping without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchMeta {
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: String,
    pub rows: u64,
    pub raw_len: u64,
    pub wire_len: u64,
    pub done: bool,
    pub status: Option<String>,
}

/// What a new send needs besides its batches.
#[derive(Debug, Clone)]
pub struct NewSend {
    pub npsn: String,
    pub username_ops: String,
    pub semester_id: Option<String>,
    pub server_url: String,
    pub preview: Preview,
    pub raw_bytes: u64,
}

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

    fn read_send(row: &rusqlite::Row<'_>) -> rusqlite::Result<SendRecordRaw> {
        Ok(SendRecordRaw {
            id: row.get(0)?,
            npsn: row.get(1)?,
            username_ops: row.get(2)?,
            semester_id: row.get(3)?,
            server_url: row.get(4)?,
            created_utc: row.get(5)?,
            state: row.get(6)?,
            session_id: row.get(7)?,
            expected_json: row.get(8)?,
            preview_json: row.get(9)?,
            raw_bytes: row.get(10)?,
            wire_bytes: row.get(11)?,
            receipt_json: row.get(12)?,
            finished_utc: row.get(13)?,
            last_error: row.get(14)?,
        })
    }

    const SEND_COLUMNS: &'static str = "id, npsn, username_ops, semester_id, server_url, created_utc, state, session_id,
         expected_json, preview_json, raw_bytes, wire_bytes, receipt_json, finished_utc, last_error";

    pub fn send(&self, id: i64) -> Result<Option<SendRecord>> {
        let sql = format!("SELECT {} FROM sends WHERE id = ?1", Self::SEND_COLUMNS);
        let raw = self.with(|c| Ok(c.query_row(&sql, [id], Self::read_send).optional()?))?;
        raw.map(SendRecordRaw::decode).transpose()
    }

    /// The newest send that is neither committed nor abandoned (any NPSN when `None`).
    pub fn unfinished(&self, npsn: Option<&str>) -> Result<Option<SendRecord>> {
        let sql = format!(
            "SELECT {} FROM sends WHERE state IN ('prepared', 'open') AND (?1 IS NULL OR npsn = ?1)
             ORDER BY id DESC LIMIT 1",
            Self::SEND_COLUMNS
        );
        let raw = self.with(|c| Ok(c.query_row(&sql, [npsn], Self::read_send).optional()?))?;
        raw.map(SendRecordRaw::decode).transpose()
    }

    /// The newest committed send.
    pub fn last_committed(&self, npsn: Option<&str>) -> Result<Option<SendRecord>> {
        let sql = format!(
            "SELECT {} FROM sends WHERE state = 'committed' AND (?1 IS NULL OR npsn = ?1)
             ORDER BY id DESC LIMIT 1",
            Self::SEND_COLUMNS
        );
        let raw = self.with(|c| Ok(c.query_row(&sql, [npsn], Self::read_send).optional()?))?;
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

struct SendRecordRaw {
    id: i64,
    npsn: String,
    username_ops: String,
    semester_id: Option<String>,
    server_url: String,
    created_utc: String,
    state: String,
    session_id: Option<String>,
    expected_json: String,
    preview_json: Option<String>,
    raw_bytes: i64,
    wire_bytes: i64,
    receipt_json: Option<String>,
    finished_utc: Option<String>,
    last_error: Option<String>,
}

impl SendRecordRaw {
    fn decode(self) -> Result<SendRecord> {
        Ok(SendRecord {
            id: self.id,
            npsn: self.npsn,
            username_ops: self.username_ops,
            semester_id: self.semester_id,
            server_url: self.server_url,
            created_utc: self.created_utc,
            state: SendState::parse(&self.state),
            session_id: self.session_id,
            expected: serde_json::from_str(&self.expected_json)?,
            preview: self
                .preview_json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            raw_bytes: self.raw_bytes as u64,
            wire_bytes: self.wire_bytes as u64,
            receipt: self
                .receipt_json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            finished_utc: self.finished_utc,
            last_error: self.last_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::KindCounts;

    fn new_send() -> NewSend {
        NewSend {
            npsn: "20599901".into(),
            username_ops: "op@x".into(),
            semester_id: Some("20251".into()),
            server_url: "http://s".into(),
            preview: Preview::default(),
            raw_bytes: 1234,
        }
    }

    fn batch(kind: DataKind, seq: u32, rows: u64) -> NewBatch {
        NewBatch {
            kind,
            seq,
            sha256: format!("{kind}-{seq}"),
            rows,
            raw_len: 100,
            body_zstd: vec![1, 2, 3],
        }
    }

    #[test]
    fn send_survives_reopen_and_resumes_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.sqlite");
        let id = {
            let o = Outbox::open(&path).unwrap();
            let id = o
                .create_send(
                    &new_send(),
                    &[
                        batch(DataKind::Sekolah, 0, 1),
                        batch(DataKind::PesertaDidik, 0, 40),
                        batch(DataKind::PesertaDidik, 1, 2),
                    ],
                )
                .unwrap();
            o.set_session(id, Some("sesi-1")).unwrap();
            o.mark_done(id, DataKind::PesertaDidik, 0, "stored", 500)
                .unwrap();
            id
        };
        let o = Outbox::open(&path).unwrap();
        let s = o
            .unfinished(Some("20599901"))
            .unwrap()
            .expect("unfinished send");
        assert_eq!(s.id, id);
        assert_eq!(s.state, SendState::Open);
        assert_eq!(s.session_id.as_deref(), Some("sesi-1"));
        assert_eq!(
            s.expected[&DataKind::PesertaDidik],
            KindExpectation {
                rows: 42,
                batches: 2
            }
        );
        assert_eq!(s.expected[&DataKind::Ptk], KindExpectation::default());
        assert_eq!(s.wire_bytes, 500);
        let pending: Vec<_> = o
            .batches(id)
            .unwrap()
            .into_iter()
            .filter(|b| !b.done)
            .map(|b| (b.kind, b.seq))
            .collect();
        assert_eq!(
            pending,
            vec![(DataKind::Sekolah, 0), (DataKind::PesertaDidik, 1)]
        );
        assert_eq!(
            o.batch_body(id, DataKind::Sekolah, 0).unwrap(),
            vec![1, 2, 3]
        );
        assert!(o.unfinished(Some("11111111")).unwrap().is_none());

        o.sync_done(id, &BTreeMap::from([(DataKind::Sekolah, vec![0])]))
            .unwrap();
        let done: Vec<_> = o
            .batches(id)
            .unwrap()
            .into_iter()
            .filter(|b| b.done)
            .map(|b| (b.kind, b.seq))
            .collect();
        assert_eq!(done, vec![(DataKind::Sekolah, 0)], "server view wins");

        let mut counts = KindCounts::default();
        counts.set(DataKind::PesertaDidik, 42);
        let receipt = CommitReceipt {
            session_id: "sesi-1".into(),
            npsn: "20599901".into(),
            tanggal_kirim: "2026-11-22 19:31:05".into(),
            tanggal_kirim_utc: "2026-11-22T12:31:05Z".into(),
            counts,
            helper_version: "0.1.0".into(),
            username_ops: "op@x".into(),
        };
        o.mark_committed(id, &receipt).unwrap();
        assert!(o.unfinished(None).unwrap().is_none());
        let last = o.last_committed(None).unwrap().unwrap();
        assert_eq!(last.receipt.unwrap(), receipt);
        assert!(
            o.batches(id).unwrap().is_empty(),
            "bodies dropped after commit"
        );
    }

    #[test]
    fn abandon_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let o = Outbox::open(&dir.path().join("o.sqlite")).unwrap();
        for _ in 0..(KEEP_FINISHED + 5) {
            let id = o
                .create_send(&new_send(), &[batch(DataKind::Sekolah, 0, 1)])
                .unwrap();
            o.mark_abandoned(id, "uji").unwrap();
        }
        let n: i64 = o
            .with(|c| Ok(c.query_row("SELECT count(*) FROM sends", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, KEEP_FINISHED);
        assert!(o.unfinished(None).unwrap().is_none());
    }
}

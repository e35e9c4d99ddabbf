//! What the outbox stores, as Rust values: sends, batches, and their decoding from rows.

use std::collections::BTreeMap;

use shared_model::DataKind;
use shared_model::protocol::{CommitReceipt, KindExpectation};

use crate::preview::Preview;

#[derive(Debug, thiserror::Error)]
#[error("outbox: {0}")]
pub struct OutboxError(pub(super) String);

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
    pub(super) fn as_str(self) -> &'static str {
        match self {
            SendState::Prepared => "prepared",
            SendState::Open => "open",
            SendState::Committed => "committed",
            SendState::Abandoned => "abandoned",
        }
    }

    pub(super) fn parse(s: &str) -> SendState {
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

pub(super) struct SendRecordRaw {
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
    /// The columns of [`super::Outbox::SEND_COLUMNS`], in that order.
    pub(super) fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
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

    pub(super) fn decode(self) -> Result<SendRecord> {
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

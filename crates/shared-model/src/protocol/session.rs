//! A send session: open → upload (or reference) batches per kind → commit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kinds::{DataKind, KindCounts};

/// What the helper will send for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KindExpectation {
    pub rows: u64,
    pub batches: u32,
}

/// `POST /api/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSessionRequest {
    pub npsn: String,
    pub helper_version: String,
    pub username_ops: String,
    /// Active semester reported by Dapodik (`20251`), informational.
    #[serde(default)]
    pub semester_id: Option<String>,
    /// Every one of the 8 kinds must be present (0 rows and 0 batches is valid).
    pub expected: BTreeMap<DataKind, KindExpectation>,
}

impl OpenSessionRequest {
    pub fn expected_counts(&self) -> KindCounts {
        let mut counts = KindCounts::default();
        for (kind, e) in &self.expected {
            counts.set(*kind, e.rows);
        }
        counts
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSessionResponse {
    pub session_id: String,
    /// RFC 3339, UTC. Uploads after this are refused and the session is cleaned up.
    pub expires_at: String,
    /// SHA-256 of batches the server already holds for this school (its current snapshot
    /// and open sessions): the helper references these instead of uploading them.
    pub reusable_hashes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Open,
    Committed,
    Expired,
    /// Replaced by a newer session of the same school.
    Superseded,
}

/// What the server holds for one kind of an open session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KindReceived {
    pub rows: u64,
    /// Sequence numbers held, ascending.
    pub batches: Vec<u32>,
}

/// `GET /api/v1/sessions/{id}`: enough to resume after a cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStatus {
    pub session_id: String,
    pub npsn: String,
    pub state: SessionState,
    pub expires_at: String,
    pub expected: BTreeMap<DataKind, KindExpectation>,
    pub received: BTreeMap<DataKind, KindReceived>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<CommitReceipt>,
}

/// `PUT /api/v1/sessions/{id}/batches/{kind}/{seq}/ref`: "use the batch you already hold".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRef {
    pub sha256: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// New content stored.
    Stored,
    /// Same (kind, seq, content) already held: nothing changed.
    Duplicate,
    /// Stored by reference to content the server held.
    Reused,
}

/// Answer to a batch upload or reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAck {
    pub kind: DataKind,
    pub seq: u32,
    pub rows: u64,
    pub sha256: String,
    pub status: BatchStatus,
}

/// `POST /api/v1/sessions/{id}/commit`: the send as the server recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitReceipt {
    pub session_id: String,
    pub npsn: String,
    /// Western Indonesian Time, `YYYY-MM-DD HH:MM:SS` (as on the Progres Kirim Data page).
    pub tanggal_kirim: String,
    /// RFC 3339, UTC (what is stored).
    pub tanggal_kirim_utc: String,
    pub counts: KindCounts,
    pub helper_version: String,
    pub username_ops: String,
}

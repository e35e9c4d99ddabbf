//! What a storage call can fail with.

use serde::Serialize;
use shared_model::DataKind;
use shared_model::protocol::SessionState;

/// A failed storage call. Domain outcomes are variants; anything else is [`StoreError::Db`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("session not found")]
    SessionNotFound,
    #[error("session belongs to another school")]
    ForbiddenNpsn,
    #[error("session is {0:?}")]
    SessionClosed(SessionState),
    #[error("batch {kind}/{seq} already holds different content ({held})")]
    BatchConflict {
        kind: DataKind,
        seq: u32,
        held: String,
    },
    #[error("no stored batch with that hash for this school")]
    UnknownHash,
    #[error("unknown school {0}")]
    UnknownSchool(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("storage: {0}")]
    Other(String),
}

impl StoreError {
    /// Refusals a write reports before changing anything (a write group goes on after them).
    pub fn is_domain_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::SessionNotFound
                | StoreError::ForbiddenNpsn
                | StoreError::SessionClosed(_)
                | StoreError::BatchConflict { .. }
                | StoreError::UnknownHash
                | StoreError::UnknownSchool(_)
        )
    }

    /// A concurrent insert of the same key won a race (PostgreSQL `23505`).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(d)) if d.code().as_deref() == Some("23505"))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

pub(crate) fn to_json<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Other(e.to_string()))
}

pub(crate) fn parse_state(s: &str) -> StoreResult<SessionState> {
    Ok(match s {
        "open" => SessionState::Open,
        "committed" => SessionState::Committed,
        "expired" => SessionState::Expired,
        "superseded" => SessionState::Superseded,
        other => {
            return Err(StoreError::Other(format!(
                "unknown session state {other:?}"
            )));
        }
    })
}

pub(crate) fn parse_kind(s: &str) -> StoreResult<DataKind> {
    DataKind::from_wire_name(s).ok_or_else(|| StoreError::Other(format!("unknown kind {s:?}")))
}

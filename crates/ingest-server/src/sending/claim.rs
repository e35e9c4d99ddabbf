//! The rules every write to a send session follows, on both backends: whether the session
//! may take the write, whether a batch slot is free, whether a commit may go ahead. The
//! backends only differ in how they read the session (SQLite inside the group-commit
//! transaction, PostgreSQL in the same statement as the claim).

use shared_model::DataKind;
use shared_model::protocol::{BatchStatus, CommitReceipt, SessionState};

use crate::storage::{StoreError, StoreResult, from_json, parse_state};

/// The session as a write sees it, with the claim at the asked `(kind, seq)` if any.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionView {
    pub npsn: String,
    pub state: String,
    pub expires_at_ms: i64,
    pub held: Option<String>,
}

/// A batch slot to claim.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub kind: DataKind,
    pub seq: u32,
    pub sha256: &'a str,
}

impl crate::storage::NewBatch {
    pub fn slot(&self) -> Slot<'_> {
        Slot {
            kind: self.kind,
            seq: self.seq,
            sha256: &self.sha256,
        }
    }
}

impl crate::storage::BatchRefInput {
    pub fn slot(&self) -> Slot<'_> {
        Slot {
            kind: self.kind,
            seq: self.seq,
            sha256: &self.sha256,
        }
    }
}

/// The state of the session for a write by school `npsn` at `now_ms` (an open session
/// past its expiry is expired even before the sweep has marked it).
pub fn session_state(
    view: Option<&SessionView>,
    npsn: &str,
    now_ms: i64,
) -> StoreResult<SessionState> {
    let view = view.ok_or(StoreError::SessionNotFound)?;
    if view.npsn != npsn {
        return Err(StoreError::ForbiddenNpsn);
    }
    let state = parse_state(&view.state)?;
    Ok(
        if state == SessionState::Open && now_ms >= view.expires_at_ms {
            SessionState::Expired
        } else {
            state
        },
    )
}

/// The claim rule. `Ok(None)`: the slot is free, write the claim. `Ok(Some(_))`: answered
/// without writing (the same content again). `blob_found` is `Some` for a claim by
/// reference: whether the school holds that content.
pub fn claim_answer(
    view: Option<&SessionView>,
    npsn: &str,
    now_ms: i64,
    slot: Slot<'_>,
    blob_found: Option<bool>,
) -> StoreResult<Option<BatchStatus>> {
    let state = session_state(view, npsn, now_ms)?;
    if state != SessionState::Open {
        return Err(StoreError::SessionClosed(state));
    }
    if blob_found == Some(false) {
        return Err(StoreError::UnknownHash);
    }
    match view.and_then(|v| v.held.as_deref()) {
        Some(held) if held == slot.sha256 => Ok(Some(BatchStatus::Duplicate)),
        Some(held) => Err(StoreError::BatchConflict {
            kind: slot.kind,
            seq: slot.seq,
            held: held.to_owned(),
        }),
        None => Ok(None),
    }
}

/// The commit rule. `Ok(None)`: go ahead. `Ok(Some(receipt))`: the session was committed
/// before (a retried commit). The batch count must be the one the commit was prepared with.
pub fn commit_answer(
    state: SessionState,
    receipt: Option<&str>,
    held_batches: i64,
    prepared_batches: usize,
) -> StoreResult<Option<CommitReceipt>> {
    match state {
        SessionState::Open => {}
        SessionState::Committed => {
            let receipt = receipt.ok_or_else(|| StoreError::Other("receipt missing".into()))?;
            return Ok(Some(from_json(receipt)?));
        }
        other => return Err(StoreError::SessionClosed(other)),
    }
    if held_batches as usize != prepared_batches {
        return Err(StoreError::Other(
            "session batches changed during commit".into(),
        ));
    }
    Ok(None)
}

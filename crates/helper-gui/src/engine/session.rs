//! Stage 4, session: open one on the server or resume the stored one (`GET /sessions/{id}`
//! tells which batches the server holds), upload what it lacks, then commit and take the
//! receipt.

use std::collections::HashSet;

use shared_model::protocol::{
    CommitReceipt, ErrorCode, OpenSessionRequest, SessionState, SessionStatus,
};

use super::journal::{Held, Journal};
use super::server_error::UploadError;
use super::{Engine, KindState, Phase, SendReport};
use crate::failure::Failure;
use crate::outbox::SendRecord;
use crate::upload::ServerClient;

/// A commit the server answers "incomplete" is re-synchronised this many times.
const INCOMPLETE_ROUNDS: u32 = 3;

enum SessionReady {
    Open {
        session_id: String,
        /// Hashes of batches the server already holds from earlier sends.
        reusable: HashSet<String>,
    },
    Committed(CommitReceipt),
}

/// Batches a session status lists as received.
fn held(status: SessionStatus) -> Held {
    status
        .received
        .into_iter()
        .map(|(k, r)| (k, r.batches))
        .collect()
}

impl Engine {
    /// Opens (or resumes) the session, uploads what is missing and commits.
    pub(super) async fn run_session(
        &self,
        journal: &Journal,
        send: &SendRecord,
        server: &ServerClient,
        token: &str,
    ) -> Result<CommitReceipt, UploadError> {
        let (session_id, reusable) = match self.ensure_session(journal, send, server, token).await?
        {
            SessionReady::Committed(receipt) => return Ok(receipt),
            SessionReady::Open {
                session_id,
                reusable,
            } => (session_id, reusable),
        };
        let mut incomplete_rounds = 0;
        loop {
            self.upload_pending(journal, &session_id, &reusable, server, token)
                .await?;
            self.update(|p| p.phase = Phase::Committing);
            match self
                .with_retry("commit", || server.commit(token, &session_id))
                .await
            {
                Ok(receipt) => return Ok(receipt),
                Err(e)
                    if e.code() == Some(ErrorCode::SessionIncomplete)
                        && incomplete_rounds < INCOMPLETE_ROUNDS =>
                {
                    incomplete_rounds += 1;
                    tracing::warn!("server belum menerima semua batch, menyelaraskan");
                    let status = self
                        .call("status", server, || server.status(token, &session_id))
                        .await?;
                    journal.server_holds(&held(status))?;
                }
                Err(e) if e.code() == Some(ErrorCode::SessionClosed) => {
                    // A retried commit whose first answer was lost: the server may hold a receipt.
                    if let Ok(st) = server.status(token, &session_id).await
                        && st.state == SessionState::Committed
                        && let Some(r) = st.receipt
                    {
                        return Ok(r);
                    }
                    return Err(UploadError::SessionGone);
                }
                Err(e) => return Err(self.classify(server, e).await),
            }
        }
    }

    /// The stored session if the server still has it open (or already committed it),
    /// else a new one.
    async fn ensure_session(
        &self,
        journal: &Journal,
        send: &SendRecord,
        server: &ServerClient,
        token: &str,
    ) -> Result<SessionReady, UploadError> {
        if let Some(sid) = journal.session_id()? {
            if let Some(ready) = self.resume_session(journal, server, token, sid).await? {
                return Ok(ready);
            }
            journal.session_lost()?;
        }
        self.open_session(journal, send, server, token).await
    }

    /// `None`: the stored session cannot be used any more.
    async fn resume_session(
        &self,
        journal: &Journal,
        server: &ServerClient,
        token: &str,
        sid: String,
    ) -> Result<Option<SessionReady>, UploadError> {
        match self
            .with_retry("status", || server.status(token, &sid))
            .await
        {
            Ok(st) if st.state == SessionState::Open => {
                let held = held(st);
                let n: usize = held.values().map(Vec::len).sum();
                tracing::info!(session = %sid, held = n, "melanjutkan sesi");
                journal.server_holds(&held)?;
                self.update(|p| p.stats.batches_already_held = n as u32);
                Ok(Some(SessionReady::Open {
                    session_id: sid,
                    reusable: HashSet::new(),
                }))
            }
            Ok(st) if st.state == SessionState::Committed && st.receipt.is_some() => {
                tracing::info!(session = %sid, "sesi sudah tercatat di server");
                Ok(Some(SessionReady::Committed(st.receipt.expect("checked"))))
            }
            Ok(st) => {
                tracing::info!(session = %sid, state = ?st.state, "sesi lama tidak terbuka lagi");
                Ok(None)
            }
            Err(e) if e.code() == Some(ErrorCode::NotFound) => Ok(None),
            Err(e) => match self.classify(server, e).await {
                UploadError::SessionGone => Ok(None),
                other => Err(other),
            },
        }
    }

    async fn open_session(
        &self,
        journal: &Journal,
        send: &SendRecord,
        server: &ServerClient,
        token: &str,
    ) -> Result<SessionReady, UploadError> {
        let req = OpenSessionRequest {
            npsn: send.npsn.clone(),
            helper_version: self.cfg.helper_version.clone(),
            username_ops: send.username_ops.clone(),
            semester_id: send.semester_id.clone(),
            expected: send.expected.clone(),
        };
        let resp = self
            .call("open", server, || server.open_session(token, &req))
            .await?;
        tracing::info!(session = %resp.session_id, reusable = resp.reusable_hashes.len(), "sesi dibuka");
        journal.session_opened(&resp.session_id)?;
        Ok(SessionReady::Open {
            session_id: resp.session_id,
            reusable: resp.reusable_hashes.into_iter().collect(),
        })
    }

    /// The committed receipt goes into the outbox and the progress.
    pub(super) fn finish(
        &self,
        journal: &Journal,
        server: &ServerClient,
        receipt: CommitReceipt,
    ) -> Result<SendReport, Failure> {
        journal.count_wire_bytes(server.wire_bytes());
        let total_wire = journal.wire_bytes();
        journal.committed(&receipt)?;
        let counts = receipt.counts;
        self.update(|p| {
            for (kind, n) in counts.iter() {
                let k = p.kind_mut(kind);
                k.state = KindState::Sent;
                k.uploaded_rows = n;
                k.batches_done = k.batches;
            }
            p.stats.wire_bytes = total_wire;
            p.phase = Phase::Done;
            p.receipt = Some(receipt.clone());
            p.retry_notice = None;
        });
        let stats = self.progress.borrow().stats;
        Ok(SendReport {
            receipt,
            stats,
            resumed: false,
        })
    }
}

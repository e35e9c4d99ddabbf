//! Stage 5, upload: every batch the server lacks, a few in flight at once, each retried
//! ([`Engine::with_retry`]) and checkpointed in the journal as soon as it is acknowledged.
//! A batch whose hash the server listed as reusable goes as a reference, not a body.

use std::collections::HashSet;

use futures::StreamExt;
use shared_model::protocol::{BatchAck, BatchRef, BatchStatus, ErrorCode};

use super::journal::Journal;
use super::server_error::UploadError;
use super::{Engine, KindState, Phase};
use crate::failure::{Failure, FailureKind};
use crate::outbox::BatchMeta;
use crate::upload::ServerClient;

/// Where the batches of one session go.
struct Target<'a> {
    server: &'a ServerClient,
    token: &'a str,
    session_id: &'a str,
}

impl Engine {
    /// Uploads the batches not yet done; stops at the first error.
    pub(super) async fn upload_pending(
        &self,
        journal: &Journal,
        session_id: &str,
        reusable: &HashSet<String>,
        server: &ServerClient,
        token: &str,
    ) -> Result<(), UploadError> {
        let metas = journal.batches()?;
        self.show_done(&metas);
        let pending: Vec<BatchMeta> = metas.into_iter().filter(|b| !b.done).collect();
        tracing::info!(
            session = session_id,
            pending = pending.len(),
            "mengirim batch"
        );
        let to = Target {
            server,
            token,
            session_id,
        };
        let concurrency = self.cfg.upload_concurrency.clamp(1, 8);
        let mut results = futures::stream::iter(pending)
            .map(|b| self.upload_one(journal, &to, b, reusable))
            .buffer_unordered(concurrency);
        let mut first_error = None;
        while let Some(r) = results.next().await {
            journal.count_wire_bytes(server.wire_bytes());
            if let Err(e) = r {
                // Let in-flight batches finish (they are idempotent) but stop on the first error.
                first_error.get_or_insert(e);
                break;
            }
        }
        drop(results);
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Counts what the outbox already marks done (a resumed send starts part-way).
    fn show_done(&self, metas: &[BatchMeta]) {
        self.update(|p| {
            p.phase = Phase::Uploading;
            for k in p.kinds.iter_mut() {
                k.uploaded_rows = 0;
                k.batches_done = 0;
            }
            for b in metas.iter().filter(|b| b.done) {
                let k = p.kind_mut(b.kind);
                k.uploaded_rows += b.rows;
                k.batches_done += 1;
            }
            for k in p.kinds.iter_mut() {
                k.state = if k.batches_done >= k.batches {
                    KindState::Sent
                } else {
                    KindState::Uploading
                };
            }
        });
    }

    async fn upload_one(
        &self,
        journal: &Journal,
        to: &Target<'_>,
        b: BatchMeta,
        reusable: &HashSet<String>,
    ) -> Result<(), UploadError> {
        let by_ref = if reusable.contains(&b.sha256) {
            self.put_ref(to, &b).await?
        } else {
            None
        };
        let ack = match by_ref {
            Some(a) => a,
            None => self.put_body(journal, to, &b).await?,
        };
        if ack.sha256 != b.sha256 || ack.rows != b.rows {
            return Err(UploadError::Fail(Failure::with_detail(
                FailureKind::ServerRefused,
                format!(
                    "server mencatat batch {} #{} berbeda",
                    b.kind.label(),
                    b.seq
                ),
            )));
        }
        journal.batch_acked(b.kind, b.seq, ack.status)?;
        self.show_acked(&b, ack.status, to.server.wire_bytes());
        Ok(())
    }

    /// `None`: the server no longer knows the hash, so the body must go after all.
    async fn put_ref(
        &self,
        to: &Target<'_>,
        b: &BatchMeta,
    ) -> Result<Option<BatchAck>, UploadError> {
        let r = BatchRef {
            sha256: b.sha256.clone(),
            rows: b.rows,
        };
        match self
            .with_retry("ref", || {
                to.server
                    .put_ref(to.token, to.session_id, b.kind, b.seq, &r)
            })
            .await
        {
            Ok(a) => Ok(Some(a)),
            Err(e) if e.code() == Some(ErrorCode::BatchUnknownHash) => Ok(None),
            Err(e) => Err(self.classify(to.server, e).await),
        }
    }

    async fn put_body(
        &self,
        journal: &Journal,
        to: &Target<'_>,
        b: &BatchMeta,
    ) -> Result<BatchAck, UploadError> {
        let body = journal.batch_body(b.kind, b.seq).await?;
        self.call("batch", to.server, || {
            to.server.put_batch(
                to.token,
                to.session_id,
                b.kind,
                b.seq,
                &b.sha256,
                body.clone(),
            )
        })
        .await
    }

    fn show_acked(&self, b: &BatchMeta, status: BatchStatus, wire: u64) {
        self.update(|p| {
            let k = p.kind_mut(b.kind);
            k.uploaded_rows += b.rows;
            k.batches_done += 1;
            if k.batches_done >= k.batches {
                k.state = KindState::Sent;
            }
            match status {
                BatchStatus::Reused => p.stats.batches_reused += 1,
                _ => p.stats.batches_uploaded += 1,
            }
            p.stats.wire_bytes = wire;
        });
    }
}

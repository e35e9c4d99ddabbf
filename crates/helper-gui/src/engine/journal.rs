//! The outbox checkpoints of one send while it is delivered.
//!
//! Every fact the delivery learns (the session id, which batches the server holds, each
//! acknowledged batch, the bytes on the wire, the last error, the receipt) is written here
//! as soon as it is known, so a crash at any point leaves a send the next start resumes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use shared_model::DataKind;
use shared_model::protocol::{BatchStatus, CommitReceipt};

use crate::failure::Failure;
use crate::outbox::{BatchMeta, Outbox, SendRecord};

/// Batches the server holds, by kind (sequence numbers).
pub(super) type Held = BTreeMap<DataKind, Vec<u32>>;

pub(super) struct Journal {
    outbox: Outbox,
    send_id: i64,
    /// The server client's wire-byte total already added to this send.
    wire_counted: AtomicU64,
}

impl Journal {
    /// `wire_counted`: the server client's wire-byte total when the delivery starts.
    pub fn new(outbox: Outbox, send_id: i64, wire_counted: u64) -> Self {
        Journal {
            outbox,
            send_id,
            wire_counted: AtomicU64::new(wire_counted),
        }
    }

    pub fn record(&self) -> Result<SendRecord, Failure> {
        self.outbox
            .send(self.send_id)
            .map_err(Failure::local)?
            .ok_or_else(|| Failure::internal("send hilang"))
    }

    pub fn batches(&self) -> Result<Vec<BatchMeta>, Failure> {
        self.outbox.batches(self.send_id).map_err(Failure::local)
    }

    /// The stored session, as it is now (a previous attempt may have changed it).
    pub fn session_id(&self) -> Result<Option<String>, Failure> {
        Ok(self
            .outbox
            .send(self.send_id)
            .map_err(Failure::local)?
            .and_then(|s| s.session_id))
    }

    pub fn session_opened(&self, session_id: &str) -> Result<(), Failure> {
        self.outbox
            .set_session(self.send_id, Some(session_id))
            .map_err(Failure::local)
    }

    /// The session is gone: forget it, and that any batch was delivered in it.
    pub fn session_lost(&self) -> Result<(), Failure> {
        self.outbox
            .set_session(self.send_id, None)
            .map_err(Failure::local)?;
        self.server_holds(&Held::new())
    }

    /// The server's list of what it holds wins over ours.
    pub fn server_holds(&self, held: &Held) -> Result<(), Failure> {
        self.outbox
            .sync_done(self.send_id, held)
            .map_err(Failure::local)
    }

    /// The compressed body of a batch, read off the async threads.
    pub async fn batch_body(&self, kind: DataKind, seq: u32) -> Result<Vec<u8>, Failure> {
        let (outbox, send_id) = (self.outbox.clone(), self.send_id);
        tokio::task::spawn_blocking(move || outbox.batch_body(send_id, kind, seq))
            .await
            .map_err(Failure::internal)?
            .map_err(Failure::local)
    }

    pub fn batch_acked(
        &self,
        kind: DataKind,
        seq: u32,
        status: BatchStatus,
    ) -> Result<(), Failure> {
        let status = match status {
            BatchStatus::Stored => "stored",
            BatchStatus::Duplicate => "duplicate",
            BatchStatus::Reused => "reused",
        };
        self.outbox
            .mark_done(self.send_id, kind, seq, status, 0)
            .map_err(Failure::local)
    }

    /// Adds what the server client sent and received since the last call (`client_total`
    /// is its running total).
    pub fn count_wire_bytes(&self, client_total: u64) {
        let before = self.wire_counted.swap(client_total, Ordering::SeqCst);
        if client_total > before
            && let Err(e) = self
                .outbox
                .add_wire_bytes(self.send_id, client_total - before)
        {
            tracing::warn!("{e}");
        }
    }

    /// Bytes on the wire of this send over all its attempts (0 if unreadable).
    pub fn wire_bytes(&self) -> u64 {
        self.outbox
            .send(self.send_id)
            .ok()
            .flatten()
            .map_or(0, |s| s.wire_bytes)
    }

    /// Kept for `status`; a failure to write it must not hide the send's own failure.
    pub fn failed(&self, f: &Failure) {
        let _ = self.outbox.record_error(self.send_id, f.kind.code());
    }

    pub fn committed(&self, receipt: &CommitReceipt) -> Result<(), Failure> {
        self.outbox
            .mark_committed(self.send_id, receipt)
            .map_err(Failure::local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::FailureKind;
    use crate::outbox::tests::{batch, new_send};

    fn done(j: &Journal) -> Vec<(DataKind, u32)> {
        let batches = j.batches().unwrap().into_iter();
        batches
            .filter(|b| b.done)
            .map(|b| (b.kind, b.seq))
            .collect()
    }

    #[test]
    fn checkpoints_land_in_the_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("o.sqlite")).unwrap();
        let batches = [
            batch(DataKind::Sekolah, 0, 1),
            batch(DataKind::PesertaDidik, 0, 40),
        ];
        let id = outbox.create_send(&new_send(), &batches).unwrap();
        let j = Journal::new(outbox, id, 100);

        // Only what the client counted since the start, once.
        j.count_wire_bytes(150);
        j.count_wire_bytes(150);
        j.count_wire_bytes(170);
        assert_eq!(j.wire_bytes(), 70);

        j.session_opened("sesi-1").unwrap();
        j.batch_acked(DataKind::Sekolah, 0, BatchStatus::Reused)
            .unwrap();
        assert_eq!(j.session_id().unwrap().as_deref(), Some("sesi-1"));
        assert_eq!(done(&j), vec![(DataKind::Sekolah, 0)]);

        j.server_holds(&Held::from([(DataKind::PesertaDidik, vec![0])]))
            .unwrap();
        assert_eq!(
            done(&j),
            vec![(DataKind::PesertaDidik, 0)],
            "server view wins"
        );

        j.session_lost().unwrap();
        assert_eq!(j.session_id().unwrap(), None);
        assert!(done(&j).is_empty());

        j.failed(&Failure::new(FailureKind::ServerBusy));
        assert_eq!(
            j.record().unwrap().last_error.as_deref(),
            Some(FailureKind::ServerBusy.code())
        );
    }
}

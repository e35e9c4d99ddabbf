//! Stage 2, pack: flatten the pulled school, show the preview, wait for the operator (window
//! only) and store the snapshot's batches ([`super::batches`]) in the outbox.

use super::pull::PulledSchool;
use super::{Confirm, Engine, KindState, Phase, SendRequest};
use crate::failure::{Failure, FailureKind};
use crate::outbox::{NewBatch, NewSend};
use crate::preview::Preview;

impl Engine {
    /// Returns the id of the send stored in the outbox.
    pub(super) async fn pack(
        &self,
        req: &SendRequest,
        npsn: &str,
        pulled: PulledSchool,
        confirm: Confirm,
    ) -> Result<i64, Failure> {
        let PulledSchool {
            snapshot,
            raw_bytes,
        } = pulled;
        let semester_id = snapshot
            .rombel
            .iter()
            .find_map(|r| r.rombel.semester_id.clone());
        let level = self.cfg.zstd_level;
        let sem = semester_id.clone();
        // Flattening and compressing are CPU work: keep them off the async threads.
        let (preview, batches) = tokio::task::spawn_blocking(move || {
            let flat = shared_model::flatten::flatten(snapshot);
            let preview = Preview::from_flat(&flat, sem);
            let batches = super::batches::make_batches(flat, level);
            (preview, batches)
        })
        .await
        .map_err(Failure::internal)?;
        let batches = batches.map_err(Failure::internal)?;
        self.show_preview(&preview, raw_bytes);

        if let Confirm::Ask(rx) = confirm
            && !rx.await.unwrap_or(false)
        {
            return Err(Failure::new(FailureKind::Cancelled));
        }

        let new = NewSend {
            npsn: npsn.to_owned(),
            username_ops: req.username_ops.trim().to_owned(),
            semester_id,
            server_url: self.cfg.server_url.clone().unwrap_or_default(),
            preview,
            raw_bytes,
        };
        self.store(new, batches).await
    }

    /// The flattened counts replace the pulled ones.
    fn show_preview(&self, preview: &Preview, raw_bytes: u64) {
        let counts = preview.counts;
        self.update(|p| {
            for (kind, n) in counts.iter() {
                let k = p.kind_mut(kind);
                k.rows = n;
                k.state = KindState::Pulled;
            }
            p.stats.raw_bytes = raw_bytes;
            p.preview = Some(preview.clone());
            p.phase = Phase::Preview;
        });
    }

    /// One outbox transaction: after it the send survives a crash.
    async fn store(&self, new: NewSend, batches: Vec<NewBatch>) -> Result<i64, Failure> {
        let outbox = self.outbox.clone();
        let id = tokio::task::spawn_blocking(move || outbox.create_send(&new, &batches))
            .await
            .map_err(Failure::internal)?
            .map_err(Failure::local)?;
        tracing::info!(
            send_id = id,
            rss_kib = crate::memory::current_rss_kib(),
            peak_rss_kib = crate::memory::peak_rss_kib(),
            "snapshot tersimpan di outbox"
        );
        Ok(id)
    }
}

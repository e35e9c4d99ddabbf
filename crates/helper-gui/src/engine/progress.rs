//! What the engine publishes (over a `tokio::sync::watch`) for the window and the headless
//! printer: the phase, per-kind counts, the preview, the receipt or the failure.

use shared_model::DataKind;
use shared_model::protocol::CommitReceipt;

use crate::failure::Failure;
use crate::preview::Preview;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Idle,
    Pulling,
    /// Waiting for the operator to confirm the preview.
    Preview,
    Enrolling,
    Uploading,
    Committing,
    Done,
    Failed,
}

impl Phase {
    pub fn is_busy(self) -> bool {
        !matches!(self, Phase::Idle | Phase::Done | Phase::Failed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KindState {
    #[default]
    Waiting,
    Pulling,
    Pulled,
    Uploading,
    Sent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KindProgress {
    pub state: KindState,
    /// Rows pulled from Dapodik (what will be sent).
    pub rows: u64,
    /// Rows the server acknowledged (stored, duplicate or reused).
    pub uploaded_rows: u64,
    pub batches: u32,
    pub batches_done: u32,
}

/// Result of the version check at start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum VersionStatus {
    #[default]
    Checking,
    UpToDate,
    UpdateAvailable {
        latest: String,
        download_url: String,
    },
    MustUpdate {
        min: String,
        download_url: String,
    },
    /// The server could not be reached (or no server URL).
    Unknown,
}

/// Numbers of one send (benchmarks, `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendStats {
    /// Bytes of the Dapodik answers (the raw JSON).
    pub raw_bytes: u64,
    /// Bytes sent and received by the server client for this send (incl. header estimate).
    pub wire_bytes: u64,
    pub batches_total: u32,
    /// Batches whose body was uploaded.
    pub batches_uploaded: u32,
    /// Batches sent as a reference to content the server already held.
    pub batches_reused: u32,
    /// Batches the server already had in this session (resume).
    pub batches_already_held: u32,
}

/// Everything the window shows about the current send.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Progress {
    /// Increases with every new send.
    pub generation: u64,
    pub phase: Phase,
    pub kinds: [KindProgress; 8],
    /// Endpoints read so far (of 5).
    pub endpoints_done: u8,
    pub preview: Option<Preview>,
    pub receipt: Option<CommitReceipt>,
    pub failure: Option<Failure>,
    /// "No internet, retrying in N s" while waiting.
    pub retry_notice: Option<String>,
    pub version: VersionStatus,
    /// Set when an unfinished send (created at this UTC time) is being resumed.
    pub resumed_from: Option<String>,
    pub stats: SendStats,
    /// The server needs the kode registrasi (first send, or the token was revoked).
    pub needs_kode: bool,
}

impl Progress {
    pub fn kind(&self, kind: DataKind) -> &KindProgress {
        &self.kinds[kind.index()]
    }

    pub fn kind_mut(&mut self, kind: DataKind) -> &mut KindProgress {
        &mut self.kinds[kind.index()]
    }

    /// 0..=1: pulling is the first 40 %, uploading the next 55 %, committing the rest.
    pub fn overall(&self) -> f32 {
        if self.phase == Phase::Done {
            return 1.0;
        }
        let pull = f32::from(self.endpoints_done.min(5)) / 5.0;
        let total: u64 = self.kinds.iter().map(|k| k.rows).sum();
        let sent: u64 = self.kinds.iter().map(|k| k.uploaded_rows.min(k.rows)).sum();
        let upload = if total == 0 {
            0.0
        } else {
            sent as f32 / total as f32
        };
        let commit = if self.phase == Phase::Committing {
            0.5
        } else {
            0.0
        };
        (0.40 * pull + 0.55 * upload + 0.05 * commit).clamp(0.0, 1.0)
    }

    /// Resets everything that belongs to one send (keeps the version status).
    pub fn start_new(&mut self) {
        let version = std::mem::take(&mut self.version);
        let generation = self.generation + 1;
        *self = Progress {
            generation,
            version,
            ..Progress::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_moves_forward() {
        let mut p = Progress::default();
        assert_eq!(p.overall(), 0.0);
        p.endpoints_done = 5;
        assert!((p.overall() - 0.40).abs() < 1e-6);
        p.kind_mut(DataKind::PesertaDidik).rows = 100;
        p.kind_mut(DataKind::PesertaDidik).uploaded_rows = 50;
        assert!((p.overall() - 0.675).abs() < 1e-6);
        p.phase = Phase::Done;
        assert_eq!(p.overall(), 1.0);
        p.version = VersionStatus::UpToDate;
        p.start_new();
        assert_eq!(p.generation, 1);
        assert_eq!(p.phase, Phase::Idle);
        assert_eq!(p.version, VersionStatus::UpToDate);
    }
}

//! What one send is asked to do, and what it reports when the server committed it.

use shared_model::protocol::CommitReceipt;
use tokio::sync::oneshot;

use super::SendStats;

/// One press of "Kirim Data" (or one `db-helper kirim`).
#[derive(Clone, Default)]
pub struct SendRequest {
    pub npsn: String,
    pub username_ops: String,
    /// `None`: the stored token for this NPSN.
    pub dapodik_token: Option<String>,
    /// Needed only when this PC has no school token yet (or it was revoked).
    pub kode_registrasi: Option<String>,
    /// Store the Dapodik token in the credential store after a successful pull.
    pub remember_token: bool,
}

impl std::fmt::Debug for SendRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendRequest")
            .field("npsn", &self.npsn)
            .field("username_ops", &self.username_ops)
            .field(
                "dapodik_token",
                &self.dapodik_token.as_ref().map(|_| "<rahasia>"),
            )
            .field(
                "kode_registrasi",
                &self.kode_registrasi.as_ref().map(|_| "<rahasia>"),
            )
            .finish()
    }
}

/// Whether to wait for the operator after the preview.
pub enum Confirm {
    /// Upload right away (headless).
    Auto,
    /// Wait for `true` (go) or `false`/drop (cancel).
    Ask(oneshot::Receiver<bool>),
}

/// What a finished send reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SendReport {
    pub receipt: CommitReceipt,
    pub stats: SendStats,
    pub resumed: bool,
}

//! The engine as a background task driven by commands (what the window uses).
//!
//! The window never awaits anything: it pushes [`Command`]s into an unbounded channel and
//! reads the latest [`Progress`] from a `watch` receiver each frame; the engine calls the
//! repaint callback after every change.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::{Confirm, Engine, Progress, SendRequest};

#[derive(Debug)]
pub enum Command {
    /// "Cek Versi Aplikasi".
    CheckVersion,
    /// "Kirim Data" (ignored while a send runs).
    Send(SendRequest),
    /// The operator's answer to the preview.
    Confirm(bool),
    /// Stop the current send (what is in the outbox stays for the next attempt).
    Cancel,
}

#[derive(Clone)]
pub struct EngineHandle {
    tx: mpsc::UnboundedSender<Command>,
    progress: watch::Receiver<Progress>,
    engine: Arc<Engine>,
}

impl EngineHandle {
    /// Starts the command loop on `rt`. With `confirm_preview` the engine waits for
    /// [`Command::Confirm`] after showing the preview.
    pub fn spawn(rt: &tokio::runtime::Handle, engine: Arc<Engine>, confirm_preview: bool) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let progress = engine.subscribe();
        rt.spawn(run(engine.clone(), rx, confirm_preview));
        EngineHandle {
            tx,
            progress,
            engine,
        }
    }

    pub fn command(&self, cmd: Command) {
        if self.tx.send(cmd).is_err() {
            tracing::error!("engine berhenti; perintah diabaikan");
        }
    }

    /// The latest progress (cheap: borrows the watch value).
    pub fn progress(&self) -> watch::Ref<'_, Progress> {
        self.progress.borrow()
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }
}

async fn run(engine: Arc<Engine>, mut rx: mpsc::UnboundedReceiver<Command>, confirm_preview: bool) {
    let mut job: Option<JoinHandle<()>> = None;
    let mut confirm_tx: Option<oneshot::Sender<bool>> = None;
    while let Some(cmd) = rx.recv().await {
        match cmd {
            Command::CheckVersion => {
                let e = engine.clone();
                tokio::spawn(async move {
                    e.check_version().await;
                });
            }
            Command::Send(req) => {
                if job.as_ref().is_some_and(|j| !j.is_finished()) {
                    tracing::info!("kirim sedang berjalan; tombol diabaikan");
                    continue;
                }
                let confirm = if confirm_preview {
                    let (tx, rx) = oneshot::channel();
                    confirm_tx = Some(tx);
                    Confirm::Ask(rx)
                } else {
                    confirm_tx = None;
                    Confirm::Auto
                };
                let e = engine.clone();
                job = Some(tokio::spawn(async move {
                    let _ = e.send(req, confirm).await;
                }));
            }
            Command::Confirm(go) => {
                if let Some(tx) = confirm_tx.take() {
                    let _ = tx.send(go);
                }
            }
            Command::Cancel => {
                confirm_tx = None;
                if let Some(j) = job.take()
                    && !j.is_finished()
                {
                    j.abort();
                    let _ = j.await;
                    engine.report_cancelled();
                }
            }
        }
    }
}

impl Engine {
    /// Marks the progress as cancelled after the send task was aborted.
    pub fn report_cancelled(&self) {
        tracing::info!("kirim dibatalkan operator");
        self.update(|p| {
            p.phase = super::Phase::Failed;
            p.retry_notice = None;
            p.failure = Some(crate::failure::Failure::new(
                crate::failure::FailureKind::Cancelled,
            ));
        });
    }
}

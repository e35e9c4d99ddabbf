//! The send pipeline, usable with or without a window.
//!
//! One send runs these stages, each in its own module: [`pull`] the five endpoints one at a
//! time (checking the school and the username) → [`pack`]: flatten, preview, batches into
//! the outbox → [`enroll`] if this PC has no school token → [`session`]: open or resume one
//! → [`upload`] the batches the server lacks (2–4 at a time, retried) → commit → receipt.
//! [`journal`] writes the outbox checkpoints of the send, so a crash at any point leaves a
//! send that the next start resumes.
//!
//! Progress is published on a `watch` channel and a `notify` callback (the window's
//! `request_repaint`) runs after every change.

pub mod batches;
mod enroll;
pub mod handle;
mod journal;
mod pack;
pub mod progress;
mod pull;
mod request;
mod retry;
mod server_error;
mod session;
mod upload;
mod version;

use std::sync::Arc;
use std::time::Duration;

use shared_model::DataKind;
use tokio::sync::watch;

pub use handle::{Command, EngineHandle};
pub use progress::{KindProgress, KindState, Phase, Progress, SendStats, VersionStatus};
pub use request::{Confirm, SendReport, SendRequest};

use crate::config::Settings;
use crate::failure::{Failure, FailureKind};
use crate::outbox::{BatchMeta, Outbox, SendRecord};
use crate::paths::DataDir;
use crate::secrets::SharedSecrets;
use crate::upload::ServerClient;
use crate::validate;
use journal::Journal;
use server_error::UploadError;

pub const HELPER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A send whose sessions the server keeps closing gives up after this many.
const MAX_SESSIONS: u32 = 6;

/// Everything the engine needs to know; built from [`Settings`] or by tests.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub data_dir: DataDir,
    pub server_url: Option<String>,
    pub dapodik_url: String,
    pub dapodik_timeout: Duration,
    pub server_timeout: Duration,
    /// Batches in flight at once.
    pub upload_concurrency: usize,
    /// Give up retrying the server after this long without an answer (`None`: never, the
    /// window's default; the operator can cancel).
    pub max_offline: Option<Duration>,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub helper_version: String,
    pub device_name: String,
    pub zstd_level: i32,
    /// An unfinished send older than this is abandoned and the data pulled again.
    pub resume_max_age: Duration,
}

impl EngineConfig {
    pub fn new(data_dir: DataDir, server_url: Option<String>, dapodik_url: String) -> Self {
        EngineConfig {
            data_dir,
            server_url,
            dapodik_url,
            dapodik_timeout: crate::config::DEFAULT_DAPODIK_TIMEOUT,
            server_timeout: Duration::from_secs(180),
            upload_concurrency: 3,
            max_offline: None,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            helper_version: HELPER_VERSION.to_owned(),
            device_name: device_name(),
            zstd_level: batches::ZSTD_LEVEL,
            resume_max_age: Duration::from_secs(3 * 24 * 3600),
        }
    }

    pub fn from_settings(settings: &Settings, data_dir: DataDir) -> Self {
        let mut cfg = EngineConfig::new(
            data_dir,
            settings.server_url.clone(),
            settings.dapodik_url.clone(),
        );
        cfg.dapodik_timeout = settings.dapodik_timeout;
        cfg
    }
}

/// The PC's name, shown to district staff after enrollment.
pub fn device_name() -> String {
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "PC-SEKOLAH".to_owned())
}

pub type Notify = Arc<dyn Fn() + Send + Sync>;

pub struct Engine {
    cfg: EngineConfig,
    secrets: SharedSecrets,
    outbox: Outbox,
    progress: watch::Sender<Progress>,
    notify: Notify,
}

impl Engine {
    pub fn new(
        cfg: EngineConfig,
        secrets: SharedSecrets,
        notify: Notify,
    ) -> Result<Arc<Engine>, Failure> {
        cfg.data_dir
            .ensure()
            .map_err(|e| Failure::local(format!("{}: {e}", cfg.data_dir.root().display())))?;
        let outbox = Outbox::open(&cfg.data_dir.outbox_path()).map_err(Failure::local)?;
        let (progress, _) = watch::channel(Progress::default());
        Ok(Arc::new(Engine {
            cfg,
            secrets,
            outbox,
            progress,
            notify,
        }))
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    pub fn subscribe(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    pub fn progress(&self) -> Progress {
        self.progress.borrow().clone()
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    pub fn secrets(&self) -> &SharedSecrets {
        &self.secrets
    }

    fn update(&self, f: impl FnOnce(&mut Progress)) {
        self.progress.send_modify(f);
        (self.notify)();
    }

    fn server(&self) -> Result<ServerClient, Failure> {
        let url = self
            .cfg
            .server_url
            .as_deref()
            .ok_or_else(|| Failure::new(FailureKind::ServerNotConfigured))?;
        ServerClient::new(url, self.cfg.server_timeout).map_err(|e| crate::upload::to_failure(&e))
    }

    /// Runs one send to the end. On failure the progress shows it; whatever was stored in
    /// the outbox stays there for the next attempt.
    pub async fn send(&self, req: SendRequest, confirm: Confirm) -> Result<SendReport, Failure> {
        let result = self.send_inner(&req, confirm).await;
        match &result {
            Ok(report) => tracing::info!(
                npsn = %req.npsn,
                tanggal_kirim = %report.receipt.tanggal_kirim,
                wire_bytes = report.stats.wire_bytes,
                raw_bytes = report.stats.raw_bytes,
                peak_rss_kib = crate::memory::peak_rss_kib(),
                "kirim selesai"
            ),
            Err(f) => {
                tracing::warn!(npsn = %req.npsn, code = f.kind.code(), detail = ?f.detail, "kirim gagal");
                let needs_kode = matches!(
                    f.kind,
                    FailureKind::NeedKodeRegistrasi
                        | FailureKind::TokenRevoked
                        | FailureKind::EnrollRefused
                );
                self.update(|p| {
                    p.phase = Phase::Failed;
                    p.failure = Some(f.clone());
                    p.retry_notice = None;
                    p.needs_kode |= needs_kode;
                });
            }
        }
        result
    }

    /// Keeps the window and a scheduled task from sending at the same time.
    fn lock(&self) -> Result<std::fs::File, Failure> {
        let path = self.cfg.data_dir.root().join("send.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Failure::local(format!("{}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(Failure::new(FailureKind::AlreadyRunning))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                Err(Failure::local(format!("{}: {e}", path.display())))
            }
        }
    }

    /// Checks the input, then finishes the unfinished send or pulls and packs a new one,
    /// and delivers it.
    async fn send_inner(&self, req: &SendRequest, confirm: Confirm) -> Result<SendReport, Failure> {
        let version = self.progress.borrow().version.clone();
        self.update(Progress::start_new);
        if let VersionStatus::MustUpdate { download_url, .. } = version {
            return Err(Failure {
                download_url: Some(download_url),
                ..Failure::new(FailureKind::HelperOutdated)
            });
        }
        let npsn = req.npsn.trim().to_owned();
        if let Some(msg) =
            validate::check_npsn(&npsn).or_else(|| validate::check_username(&req.username_ops))
        {
            return Err(Failure::with_detail(FailureKind::InvalidInput, msg));
        }
        let server = self.server()?;
        let _lock = self.lock()?;

        let (send_id, resumed) = match self.pick_up_unfinished(&npsn)? {
            Some(send_id) => (send_id, true),
            None => {
                let pulled = self.pull(req, &npsn).await?;
                (self.pack(req, &npsn, pulled, confirm).await?, false)
            }
        };
        let mut report = self
            .deliver(send_id, &server, req.kode_registrasi.as_deref())
            .await?;
        report.resumed = resumed;
        Ok(report)
    }

    /// The unfinished send to finish, if it is young enough; an older one is abandoned.
    fn pick_up_unfinished(&self, npsn: &str) -> Result<Option<i64>, Failure> {
        let unfinished = self.outbox.unfinished(Some(npsn)).map_err(Failure::local)?;
        match unfinished {
            Some(s) if self.is_resumable(&s) => {
                tracing::info!(send_id = s.id, created = %s.created_utc, "melanjutkan pengiriman yang belum selesai");
                let url = self.cfg.server_url.clone().unwrap_or_default();
                if s.server_url != url {
                    tracing::info!(
                        send_id = s.id,
                        "alamat server berubah; sesi lama ditinggalkan"
                    );
                    self.outbox.retarget(s.id, &url).map_err(Failure::local)?;
                }
                let created = s.created_utc.clone();
                self.update(|p| p.resumed_from = Some(created));
                Ok(Some(s.id))
            }
            Some(old) => {
                tracing::info!(send_id = old.id, "pengiriman lama diganti tarikan baru");
                self.outbox
                    .mark_abandoned(old.id, "diganti tarikan baru")
                    .map_err(Failure::local)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Whether an unfinished send is young enough to be finished instead of pulled again.
    pub fn is_resumable(&self, s: &SendRecord) -> bool {
        let Ok(created) = time::OffsetDateTime::parse(
            &s.created_utc,
            &time::format_description::well_known::Rfc3339,
        ) else {
            return false;
        };
        let age = time::OffsetDateTime::now_utc() - created;
        age.whole_seconds() >= 0 && (age.whole_seconds() as u64) < self.cfg.resume_max_age.as_secs()
    }

    /// Enrolls if needed, then runs sessions until one commits: a session the server closed
    /// is replaced, a refused school token is replaced once with the kode registrasi.
    async fn deliver(
        &self,
        send_id: i64,
        server: &ServerClient,
        kode: Option<&str>,
    ) -> Result<SendReport, Failure> {
        let journal = Journal::new(self.outbox.clone(), send_id, server.wire_bytes());
        let send = journal.record()?;
        self.show_expected(&send, &journal.batches()?);
        let mut token = self.school_token(&send, kode, server).await?;
        let mut spare_kode = enroll::given(kode);
        for _ in 0..MAX_SESSIONS {
            match self.run_session(&journal, &send, server, &token).await {
                Ok(receipt) => return self.finish(&journal, server, receipt),
                Err(UploadError::SessionGone) => {
                    tracing::info!(send_id, "sesi ditutup server, membuka sesi baru");
                    journal.session_lost()?;
                }
                Err(UploadError::TokenInvalid(kind, detail)) => {
                    let refused = Failure::with_detail(kind, detail);
                    token = self
                        .replace_school_token(&send, spare_kode.take(), server, refused)
                        .await?;
                }
                Err(UploadError::Fail(f)) => {
                    journal.count_wire_bytes(server.wire_bytes());
                    journal.failed(&f);
                    return Err(f);
                }
            }
        }
        Err(Failure::with_detail(
            FailureKind::ServerRefused,
            "sesi pengiriman terus ditutup server",
        ))
    }

    /// What the outbox expects of this send, shown before the first batch goes out.
    fn show_expected(&self, send: &SendRecord, batches: &[BatchMeta]) {
        let preview = send.preview.clone();
        self.update(|p| {
            for kind in DataKind::ALL {
                let e = send.expected.get(&kind).copied().unwrap_or_default();
                let k = p.kind_mut(kind);
                k.rows = e.rows;
                k.batches = e.batches;
                k.batches_done = 0;
                k.uploaded_rows = 0;
                if k.state == KindState::Waiting {
                    k.state = KindState::Pulled;
                }
            }
            p.endpoints_done = 5;
            p.stats.raw_bytes = send.raw_bytes;
            p.stats.batches_total = batches.len() as u32;
            if p.preview.is_none() {
                p.preview = preview;
            }
        });
    }
}

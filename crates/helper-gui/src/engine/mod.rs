//! The send pipeline, usable with or without a window.
//!
//! pull the five endpoints one at a time → verify the username → flatten → batches →
//! outbox (crash-safe) → enroll if needed → open or resume a session → reference or upload
//! the batches the server lacks (2–4 at a time) → commit → receipt.
//!
//! Progress is published on a `watch` channel and a `notify` callback (the window's
//! `request_repaint`) runs after every change.

pub mod batches;
pub mod handle;
pub mod progress;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use shared_model::DataKind;
use shared_model::flatten::{DapodikSnapshot, flatten};
use shared_model::protocol::{
    BatchAck, BatchRef, BatchStatus, CommitReceipt, EnrollRequest, ErrorCode, OpenSessionRequest,
    SessionState, VersionCheck,
};
use shared_model::webservice::{Endpoint, Gtk, Pengguna, PesertaDidik, RombonganBelajar};
use tokio::sync::{oneshot, watch};

pub use handle::{Command, EngineHandle};
pub use progress::{KindProgress, KindState, Phase, Progress, SendStats, VersionStatus};

use crate::config::Settings;
use crate::dapodik::{self, DapodikClient};
use crate::failure::{Failure, FailureKind};
use crate::messages;
use crate::outbox::{BatchMeta, NewSend, Outbox, SendRecord};
use crate::paths::DataDir;
use crate::preview::Preview;
use crate::secrets::{SecretKey, SharedSecrets};
use crate::upload::{self, Backoff, ServerClient, ServerError};
use crate::validate;

pub const HELPER_VERSION: &str = env!("CARGO_PKG_VERSION");

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

pub type Notify = Arc<dyn Fn() + Send + Sync>;

pub struct Engine {
    cfg: EngineConfig,
    secrets: SharedSecrets,
    outbox: Outbox,
    progress: watch::Sender<Progress>,
    notify: Notify,
}

enum SessionReady {
    Open {
        session_id: String,
        reusable: HashSet<String>,
    },
    Committed(CommitReceipt),
}

enum UploadError {
    /// The session is closed/expired/superseded: open a new one.
    SessionGone,
    /// The school token is no longer valid.
    TokenInvalid(FailureKind, String),
    Fail(Failure),
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

    /// Whether this PC already holds a server token for the school.
    pub fn has_school_token(&self, npsn: &str) -> Result<bool, Failure> {
        self.secrets
            .get(&SecretKey::school(npsn))
            .map(|t| t.is_some())
            .map_err(|e| Failure::with_detail(FailureKind::CredentialStore, e.0))
    }

    /// The remembered Dapodik token for a school, if any.
    pub fn saved_dapodik_token(&self, npsn: &str) -> Option<String> {
        match self.secrets.get(&SecretKey::dapodik(npsn)) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("token Dapodik tersimpan tidak terbaca: {e}");
                None
            }
        }
    }

    fn server(&self) -> Result<ServerClient, Failure> {
        let url = self
            .cfg
            .server_url
            .as_deref()
            .ok_or_else(|| Failure::new(FailureKind::ServerNotConfigured))?;
        ServerClient::new(url, self.cfg.server_timeout).map_err(|e| upload::to_failure(&e))
    }

    fn absolute_url(&self, url: &str) -> String {
        if url.starts_with('/')
            && let Some(base) = &self.cfg.server_url
        {
            return format!("{}{url}", base.trim_end_matches('/'));
        }
        url.to_owned()
    }

    /// "Cek Versi Aplikasi": one quick call; offline is not an error.
    pub async fn check_version(&self) -> VersionStatus {
        self.update(|p| p.version = VersionStatus::Checking);
        let status = match self.server() {
            Err(_) => VersionStatus::Unknown,
            Ok(server) => match server.version().await {
                Ok(info) => {
                    let download_url = self.absolute_url(&info.download_url);
                    match info.check(&self.cfg.helper_version) {
                        VersionCheck::UpToDate => VersionStatus::UpToDate,
                        VersionCheck::UpdateAvailable => VersionStatus::UpdateAvailable {
                            latest: info.latest_version,
                            download_url,
                        },
                        VersionCheck::MustUpdate => VersionStatus::MustUpdate {
                            min: info.min_version,
                            download_url,
                        },
                    }
                }
                Err(e) => {
                    tracing::info!("cek versi gagal: {e}");
                    VersionStatus::Unknown
                }
            },
        };
        tracing::info!(?status, "cek versi");
        self.update(|p| p.version = status.clone());
        status
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

        let unfinished = self
            .outbox
            .unfinished(Some(&npsn))
            .map_err(Failure::local)?;
        let (send_id, resumed) = match unfinished {
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
                (s.id, true)
            }
            other => {
                if let Some(old) = other {
                    tracing::info!(send_id = old.id, "pengiriman lama diganti tarikan baru");
                    self.outbox
                        .mark_abandoned(old.id, "diganti tarikan baru")
                        .map_err(Failure::local)?;
                }
                (self.pull_and_store(req, &npsn, confirm).await?, false)
            }
        };
        let mut report = self
            .upload_and_commit(send_id, &server, req.kode_registrasi.as_deref())
            .await?;
        report.resumed = resumed;
        Ok(report)
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

    fn set_kinds_state(&self, kinds: &[DataKind], state: KindState) {
        self.update(|p| {
            for k in kinds {
                p.kind_mut(*k).state = state;
            }
        });
    }

    /// Pulls the five endpoints, checks school and username, shows the preview, and stores
    /// the snapshot's batches in the outbox. Returns the send id.
    async fn pull_and_store(
        &self,
        req: &SendRequest,
        npsn: &str,
        confirm: Confirm,
    ) -> Result<i64, Failure> {
        let token = match req
            .dapodik_token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => t.to_owned(),
            None => self.saved_dapodik_token(npsn).ok_or_else(|| {
                Failure::with_detail(FailureKind::InvalidInput, messages::TOKEN_EMPTY)
            })?,
        };
        if let Some(msg) = validate::check_token(&token) {
            return Err(Failure::with_detail(FailureKind::InvalidInput, msg));
        }
        crate::logging::register_secret(&token);
        self.update(|p| p.phase = Phase::Pulling);
        let client = DapodikClient::new(&self.cfg.dapodik_url, &token, self.cfg.dapodik_timeout)
            .map_err(|e| dapodik::to_failure(&e))?;
        let fail = |e: shared_model::webservice::DapodikFailure| dapodik::to_failure(&e);
        let started = Instant::now();

        self.set_kinds_state(&[DataKind::Sekolah], KindState::Pulling);
        let sekolah = client.sekolah(npsn).await.map_err(fail)?;
        if let Some(found) = sekolah
            .rows
            .npsn
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            && found != npsn
        {
            return Err(Failure::with_detail(
                FailureKind::DapodikNpsnMismatch,
                format!("NPSN pada token: {found}"),
            ));
        }
        self.pulled(&[(DataKind::Sekolah, 1)]);

        self.set_kinds_state(&[DataKind::PesertaDidik], KindState::Pulling);
        let pd = client
            .list::<PesertaDidik>(Endpoint::PesertaDidik, npsn)
            .await
            .map_err(fail)?;
        self.pulled(&[(DataKind::PesertaDidik, pd.rows.len() as u64)]);

        let gtk_kinds = [
            DataKind::Ptk,
            DataKind::RiwayatKepangkatan,
            DataKind::RiwayatPendidikan,
        ];
        self.set_kinds_state(&gtk_kinds, KindState::Pulling);
        let gtk = client
            .list::<Gtk>(Endpoint::Gtk, npsn)
            .await
            .map_err(fail)?;
        let rk: u64 = gtk
            .rows
            .iter()
            .map(|g| g.rwy_kepangkatan.len() as u64)
            .sum();
        let rp: u64 = gtk
            .rows
            .iter()
            .map(|g| g.rwy_pend_formal.len() as u64)
            .sum();
        self.pulled(&[
            (gtk_kinds[0], gtk.rows.len() as u64),
            (gtk_kinds[1], rk),
            (gtk_kinds[2], rp),
        ]);

        let rombel_kinds = [
            DataKind::Rombel,
            DataKind::AnggotaRombel,
            DataKind::Pembelajaran,
        ];
        self.set_kinds_state(&rombel_kinds, KindState::Pulling);
        let rombel = client
            .list::<RombonganBelajar>(Endpoint::RombonganBelajar, npsn)
            .await
            .map_err(fail)?;
        let ar: u64 = rombel
            .rows
            .iter()
            .map(|r| r.anggota_rombel.len() as u64)
            .sum();
        let pb: u64 = rombel
            .rows
            .iter()
            .map(|r| r.pembelajaran.as_ref().map_or(0, |v| v.len() as u64))
            .sum();
        self.pulled(&[
            (rombel_kinds[0], rombel.rows.len() as u64),
            (rombel_kinds[1], ar),
            (rombel_kinds[2], pb),
        ]);

        // getPengguna only proves the username; password hashes are dropped while parsing.
        let pengguna = client
            .list::<Pengguna>(Endpoint::Pengguna, npsn)
            .await
            .map_err(fail)?;
        let wanted = req.username_ops.trim().to_lowercase();
        if !pengguna
            .rows
            .iter()
            .any(|u| u.username.as_deref().map(|n| n.trim().to_lowercase()) == Some(wanted.clone()))
        {
            return Err(Failure::with_detail(
                FailureKind::UsernameNotFound,
                format!(
                    "{} pengguna terdaftar di Dapodik sekolah ini",
                    pengguna.rows.len()
                ),
            ));
        }
        self.update(|p| p.endpoints_done = 5);
        let raw_bytes = sekolah.raw_bytes
            + pd.raw_bytes
            + gtk.raw_bytes
            + rombel.raw_bytes
            + pengguna.raw_bytes;
        drop(pengguna);
        tracing::info!(
            npsn,
            raw_bytes,
            elapsed_ms = started.elapsed().as_millis() as u64,
            rss_kib = crate::memory::current_rss_kib(),
            peak_rss_kib = crate::memory::peak_rss_kib(),
            "data Dapodik ditarik"
        );

        if req.remember_token
            && let Err(e) = self.secrets.set(&SecretKey::dapodik(npsn), &token)
        {
            tracing::warn!("token Dapodik tidak tersimpan: {e}");
        }
        if let Err(e) = crate::config::remember_identity(
            &self.cfg.data_dir.config_path(),
            npsn,
            req.username_ops.trim(),
        ) {
            tracing::warn!("config.toml tidak tersimpan: {e}");
        }

        let semester_id = rombel
            .rows
            .iter()
            .find_map(|r| r.rombel.semester_id.clone());
        let snapshot = DapodikSnapshot {
            sekolah: sekolah.rows,
            peserta_didik: pd.rows,
            gtk: gtk.rows,
            rombel: rombel.rows,
        };
        let level = self.cfg.zstd_level;
        let sem = semester_id.clone();
        let (preview, batches) = tokio::task::spawn_blocking(move || {
            let flat = flatten(snapshot);
            let preview = Preview::from_flat(&flat, sem);
            let batches = batches::make_batches(flat, level);
            (preview, batches)
        })
        .await
        .map_err(Failure::internal)?;
        let batches = batches.map_err(Failure::internal)?;
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

    fn pulled(&self, kinds: &[(DataKind, u64)]) {
        self.update(|p| {
            p.endpoints_done = p.endpoints_done.saturating_add(1);
            for (k, n) in kinds {
                let kp = p.kind_mut(*k);
                kp.rows = *n;
                kp.state = KindState::Pulled;
            }
        });
    }

    /// Retries transient server errors with backoff and jitter until `max_offline`.
    async fn with_retry<T, F, Fut>(&self, what: &str, mut op: F) -> Result<T, ServerError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ServerError>>,
    {
        let mut backoff = Backoff::new(self.cfg.backoff_base, self.cfg.backoff_max);
        let started = Instant::now();
        loop {
            match op().await {
                Ok(v) => {
                    if backoff.attempts() > 0 {
                        self.update(|p| p.retry_notice = None);
                    }
                    return Ok(v);
                }
                Err(e) if e.is_transient() => {
                    let mut delay = backoff.next_delay(e.retry_after());
                    if let Some(max) = self.cfg.max_offline {
                        let spent = started.elapsed();
                        if spent >= max {
                            return Err(e);
                        }
                        delay = delay.min(max - spent + Duration::from_millis(10));
                    }
                    let secs = delay.as_secs_f64().ceil() as u64;
                    let notice = if e.is_offline() {
                        messages::retry_line(secs)
                    } else {
                        messages::busy_retry_line(secs)
                    };
                    tracing::warn!(
                        what,
                        attempt = backoff.attempts(),
                        delay_ms = delay.as_millis() as u64,
                        "{e}"
                    );
                    self.update(|p| p.retry_notice = Some(notice));
                    tokio::time::sleep(delay).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn download_url(&self, server: &ServerClient) -> Option<String> {
        match &self.progress.borrow().version {
            VersionStatus::MustUpdate { download_url, .. }
            | VersionStatus::UpdateAvailable { download_url, .. } => {
                return Some(download_url.clone());
            }
            _ => {}
        }
        server
            .version()
            .await
            .ok()
            .map(|v| self.absolute_url(&v.download_url))
    }

    async fn server_failure(&self, server: &ServerClient, e: &ServerError) -> Failure {
        let mut f = upload::to_failure(e);
        if f.kind == FailureKind::HelperOutdated {
            f.download_url = self.download_url(server).await;
        }
        f
    }

    /// The school token from the store, or a new one by enrolling with the kode registrasi.
    async fn school_token(
        &self,
        send: &SendRecord,
        kode: Option<&str>,
        server: &ServerClient,
    ) -> Result<String, Failure> {
        let key = SecretKey::school(&send.npsn);
        match self.secrets.get(&key) {
            Ok(Some(t)) => {
                crate::logging::register_secret(&t);
                return Ok(t);
            }
            Ok(None) => {}
            Err(e) => return Err(Failure::with_detail(FailureKind::CredentialStore, e.0)),
        }
        let Some(kode) = kode.map(str::trim).filter(|k| !k.is_empty()) else {
            self.update(|p| p.needs_kode = true);
            return Err(Failure::new(FailureKind::NeedKodeRegistrasi));
        };
        self.enroll(send, kode, server).await
    }

    async fn enroll(
        &self,
        send: &SendRecord,
        kode: &str,
        server: &ServerClient,
    ) -> Result<String, Failure> {
        if let Some(msg) = validate::check_kode(kode) {
            return Err(Failure::with_detail(FailureKind::InvalidInput, msg));
        }
        crate::logging::register_secret(kode);
        self.update(|p| p.phase = Phase::Enrolling);
        let req = EnrollRequest {
            npsn: send.npsn.clone(),
            kode_registrasi: kode.to_owned(),
            username_ops: send.username_ops.clone(),
            helper_version: self.cfg.helper_version.clone(),
            device_name: Some(self.cfg.device_name.clone()),
        };
        // A 429 here means too many wrong codes: waiting silently would hide that.
        let resp = self
            .with_retry("enroll", || async {
                match server.enroll(&req).await {
                    Err(e) if e.code() == Some(ErrorCode::RateLimited) => {
                        Err(ServerError::Protocol(e.to_string()))
                    }
                    other => other,
                }
            })
            .await;
        let resp = match resp {
            Ok(r) => r,
            Err(ServerError::Protocol(msg)) if msg.contains("rate_limited") => {
                return Err(Failure::with_detail(
                    FailureKind::ServerRefused,
                    "Terlalu banyak percobaan Kode Registrasi. Tunggu beberapa menit lalu coba lagi.",
                ));
            }
            Err(e) => return Err(self.server_failure(server, &e).await),
        };
        crate::logging::register_secret(&resp.school_token);
        tracing::info!(npsn = %resp.npsn, nama = ?resp.nama_sekolah, "komputer terdaftar di server");
        if let Err(e) = self
            .secrets
            .set(&SecretKey::school(&send.npsn), &resp.school_token)
        {
            // The token still works for this send; the next start will ask for the code again.
            tracing::warn!("token sekolah tidak tersimpan: {e}");
        }
        self.update(|p| p.needs_kode = false);
        Ok(resp.school_token)
    }

    async fn upload_and_commit(
        &self,
        send_id: i64,
        server: &ServerClient,
        kode: Option<&str>,
    ) -> Result<SendReport, Failure> {
        let send = self
            .outbox
            .send(send_id)
            .map_err(Failure::local)?
            .ok_or_else(|| Failure::internal("send hilang"))?;
        let metas = self.outbox.batches(send_id).map_err(Failure::local)?;
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
            p.stats.batches_total = metas.len() as u32;
            if p.preview.is_none() {
                p.preview = preview;
            }
        });

        let accounted = AtomicU64::new(server.wire_bytes());
        let mut token = self.school_token(&send, kode, server).await?;
        let mut reenrolled = false;
        let mut restarts = 0u32;
        loop {
            restarts += 1;
            if restarts > 6 {
                return Err(Failure::with_detail(
                    FailureKind::ServerRefused,
                    "sesi pengiriman terus ditutup server",
                ));
            }
            let result = self
                .run_session(send_id, &send, server, &token, &accounted)
                .await;
            match result {
                Ok(receipt) => {
                    self.checkpoint_bytes(send_id, server, &accounted);
                    let total_wire = self
                        .outbox
                        .send(send_id)
                        .ok()
                        .flatten()
                        .map_or(0, |s| s.wire_bytes);
                    self.outbox
                        .mark_committed(send_id, &receipt)
                        .map_err(Failure::local)?;
                    let stats = {
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
                        self.progress.borrow().stats
                    };
                    return Ok(SendReport {
                        receipt,
                        stats,
                        resumed: false,
                    });
                }
                Err(UploadError::SessionGone) => {
                    tracing::info!(send_id, "sesi ditutup server, membuka sesi baru");
                    self.outbox
                        .set_session(send_id, None)
                        .map_err(Failure::local)?;
                    self.outbox
                        .sync_done(send_id, &BTreeMap::new())
                        .map_err(Failure::local)?;
                }
                Err(UploadError::TokenInvalid(kind, detail)) => {
                    let _ = self.secrets.delete(&SecretKey::school(&send.npsn));
                    match kode.map(str::trim).filter(|k| !k.is_empty()) {
                        Some(k) if !reenrolled => {
                            reenrolled = true;
                            token = self.enroll(&send, k, server).await?;
                        }
                        _ => {
                            self.update(|p| p.needs_kode = true);
                            return Err(Failure::with_detail(kind, detail));
                        }
                    }
                }
                Err(UploadError::Fail(f)) => {
                    self.checkpoint_bytes(send_id, server, &accounted);
                    let _ = self.outbox.record_error(send_id, f.kind.code());
                    return Err(f);
                }
            }
        }
    }

    fn checkpoint_bytes(&self, send_id: i64, server: &ServerClient, accounted: &AtomicU64) {
        let now = server.wire_bytes();
        let before = accounted.swap(now, Ordering::SeqCst);
        if now > before
            && let Err(e) = self.outbox.add_wire_bytes(send_id, now - before)
        {
            tracing::warn!("{e}");
        }
    }

    async fn classify(&self, server: &ServerClient, e: ServerError) -> UploadError {
        match e.code() {
            Some(ErrorCode::SessionClosed | ErrorCode::SessionNotFound) => UploadError::SessionGone,
            Some(ErrorCode::Unauthorized) => {
                UploadError::TokenInvalid(FailureKind::NeedKodeRegistrasi, e.to_string())
            }
            Some(ErrorCode::TokenRevoked) => {
                UploadError::TokenInvalid(FailureKind::TokenRevoked, e.to_string())
            }
            _ => UploadError::Fail(self.server_failure(server, &e).await),
        }
    }

    /// Opens (or resumes) the session, uploads what is missing and commits.
    async fn run_session(
        &self,
        send_id: i64,
        send: &SendRecord,
        server: &ServerClient,
        token: &str,
        accounted: &AtomicU64,
    ) -> Result<CommitReceipt, UploadError> {
        let (session_id, reusable) = match self.ensure_session(send_id, send, server, token).await?
        {
            SessionReady::Committed(receipt) => return Ok(receipt),
            SessionReady::Open {
                session_id,
                reusable,
            } => (session_id, reusable),
        };
        let mut incomplete_rounds = 0;
        loop {
            self.upload_pending(send_id, &session_id, &reusable, server, token, accounted)
                .await?;
            self.update(|p| p.phase = Phase::Committing);
            match self
                .with_retry("commit", || server.commit(token, &session_id))
                .await
            {
                Ok(receipt) => return Ok(receipt),
                Err(e)
                    if e.code() == Some(ErrorCode::SessionIncomplete) && incomplete_rounds < 3 =>
                {
                    incomplete_rounds += 1;
                    tracing::warn!("server belum menerima semua batch, menyelaraskan");
                    let status = match self
                        .with_retry("status", || server.status(token, &session_id))
                        .await
                    {
                        Ok(s) => s,
                        Err(e) => return Err(self.classify(server, e).await),
                    };
                    let held = status
                        .received
                        .into_iter()
                        .map(|(k, r)| (k, r.batches))
                        .collect();
                    self.outbox
                        .sync_done(send_id, &held)
                        .map_err(|e| UploadError::Fail(Failure::local(e)))?;
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

    async fn ensure_session(
        &self,
        send_id: i64,
        send: &SendRecord,
        server: &ServerClient,
        token: &str,
    ) -> Result<SessionReady, UploadError> {
        let local = |e| UploadError::Fail(Failure::local(e));
        let current = self
            .outbox
            .send(send_id)
            .map_err(local)?
            .and_then(|s| s.session_id);
        if let Some(sid) = current {
            match self
                .with_retry("status", || server.status(token, &sid))
                .await
            {
                Ok(st) if st.state == SessionState::Open => {
                    let held: BTreeMap<DataKind, Vec<u32>> = st
                        .received
                        .into_iter()
                        .map(|(k, r)| (k, r.batches))
                        .collect();
                    let n: usize = held.values().map(Vec::len).sum();
                    tracing::info!(session = %sid, held = n, "melanjutkan sesi");
                    self.outbox.sync_done(send_id, &held).map_err(local)?;
                    self.update(|p| p.stats.batches_already_held = n as u32);
                    return Ok(SessionReady::Open {
                        session_id: sid,
                        reusable: HashSet::new(),
                    });
                }
                Ok(st) if st.state == SessionState::Committed && st.receipt.is_some() => {
                    tracing::info!(session = %sid, "sesi sudah tercatat di server");
                    return Ok(SessionReady::Committed(st.receipt.expect("checked")));
                }
                Ok(st) => {
                    tracing::info!(session = %sid, state = ?st.state, "sesi lama tidak terbuka lagi")
                }
                Err(e) if e.code() == Some(ErrorCode::NotFound) => {}
                Err(e) => match self.classify(server, e).await {
                    UploadError::SessionGone => {}
                    other => return Err(other),
                },
            }
            self.outbox.set_session(send_id, None).map_err(local)?;
            self.outbox
                .sync_done(send_id, &BTreeMap::new())
                .map_err(local)?;
        }
        let req = OpenSessionRequest {
            npsn: send.npsn.clone(),
            helper_version: self.cfg.helper_version.clone(),
            username_ops: send.username_ops.clone(),
            semester_id: send.semester_id.clone(),
            expected: send.expected.clone(),
        };
        let resp = match self
            .with_retry("open", || server.open_session(token, &req))
            .await
        {
            Ok(r) => r,
            Err(e) => return Err(self.classify(server, e).await),
        };
        tracing::info!(session = %resp.session_id, reusable = resp.reusable_hashes.len(), "sesi dibuka");
        self.outbox
            .set_session(send_id, Some(&resp.session_id))
            .map_err(local)?;
        Ok(SessionReady::Open {
            session_id: resp.session_id,
            reusable: resp.reusable_hashes.into_iter().collect(),
        })
    }

    async fn upload_pending(
        &self,
        send_id: i64,
        session_id: &str,
        reusable: &HashSet<String>,
        server: &ServerClient,
        token: &str,
        accounted: &AtomicU64,
    ) -> Result<(), UploadError> {
        let metas = self
            .outbox
            .batches(send_id)
            .map_err(|e| UploadError::Fail(Failure::local(e)))?;
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
        let pending: Vec<BatchMeta> = metas.into_iter().filter(|b| !b.done).collect();
        tracing::info!(
            session = session_id,
            pending = pending.len(),
            "mengirim batch"
        );
        let concurrency = self.cfg.upload_concurrency.clamp(1, 8);
        let mut results = futures::stream::iter(pending)
            .map(|b| async move {
                self.upload_one(send_id, session_id, b, reusable, server, token)
                    .await
            })
            .buffer_unordered(concurrency);
        let mut first_error = None;
        while let Some(r) = results.next().await {
            self.checkpoint_bytes(send_id, server, accounted);
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

    async fn upload_one(
        &self,
        send_id: i64,
        session_id: &str,
        b: BatchMeta,
        reusable: &HashSet<String>,
        server: &ServerClient,
        token: &str,
    ) -> Result<(), UploadError> {
        let mut ack: Option<BatchAck> = None;
        if reusable.contains(&b.sha256) {
            let r = BatchRef {
                sha256: b.sha256.clone(),
                rows: b.rows,
            };
            match self
                .with_retry("ref", || {
                    server.put_ref(token, session_id, b.kind, b.seq, &r)
                })
                .await
            {
                Ok(a) => ack = Some(a),
                Err(e) if e.code() == Some(ErrorCode::BatchUnknownHash) => {}
                Err(e) => return Err(self.classify(server, e).await),
            }
        }
        let ack = match ack {
            Some(a) => a,
            None => {
                let outbox = self.outbox.clone();
                let (kind, seq) = (b.kind, b.seq);
                let body =
                    tokio::task::spawn_blocking(move || outbox.batch_body(send_id, kind, seq))
                        .await
                        .map_err(|e| UploadError::Fail(Failure::internal(e)))?
                        .map_err(|e| UploadError::Fail(Failure::local(e)))?;
                match self
                    .with_retry("batch", || {
                        server.put_batch(token, session_id, b.kind, b.seq, &b.sha256, body.clone())
                    })
                    .await
                {
                    Ok(a) => a,
                    Err(e) => return Err(self.classify(server, e).await),
                }
            }
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
        let status = match ack.status {
            BatchStatus::Stored => "stored",
            BatchStatus::Duplicate => "duplicate",
            BatchStatus::Reused => "reused",
        };
        self.outbox
            .mark_done(send_id, b.kind, b.seq, status, 0)
            .map_err(|e| UploadError::Fail(Failure::local(e)))?;
        let wire = server.wire_bytes();
        self.update(|p| {
            let k = p.kind_mut(b.kind);
            k.uploaded_rows += b.rows;
            k.batches_done += 1;
            if k.batches_done >= k.batches {
                k.state = KindState::Sent;
            }
            match ack.status {
                BatchStatus::Reused => p.stats.batches_reused += 1,
                _ => p.stats.batches_uploaded += 1,
            }
            p.stats.wire_bytes = wire;
        });
        Ok(())
    }
}

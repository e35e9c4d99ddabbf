//! Headless mode for sysadmins and scheduled tasks: `db-helper kirim` and `db-helper status`.
//!
//! `kirim` prints one line per step on stdout and exits 0 only when the server committed the
//! send; otherwise it prints the reason (Indonesian, with what to do) on stderr and exits with
//! [`crate::failure::FailureKind::exit_code`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use shared_model::DataKind;

use crate::config::{self, CliOverrides, ENV_DAPODIK_TOKEN};
use crate::engine::{
    Confirm, Engine, EngineConfig, KindState, Phase, Progress, SendReport, SendRequest,
    VersionStatus,
};
use crate::failure::{Failure, FailureKind};
use crate::messages;
use crate::paths::DataDir;

#[derive(Debug, Clone, Default)]
pub struct KirimOptions {
    pub data_dir: Option<PathBuf>,
    /// `None`: the NPSN saved by the previous send (config.toml), as a scheduled task runs it.
    pub npsn: Option<String>,
    /// `None`: the username saved by the previous send.
    pub username: Option<String>,
    pub server_url: Option<String>,
    pub dapodik_url: Option<String>,
    pub kode_registrasi: Option<String>,
    /// Stop retrying the server after this long offline.
    pub max_wait: Duration,
    /// Store the token from the environment in the credential store.
    pub simpan_token: bool,
}

fn print_failure(f: &Failure) {
    let m = messages::describe(f);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "GAGAL [{}]: {}", f.kind.code(), m.title);
    if let Some(d) = &f.detail {
        let _ = writeln!(err, "  Keterangan: {d}");
    }
    for a in &m.advice {
        let _ = writeln!(err, "  - {a}");
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("db-helper")
        .build()
        .map_err(Failure::internal)
}

/// Prints what changed between two progress snapshots.
pub struct ProgressPrinter {
    last: Progress,
}

impl Default for ProgressPrinter {
    fn default() -> Self {
        Self::new()
    }
}

impl ProgressPrinter {
    pub fn new() -> Self {
        ProgressPrinter {
            last: Progress::default(),
        }
    }

    /// Lines to print for the transition to `now`.
    pub fn lines(&mut self, now: &Progress) -> Vec<String> {
        let mut out = Vec::new();
        let last = &self.last;
        if now.resumed_from.is_some() && last.resumed_from.is_none() {
            out.push(format!(
                "{} (dibuat {})",
                messages::RESUMING,
                now.resumed_from.as_deref().unwrap_or("")
            ));
        }
        if now.phase != last.phase {
            let line = match now.phase {
                Phase::Pulling => Some(messages::PHASE_PULL),
                Phase::Enrolling => Some(messages::PHASE_ENROLL),
                Phase::Uploading => Some(messages::PHASE_UPLOAD),
                Phase::Committing => Some(messages::PHASE_COMMIT),
                _ => None,
            };
            out.extend(line.map(str::to_owned));
        }
        for kind in DataKind::ALL {
            let (a, b) = (last.kind(kind), now.kind(kind));
            if b.state == KindState::Pulled
                && a.state != KindState::Pulled
                && now.phase != Phase::Uploading
            {
                out.push(format!("  {}: {} baris ditarik", kind.label(), b.rows));
            }
            if b.state == KindState::Sent && a.state != KindState::Sent && b.batches > 0 {
                out.push(format!("  {}: {} baris terkirim", kind.label(), b.rows));
            }
        }
        if let Some(p) = &now.preview
            && last.preview.is_none()
        {
            if let Some(nama) = &p.nama_sekolah {
                out.push(format!("  Sekolah: {nama}"));
            }
            for w in &p.warnings {
                out.push(format!("  Catatan: {}", w.text));
            }
        }
        if now.retry_notice != last.retry_notice
            && let Some(n) = &now.retry_notice
        {
            out.push(format!("  {n}"));
        }
        self.last = now.clone();
        out
    }
}

/// `db-helper kirim`.
pub fn kirim(opts: KirimOptions) -> ExitCode {
    let data_dir = DataDir::resolve(opts.data_dir.as_deref());
    let _log = crate::logging::init(&data_dir, false);
    match kirim_inner(&opts, &data_dir) {
        Ok(report) => {
            let r = &report.receipt;
            println!(
                "{}. Tanggal kirim: {} (NPSN {})",
                messages::HEADING_SELESAI,
                r.tanggal_kirim,
                r.npsn
            );
            for (kind, n) in r.counts.iter() {
                println!("  {}: {n}", kind.label());
            }
            println!(
                "  Ukuran: {} byte data Dapodik, {} byte terkirim lewat jaringan",
                report.stats.raw_bytes, report.stats.wire_bytes
            );
            ExitCode::SUCCESS
        }
        Err(f) => {
            print_failure(&f);
            ExitCode::from(f.kind.exit_code())
        }
    }
}

fn kirim_inner(opts: &KirimOptions, data_dir: &DataDir) -> Result<SendReport, Failure> {
    let cli = CliOverrides {
        server_url: opts.server_url.clone(),
        dapodik_url: opts.dapodik_url.clone(),
    };
    let settings = config::load(data_dir, &cli)
        .map_err(|e| Failure::with_detail(FailureKind::InvalidInput, e))?;
    let secrets = crate::secrets::for_binary()
        .map_err(|e| Failure::with_detail(FailureKind::CredentialStore, e.0))?;
    let mut cfg = EngineConfig::from_settings(&settings, data_dir.clone());
    cfg.max_offline = Some(opts.max_wait);
    let (npsn, username) = identity(opts, &settings)?;
    let engine = Engine::new(cfg, secrets, std::sync::Arc::new(|| {}))?;
    let token = std::env::var(ENV_DAPODIK_TOKEN)
        .ok()
        .filter(|t| !t.trim().is_empty());
    let req = SendRequest {
        npsn,
        username_ops: username,
        remember_token: opts.simpan_token && token.is_some(),
        dapodik_token: token,
        kode_registrasi: opts.kode_registrasi.clone(),
    };
    let rt = runtime()?;
    rt.block_on(async {
        println!("{}", messages::VERSION_CHECKING);
        match engine.check_version().await {
            VersionStatus::UpToDate => println!("{}", messages::VERSION_LATEST),
            VersionStatus::UpdateAvailable {
                latest,
                download_url,
            } => {
                println!("{} {download_url}", messages::update_available(&latest));
            }
            VersionStatus::MustUpdate { min, download_url } => {
                println!(
                    "{} {download_url}",
                    messages::must_update(&engine.config().helper_version, &min)
                );
            }
            VersionStatus::Unknown | VersionStatus::Checking => {
                println!("{}", messages::VERSION_OFFLINE)
            }
        }
        let mut rx = engine.subscribe();
        let printer = tokio::spawn(async move {
            let mut printer = ProgressPrinter::new();
            loop {
                let lines = printer.lines(&rx.borrow_and_update().clone());
                for l in lines {
                    println!("{l}");
                }
                if rx.changed().await.is_err() {
                    break;
                }
            }
        });
        let result = engine.send(req, Confirm::Auto).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        printer.abort();
        result
    })
}

/// NPSN and username: from the command line, else saved by the previous send (what a
/// scheduled `db-helper kirim` with no arguments relies on).
fn identity(opts: &KirimOptions, settings: &config::Settings) -> Result<(String, String), Failure> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let npsn = given(&opts.npsn).or_else(|| given(&settings.npsn));
    let username = given(&opts.username).or_else(|| given(&settings.username_ops));
    match (npsn, username) {
        (Some(n), Some(u)) => Ok((n, u)),
        _ => Err(Failure::with_detail(
            FailureKind::InvalidInput,
            messages::IDENTITY_NOT_SAVED,
        )),
    }
}

/// `db-helper status`: last send, pending outbox, effective settings. Never prints a secret.
pub fn status(data_dir: Option<PathBuf>, npsn: Option<String>, cli: CliOverrides) -> ExitCode {
    let data_dir = DataDir::resolve(data_dir.as_deref());
    let settings = match config::load(&data_dir, &cli) {
        Ok(s) => s,
        Err(e) => {
            print_failure(&Failure::with_detail(FailureKind::InvalidInput, e));
            return ExitCode::from(2);
        }
    };
    let npsn = npsn.or(settings.npsn.clone());
    print_settings(&data_dir, &settings, npsn.as_deref());
    print_tokens(npsn.as_deref());
    let outbox = match crate::outbox::Outbox::open(&data_dir.outbox_path()) {
        Ok(o) => o,
        Err(e) => {
            print_failure(&Failure::local(e));
            return ExitCode::from(8);
        }
    };
    print_last_send(&outbox);
    print_pending(&outbox);
    ExitCode::SUCCESS
}

fn print_settings(data_dir: &DataDir, settings: &config::Settings, npsn: Option<&str>) {
    println!("Folder data      : {}", data_dir.root().display());
    println!(
        "Server Dinas     : {} ({})",
        settings.server_url.as_deref().unwrap_or("-"),
        settings.server_url_source.label()
    );
    println!(
        "Web Service      : {} ({})",
        settings.dapodik_url,
        settings.dapodik_url_source.label()
    );
    println!("NPSN             : {}", npsn.unwrap_or("-"));
    println!(
        "Username OPS     : {}",
        settings.username_ops.as_deref().unwrap_or("-")
    );
}

/// Whether the tokens are stored, never the tokens.
fn print_tokens(npsn: Option<&str>) {
    match crate::secrets::for_binary() {
        Ok(store) => {
            println!("Penyimpanan token: {}", store.describe());
            if let Some(n) = npsn {
                let has = |k| match store.get(&k) {
                    Ok(Some(_)) => "tersimpan",
                    Ok(None) => "belum ada",
                    Err(_) => "tidak terbaca",
                };
                println!(
                    "  Token Dapodik  : {}",
                    has(crate::secrets::SecretKey::dapodik(n))
                );
                println!(
                    "  Token sekolah  : {}",
                    has(crate::secrets::SecretKey::school(n))
                );
            }
        }
        Err(e) => println!("Penyimpanan token: TIDAK TERSEDIA ({e})"),
    }
}

fn print_last_send(outbox: &crate::outbox::Outbox) {
    match outbox.last_committed(None) {
        Ok(Some(s)) => {
            let r = s.receipt.as_ref();
            println!(
                "Kiriman terakhir : {} (NPSN {}, oleh {})",
                r.map_or("-", |r| r.tanggal_kirim.as_str()),
                s.npsn,
                s.username_ops
            );
            if let Some(r) = r {
                for (kind, n) in r.counts.iter() {
                    println!("  {:<26}: {n}", kind.label());
                }
            }
            println!(
                "  Terkirim lewat jaringan: {} byte (data Dapodik {} byte)",
                s.wire_bytes, s.raw_bytes
            );
        }
        Ok(None) => println!("Kiriman terakhir : belum pernah"),
        Err(e) => println!("Kiriman terakhir : tidak terbaca ({e})"),
    }
}

fn print_pending(outbox: &crate::outbox::Outbox) {
    match outbox.unfinished(None) {
        Ok(Some(s)) => {
            let batches = outbox.batches(s.id).unwrap_or_default();
            let done = batches.iter().filter(|b| b.done).count();
            println!(
                "Tertunda         : pengiriman NPSN {} dibuat {} — {done}/{} batch diterima server{}",
                s.npsn,
                s.created_utc,
                batches.len(),
                s.last_error
                    .as_deref()
                    .map(|e| format!(", kesalahan terakhir: {e}"))
                    .unwrap_or_default()
            );
            println!("  Akan dilanjutkan otomatis pada pengiriman berikutnya.");
        }
        Ok(None) => println!("Tertunda         : tidak ada"),
        Err(e) => println!("Tertunda         : tidak terbaca ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_reports_each_step_once() {
        let mut p = ProgressPrinter::new();
        let mut now = Progress {
            phase: Phase::Pulling,
            ..Progress::default()
        };
        assert_eq!(p.lines(&now), vec![messages::PHASE_PULL.to_owned()]);
        now.kind_mut(DataKind::PesertaDidik).state = KindState::Pulled;
        now.kind_mut(DataKind::PesertaDidik).rows = 30;
        assert_eq!(
            p.lines(&now),
            vec!["  Data PD: 30 baris ditarik".to_owned()]
        );
        assert!(p.lines(&now).is_empty());
        now.retry_notice = Some(messages::retry_line(4));
        assert_eq!(p.lines(&now).len(), 1);
    }
}

//! The helpdesk log: daily rotating files `logs/db-helper.YYYY-MM-DD.log` in the data folder,
//! 14 days kept.
//!
//! No secret is ever passed to `tracing` (tokens live in [`crate::secrets`] and request
//! builders only). As a second line of defence every line goes through [`redact`], which
//! masks registered secrets and anything after `Bearer `.

use std::io::Write;
use std::sync::RwLock;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::paths::DataDir;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Masks this value wherever it would appear in the log from now on.
pub fn register_secret(secret: &str) {
    let s = secret.trim();
    if s.len() < 4 {
        return;
    }
    if let Ok(mut list) = SECRETS.write()
        && !list.iter().any(|x| x == s)
    {
        list.push(s.to_owned());
    }
}

/// Replaces registered secrets and bearer tokens with `<rahasia>`.
pub fn redact(line: &str) -> String {
    let mut out = line.to_owned();
    if let Ok(list) = SECRETS.read() {
        for s in list.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "<rahasia>");
            }
        }
    }
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("Bearer ") {
        result.push_str(&rest[..i + 7]);
        let tail = &rest[i + 7..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        if end > 0 {
            result.push_str("<rahasia>");
        }
        rest = &tail[end..];
    }
    result.push_str(rest);
    result
}

/// A writer that redacts each write before passing it on.
pub struct Redacting<W>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[derive(Clone)]
pub struct RedactingMakeWriter<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = Redacting<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        Redacting(self.0.make_writer())
    }
}

/// Keeps the background log writer alive; drop it last (flushes).
pub struct LogGuard {
    _guard: tracing_appender::non_blocking::WorkerGuard,
}

/// Starts logging to the data folder (and to stderr when `stderr` is set, e.g. `RUST_LOG`
/// in headless runs). Returns `None` if the folder is not writable (the helper still runs).
pub fn init(data_dir: &DataDir, stderr: bool) -> Option<LogGuard> {
    let dir = data_dir.logs_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("db-helper")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("DBHELPER_LOG").unwrap_or_else(|_| {
        EnvFilter::new(
            "info,wgpu=warn,naga=warn,eframe=warn,egui=warn,winit=warn,reqwest=warn,hyper=warn",
        )
    });
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_target(false)
        .with_writer(RedactingMakeWriter(writer));
    let stderr_layer = stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_target(false)
            .with_writer(RedactingMakeWriter(std::io::stderr))
    });
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), data_dir = %data_dir.root().display(), "db-helper mulai");
    Some(LogGuard { _guard: guard })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_bearer_tokens_are_masked() {
        register_secret("Ab12Cd34Ef56Gh7");
        let line = "token Ab12Cd34Ef56Gh7 dan Authorization: Bearer xyz.123 selesai";
        let r = redact(line);
        assert!(!r.contains("Ab12Cd34Ef56Gh7"));
        assert!(!r.contains("xyz.123"));
        assert!(r.contains("Bearer <rahasia> selesai"), "{r}");
        assert_eq!(redact("tanpa rahasia"), "tanpa rahasia");
        register_secret("ab");
        assert_eq!(redact("ab cd"), "ab cd", "too short to register");
    }
}

//! Command line: no subcommand opens the window; `kirim` and `status` run headless.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::CliOverrides;
use crate::headless::{self, KirimOptions};
use crate::paths::ENV_DATA_DIR;
use crate::ui::{self, AutoRun, WindowOptions};

/// `--version`. A build with the test-only secret store says so: `cargo build --workspace`
/// unifies features with `system-tests`, and such an exe must never be shipped (the
/// installer builds `-p helper-gui`; `installer/check-msi.sh` checks this text).
#[cfg(not(feature = "test-support"))]
pub const VERSION_TEXT: &str = env!("CARGO_PKG_VERSION");
#[cfg(feature = "test-support")]
pub const VERSION_TEXT: &str = concat!(env!("CARGO_PKG_VERSION"), " (build uji)");

#[derive(Debug, Parser)]
#[command(
    name = "db-helper",
    version = VERSION_TEXT,
    about = "Dapodik Backbone Helper: kirim data Dapodik sekolah ke server Dinas Pendidikan.",
    long_about = "Tanpa perintah: membuka jendela aplikasi.\n\
                  `db-helper kirim …` mengirim tanpa jendela (tugas terjadwal);\n\
                  `db-helper status` menampilkan kiriman terakhir dan yang tertunda."
)]
pub struct Cli {
    /// Folder data (config.toml, outbox, log). Bawaan: per komputer.
    #[arg(long, global = true, env = ENV_DATA_DIR)]
    pub data_dir: Option<PathBuf>,

    /// Alamat server Dinas (mengalahkan pengaturan installer).
    #[arg(long, global = true)]
    pub server_url: Option<String>,

    /// Alamat Web Service Dapodik.
    #[arg(long, global = true)]
    pub dapodik_url: Option<String>,

    /// (uji) Simpan tangkapan layar jendela ke berkas PNG lalu tutup.
    #[arg(long, hide = true)]
    pub screenshot: Option<PathBuf>,

    /// (uji/benchmark) Tekan "Kirim Data" otomatis dengan isian tersimpan.
    #[arg(long, hide = true)]
    pub auto_kirim: bool,

    /// (uji/benchmark) Tutup jendela setelah pengiriman selesai.
    #[arg(long, hide = true)]
    pub exit_when_done: bool,

    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Tarik data dari Dapodik dan kirim ke server Dinas tanpa jendela.
    Kirim(KirimArgs),
    /// Tampilkan kiriman terakhir, pengiriman tertunda dan pengaturan.
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct KirimArgs {
    /// NPSN sekolah (8 angka). Bawaan: yang tersimpan dari pengiriman sebelumnya.
    #[arg(long)]
    pub npsn: Option<String>,
    /// Username OPS Dapodik (email login Dapodik). Bawaan: yang tersimpan.
    #[arg(long)]
    pub username: Option<String>,
    /// Kode Registrasi dari Dinas (hanya untuk pengiriman pertama dari komputer ini).
    #[arg(long)]
    pub kode_registrasi: Option<String>,
    /// Berhenti mencoba ulang setelah server tidak terhubung selama sekian detik.
    #[arg(long, default_value_t = 600)]
    pub batas_tunggu: u64,
    /// Simpan token dari DBHELPER_DAPODIK_TOKEN ke penyimpanan kredensial.
    #[arg(long)]
    pub simpan_token: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// NPSN yang diperiksa token-tokennya (bawaan: dari config.toml).
    #[arg(long)]
    pub npsn: Option<String>,
}

pub fn main() -> ExitCode {
    let code = match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            // --help, --version and usage errors.
            let _ = e.print();
            report_peak_rss();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    report_peak_rss();
    code
}

/// With `DBHELPER_REPORT_PEAK_RSS` set, prints `peak_rss_kib=N` on stderr (benchmark).
fn report_peak_rss() {
    if std::env::var_os("DBHELPER_REPORT_PEAK_RSS").is_some()
        && let Some(kib) = crate::memory::peak_rss_kib()
    {
        eprintln!("peak_rss_kib={kib}");
    }
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Cmd::Kirim(a)) => headless::kirim(KirimOptions {
            data_dir: cli.data_dir,
            npsn: a.npsn,
            username: a.username,
            server_url: cli.server_url,
            dapodik_url: cli.dapodik_url,
            kode_registrasi: a.kode_registrasi,
            max_wait: Duration::from_secs(a.batas_tunggu),
            simpan_token: a.simpan_token,
        }),
        Some(Cmd::Status(a)) => headless::status(
            cli.data_dir,
            a.npsn,
            CliOverrides {
                server_url: cli.server_url,
                dapodik_url: cli.dapodik_url,
            },
        ),
        None => ui::run_window(WindowOptions {
            data_dir: cli.data_dir,
            server_url: cli.server_url,
            dapodik_url: cli.dapodik_url,
            auto: AutoRun {
                kirim: cli.auto_kirim,
                screenshot: cli.screenshot,
                exit_when_done: cli.exit_when_done,
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent_and_parses_kirim() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "db-helper",
            "kirim",
            "--npsn",
            "20599901",
            "--username",
            "op@x",
            "--server-url",
            "http://s",
            "--dapodik-url",
            "http://localhost:5774",
            "--kode-registrasi",
            "ABCDEF",
        ])
        .unwrap();
        assert_eq!(cli.server_url.as_deref(), Some("http://s"));
        match cli.command {
            Some(Cmd::Kirim(a)) => {
                assert_eq!(a.npsn.as_deref(), Some("20599901"));
                assert_eq!(a.kode_registrasi.as_deref(), Some("ABCDEF"));
                assert_eq!(a.batas_tunggu, 600);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Cli::try_parse_from(["db-helper"])
                .unwrap()
                .command
                .is_none()
        );
    }

    /// The scheduled task of the sysadmin guide runs `db-helper.exe kirim` with nothing else:
    /// NPSN, username and server come from the saved configuration.
    #[test]
    fn kirim_parses_without_arguments() {
        let cli = Cli::try_parse_from(["db-helper", "kirim"]).unwrap();
        match cli.command {
            Some(Cmd::Kirim(a)) => assert_eq!((a.npsn, a.username), (None, None)),
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from(["db-helper", "status", "--server-url", "http://s"]).unwrap();
        assert_eq!(cli.server_url.as_deref(), Some("http://s"));
    }
}

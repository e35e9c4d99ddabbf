//! The staff area views: login, the staff home, the kecamatan dashboard.

use serde::{Deserialize, Serialize};

use crate::auth::{Permission, Role};
use crate::columns::ListKind;
use crate::program::Program;
use crate::progress::KecamatanProgress;
use std::time::Duration;

/// The login form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoginView {
    /// Prefilled username after a failed attempt (never the password).
    pub username: String,
    pub galat: Option<String>,
    /// Local path to return to after login (see [`safe_next_path`]).
    pub berikutnya: Option<String>,
}

impl LoginView {
    pub fn new() -> Self {
        LoginView::default()
    }

    /// Keeps `next` (from `?berikutnya=`) only when it is a local path ([`safe_next_path`]).
    pub fn with_next(mut self, next: Option<&str>) -> Self {
        self.berikutnya = next.and_then(safe_next_path);
        self
    }

    /// After a failed attempt: one message for wrong username *or* password.
    pub fn gagal(username: &str, next: Option<&str>) -> Self {
        LoginView {
            username: username.trim().chars().take(100).collect(),
            galat: Some("Nama pengguna atau kata sandi salah.".to_owned()),
            berikutnya: None,
        }
        .with_next(next)
    }

    /// When the rate limiter refuses the attempt (answer 429).
    pub fn terkunci(username: &str, limited: &RateLimited, next: Option<&str>) -> Self {
        LoginView {
            username: username.trim().chars().take(100).collect(),
            galat: Some(limited.message()),
            berikutnya: None,
        }
        .with_next(next)
    }
}

/// Accepts only a local path (`/staf/...`) as a post-login redirect target (no open redirect:
/// no scheme, no `//host`, no backslash, no control characters).
pub fn safe_next_path(next: &str) -> Option<String> {
    let n = next.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control() || c.is_whitespace())
        && n.len() <= 512;
    ok.then(|| n.to_owned())
}

/// `/staf`: the kecamatan this user may open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StafBerandaView {
    pub kecamatan: Vec<KecamatanProgress>,
    pub program: Vec<Program>,
    /// Whether the user may upload program lists.
    pub bisa_unggah: bool,
}

impl StafBerandaView {
    /// Keeps only the kecamatan `role` may open.
    pub fn build(role: &Role, all: Vec<KecamatanProgress>) -> Self {
        StafBerandaView {
            kecamatan: all
                .into_iter()
                .filter(|k| role.can_view_kecamatan(&k.kode_kecamatan))
                .collect(),
            program: Program::ALL.to_vec(),
            bisa_unggah: role.allows(Permission::UnggahDaftarProgram),
        }
    }
}

/// Numbers of one kecamatan (from the latest snapshots).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KecamatanStats {
    pub jumlah_sekolah: u64,
    pub sekolah_kirim: u64,
    pub jumlah_pd: u64,
    pub jumlah_rombel: u64,
    pub jumlah_gtk: u64,
}

/// `/staf/kecamatan/{kode}`: numbers, the four lists with their downloads, program recaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KecamatanDashboardView {
    pub kode_kecamatan: String,
    pub kecamatan: String,
    pub statistik: KecamatanStats,
    pub daftar: Vec<ListKind>,
    pub program: Vec<Program>,
}

impl KecamatanDashboardView {
    pub fn new(
        kode_kecamatan: impl Into<String>,
        kecamatan: impl Into<String>,
        statistik: KecamatanStats,
    ) -> Self {
        KecamatanDashboardView {
            kode_kecamatan: kode_kecamatan.into(),
            kecamatan: kecamatan.into(),
            statistik,
            daftar: ListKind::ALL.to_vec(),
            program: Program::ALL.to_vec(),
        }
    }
}

/// Refusal: wait this long before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    pub retry_after: Duration,
}

impl RateLimited {
    /// Whole seconds for the `Retry-After` header (at least 1).
    pub fn retry_after_secs(&self) -> u64 {
        (self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0)).max(1)
    }

    /// Message for the login page.
    pub fn message(&self) -> String {
        let secs = self.retry_after_secs();
        let minutes = secs.div_ceil(60);
        if secs < 60 {
            format!("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {secs} detik.")
        } else {
            format!("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.")
        }
    }
}

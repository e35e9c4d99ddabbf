//! Every text the operator reads, in Bahasa Indonesia, and the mapping of every failure to
//! "what happened" plus "what to do". Labels follow the helper operators already know
//! (`panduan-db-helper-nganjuk.txt`).

use crate::failure::{Failure, FailureKind};

pub const APP_TITLE: &str = "Dapodik Backbone Helper";
pub const LABEL_TOKEN: &str = "Token Web Service Dapodik";
pub const LABEL_NPSN: &str = "NPSN";
pub const LABEL_USERNAME: &str = "Username OPS Dapodik";
pub const LABEL_KODE_REGISTRASI: &str = "Kode Registrasi";
pub const LABEL_SHOW_TOKEN: &str = "Tampilkan token";
pub const BUTTON_KIRIM: &str = "Kirim Data";
pub const BUTTON_LANJUT: &str = "Lanjutkan Kirim";
pub const BUTTON_BATAL: &str = "Batal";
pub const BUTTON_COBA_LAGI: &str = "Coba Lagi";
pub const HEADING_PROGRES: &str = "Progres Kirim Data";
pub const HEADING_PREVIEW: &str = "Data yang akan dikirim";
pub const HEADING_WARNINGS: &str = "Perlu diperhatikan";
pub const HEADING_SELESAI: &str = "Selesai";
pub const VERSION_CHECKING: &str = "Cek Versi Aplikasi ...";
pub const VERSION_LATEST: &str = "Versi Aplikasi Terbaru";
pub const READY_HINT: &str = "Silahkan Kirim Data !";
pub const KODE_HINT: &str =
    "Pertama kali di komputer ini: isi Kode Registrasi dari Dinas Pendidikan.";
pub const PREVIEW_HINT: &str =
    "Periksa jumlah data di bawah ini. Jika sudah sesuai, klik \"Lanjutkan Kirim\".";
pub const NO_WARNINGS: &str = "Tidak ada catatan. Data siap dikirim.";
pub const SELESAI_TEXT: &str = "Data berhasil diterima server Dinas. Aplikasi boleh ditutup.";
pub const LABEL_TANGGAL_KIRIM: &str = "Tanggal Kirim";
pub const RESUMING: &str = "Melanjutkan pengiriman yang belum selesai …";

pub fn version_line(version: &str) -> String {
    format!("Versi {version}")
}

pub fn version_app_line(version: &str) -> String {
    format!("Versi Aplikasi : {version}")
}

pub fn update_available(latest: &str) -> String {
    format!("Versi baru {latest} sudah tersedia. Silakan unduh dan pasang versi terbaru:")
}

pub fn must_update(current: &str, min: &str) -> String {
    format!(
        "Versi aplikasi ini ({current}) sudah tidak bisa dipakai untuk kirim data. \
         Versi paling rendah yang diterima: {min}. Unduh dan pasang versi terbaru:"
    )
}

pub const VERSION_OFFLINE: &str = "Versi aplikasi belum bisa dicek (server Dinas tidak terhubung). \
     Kirim Data tetap bisa dicoba; pengiriman diulang otomatis saat internet tersambung.";

pub const KIRIM_DISABLED_OUTDATED: &str =
    "Tombol Kirim Data dimatikan karena versi aplikasi terlalu lama. Pasang versi terbaru dulu.";

// ---- field checks (shown under the field while typing) ----

pub const NPSN_INVALID: &str = "NPSN harus 8 angka.";
pub const IDENTITY_NOT_SAVED: &str = "NPSN dan username OPS belum tersimpan di komputer ini. Kirim sekali dari jendela DB Helper (atau jalankan `db-helper kirim --npsn … --username …`); sesudah itu `db-helper kirim` tanpa isian memakai yang tersimpan.";
pub const TOKEN_EMPTY: &str = "Token Web Service Dapodik belum diisi. Tempel (paste) token dari Dapodik: Pengaturan → Web Service.";
pub const TOKEN_INVALID: &str =
    "Token tidak boleh berisi spasi. Salin ulang dari Dapodik (menu Salin Token).";
pub const USERNAME_EMPTY: &str =
    "Isi username yang dipakai login ke Dapodik (biasanya alamat email).";
pub const USERNAME_INVALID: &str = "Username tidak boleh berisi spasi.";
pub const KODE_INVALID: &str = "Kode Registrasi 6–64 huruf/angka, tanpa spasi.";

// ---- progress states of one data kind ----

pub const STATE_WAITING: &str = "menunggu";
pub const STATE_PULLING: &str = "menarik dari Dapodik …";
pub const STATE_PULLED: &str = "siap dikirim";
pub const STATE_UPLOADING: &str = "mengirim …";
pub const STATE_SENT: &str = "terkirim";
pub const STATE_STOPPED: &str = "terhenti";

pub const PHASE_VERSION: &str = "Memeriksa versi aplikasi …";
pub const PHASE_PULL: &str = "Menarik data dari Dapodik …";
pub const PHASE_PREVIEW: &str = "Menunggu persetujuan operator …";
pub const PHASE_ENROLL: &str = "Mendaftarkan komputer ini ke server Dinas …";
pub const PHASE_UPLOAD: &str = "Mengirim data ke server Dinas …";
pub const PHASE_COMMIT: &str = "Menyelesaikan pengiriman …";

pub fn retry_line(seconds: u64) -> String {
    format!("Tidak ada koneksi ke server Dinas. Mencoba lagi otomatis dalam {seconds} detik …")
}

pub fn busy_retry_line(seconds: u64) -> String {
    format!("Server Dinas sedang sibuk. Mencoba lagi otomatis dalam {seconds} detik …")
}

pub fn dapodik_retry_line(seconds: u64) -> String {
    format!("Dapodik lambat menjawab. Mencoba lagi dalam {seconds} detik …")
}

// ---- preview warnings (the texts themselves come from shared_model::warnings) ----

pub const WARNING_ADVICE: &str =
    "Data tetap bisa dikirim. Sebaiknya lengkapi di aplikasi Dapodik, lalu kirim ulang.";

/// What the operator reads for a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// One sentence: what happened.
    pub title: String,
    /// Steps: what to do, in order.
    pub advice: Vec<String>,
}

fn m(title: &str, advice: &[&str]) -> Message {
    Message {
        title: title.to_owned(),
        advice: advice.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// Plain-language text for a failure. Every [`FailureKind`] has one.
pub fn describe(failure: &Failure) -> Message {
    let mut msg = match failure.kind {
        FailureKind::DapodikUnreachable => m(
            "Aplikasi Dapodik tidak berjalan atau tidak dapat dihubungi.",
            &[
                "Buka aplikasi Dapodik di komputer ini dan tunggu sampai halaman login tampil.",
                "Jika Dapodik sudah terbuka, mulai ulang layanan Dapodik (atau restart komputer), lalu klik Kirim Data lagi.",
                "Alamat Web Service yang dipakai: http://localhost:5774.",
            ],
        ),
        FailureKind::DapodikTimeout => m(
            "Dapodik terlalu lama menjawab.",
            &[
                "Komputer mungkin sedang sibuk. Tutup aplikasi lain yang berat, lalu klik Kirim Data lagi.",
                "Jika terus terjadi, restart komputer lalu coba lagi.",
            ],
        ),
        FailureKind::DapodikAccessDenied | FailureKind::DapodikTokenInvalid => m(
            "Token Web Service Dapodik salah atau belum terdaftar.",
            &[
                "Login ke aplikasi Dapodik, buka menu Pengaturan → Web Service.",
                "Klik Tambah, isi Nama Aplikasi \"DB Helper\" dan IP Address 127.0.0.1, lalu Simpan.",
                "Pilih aplikasi yang baru disimpan, klik Salin Token, lalu tempel (paste) di kolom Token Web Service Dapodik.",
            ],
        ),
        FailureKind::DapodikIpNotRegistered => m(
            "IP Address yang didaftarkan untuk token ini di Dapodik berbeda dengan komputer ini.",
            &[
                "Di aplikasi Dapodik buka Pengaturan → Web Service.",
                "Hapus aplikasi DB Helper yang lama, lalu Tambah lagi dengan IP Address 127.0.0.1 (helper berjalan di komputer Dapodik).",
                "Salin token yang baru dan tempel di kolom Token Web Service Dapodik.",
            ],
        ),
        FailureKind::DapodikNpsnUnknown => m(
            "NPSN tidak ditemukan di aplikasi Dapodik komputer ini.",
            &[
                "Periksa kembali NPSN (8 angka) sesuai NPSN sekolah di Dapodik.",
                "Pastikan helper dijalankan di komputer yang berisi Dapodik sekolah ini.",
            ],
        ),
        FailureKind::DapodikNpsnMismatch => m(
            "Token Web Service ini milik sekolah lain, bukan NPSN yang diisi.",
            &[
                "Periksa NPSN yang diisi.",
                "Buat token baru di Dapodik sekolah ini (Pengaturan → Web Service) dan tempel di kolom token.",
            ],
        ),
        FailureKind::DapodikNoSemester => m(
            "Dapodik belum memiliki semester aktif.",
            &[
                "Login ke Dapodik dan pastikan semester berjalan sudah dipilih/diaktifkan, lalu coba lagi.",
            ],
        ),
        FailureKind::DapodikEndpointMissing => m(
            "Alamat Web Service tidak menjawab seperti Dapodik (halaman tidak ditemukan).",
            &[
                "Pastikan versi Dapodik sudah yang terbaru.",
                "Pastikan alamat Web Service adalah http://localhost:5774.",
            ],
        ),
        FailureKind::DapodikServerError => m(
            "Aplikasi Dapodik mengalami gangguan saat diminta data.",
            &[
                "Tutup lalu buka kembali aplikasi Dapodik (atau restart komputer).",
                "Pastikan database Dapodik berjalan, lalu klik Kirim Data lagi.",
            ],
        ),
        FailureKind::DapodikBadResponse => m(
            "Jawaban Dapodik tidak dapat dibaca.",
            &[
                "Pastikan versi Dapodik sudah yang terbaru, lalu coba lagi.",
                "Jika tetap gagal, hubungi helpdesk Dinas dan kirimkan file log helper.",
            ],
        ),
        FailureKind::DapodikNoSchool => m(
            "Data sekolah tidak ditemukan di Dapodik.",
            &[
                "Pastikan Dapodik sudah terisi data sekolah (sudah registrasi dan sinkron), lalu coba lagi.",
            ],
        ),
        FailureKind::DapodikRefused => m(
            "Dapodik menolak permintaan data.",
            &[
                "Baca pesan Dapodik di bawah ini dan periksa pengaturan Web Service di Dapodik.",
                "Jika tidak jelas, hubungi helpdesk Dinas.",
            ],
        ),
        FailureKind::UsernameNotFound => m(
            "Username tidak ditemukan di daftar pengguna Dapodik sekolah ini.",
            &[
                "Isi Username OPS Dapodik dengan username (email) yang dipakai login ke Dapodik.",
                "Username dapat dilihat di Dapodik menu Pengguna.",
            ],
        ),
        FailureKind::ServerUnreachable => m(
            "Tidak ada koneksi internet ke server Dinas.",
            &[
                "Periksa sambungan internet (modem/WiFi).",
                "Tidak perlu mengulang dari awal: data sudah tersimpan di komputer ini dan akan dikirim otomatis saat internet tersambung.",
            ],
        ),
        FailureKind::ServerBusy => m(
            "Server Dinas sedang sibuk.",
            &[
                "Pengiriman diulang otomatis. Jika lama, tutup aplikasi dan coba lagi nanti; data tidak hilang.",
            ],
        ),
        FailureKind::ServerRefused => m(
            "Server Dinas menolak pengiriman.",
            &["Baca pesan dari server di bawah ini. Jika tidak jelas, hubungi helpdesk Dinas."],
        ),
        FailureKind::HelperOutdated => m(
            "Versi aplikasi DB Helper ini sudah terlalu lama.",
            &["Unduh dan pasang versi terbaru, lalu kirim ulang."],
        ),
        FailureKind::NeedKodeRegistrasi => m(
            "Komputer ini belum terdaftar di server Dinas.",
            &["Isi kolom Kode Registrasi dengan kode dari Dinas Pendidikan, lalu klik Kirim Data."],
        ),
        FailureKind::EnrollRefused => m(
            "Kode Registrasi atau NPSN ditolak server Dinas.",
            &[
                "Periksa NPSN dan Kode Registrasi (huruf besar/kecil dan angka).",
                "Jika kode hilang atau salah, minta kode baru ke Dinas Pendidikan.",
            ],
        ),
        FailureKind::TokenRevoked => m(
            "Sekolah ini sudah didaftarkan ulang dari komputer lain.",
            &["Isi Kode Registrasi lagi untuk memakai komputer ini, lalu klik Kirim Data."],
        ),
        FailureKind::ServerNotConfigured => m(
            "Alamat server Dinas belum diatur.",
            &["Pasang ulang aplikasi dari laman unduhan Dinas, atau hubungi helpdesk Dinas."],
        ),
        FailureKind::CredentialStore => m(
            "Token tidak dapat disimpan atau dibaca dari penyimpanan kredensial Windows.",
            &[
                "Login ke Windows dengan akun pengguna biasa (bukan akun tamu), lalu buka aplikasi lagi.",
                "Jika tetap gagal, hubungi helpdesk Dinas.",
            ],
        ),
        FailureKind::LocalStorage => m(
            "Data tidak dapat disimpan di komputer ini.",
            &[
                "Pastikan ruang disk cukup dan folder data DB Helper dapat ditulis.",
                "Tutup aplikasi lalu buka lagi. Jika tetap gagal, hubungi helpdesk Dinas.",
            ],
        ),
        FailureKind::AlreadyRunning => m(
            "Pengiriman lain sedang berjalan di komputer ini.",
            &[
                "Tunggu sampai pengiriman itu selesai (mungkin dari tugas terjadwal atau jendela helper lain), lalu coba lagi.",
            ],
        ),
        FailureKind::InvalidInput => m(
            "Isian belum lengkap atau belum benar.",
            &[
                "Periksa isian (di jendela: kolom yang ditandai merah; tanpa jendela: --npsn, --username dan DBHELPER_DAPODIK_TOKEN), lalu kirim lagi.",
            ],
        ),
        FailureKind::Cancelled => m(
            "Pengiriman dibatalkan.",
            &["Data yang sudah ditarik tetap tersimpan. Klik Kirim Data untuk mengulang."],
        ),
        FailureKind::Internal => m(
            "Terjadi kesalahan pada aplikasi.",
            &[
                "Tutup aplikasi lalu buka lagi. Jika tetap terjadi, hubungi helpdesk Dinas dan kirimkan file log helper.",
            ],
        ),
    };
    if failure.kind == FailureKind::HelperOutdated
        && let Some(url) = &failure.download_url
    {
        msg.advice.push(format!("Alamat unduhan: {url}"));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [FailureKind; 28] = [
        FailureKind::DapodikRefused,
        FailureKind::AlreadyRunning,
        FailureKind::DapodikUnreachable,
        FailureKind::DapodikTimeout,
        FailureKind::DapodikAccessDenied,
        FailureKind::DapodikTokenInvalid,
        FailureKind::DapodikIpNotRegistered,
        FailureKind::DapodikNpsnUnknown,
        FailureKind::DapodikNpsnMismatch,
        FailureKind::DapodikNoSemester,
        FailureKind::DapodikEndpointMissing,
        FailureKind::DapodikServerError,
        FailureKind::DapodikBadResponse,
        FailureKind::UsernameNotFound,
        FailureKind::DapodikNoSchool,
        FailureKind::ServerUnreachable,
        FailureKind::ServerRefused,
        FailureKind::ServerBusy,
        FailureKind::HelperOutdated,
        FailureKind::NeedKodeRegistrasi,
        FailureKind::EnrollRefused,
        FailureKind::TokenRevoked,
        FailureKind::ServerNotConfigured,
        FailureKind::CredentialStore,
        FailureKind::LocalStorage,
        FailureKind::InvalidInput,
        FailureKind::Cancelled,
        FailureKind::Internal,
    ];

    #[test]
    fn every_failure_says_what_happened_and_what_to_do() {
        let mut codes = std::collections::HashSet::new();
        for kind in ALL {
            let msg = describe(&Failure::new(kind));
            assert!(msg.title.ends_with('.'), "{kind:?}: {}", msg.title);
            assert!(!msg.advice.is_empty(), "{kind:?} has no advice");
            assert!(codes.insert(kind.code()), "duplicate code {}", kind.code());
            assert!(kind.exit_code() > 0);
        }
    }

    #[test]
    fn token_advice_explains_web_service_setup() {
        let msg = describe(&Failure::new(FailureKind::DapodikTokenInvalid));
        let all = msg.advice.join(" ");
        assert!(all.contains("Pengaturan → Web Service"));
        assert!(all.contains("127.0.0.1"));
        let ip = describe(&Failure::new(FailureKind::DapodikIpNotRegistered))
            .advice
            .join(" ");
        assert!(ip.contains("127.0.0.1"));
    }

    #[test]
    fn offline_says_it_retries_by_itself() {
        let msg = describe(&Failure::new(FailureKind::ServerUnreachable));
        assert!(msg.advice.join(" ").contains("otomatis"));
        assert!(FailureKind::ServerUnreachable.is_transient());
        assert!(!FailureKind::DapodikTokenInvalid.is_transient());
    }

    #[test]
    fn outdated_names_the_download() {
        let mut f = Failure::new(FailureKind::HelperOutdated);
        f.download_url = Some("https://dinas.example/unduhan".into());
        assert!(
            describe(&f)
                .advice
                .iter()
                .any(|a| a.contains("https://dinas.example/unduhan"))
        );
    }
}

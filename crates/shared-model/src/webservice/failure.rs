//! Every way a Web Service call can fail, with Indonesian text for the operator (§2).

use super::Endpoint;

/// A failed Web Service call, classified so the helper can show what to do.
///
/// `Display` (and [`DapodikFailure::message_id`]) is a short Indonesian description;
/// [`DapodikFailure::advice_id`] tells the operator what to do; [`DapodikFailure::code`] is
/// a stable snake_case code for logs and the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DapodikFailure {
    /// TCP connection refused / host unreachable: Dapodik or its services are not running
    /// (or a firewall blocks port 5774).
    #[error("Aplikasi Dapodik tidak berjalan atau tidak dapat dihubungi")]
    NotRunning,
    /// Read/connect timeout: the Dapodik PC is too slow.
    #[error("Dapodik terlalu lama menjawab (batas waktu habis)")]
    Timeout,
    /// The connection broke while the answer was being read.
    #[error("Koneksi ke Dapodik terputus: {detail}")]
    ConnectionLost { detail: String },
    /// Plain-text `Access denied …`: the `Authorization: Bearer` token is missing or garbled
    /// (also used for a real 401/403 transport status without a readable body).
    #[error("Akses ditolak Dapodik: token Web Service tidak terkirim atau rusak")]
    AccessDenied,
    /// `Aplikasi tidak terdaftar pada Web Service Dapodik`: unknown or disabled token.
    #[error("Token Web Service tidak terdaftar atau tidak aktif di Dapodik")]
    TokenInvalid,
    /// `IP Address yang didaftarkan pada Web Service Dapodik berbeda`.
    #[error("Alamat IP yang didaftarkan untuk token ini berbeda dengan alamat komputer helper")]
    IpNotRegistered,
    /// `Sekolah tidak ditemukan`: the NPSN does not exist in this Dapodik.
    #[error("NPSN tidak ditemukan di Dapodik ini")]
    NpsnUnknown,
    /// `Parameter NPSN harap diisi`.
    #[error("NPSN belum diisi")]
    NpsnMissing,
    /// `Semester tidak ditemukan`: no active semester.
    #[error("Belum ada semester aktif di Dapodik")]
    NoActiveSemester,
    /// getSekolah answered `Data sekolah tidak ditemukan` (or no row): the school row is missing.
    #[error("Data sekolah tidak ditemukan di Dapodik")]
    SchoolDataMissing,
    /// Transport 404: the endpoint does not exist in this Dapodik version (or wrong case).
    #[error("Layanan {endpoint} tidak tersedia di versi Dapodik ini")]
    EndpointMissing { endpoint: Endpoint },
    /// Transport status ≥ 500.
    #[error("Dapodik mengalami gangguan (HTTP {status})")]
    ServerError { status: u16 },
    /// A non-JSON page saying the web server cannot reach Dapodik's database.
    #[error("Dapodik tidak terhubung dengan database-nya")]
    DatabaseDown,
    /// Any other `{"success":false,…}` message (or an unexpected transport status).
    #[error("Dapodik menolak permintaan: {message}")]
    Other {
        http_code: Option<u16>,
        message: String,
    },
    /// The body is neither a known error nor a readable envelope/row.
    #[error("Jawaban Dapodik tidak dapat dibaca: {detail}")]
    Malformed { detail: String },
}

impl DapodikFailure {
    /// Classify an error that happened before any HTTP status was received (§2.4 step 1).
    ///
    /// Pass the HTTP client's flags (e.g. reqwest's `is_connect()` / `is_timeout()`) and its
    /// message; a connect error (even a connect timeout) means Dapodik is unreachable, a
    /// timeout after connecting means Dapodik is slow. Without flags the message decides.
    pub fn from_transport_error(
        is_connect: bool,
        is_timeout: bool,
        detail: &str,
    ) -> DapodikFailure {
        let d = detail.to_lowercase();
        if is_connect
            || [
                "refused",
                "unreachable",
                "no route",
                "dns",
                "resolve",
                "connect error",
            ]
            .iter()
            .any(|w| d.contains(w))
        {
            DapodikFailure::NotRunning
        } else if is_timeout || d.contains("timed out") || d.contains("timeout") {
            DapodikFailure::Timeout
        } else {
            DapodikFailure::ConnectionLost {
                detail: detail.to_owned(),
            }
        }
    }

    /// Stable snake_case code (logs, status reports to the server). Never rename.
    pub const fn code(&self) -> &'static str {
        match self {
            DapodikFailure::NotRunning => "dapodik_not_running",
            DapodikFailure::Timeout => "dapodik_timeout",
            DapodikFailure::ConnectionLost { .. } => "dapodik_connection_lost",
            DapodikFailure::AccessDenied => "dapodik_access_denied",
            DapodikFailure::TokenInvalid => "dapodik_token_invalid",
            DapodikFailure::IpNotRegistered => "dapodik_ip_not_registered",
            DapodikFailure::NpsnUnknown => "dapodik_npsn_unknown",
            DapodikFailure::NpsnMissing => "dapodik_npsn_missing",
            DapodikFailure::NoActiveSemester => "dapodik_no_active_semester",
            DapodikFailure::SchoolDataMissing => "dapodik_school_data_missing",
            DapodikFailure::EndpointMissing { .. } => "dapodik_endpoint_missing",
            DapodikFailure::ServerError { .. } => "dapodik_server_error",
            DapodikFailure::DatabaseDown => "dapodik_database_down",
            DapodikFailure::Other { .. } => "dapodik_other",
            DapodikFailure::Malformed { .. } => "dapodik_malformed",
        }
    }

    /// Short Indonesian description (same text as `Display`).
    pub fn message_id(&self) -> String {
        self.to_string()
    }

    /// Indonesian advice: what the operator should do.
    pub fn advice_id(&self) -> String {
        match self {
            DapodikFailure::NotRunning => "Buka aplikasi Dapodik di komputer ini dan pastikan layanannya \
                (web server dan database Dapodik) sudah berjalan. Coba buka http://localhost:5774 di \
                browser: jika halaman Dapodik tidak muncul, jalankan ulang Dapodik atau restart \
                komputer. Jika helper berjalan di komputer lain, pastikan alamat komputer Dapodik \
                benar dan firewall mengizinkan port 5774."
                .to_owned(),
            DapodikFailure::Timeout => "Dapodik sedang lambat (komputer sibuk atau datanya besar). \
                Tunggu beberapa menit lalu coba lagi, dan tutup aplikasi lain yang berat. Helper \
                akan mencoba ulang secara otomatis."
                .to_owned(),
            DapodikFailure::ConnectionLost { .. } => "Koneksi terputus saat mengambil data. \
                Pastikan aplikasi Dapodik tetap terbuka, lalu coba lagi."
                .to_owned(),
            DapodikFailure::AccessDenied => "Token tidak terkirim dengan benar. Salin ulang token \
                dari Dapodik (menu Pengaturan → Web Service, pilih entri \"DB Helper\", klik Salin \
                Token) dan tempelkan di helper tanpa spasi atau karakter tambahan."
                .to_owned(),
            DapodikFailure::TokenInvalid => "Buat token di Dapodik: buka menu Pengaturan → Web \
                Service → Tambah, isi nama aplikasi \"DB Helper\" dan alamat IP 127.0.0.1, simpan, \
                lalu klik Salin Token dan tempelkan di helper. Jika token sudah ada, pastikan \
                statusnya aktif dan token yang ditempel sama persis."
                .to_owned(),
            DapodikFailure::IpNotRegistered => "Token harus didaftarkan dengan alamat IP 127.0.0.1 \
                bila helper berjalan di komputer Dapodik (helper memanggil http://localhost:5774). \
                Alamat IP tidak dapat diubah: hapus entri token di Dapodik (Pengaturan → Web \
                Service), buat ulang dengan nama \"DB Helper\" dan IP 127.0.0.1, lalu salin token \
                yang baru ke helper. Jika helper berjalan di komputer lain, daftarkan alamat IP \
                komputer tersebut."
                .to_owned(),
            DapodikFailure::NpsnUnknown => "NPSN yang diisi di helper tidak ada di Dapodik ini. \
                Periksa kembali NPSN (8 angka) sesuai sekolah yang terdaftar di Dapodik."
                .to_owned(),
            DapodikFailure::NpsnMissing => {
                "Isi NPSN sekolah (8 angka) di pengaturan helper, lalu coba lagi.".to_owned()
            }
            DapodikFailure::NoActiveSemester => "Atur semester aktif di Dapodik: pastikan Dapodik \
                sudah versi terbaru dan semester berjalan sudah aktif (login ke Dapodik dengan \
                semester berjalan), lalu coba lagi."
                .to_owned(),
            DapodikFailure::SchoolDataMissing => "Data sekolah belum ada di Dapodik ini. Pastikan \
                Dapodik sudah diregistrasi dan disinkronkan untuk sekolah ini, dan token dibuat di \
                Dapodik sekolah yang benar."
                .to_owned(),
            DapodikFailure::EndpointMissing { endpoint } => format!(
                "Versi Dapodik di komputer ini tidak menyediakan layanan {}. Perbarui Dapodik ke \
                 versi terbaru, lalu coba lagi.",
                endpoint.path()
            ),
            DapodikFailure::ServerError { .. } => "Dapodik sedang mengalami gangguan. Tunggu \
                sebentar lalu coba lagi; jika terus berulang, jalankan ulang aplikasi Dapodik."
                .to_owned(),
            DapodikFailure::DatabaseDown => "Layanan database Dapodik tidak berjalan. Jalankan \
                ulang aplikasi Dapodik beserta layanannya atau restart komputer, lalu coba lagi."
                .to_owned(),
            DapodikFailure::Other { message, .. } => format!(
                "Pesan dari Dapodik: \"{message}\". Periksa pengaturan Web Service di Dapodik; jika \
                 masalah berlanjut, hubungi operator Dinas Pendidikan."
            ),
            DapodikFailure::Malformed { .. } => "Jawaban Dapodik tidak sesuai format yang dikenal. \
                Pastikan Dapodik versi terbaru; jika masalah berlanjut, kirim log helper ke \
                operator Dinas Pendidikan."
                .to_owned(),
        }
    }

    /// Worth retrying automatically (with back-off): connection, timeout and server errors.
    pub const fn is_retryable(&self) -> bool {
        matches!(
            self,
            DapodikFailure::NotRunning
                | DapodikFailure::Timeout
                | DapodikFailure::ConnectionLost { .. }
                | DapodikFailure::ServerError { .. }
                | DapodikFailure::DatabaseDown
        )
    }
}

/// What a `{"success":false,…}` body means (§2.4 step 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorMeaning {
    /// `Data … tidak ditemukan`: the endpoint has zero rows — not a failure.
    NoRows,
    /// A real failure.
    Failure(DapodikFailure),
}

/// Map the `message` of an error body to its meaning. Case and surrounding space are ignored.
pub fn classify_error_message(http_code: Option<u16>, message: &str) -> ErrorMeaning {
    let m = message.trim().to_lowercase();
    let failure = if m.starts_with("data ") && m.ends_with("tidak ditemukan") {
        return ErrorMeaning::NoRows;
    } else if m.contains("aplikasi tidak terdaftar") {
        DapodikFailure::TokenInvalid
    } else if m.starts_with("ip address") || m.contains("ip address yang didaftarkan") {
        DapodikFailure::IpNotRegistered
    } else if m.contains("parameter npsn") {
        DapodikFailure::NpsnMissing
    } else if m.contains("sekolah tidak ditemukan") {
        DapodikFailure::NpsnUnknown
    } else if m.starts_with("semester") && m.contains("tidak ditemukan") {
        DapodikFailure::NoActiveSemester
    } else if m.starts_with("access denied") {
        DapodikFailure::AccessDenied
    } else {
        DapodikFailure::Other {
            http_code,
            message: message.trim().to_owned(),
        }
    };
    ErrorMeaning::Failure(failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_messages() {
        use DapodikFailure as F;
        let f = |m: &str| classify_error_message(Some(403), m);
        assert_eq!(f("Data GTK tidak ditemukan"), ErrorMeaning::NoRows);
        assert_eq!(f("Data sekolah tidak ditemukan"), ErrorMeaning::NoRows);
        assert_eq!(
            f("Aplikasi tidak terdaftar pada Web Service Dapodik"),
            ErrorMeaning::Failure(F::TokenInvalid)
        );
        assert_eq!(
            f("IP Address yang didaftarkan pada Web Service Dapodik berbeda"),
            ErrorMeaning::Failure(F::IpNotRegistered)
        );
        assert_eq!(
            f("Parameter NPSN harap diisi"),
            ErrorMeaning::Failure(F::NpsnMissing)
        );
        assert_eq!(
            f("Sekolah tidak ditemukan"),
            ErrorMeaning::Failure(F::NpsnUnknown)
        );
        assert_eq!(
            f("Semester tidak ditemukan"),
            ErrorMeaning::Failure(F::NoActiveSemester)
        );
        assert_eq!(
            f("Anda tidak berhak mengakses halaman ini"),
            ErrorMeaning::Failure(F::Other {
                http_code: Some(403),
                message: "Anda tidak berhak mengakses halaman ini".into()
            })
        );
    }

    #[test]
    fn codes_are_unique_and_texts_present() {
        let all = [
            DapodikFailure::NotRunning,
            DapodikFailure::Timeout,
            DapodikFailure::ConnectionLost {
                detail: "reset".into(),
            },
            DapodikFailure::AccessDenied,
            DapodikFailure::TokenInvalid,
            DapodikFailure::IpNotRegistered,
            DapodikFailure::NpsnUnknown,
            DapodikFailure::NpsnMissing,
            DapodikFailure::NoActiveSemester,
            DapodikFailure::SchoolDataMissing,
            DapodikFailure::EndpointMissing {
                endpoint: Endpoint::Gtk,
            },
            DapodikFailure::ServerError { status: 500 },
            DapodikFailure::DatabaseDown,
            DapodikFailure::Other {
                http_code: None,
                message: "x".into(),
            },
            DapodikFailure::Malformed { detail: "x".into() },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(|f| f.code()).collect();
        assert_eq!(codes.len(), all.len());
        for f in &all {
            assert!(f.code().starts_with("dapodik_"));
            assert!(!f.message_id().is_empty() && !f.advice_id().is_empty());
        }
        assert!(
            DapodikFailure::TokenInvalid
                .advice_id()
                .contains("127.0.0.1")
        );
        assert!(
            DapodikFailure::TokenInvalid
                .advice_id()
                .contains("Salin Token")
        );
        assert!(
            DapodikFailure::NotRunning
                .advice_id()
                .contains("http://localhost:5774")
        );
        assert!(DapodikFailure::Timeout.is_retryable());
        assert!(!DapodikFailure::TokenInvalid.is_retryable());
    }
}

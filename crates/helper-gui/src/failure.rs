//! Everything that can stop a send, as one classified value.
//!
//! The engine produces a [`Failure`]; [`crate::messages`] turns it into plain Indonesian
//! for the operator and the headless mode turns it into an exit code. Nothing here holds a
//! secret: details are server messages or technical summaries that were already redacted.

use serde::{Deserialize, Serialize};

/// What went wrong, by what the operator has to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    // --- the local Dapodik Web Service ---
    /// Nothing answers on the Dapodik address (application or its services stopped).
    DapodikUnreachable,
    /// Dapodik accepted the connection but did not answer in time.
    DapodikTimeout,
    /// `Access denied …`: the Authorization header was missing or garbled.
    DapodikAccessDenied,
    /// `Aplikasi tidak terdaftar pada Web Service Dapodik`.
    DapodikTokenInvalid,
    /// `IP Address yang didaftarkan pada Web Service Dapodik berbeda`.
    DapodikIpNotRegistered,
    /// `Sekolah tidak ditemukan`.
    DapodikNpsnUnknown,
    /// The token belongs to a school whose NPSN differs from the one entered.
    DapodikNpsnMismatch,
    /// `Semester tidak ditemukan`.
    DapodikNoSemester,
    /// HTTP 404: this Dapodik build lacks the endpoint (or the address is not Dapodik).
    DapodikEndpointMissing,
    /// 5xx, or an HTML/PHP error page.
    DapodikServerError,
    /// A body that is neither the envelope nor a known error.
    DapodikBadResponse,
    /// The username is not among getPengguna's users.
    UsernameNotFound,
    /// Dapodik has no school row (`Data sekolah tidak ditemukan`).
    DapodikNoSchool,
    /// Any other `{"success":false}` message; `detail` has Dapodik's text.
    DapodikRefused,

    // --- the district server ---
    /// No connection to the district server (no internet, DNS, refused); retried by itself.
    ServerUnreachable,
    /// The server refused with a code the operator can act on; `detail` has its message.
    ServerRefused,
    /// The server is overloaded or limits us; retried by itself.
    ServerBusy,
    /// This helper is below the district's minimum version.
    HelperOutdated,
    /// First send from this PC: the kode registrasi is needed.
    NeedKodeRegistrasi,
    /// Unknown NPSN or wrong kode registrasi.
    EnrollRefused,
    /// Another PC enrolled the school since: enroll again.
    TokenRevoked,
    /// The server address is not configured.
    ServerNotConfigured,

    // --- this PC ---
    /// The OS credential store is missing or refused access.
    CredentialStore,
    /// The outbox database or the data folder failed.
    LocalStorage,
    /// Another send (the window or a scheduled task) is running on this PC.
    AlreadyRunning,
    /// A field is empty or malformed.
    InvalidInput,
    /// The operator cancelled.
    Cancelled,
    /// A bug: something that should not happen.
    Internal,
}

impl FailureKind {
    /// Whether the engine keeps retrying this by itself (with backoff).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            FailureKind::ServerUnreachable | FailureKind::ServerBusy | FailureKind::DapodikTimeout
        )
    }

    /// Stable short name for logs and `status` output.
    pub fn code(self) -> &'static str {
        match self {
            FailureKind::DapodikUnreachable => "dapodik_unreachable",
            FailureKind::DapodikTimeout => "dapodik_timeout",
            FailureKind::DapodikAccessDenied => "dapodik_access_denied",
            FailureKind::DapodikTokenInvalid => "dapodik_token_invalid",
            FailureKind::DapodikIpNotRegistered => "dapodik_ip_not_registered",
            FailureKind::DapodikNpsnUnknown => "dapodik_npsn_unknown",
            FailureKind::DapodikNpsnMismatch => "dapodik_npsn_mismatch",
            FailureKind::DapodikNoSemester => "dapodik_no_semester",
            FailureKind::DapodikEndpointMissing => "dapodik_endpoint_missing",
            FailureKind::DapodikServerError => "dapodik_server_error",
            FailureKind::DapodikBadResponse => "dapodik_bad_response",
            FailureKind::UsernameNotFound => "username_not_found",
            FailureKind::DapodikNoSchool => "dapodik_no_school",
            FailureKind::DapodikRefused => "dapodik_refused",
            FailureKind::ServerUnreachable => "server_unreachable",
            FailureKind::ServerRefused => "server_refused",
            FailureKind::ServerBusy => "server_busy",
            FailureKind::HelperOutdated => "helper_outdated",
            FailureKind::NeedKodeRegistrasi => "need_kode_registrasi",
            FailureKind::EnrollRefused => "enroll_refused",
            FailureKind::TokenRevoked => "token_revoked",
            FailureKind::ServerNotConfigured => "server_not_configured",
            FailureKind::CredentialStore => "credential_store",
            FailureKind::LocalStorage => "local_storage",
            FailureKind::AlreadyRunning => "already_running",
            FailureKind::InvalidInput => "invalid_input",
            FailureKind::Cancelled => "cancelled",
            FailureKind::Internal => "internal",
        }
    }

    /// Process exit code of `db-helper kirim` for this failure (0 is success).
    pub fn exit_code(self) -> u8 {
        match self {
            FailureKind::InvalidInput | FailureKind::ServerNotConfigured => 2,
            FailureKind::DapodikUnreachable
            | FailureKind::DapodikTimeout
            | FailureKind::DapodikAccessDenied
            | FailureKind::DapodikTokenInvalid
            | FailureKind::DapodikIpNotRegistered
            | FailureKind::DapodikNpsnUnknown
            | FailureKind::DapodikNpsnMismatch
            | FailureKind::DapodikNoSemester
            | FailureKind::DapodikEndpointMissing
            | FailureKind::DapodikServerError
            | FailureKind::DapodikBadResponse
            | FailureKind::DapodikNoSchool
            | FailureKind::DapodikRefused => 3,
            FailureKind::UsernameNotFound => 4,
            FailureKind::ServerUnreachable | FailureKind::ServerBusy => 5,
            FailureKind::ServerRefused
            | FailureKind::EnrollRefused
            | FailureKind::TokenRevoked
            | FailureKind::NeedKodeRegistrasi => 6,
            FailureKind::HelperOutdated => 7,
            FailureKind::CredentialStore
            | FailureKind::LocalStorage
            | FailureKind::AlreadyRunning => 8,
            FailureKind::Cancelled => 9,
            FailureKind::Internal => 10,
        }
    }
}

/// A classified failure with an optional detail (a server's own message, a count, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailureKind,
    /// Extra text shown under the advice: the server's message, the NPSN found, … Never a secret.
    pub detail: Option<String>,
    /// Where the helper can download a newer version (only for [`FailureKind::HelperOutdated`]).
    #[serde(default)]
    pub download_url: Option<String>,
}

impl Failure {
    pub fn new(kind: FailureKind) -> Self {
        Failure {
            kind,
            detail: None,
            download_url: None,
        }
    }

    pub fn with_detail(kind: FailureKind, detail: impl Into<String>) -> Self {
        Failure {
            kind,
            detail: Some(detail.into()),
            download_url: None,
        }
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Failure::with_detail(FailureKind::Internal, detail.to_string())
    }

    pub fn local(detail: impl std::fmt::Display) -> Self {
        Failure::with_detail(FailureKind::LocalStorage, detail.to_string())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = crate::messages::describe(self);
        write!(f, "{}", m.title)?;
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

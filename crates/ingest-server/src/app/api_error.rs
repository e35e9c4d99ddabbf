//! The one error type of every handler: each variant maps to a stable [`ErrorCode`], its
//! HTTP status and an Indonesian message. Internal causes are logged, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use shared_model::DataKind;
use shared_model::protocol::{ApiErrorBody, ErrorCode, SessionState};

use crate::sending::batch::DecodeError;
use crate::sending::commit::CommitProblem;
use crate::storage::StoreError;

#[derive(Debug)]
pub enum ApiError {
    /// Malformed JSON, missing/invalid field or path segment; the text says what.
    InvalidRequest(String),
    Unauthorized,
    TokenRevoked,
    ForbiddenNpsn,
    EnrollRefused,
    RateLimited {
        retry_after_secs: u64,
    },
    HelperOutdated {
        min_version: String,
        download_url: String,
    },
    SessionNotFound,
    SessionClosed(SessionState),
    BatchOutOfRange {
        kind: DataKind,
        seq: u32,
        batches: u32,
    },
    BatchConflict {
        kind: DataKind,
        seq: u32,
    },
    BatchHashMismatch {
        declared: String,
        actual: String,
    },
    BatchUnknownHash,
    PayloadTooLarge {
        limit: usize,
    },
    UnsupportedEncoding(String),
    DecompressionFailed(&'static str),
    InvalidRow {
        kind: DataKind,
        index: usize,
        detail: String,
    },
    DuplicateRow {
        kind: DataKind,
        index: usize,
        id: String,
    },
    SessionIncomplete(CommitProblem),
    CountMismatch {
        kind: DataKind,
        expected: u64,
        received: u64,
    },
    NotFound,
    MethodNotAllowed,
    Unavailable,
    /// Logged with this text; the client sees a generic message.
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::InvalidRequest(_) | ApiError::MethodNotAllowed => ErrorCode::InvalidRequest,
            ApiError::Unauthorized => ErrorCode::Unauthorized,
            ApiError::TokenRevoked => ErrorCode::TokenRevoked,
            ApiError::ForbiddenNpsn => ErrorCode::ForbiddenNpsn,
            ApiError::EnrollRefused => ErrorCode::EnrollRefused,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::HelperOutdated { .. } => ErrorCode::HelperOutdated,
            ApiError::SessionNotFound => ErrorCode::SessionNotFound,
            ApiError::SessionClosed(_) => ErrorCode::SessionClosed,
            ApiError::BatchOutOfRange { .. } => ErrorCode::BatchOutOfRange,
            ApiError::BatchConflict { .. } => ErrorCode::BatchConflict,
            ApiError::BatchHashMismatch { .. } => ErrorCode::BatchHashMismatch,
            ApiError::BatchUnknownHash => ErrorCode::BatchUnknownHash,
            ApiError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedEncoding(_) => ErrorCode::UnsupportedEncoding,
            ApiError::DecompressionFailed(_) => ErrorCode::DecompressionFailed,
            ApiError::InvalidRow { .. } => ErrorCode::InvalidRow,
            ApiError::DuplicateRow { .. } => ErrorCode::DuplicateRow,
            ApiError::SessionIncomplete(_) => ErrorCode::SessionIncomplete,
            ApiError::CountMismatch { .. } => ErrorCode::CountMismatch,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Unavailable => ErrorCode::Unavailable,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        if matches!(self, ApiError::MethodNotAllowed) {
            return StatusCode::METHOD_NOT_ALLOWED;
        }
        StatusCode::from_u16(self.code().http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The Indonesian message for the operator.
    pub fn message(&self) -> String {
        match self {
            ApiError::InvalidRequest(why) => format!("Permintaan tidak valid: {why}"),
            ApiError::Unauthorized => {
                "Token sekolah tidak dikenal atau tidak dikirim. Lakukan registrasi dengan kode registrasi dari Dinas."
                    .into()
            }
            ApiError::TokenRevoked => "Token sekolah ini sudah diganti oleh registrasi yang lebih baru (misalnya di \
                PC lain). Lakukan registrasi ulang dengan kode registrasi sekolah."
                .into(),
            ApiError::ForbiddenNpsn => "Token ini milik sekolah lain; data hanya boleh dikirim untuk NPSN sendiri.".into(),
            ApiError::EnrollRefused => {
                "NPSN atau kode registrasi salah. Periksa kembali kode registrasi dari Dinas Pendidikan.".into()
            }
            ApiError::RateLimited { retry_after_secs } => {
                format!("Terlalu banyak permintaan atau percobaan gagal. Coba lagi dalam {retry_after_secs} detik.")
            }
            ApiError::HelperOutdated { min_version, .. } => format!(
                "Versi aplikasi DB Helper sudah tidak didukung. Perbarui aplikasi ke versi {min_version} atau yang \
                 lebih baru melalui halaman unduhan, lalu kirim ulang."
            ),
            ApiError::SessionNotFound => "Sesi pengiriman tidak ditemukan. Mulai pengiriman baru.".into(),
            ApiError::SessionClosed(state) => match state {
                SessionState::Committed => "Sesi pengiriman ini sudah selesai.".into(),
                SessionState::Expired => "Sesi pengiriman ini kedaluwarsa. Mulai pengiriman baru.".into(),
                SessionState::Superseded => {
                    "Sesi pengiriman ini digantikan oleh pengiriman yang lebih baru dari sekolah yang sama.".into()
                }
                SessionState::Open => "Sesi pengiriman tidak dapat menerima data.".into(),
            },
            ApiError::BatchOutOfRange { kind, seq, batches } => {
                format!("Batch {seq} untuk {} di luar jumlah batch yang dinyatakan ({batches}).", kind.label())
            }
            ApiError::BatchConflict { kind, seq } => {
                format!("Batch {seq} untuk {} sudah diterima dengan isi berbeda.", kind.label())
            }
            ApiError::BatchHashMismatch { .. } => {
                "Isi batch tidak sesuai dengan hash yang dinyatakan (data rusak dalam perjalanan). Kirim ulang.".into()
            }
            ApiError::BatchUnknownHash => "Server tidak menyimpan batch dengan hash tersebut; kirim isinya.".into(),
            ApiError::PayloadTooLarge { limit } => {
                format!("Data terlalu besar (batas {} KiB).", limit / 1024)
            }
            ApiError::UnsupportedEncoding(e) => {
                format!("Content-Encoding '{e}' tidak didukung; gunakan zstd, gzip atau identity.")
            }
            ApiError::DecompressionFailed(e) => format!("Isi batch bukan data {e} yang valid."),
            ApiError::InvalidRow { kind, index, detail } => {
                format!("{} baris ke-{} tidak sesuai format: {detail}", kind.label(), index + 1)
            }
            ApiError::DuplicateRow { kind, id, .. } => {
                format!("{}: id {id} muncul lebih dari sekali.", kind.label())
            }
            ApiError::SessionIncomplete(_) => {
                "Masih ada batch yang belum diterima server; lanjutkan pengiriman sebelum menyelesaikan.".into()
            }
            ApiError::CountMismatch { kind, expected, received } => format!(
                "Jumlah {} yang diterima ({received}) berbeda dengan yang dinyatakan ({expected}).",
                kind.label()
            ),
            ApiError::NotFound => "Data atau alamat tidak ditemukan.".into(),
            ApiError::MethodNotAllowed => "Metode HTTP tidak didukung untuk alamat ini.".into(),
            ApiError::Unavailable => "Server sedang sibuk atau dimatikan. Coba lagi sebentar lagi.".into(),
            ApiError::Internal(_) => "Terjadi kesalahan pada server. Coba lagi nanti.".into(),
        }
    }

    pub fn details(&self) -> Option<Value> {
        match self {
            ApiError::HelperOutdated {
                min_version,
                download_url,
            } => Some(json!({"min_version": min_version, "download_url": download_url})),
            ApiError::SessionClosed(state) => Some(json!({"state": state})),
            ApiError::BatchOutOfRange { kind, seq, batches } => {
                Some(json!({"kind": kind, "seq": seq, "batches": batches}))
            }
            ApiError::BatchConflict { kind, seq } => Some(json!({"kind": kind, "seq": seq})),
            ApiError::BatchHashMismatch { declared, actual } => {
                Some(json!({"declared": declared, "actual": actual}))
            }
            ApiError::PayloadTooLarge { limit } => Some(json!({"limit_bytes": limit})),
            ApiError::InvalidRow {
                kind,
                index,
                detail,
            } => Some(json!({"kind": kind, "index": index, "detail": detail})),
            ApiError::DuplicateRow { kind, index, id } => {
                Some(json!({"kind": kind, "index": index, "id": id}))
            }
            ApiError::SessionIncomplete(p) => Some(p.details()),
            ApiError::CountMismatch {
                kind,
                expected,
                received,
            } => Some(json!({"kind": kind, "expected": expected, "received": received})),
            ApiError::RateLimited { retry_after_secs } => {
                Some(json!({"retry_after_secs": retry_after_secs}))
            }
            _ => None,
        }
    }

    pub fn body(&self) -> ApiErrorBody {
        let body = ApiErrorBody::new(self.code(), self.message());
        match self.details() {
            Some(d) => body.with_details(d),
            None => body,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Internal(cause) => write!(f, "internal: {cause}"),
            other => write!(f, "{}: {}", other.code().as_str(), other.message()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = %cause, "internal error"),
            other if status.is_server_error() => {
                tracing::warn!(code = other.code().as_str(), "server error")
            }
            other => tracing::debug!(code = other.code().as_str(), "request refused"),
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::SessionNotFound => ApiError::SessionNotFound,
            StoreError::ForbiddenNpsn => ApiError::ForbiddenNpsn,
            StoreError::SessionClosed(s) => ApiError::SessionClosed(s),
            StoreError::BatchConflict { kind, seq, .. } => ApiError::BatchConflict { kind, seq },
            StoreError::UnknownHash => ApiError::BatchUnknownHash,
            StoreError::UnknownSchool(_) => ApiError::NotFound,
            StoreError::Db(sqlx::Error::PoolTimedOut) => ApiError::Unavailable,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<DecodeError> for ApiError {
    fn from(e: DecodeError) -> ApiError {
        match e {
            DecodeError::DecompressionFailed(enc) => ApiError::DecompressionFailed(enc),
            DecodeError::TooLarge { limit } => ApiError::PayloadTooLarge { limit },
            DecodeError::HashMismatch { declared, actual } => {
                ApiError::BatchHashMismatch { declared, actual }
            }
            DecodeError::NotAnArray(why) => {
                ApiError::InvalidRequest(format!("isi batch bukan larik JSON ({why})"))
            }
            DecodeError::Empty => ApiError::InvalidRequest("batch tidak berisi baris".into()),
            DecodeError::TooManyRows { rows, limit } => {
                ApiError::InvalidRequest(format!("batch berisi {rows} baris, maksimal {limit}"))
            }
            DecodeError::InvalidRow {
                kind,
                index,
                detail,
            } => ApiError::InvalidRow {
                kind,
                index,
                detail,
            },
            DecodeError::DuplicateRow { kind, index, id } => {
                ApiError::DuplicateRow { kind, index, id }
            }
        }
    }
}

impl From<CommitProblem> for ApiError {
    fn from(p: CommitProblem) -> ApiError {
        match p {
            p @ CommitProblem::Incomplete(_) => ApiError::SessionIncomplete(p),
            CommitProblem::CountMismatch {
                kind,
                expected,
                received,
            } => ApiError::CountMismatch {
                kind,
                expected,
                received,
            },
            CommitProblem::InvalidRow {
                kind,
                index,
                detail,
            } => ApiError::InvalidRow {
                kind,
                index,
                detail,
            },
            CommitProblem::DuplicateRow { kind, index, id } => {
                ApiError::DuplicateRow { kind, index, id }
            }
            p @ CommitProblem::Corrupt { .. } => ApiError::Internal(p.to_string()),
        }
    }
}

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;

//! The error body of every 4xx/5xx answer: `{"error": "<stable_code>", "message": "<Indonesian>"}`.

use serde::{Deserialize, Serialize};

/// Stable error codes. The helper maps them to advice; tools may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed JSON, missing or invalid field, bad path segment.
    InvalidRequest,
    /// No or unknown bearer token.
    Unauthorized,
    /// The token was replaced by a newer enrollment (PC replaced); enroll again.
    TokenRevoked,
    /// The token belongs to another school.
    ForbiddenNpsn,
    /// Unknown NPSN or wrong kode registrasi (one code for both: no enumeration).
    EnrollRefused,
    /// Too many requests or failed attempts; retry later.
    RateLimited,
    /// Helper version below the district's minimum.
    HelperOutdated,
    SessionNotFound,
    /// The session is committed, expired or replaced by a newer one.
    SessionClosed,
    BatchOutOfRange,
    /// Same (session, kind, seq) already holds different content.
    BatchConflict,
    /// Body does not match its declared SHA-256.
    BatchHashMismatch,
    /// A batch reference names content the server does not hold for this school.
    BatchUnknownHash,
    PayloadTooLarge,
    UnsupportedEncoding,
    DecompressionFailed,
    /// A row is not of the kind's shape; `details` has kind and index.
    InvalidRow,
    DuplicateRow,
    /// Commit asked before every declared batch arrived; `details.missing` lists them.
    SessionIncomplete,
    /// Received rows differ from the declared counts.
    CountMismatch,
    NotFound,
    /// The server is shutting down or overloaded; retry.
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::TokenRevoked => "token_revoked",
            ErrorCode::ForbiddenNpsn => "forbidden_npsn",
            ErrorCode::EnrollRefused => "enroll_refused",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::HelperOutdated => "helper_outdated",
            ErrorCode::SessionNotFound => "session_not_found",
            ErrorCode::SessionClosed => "session_closed",
            ErrorCode::BatchOutOfRange => "batch_out_of_range",
            ErrorCode::BatchConflict => "batch_conflict",
            ErrorCode::BatchHashMismatch => "batch_hash_mismatch",
            ErrorCode::BatchUnknownHash => "batch_unknown_hash",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedEncoding => "unsupported_encoding",
            ErrorCode::DecompressionFailed => "decompression_failed",
            ErrorCode::InvalidRow => "invalid_row",
            ErrorCode::DuplicateRow => "duplicate_row",
            ErrorCode::SessionIncomplete => "session_incomplete",
            ErrorCode::CountMismatch => "count_mismatch",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// HTTP status the server answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest
            | ErrorCode::BatchOutOfRange
            | ErrorCode::BatchHashMismatch
            | ErrorCode::DecompressionFailed => 400,
            ErrorCode::Unauthorized | ErrorCode::TokenRevoked => 401,
            ErrorCode::ForbiddenNpsn | ErrorCode::EnrollRefused => 403,
            ErrorCode::SessionNotFound | ErrorCode::BatchUnknownHash | ErrorCode::NotFound => 404,
            ErrorCode::SessionClosed
            | ErrorCode::BatchConflict
            | ErrorCode::SessionIncomplete
            | ErrorCode::DuplicateRow => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedEncoding => 415,
            ErrorCode::InvalidRow | ErrorCode::CountMismatch => 422,
            ErrorCode::HelperOutdated => 426,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// Whether the helper should retry the same request later unchanged.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimited | ErrorCode::Unavailable | ErrorCode::Internal
        )
    }
}

/// The JSON error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Stable code (see [`ErrorCode`]); kept as a string so a newer server's codes still parse.
    pub error: String,
    /// Indonesian text for the operator.
    pub message: String,
    /// Machine-readable specifics (e.g. `{"kind": "ptk", "index": 3}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ApiErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiErrorBody {
            error: code.as_str().to_owned(),
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// The code, if this build knows it.
    pub fn code(&self) -> Option<ErrorCode> {
        serde_json::from_value(serde_json::Value::String(self.error.clone())).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_codes_match_serde_names() {
        let all = [
            ErrorCode::InvalidRequest,
            ErrorCode::Unauthorized,
            ErrorCode::TokenRevoked,
            ErrorCode::ForbiddenNpsn,
            ErrorCode::EnrollRefused,
            ErrorCode::RateLimited,
            ErrorCode::HelperOutdated,
            ErrorCode::SessionNotFound,
            ErrorCode::SessionClosed,
            ErrorCode::BatchOutOfRange,
            ErrorCode::BatchConflict,
            ErrorCode::BatchHashMismatch,
            ErrorCode::BatchUnknownHash,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedEncoding,
            ErrorCode::DecompressionFailed,
            ErrorCode::InvalidRow,
            ErrorCode::DuplicateRow,
            ErrorCode::SessionIncomplete,
            ErrorCode::CountMismatch,
            ErrorCode::NotFound,
            ErrorCode::Unavailable,
            ErrorCode::Internal,
        ];
        for code in all {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
            let body = ApiErrorBody::new(code, "x");
            assert_eq!(body.code(), Some(code));
            assert!((400..600).contains(&code.http_status()));
        }
        let unknown = ApiErrorBody {
            error: "future_code".into(),
            message: String::new(),
            details: None,
        };
        assert_eq!(unknown.code(), None);
    }
}

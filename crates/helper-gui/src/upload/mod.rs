//! Talking to the district server: the protocol client and the retry policy.

pub mod client;
pub mod retry;

pub use client::{ServerClient, ServerError};
pub use retry::Backoff;

use shared_model::protocol::ErrorCode;

use crate::failure::{Failure, FailureKind};

/// What a server error means for the operator.
pub fn to_failure(e: &ServerError) -> Failure {
    match e {
        ServerError::Unreachable(detail) => {
            Failure::with_detail(FailureKind::ServerUnreachable, detail.clone())
        }
        ServerError::Api { body, status, .. } => {
            let kind = match body.code() {
                Some(ErrorCode::HelperOutdated) => FailureKind::HelperOutdated,
                Some(ErrorCode::Unauthorized) => FailureKind::NeedKodeRegistrasi,
                Some(ErrorCode::TokenRevoked) => FailureKind::TokenRevoked,
                Some(ErrorCode::EnrollRefused) => FailureKind::EnrollRefused,
                Some(ErrorCode::RateLimited | ErrorCode::Unavailable | ErrorCode::Internal) => {
                    FailureKind::ServerBusy
                }
                None if *status >= 500 => FailureKind::ServerBusy,
                _ => FailureKind::ServerRefused,
            };
            let detail = if body.message.trim().is_empty() {
                format!("kode {}", body.error)
            } else {
                format!("{} (kode {})", body.message.trim(), body.error)
            };
            Failure::with_detail(kind, detail)
        }
        ServerError::Http { status, .. } if *status >= 500 || *status == 429 => {
            Failure::with_detail(FailureKind::ServerBusy, format!("HTTP {status}"))
        }
        ServerError::Http {
            status, snippet, ..
        } => Failure::with_detail(
            FailureKind::ServerRefused,
            format!("HTTP {status}: {snippet}"),
        ),
        ServerError::Protocol(detail) => {
            Failure::with_detail(FailureKind::ServerRefused, detail.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::protocol::ApiErrorBody;

    #[test]
    fn refusals_keep_the_servers_message() {
        let e = ServerError::Api {
            status: 422,
            body: Box::new(ApiErrorBody::new(
                ErrorCode::InvalidRow,
                "Baris PTK ke-3 tidak valid",
            )),
            retry_after: None,
        };
        let f = to_failure(&e);
        assert_eq!(f.kind, FailureKind::ServerRefused);
        assert!(f.detail.unwrap().contains("Baris PTK ke-3 tidak valid"));
        let revoked = ServerError::Api {
            status: 401,
            body: Box::new(ApiErrorBody::new(ErrorCode::TokenRevoked, "x")),
            retry_after: None,
        };
        assert_eq!(to_failure(&revoked).kind, FailureKind::TokenRevoked);
        assert_eq!(
            to_failure(&ServerError::Unreachable("x".into())).kind,
            FailureKind::ServerUnreachable
        );
    }
}

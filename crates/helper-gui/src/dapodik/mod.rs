//! Reading the local Dapodik Web Service.

pub mod client;

pub use client::{DapodikClient, Pulled};

use shared_model::webservice::DapodikFailure;

use crate::failure::{Failure, FailureKind};

/// Maps shared-model's classification onto what the operator must do.
pub fn to_failure(f: &DapodikFailure) -> Failure {
    let kind = match f {
        DapodikFailure::NotRunning | DapodikFailure::ConnectionLost { .. } => {
            FailureKind::DapodikUnreachable
        }
        DapodikFailure::Timeout => FailureKind::DapodikTimeout,
        DapodikFailure::AccessDenied => FailureKind::DapodikAccessDenied,
        DapodikFailure::TokenInvalid => FailureKind::DapodikTokenInvalid,
        DapodikFailure::IpNotRegistered => FailureKind::DapodikIpNotRegistered,
        DapodikFailure::NpsnUnknown | DapodikFailure::NpsnMissing => {
            FailureKind::DapodikNpsnUnknown
        }
        DapodikFailure::NoActiveSemester => FailureKind::DapodikNoSemester,
        DapodikFailure::SchoolDataMissing => FailureKind::DapodikNoSchool,
        DapodikFailure::EndpointMissing { .. } => FailureKind::DapodikEndpointMissing,
        DapodikFailure::ServerError { .. } | DapodikFailure::DatabaseDown => {
            FailureKind::DapodikServerError
        }
        DapodikFailure::Other { .. } => FailureKind::DapodikRefused,
        DapodikFailure::Malformed { .. } => FailureKind::DapodikBadResponse,
    };
    let detail = match f {
        DapodikFailure::Other { message, .. } => Some(format!("Pesan Dapodik: {message}")),
        DapodikFailure::Malformed { detail } | DapodikFailure::ConnectionLost { detail } => {
            Some(detail.clone())
        }
        DapodikFailure::EndpointMissing { endpoint } => {
            Some(format!("layanan {}", endpoint.path()))
        }
        DapodikFailure::DatabaseDown => Some(f.message_id()),
        DapodikFailure::ServerError { status } => Some(format!("HTTP {status}")),
        _ => None,
    };
    Failure {
        kind,
        detail,
        download_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dapodik_failure_maps() {
        use shared_model::webservice::Endpoint;
        let cases = [
            (DapodikFailure::NotRunning, FailureKind::DapodikUnreachable),
            (DapodikFailure::Timeout, FailureKind::DapodikTimeout),
            (
                DapodikFailure::TokenInvalid,
                FailureKind::DapodikTokenInvalid,
            ),
            (
                DapodikFailure::IpNotRegistered,
                FailureKind::DapodikIpNotRegistered,
            ),
            (DapodikFailure::NpsnUnknown, FailureKind::DapodikNpsnUnknown),
            (
                DapodikFailure::AccessDenied,
                FailureKind::DapodikAccessDenied,
            ),
            (
                DapodikFailure::EndpointMissing {
                    endpoint: Endpoint::Gtk,
                },
                FailureKind::DapodikEndpointMissing,
            ),
            (
                DapodikFailure::Other {
                    http_code: Some(403),
                    message: "x".into(),
                },
                FailureKind::DapodikRefused,
            ),
        ];
        for (f, kind) in cases {
            assert_eq!(to_failure(&f).kind, kind, "{f:?}");
        }
        assert!(
            to_failure(&DapodikFailure::Other {
                http_code: None,
                message: "Anda tidak berhak".into()
            })
            .detail
            .unwrap()
            .contains("Anda tidak berhak")
        );
    }
}

//! What a server error means for a send: open a new session, replace the school token, or
//! stop with a failure for the operator (with the download link when the helper is too old).

use shared_model::protocol::ErrorCode;

use super::Engine;
use crate::failure::{Failure, FailureKind};
use crate::upload::{self, ServerClient, ServerError};

pub(super) enum UploadError {
    /// The session is closed/expired/superseded: open a new one.
    SessionGone,
    /// The school token is no longer valid.
    TokenInvalid(FailureKind, String),
    Fail(Failure),
}

impl From<Failure> for UploadError {
    fn from(f: Failure) -> Self {
        UploadError::Fail(f)
    }
}

impl Engine {
    /// A server call retried like [`Engine::with_retry`]; a final error is classified.
    pub(super) async fn call<T, F, Fut>(
        &self,
        what: &str,
        server: &ServerClient,
        op: F,
    ) -> Result<T, UploadError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ServerError>>,
    {
        match self.with_retry(what, op).await {
            Ok(v) => Ok(v),
            Err(e) => Err(self.classify(server, e).await),
        }
    }

    pub(super) async fn classify(&self, server: &ServerClient, e: ServerError) -> UploadError {
        match e.code() {
            Some(ErrorCode::SessionClosed | ErrorCode::SessionNotFound) => UploadError::SessionGone,
            Some(ErrorCode::Unauthorized) => {
                UploadError::TokenInvalid(FailureKind::NeedKodeRegistrasi, e.to_string())
            }
            Some(ErrorCode::TokenRevoked) => {
                UploadError::TokenInvalid(FailureKind::TokenRevoked, e.to_string())
            }
            _ => UploadError::Fail(self.server_failure(server, &e).await),
        }
    }

    pub(super) async fn server_failure(&self, server: &ServerClient, e: &ServerError) -> Failure {
        let mut f = upload::to_failure(e);
        if f.kind == FailureKind::HelperOutdated {
            f.download_url = self.download_url(server).await;
        }
        f
    }
}

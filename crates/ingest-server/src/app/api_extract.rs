//! Extractors whose rejections are [`ApiError`]s (JSON bodies with stable codes).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shared_model::protocol::MAX_JSON_BODY_BYTES;

use crate::app::AppState;
use crate::app::api_error::ApiError;
use crate::app::body::read_limited;

/// A JSON request body (at most [`MAX_JSON_BODY_BYTES`]).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(enc) = req.headers().get(axum::http::header::CONTENT_ENCODING) {
            let enc = enc.to_str().unwrap_or("?").trim().to_ascii_lowercase();
            if !enc.is_empty() && enc != "identity" {
                return Err(ApiError::UnsupportedEncoding(enc));
            }
        }
        let bytes = read_limited(req, MAX_JSON_BODY_BYTES).await?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| ApiError::InvalidRequest(format!("JSON tidak valid: {e}")))
    }
}

/// Path parameters; a bad segment is `400 invalid_request`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::InvalidRequest(format!("alamat tidak valid: {e}")))
    }
}

/// The client's address (the socket peer, or `X-Forwarded-For` when configured).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientIp(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(peer.unwrap_or(IpAddr::from([0, 0, 0, 0]))))
    }
}

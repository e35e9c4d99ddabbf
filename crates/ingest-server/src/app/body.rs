//! Reading request bodies with a hard cap.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use bytes::BytesMut;
use http_body_util::BodyExt;

use crate::app::api_error::ApiError;

/// After refusing an oversized body, read and discard at most this much more of it (for at
/// most [`DRAIN_TIMEOUT`]) so the client can read the JSON refusal: closing a connection with
/// unread data makes TCP reset it, which can destroy the answer before the client sees it.
const DRAIN_MAX: u64 = 8 * 1024 * 1024;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Reads the whole body, refusing (`413 payload_too_large`) once it passes `limit` bytes.
/// Never buffers more than `limit` bytes.
pub async fn read_limited(req: Request, limit: usize) -> Result<Bytes, ApiError> {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = req.into_body();
    if let Some(len) = declared
        && len > limit as u64
    {
        if len <= limit as u64 + DRAIN_MAX {
            drain(body, 0).await;
        }
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut buf = BytesMut::with_capacity(declared.map_or(64 * 1024, |l| l as usize).min(limit));
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::InvalidRequest(format!("isi permintaan tidak terbaca: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                drain(body, (buf.len() + data.len()) as u64).await;
                return Err(ApiError::PayloadTooLarge { limit });
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// Reads and drops the rest of `body` (bounded in bytes and time).
async fn drain(mut body: Body, already: u64) {
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, async move {
        let mut seen = already;
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                seen += data.len() as u64;
                if seen > DRAIN_MAX + already {
                    break;
                }
            }
        }
    })
    .await;
}

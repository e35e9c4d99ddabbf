//! The middleware around every route: compression, panic guard, tracing, request ids.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate as _, SizeAbove};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use crate::app::api_error::ApiError;

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("handler panicked".into()).into_response()
}

/// Adds the standard middleware stack to `routes`.
pub fn layered(routes: Router<AppState>) -> Router<AppState> {
    let request_id = HeaderName::from_static("x-request-id");
    routes
        // Small answers (batch acknowledgements) are not worth a compressor context.
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(SizeAbove::new(1024))))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = id)
                })
                .on_response(
                    |res: &Response, latency: Duration, _span: &tracing::Span| {
                        let status = res.status();
                        if status.is_server_error() {
                            tracing::warn!(status = status.as_u16(), ms = latency.as_millis() as u64, "response");
                        } else {
                            tracing::debug!(status = status.as_u16(), ms = latency.as_millis() as u64, "response");
                        }
                    },
                ),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

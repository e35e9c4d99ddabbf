//! `GET /healthz`: the process runs and the database answers.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::app::api_error::{ApiError, ApiResult};

pub async fn healthz(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "health check: database unreachable");
        ApiError::Unavailable
    })?;
    Ok(Json(
        json!({"status": "ok", "database": state.store.backend().name(), "version": env!("CARGO_PKG_VERSION")}),
    ))
}

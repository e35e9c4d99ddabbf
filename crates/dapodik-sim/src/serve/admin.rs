//! Small JSON admin API outside `/WebService`, for tests and manual runs:
//! `GET|PUT|PATCH|DELETE /__sim/faults`, `GET /__sim/stats`, `GET /__sim/health`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::App;
use super::faults::Faults;

pub async fn get_faults(State(app): State<Arc<App>>) -> Json<Faults> {
    Json(app.faults.get())
}

/// Replaces the whole configuration (missing fields take their defaults).
pub async fn put_faults(State(app): State<Arc<App>>, Json(faults): Json<Faults>) -> Json<Faults> {
    tracing::info!(?faults, "faults replaced");
    app.faults.set(faults);
    Json(app.faults.get())
}

/// Merges the given top-level fields into the current configuration.
pub async fn patch_faults(State(app): State<Arc<App>>, Json(patch): Json<Value>) -> Response {
    let Value::Object(patch) = patch else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "expected a JSON object"})),
        )
            .into_response();
    };
    let mut current = match serde_json::to_value(app.faults.get()) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    current.extend(patch);
    match serde_json::from_value::<Faults>(Value::Object(current)) {
        Ok(faults) => {
            tracing::info!(?faults, "faults patched");
            app.faults.set(faults);
            Json(app.faults.get()).into_response()
        }
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

pub async fn delete_faults(State(app): State<Arc<App>>) -> Json<Faults> {
    app.faults.reset();
    Json(app.faults.get())
}

/// Request counts per Web Service path name.
pub async fn stats(State(app): State<Arc<App>>) -> Json<Value> {
    let by_endpoint = app.stats.lock().map(|s| s.clone()).unwrap_or_default();
    let total: u64 = by_endpoint.values().sum();
    Json(json!({"schools": app.store.len(), "requests": total, "by_endpoint": by_endpoint}))
}

pub async fn health() -> &'static str {
    "ok"
}
